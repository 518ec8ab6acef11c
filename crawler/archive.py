"""The raw archive: every response the crawler receives, as standard WARC files (warcio).

One gzipped WARC per crawl run under ``<data>/warc/``, opened by a ``warcinfo`` record; each
exchange is a ``response`` record and a ``request`` record tied to it by ``WARC-Concurrent-To``,
each its own gzip member, so the store's (file, offset, length) lookup reads one capture without
scanning the file, and other web-archive tools (pywb, warcio) read the files as they are.

A 304 Not Modified (the answer to ``--refresh``'s conditional requests) is a ``revisit`` record
of the WARC ``server-not-modified`` profile, referring to the capture it confirms: the archive
says the page was checked then, and a reader finds the body in that earlier capture.

The payload is kept as the server sent it: a gzip-encoded page stays gzip-encoded, with its own
``Content-Encoding`` and ``Content-Length``, so replay tools decode it as a browser would. The
one exception is chunked transfer coding, which the HTTP client removes before sitrep sees the
body: its header is kept as ``X-Archive-Orig-Transfer-Encoding`` and no ``Content-Length`` is
invented, so a reader takes the record's block as the whole payload.
Reading a capture back is ``sitrep.index.warc`` (the web server reads captures too and must not
import the crawler).
"""

from __future__ import annotations

import gzip
import http
import io
from collections.abc import Iterable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sitrep import __version__

WARC_VERSION = WARCWriter(io.BytesIO()).warc_version.removeprefix("WARC/")  # what the records say they are

NOT_MODIFIED = "http://netpreserve.org/warc/{version}/revisit/server-not-modified"  # the WARC standard's profile
HOP_BY_HOP = ("transfer-encoding",)  # undone by the HTTP client (Twisted also drops the header; others may not)


def reason_phrase(status: int) -> str:
    """The standard reason phrase of a status ("Not Found" for 404); Scrapy does not keep the server's own."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def archived_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The response headers as stored: as received, hop-by-hop codings renamed ``X-Archive-Orig-*``."""
    return [(f"X-Archive-Orig-{k}" if k.lower() in HOP_BY_HOP else k, v) for k, v in headers]


class WarcArchive:
    def __init__(self, folder: str | Path, name: str, operator: str = "") -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.name = f"{name}.warc.gz"
        self.fh = (self.folder / self.name).open("ab")
        if self.fh.tell() == 0:
            self._info(operator)

    def _member(self, record_type: str, url: str | None, **kwargs: object) -> tuple[bytes, str]:
        """One record as its own gzip member, and its WARC-Record-ID.

        Compressed at level 1: warcio's level 9 cost the crawl's thread 0.5 ms a page for a few
        per cent of disk.
        """
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=False)
        if record_type == "warcinfo":
            record = writer.create_warcinfo_record(self.name, kwargs["info"])  # type: ignore[arg-type]
        else:
            record = writer.create_warc_record(url, record_type, **kwargs)  # type: ignore[arg-type]
        writer.write_record(record)
        return gzip.compress(buffer.getvalue(), compresslevel=1), record.rec_headers.get_header("WARC-Record-ID")

    def _append(self, *members: bytes) -> int:
        """Append whole members and make them durable; an error (a full disk) leaves no part behind."""
        offset = self.fh.tell()
        try:
            self.fh.write(b"".join(members))
            self.fh.flush()
        except OSError:
            self.fh.truncate(offset)  # never leave half a record for readers to trip on
            raise
        return offset

    def _info(self, operator: str) -> None:
        info = {"software": f"sitrep/{__version__} (Scrapy, warcio)", "format": "WARC File Format 1.1"}
        if operator:
            info["operator"] = operator
        member, _ = self._member("warcinfo", None, info=info)
        self._append(member)

    def write(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: str,
        request_line: str = "",
        request_headers: list[tuple[str, str]] | None = None,
        ip_address: str = "",
        refers_to: tuple[str, str] | None = None,
    ) -> tuple[int, int]:
        """Append one response record (and its request record); returns the response's (offset, length).

        A 304 becomes a ``revisit`` record; ``refers_to`` is the (URL, WARC-Date) of the capture
        it confirms, when the store has one.
        """
        warc_headers = {"WARC-Date": fetched_at}
        if ip_address:
            warc_headers["WARC-IP-Address"] = ip_address
        record_type = "revisit" if status == 304 else "response"
        if record_type == "revisit":
            warc_headers["WARC-Profile"] = NOT_MODIFIED.format(version=WARC_VERSION)
            if refers_to:
                warc_headers["WARC-Refers-To-Target-URI"], warc_headers["WARC-Refers-To-Date"] = refers_to
        http_headers = StatusAndHeaders(
            f"{status} {reason_phrase(status)}", archived_headers(headers), protocol="HTTP/1.1"
        )
        response, response_id = self._member(
            record_type,
            url,
            payload=io.BytesIO(body),
            length=len(body),  # known: warcio need not spool the body to a temporary file to measure it
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        members = [response]
        if request_line:
            request_http = StatusAndHeaders(request_line, request_headers or [], protocol="", is_http_request=True)
            request, _ = self._member(
                "request",
                url,
                payload=io.BytesIO(b""),
                length=0,
                http_headers=request_http,
                warc_headers_dict={"WARC-Date": fetched_at, "WARC-Concurrent-To": response_id},
            )
            members.append(request)
        offset = self._append(*members)
        return offset, len(response)

    def close(self) -> None:
        self.fh.close()
