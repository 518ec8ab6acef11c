"""Reading one capture back from the raw WARC archive (the crawler writes it, ``crawler.archive``).

It lives in the index stage because two layers read captures: the crawler's ``reparse`` and the
web server's archived-copy page, which must not import the crawler. The store says where each
capture is (file, offset); this reads that one gzip member and nothing else.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path


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


def read_capture(folder: str | Path, name: str, offset: int, limit: int | None = None) -> Capture:
    """The capture at ``offset`` in the WARC file ``name`` of ``folder``, its body decoded as a
    client would (the archive keeps a gzip-encoded page as it was sent).

    ``name`` comes from the record store; it must be a plain file name, so a damaged or edited
    store can never make this read outside the WARC folder. With ``limit``, at most
    ``limit + 1`` bytes are decoded: a caller can tell an oversized (or compression-bomb) payload
    from a whole one without holding all of it.
    """
    from warcio.archiveiterator import ArchiveIterator  # only readers of captures pay for warcio

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
                body=_read(record.content_stream(), limit),
            )
    raise ValueError(f"no WARC record at {name}:{offset}")


def _read(stream: io.RawIOBase, limit: int | None) -> bytes:
    """All of ``stream``, or its first ``limit + 1`` bytes (reads may return less than asked)."""
    if limit is None:
        return stream.read()
    parts, size = [], 0
    while size <= limit:
        chunk = stream.read(min(65536, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)
