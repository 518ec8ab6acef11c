"""The crawl's parsing worker: one process beside Scrapy's single thread, on the second core.

Parsing (BeautifulSoup over ~30 KB pages) is the heaviest work per page; in the crawl's thread
it held the whole crawl to 148 pages/s against 380 for a bare spider. Listings and articles are
parsed here; storing stays in the crawl's thread. If the worker dies, work falls back to the
crawl's thread.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import itertools
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from sitrep.config import Site
from sitrep.countries import Tagger, tagger_for
from sitrep.crawler.parsers import listing, parse_article
from sitrep.crawler.parsers.common import decode
from sitrep.record import Record

T = TypeVar("T")
Aliases = Mapping[str, Mapping[str, Iterable[str]]]
_SITE: Site | None = None
_TAGGER: Tagger | None = None


def _start(site: Site, aliases: Aliases, parent: int | None = None) -> None:
    """Set up a process to parse: the site profile and the tagger with the user's added aliases.
    In the worker (``parent`` given), also watch the crawl that started it."""
    global _SITE, _TAGGER
    _SITE, _TAGGER = site, tagger_for(aliases)
    if parent is not None:
        # what is loaded now (modules, the profile, the tagger's tables) lives as long as the
        # worker: the collections each page's soup sets off need not walk it (parse ~6 % faster)
        gc.freeze()
        threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="parent-watch").start()


def _exit_with(parent: int) -> None:
    """End this worker once the crawl that started it is gone. A crawl killed with SIGKILL (the
    OOM killer, ``timeout -s KILL``, a reboot of the job) cannot shut its pool down, and the
    worker would wait for work forever, holding its memory, one more for every killed run."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def parse_page(url: str, body: bytes, fetched_at: str) -> Record:
    return parse_article(url, decode(body), _SITE, fetched_at=fetched_at, tagger=_TAGGER)  # type: ignore[arg-type]


def parse_listing(url: str, body: bytes, year: int) -> listing.Listing:
    return listing.parse(url, decode(body), _SITE, year=year)  # type: ignore[arg-type]


# Calls handed to the worker ahead of the one it parses, so it never waits for the crawl's busy
# thread to hand it the next page. A worker that dies takes them with it; each is parsed again here.
QUEUED = 16
_FRAME = struct.Struct("<IQ")  # payload length, call number


class WorkerGone(Exception):
    """A call the worker did not answer: it ended (killed, crashed), or the answer could not be
    sent back (then the call raises this; after a worker's end it runs in the crawl's thread)."""


class RemoteTraceback(Exception):
    """Where in the worker an exception it sent back was raised: set as that exception's cause."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}" if self.args else ""


def _serve(sock: socket.socket, site: Site, aliases: Aliases, parent: int) -> None:
    """The worker's loop: read a call, run it, send back its result or its exception, until the
    crawl closes its end. Ctrl-C reaches the whole process group; the crawl decides what to do."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start(site, aliases, parent)
    with sock, sock.makefile("rb") as calls:
        try:
            while header := calls.read(_FRAME.size):
                length, number = _FRAME.unpack(header)
                fn, args = pickle.loads(calls.read(length))
                try:
                    answer: tuple[bool, Any, str] = (True, fn(*args), "")
                except Exception as exc:  # the caller's to handle, as if the call had run in its thread
                    answer = (False, exc, traceback.format_exc())
                try:
                    data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as exc:
                    unsent = f"{fn.__name__} answered what cannot be sent back: {exc!r}"
                    data = pickle.dumps((False, WorkerGone(unsent), traceback.format_exc()))
                sock.sendall(_FRAME.pack(len(data), number) + data)
        except (BrokenPipeError, ConnectionResetError):
            return  # the crawl closed its end with calls unanswered: it runs them itself


