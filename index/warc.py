"""Reading one capture back from the raw WARC archive, for the crawler's reparse and for
``sitrep archived``/``cite``: a reader that needs warcio only, not Scrapy."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator


def read_capture(folder: str | Path, name: str, offset: int) -> tuple[str, int, bytes]:
    """(url, status, body) of the capture at ``offset`` in ``name``."""
    with (Path(folder) / name).open("rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            status = int(record.http_headers.get_statuscode()) if record.http_headers else 0
            return record.rec_headers.get_header("WARC-Target-URI"), status, record.content_stream().read()
    raise ValueError(f"no WARC record at {name}:{offset}")
