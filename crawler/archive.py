"""The raw archive: every response the spider receives, as standard WARC files (warcio).

One gzipped WARC per crawl run under ``<data>/warc/``; each record is its own gzip member, so
the store's (file, offset, length) lookup reads one capture without scanning the file, and
other web-archive tools (pywb, warcio index) read the files as they are. Reading a capture back
is ``sitrep.index.warc`` (the web server reads captures too and must not import the crawler).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


class WarcArchive:
    def __init__(self, folder: str | Path, name: str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.name = f"{name}.warc.gz"
        self.fh = (self.folder / self.name).open("ab")

    def write(
        self, url: str, status: int, reason: str, headers: list[tuple[str, str]], body: bytes, fetched_at: str
    ) -> tuple[int, int]:
        """Append one response record (its own gzip member); returns its (offset, length) in the file.

        Compressed at level 1: warcio's level 9 cost the crawl's thread 0.5 ms a page for a few
        per cent of disk.
        """
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=False)
        http_headers = StatusAndHeaders(f"{status} {reason or 'OK'}", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),  # known: warcio need not spool the body to a temporary file to measure it
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": fetched_at},
        )
        writer.write_record(record)
        member = gzip.compress(buffer.getvalue(), compresslevel=1)
        offset = self.fh.tell()
        self.fh.write(member)
        self.fh.flush()
        return offset, len(member)

    def close(self) -> None:
        self.fh.close()
