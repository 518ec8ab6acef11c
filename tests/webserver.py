"""Real servers for the web tests: the app under uvicorn on 127.0.0.1 (in a thread, or as a
`sitrep serve` process), plain HTTP from the standard library, and a small hostile archive."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import uvicorn

from sitrep.config import Settings, load
from sitrep.crawler.archive import WarcArchive
from sitrep.crawler.assemble import assembler
from sitrep.index.store import RecordStore
from sitrep.index.writing import update_index
from sitrep.record import Record, finish
from sitrep.web import create_app
from tests.conftest import ROOT, SITREP


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


class Served:
    """``create_app(settings)`` under uvicorn in a background thread, on a free loopback port."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.app = create_app(settings, **options)
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "the server did not start"
            time.sleep(0.02)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return get(self.url + path, headers)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def serve_process(settings_path: Path, *args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    """`sitrep serve` as a user runs it; returns the process, the URL it printed and its lines."""
    proc = subprocess.Popen(
        [*SITREP, "--settings", str(settings_path), "serve", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        found = re.search(r"at (http://\S+)/ ", line)
        if found:
            return proc, found.group(1), lines
    proc.wait(10)
    proc.stderr.close()
    raise AssertionError("sitrep serve did not start: " + "".join(lines))


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(30)
    if proc.stderr:
        proc.stderr.close()


# --- the hostile archive ------------------------------------------------------------------------

SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
CYRILLIC = "Нефть и армия: Минск ждёт ответа"
ARCHIVED_HTML = (
    "<!DOCTYPE html><html><head><title>archived</title>"
    '<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">'
    '<base href="https://evil.example/">'
    "<script>document.title = 'pwned'; window.pwned = true;</script></head>"
    '<body><h1 id="headline">Archived headline</h1>'
    '<a id="out" href="https://evil.example/away">away</a> '
    '<a id="in" href="/security-issues/hostile-2/">the other text</a> '
    '<img id="pic" src="https://evil.example/pixel.png" alt="">'
    "</body></html>"
)


def hostile_record(i: int, title: str, body: str, lang: str = "en") -> Record:
    url = f"https://belarusinfocus.pro/security-issues/hostile-{i}/"
    start = dt.date(2016, 11, 28) + dt.timedelta(weeks=i)
    return finish(
        Record(
            id=f"{i:016x}",
            site="belarusinfocus",
            url=url,
            urls=(url,),
            lang=lang,
            layout="current",
            title=title,
            lead=f"Oil lead {i}. {SCRIPT}",
            body=(body, f"{IMG} and more oil."),
            week_start=start.isoformat(),
            week_end=(start + dt.timedelta(days=6)).isoformat(),
            date_source="week",
            topic="security-issues",
            topic_label=f"Security {IMG}",
            trend="worsened",
            author=f"Anna {IMG}",
            countries=("BY", "AZ"),
            country_counts=(("BY", 2), ("AZ", 1)),
            captions=(SCRIPT,),
        )
    )


def hostile_archive(folder: Path) -> Settings:
    """Records whose every text field holds script, an attribute break-out and Cyrillic, and
    WARC captures of a page that tries to run script, redirect and load from elsewhere."""
    settings = load(path=None, environ={}, overrides={"storage.data_dir": str(folder)})
    records = [
        hostile_record(1, f"Oil {SCRIPT} {IMG} {CYRILLIC}", f"Oil and army {SCRIPT}. {CYRILLIC}."),
        hostile_record(2, f"Army {IMG}", f"Army only {SCRIPT}."),
    ]
    warc = WarcArchive(folder / "warc", "hostile")
    with RecordStore(folder, assemble=assembler(settings.site)) as store:
        for record in records:
            store.add_page(record)
            body = ARCHIVED_HTML.encode() if record.id.endswith("1") else b"<html><body>second</body></html>"
            offset, length = warc.write(
                record.url, 200, "OK", [("Content-Type", "text/html; charset=utf-8")], body, "2026-01-05T10:00:00Z"
            )
            store.add_capture(record.url, "2026-01-05T10:00:00Z", 200, warc.name, offset, length, "page", None)
    warc.close()
    update_index(settings)
    return settings


def add_record(settings: Settings, record: Record) -> None:
    with RecordStore(settings.data_dir, assemble=assembler(settings.site)) as store:
        store.add_page(record)
    update_index(settings)
