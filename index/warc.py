"""Reading one capture back from the raw WARC archive (the crawler writes it, ``crawler.archive``).

It lives in the index stage because two layers read captures: the crawler's ``reparse`` and the
web server's archived-copy page, which must not import the crawler. The store says where each
capture is (file, offset); this reads that one gzip member and nothing else.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator


@dataclasses.dataclass(frozen=True)
class Capture:
    """One fetched response as archived: where it came from, when, and the bytes received."""

    url: str
    fetched_at: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "content-type"), "")


def read_capture(folder: str | Path, name: str, offset: int) -> Capture:
    """The capture at ``offset`` in the WARC file ``name`` of ``folder``.

    ``name`` comes from the record store; it must be a plain file name, so a damaged or edited
    store can never make this read outside the WARC folder.
    """
    if not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"not a WARC file name: {name!r}")
    with (Path(folder) / name).open("rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            http = record.http_headers
            return Capture(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                fetched_at=record.rec_headers.get_header("WARC-Date") or "",
                status=int(http.get_statuscode()) if http else 0,
                headers=tuple(http.headers) if http else (),
                body=record.content_stream().read(),
            )
    raise ValueError(f"no WARC record at {name}:{offset}")