class Worker:
    """Runs calls in one spawned process over a socket pair watched by the crawl's event loop.

    Not a ProcessPoolExecutor: its feeder and result threads and its queues' locks cost the
    crawl's process ~0.15 ms of CPU a page, on the core Scrapy needs (a socket pair here: about
    a quarter of that). Frames are written when the socket takes them and read when the loop
    says it is readable, so neither side blocks the other; at most ``QUEUED`` calls are handed
    over ahead of the one being answered, the rest wait here.
    """

    def __init__(self, site: Site, aliases: Aliases) -> None:
        self.site, self.aliases = site, aliases
        self._process: multiprocessing.process.BaseProcess | None = None
        self._sock: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._calls = itertools.count()
        self._answers: dict[int, asyncio.Future[Any]] = {}  # handed over, not yet answered
        self._waiting: collections.deque[tuple[int, bytes]] = collections.deque()  # not handed over yet
        self._out, self._in = bytearray(), bytearray()
        self._writing = False
        self._gone = False  # the worker ended: this process parses from now on
        self._parsing_here = False

    def start(self) -> None:
        """Spawn the worker process now rather than at the first page: its imports (~0.5 s) then
        run while the crawl fetches robots.txt and the sitemaps. Called when the crawl opens,
        so a crawl that never opens leaves no process behind."""
        if self._process is not None or self._gone:
            return
        ours, theirs = socket.socketpair()
        # spawn, not fork: the crawl process runs threads (Twisted's resolver) that fork would copy mid-flight
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(
            target=_serve, args=(theirs, self.site, self.aliases, os.getpid()), name="sitrep-parse", daemon=True
        )
        try:
            self._process.start()
        finally:
            theirs.close()
        ours.setblocking(False)
        self._sock = ours

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the worker; in this thread if the worker is gone."""
        if not self._gone:
            self.start()
            loop = asyncio.get_running_loop()
            if self._loop is None:
                self._loop = loop
                loop.add_reader(self._fileno(), self._readable)
            number = next(self._calls)
            data = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
            handed_over = len(self._answers) - len(self._waiting)
            self._answers[number] = answer = loop.create_future()
            if handed_over > QUEUED:  # the one it parses and QUEUED more
                self._waiting.append((number, data))
            else:
                self._send(number, data)
            try:
                return await answer  # type: ignore[no-any-return]
            except WorkerGone:
                if not self._gone:
                    raise  # an answer that could not be sent back: a bug to see, not to parse around
        if not self._parsing_here:
            _start(self.site, self.aliases)  # this process parses from now on
            self._parsing_here = True
        return fn(*args)

    def _fileno(self) -> int:
        assert self._sock is not None
        return self._sock.fileno()

    def _send(self, number: int, data: bytes) -> None:
        self._out += _FRAME.pack(len(data), number)
        self._out += data
        self._flush()

    def _flush(self) -> None:
        """Write what the socket takes now; the loop calls again when it takes more."""
        assert self._sock is not None and self._loop is not None
        try:
            del self._out[: self._sock.send(self._out)]
        except BlockingIOError:
            pass
        except OSError:
            self._end()
            return
        if self._out and not self._writing:
            self._loop.add_writer(self._fileno(), self._flush)
        elif not self._out and self._writing:
            self._loop.remove_writer(self._fileno())
        self._writing = bool(self._out)

    def _readable(self) -> None:
        assert self._sock is not None
        try:
            chunk = self._sock.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._end()
            return
        self._in += chunk
        while len(self._in) >= _FRAME.size and not self._gone:
            length, number = _FRAME.unpack_from(self._in)
            if len(self._in) < _FRAME.size + length:
                break
            frame = self._in[_FRAME.size : _FRAME.size + length]
            del self._in[: _FRAME.size + length]
            answer = self._answers.pop(number)
            if not answer.done():  # done: its caller was cancelled
                try:
                    ok, value, where = pickle.loads(frame)
                except Exception as exc:  # an exception class that does not unpickle: the caller sees it
                    answer.set_exception(WorkerGone(f"an answer of the worker could not be read: {exc!r}"))
                else:
                    if not ok:
                        value.__cause__ = RemoteTraceback(where)
                        answer.set_exception(value)
                    else:
                        answer.set_result(value)
            if self._waiting:
                self._send(*self._waiting.popleft())

    def _end(self) -> None:
        """The worker is gone (or closed): every call still waiting is answered here."""
        if self._gone:
            return
        self._gone = True
        if self._loop is not None and self._sock is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._sock.fileno())
            self._loop.remove_writer(self._sock.fileno())
        if self._sock is not None:
            self._sock.close()
        for answer in self._answers.values():
            if not answer.done():
                answer.set_exception(WorkerGone("the parsing worker ended"))
        self._answers.clear()
        self._waiting.clear()

    def close(self) -> None:
        """Close our end (the worker reads the end of its calls and exits) and wait for it."""
        self._end()
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.exitcode is None:
                self._process.kill()
                self._process.join()
            self._process = None
