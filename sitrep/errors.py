"""Every error a user can cause or meet, as values that carry their data and a hint.

One place (``sitrep.cli.main``) turns them into one stderr line and an exit code; the Python API
lets them escape as they are, so callers can catch ``SitrepError`` alone.
"""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    """The documented exit codes of ``sitrep`` (README, "Exit codes")."""

    OK = 0
    ERROR = 1
    USAGE = 2
    CONFIG = 3
    INDEX = 4
    LOCKED = 5
    QUERY = 6
    NOT_FOUND = 7
    PARSE = 8
    CRAWL_FAILED = 9
    DISK_FULL = 10
    TIME_LIMIT = 11
    INTERRUPTED = 130


class SitrepError(Exception):
    """Base of sitrep's own errors: a message, what to do about it, and an exit status."""

    status: ExitStatus = ExitStatus.ERROR
    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint

    def one_line(self) -> str:
        """The message and the hint as the single line the CLI prints."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(SitrepError):
    """A settings file, environment variable or flag holds something sitrep cannot use."""

    status = ExitStatus.CONFIG

    def __init__(self, source: str, key: str, reason: str) -> None:
        self.source, self.key, self.reason = source, key, reason
        super().__init__(f"{source}: {key}: {reason}", "fix the setting and run again")


class ParseError(SitrepError):
    """A page could not be turned into a record; names the URL, the field and why."""

    status = ExitStatus.PARSE

    def __init__(self, url: str, field: str, reason: str) -> None:
        self.url, self.field, self.reason = url, field, reason
        super().__init__(f"ParseError: {url}: {field}: {reason}")

    def __reduce__(self):  # keep the three fields across pickling (multiprocessing, Scrapy logs)
        return (type(self), (self.url, self.field, self.reason))


class UnknownLayout(ParseError):
    """No parser generation recognises the page."""


class IndexMissing(SitrepError):
    status = ExitStatus.INDEX
    hint = "run `sitrep crawl` and `sitrep index`, or `sitrep demo` for the sample archive"


class IndexDamaged(SitrepError):
    status = ExitStatus.INDEX
    hint = "run `sitrep index --rebuild` to rebuild it from the record store"


class IndexWriteFailed(SitrepError):
    """A rebuild's writer process (or its second process for the word sets) ended before its part was written."""

    status = ExitStatus.INDEX
    hint = (
        "the live index is unchanged; run `sitrep index --rebuild` again"
        " (if the machine ran out of memory, lower index.processes or index.memory_mb)"
    )


class IndexLocked(SitrepError):
    status = ExitStatus.LOCKED
    hint = "another sitrep process is writing; wait for it to finish and run again"


class CrawlLocked(SitrepError):
    status = ExitStatus.LOCKED
    hint = "another crawl is running on this data directory; wait for it to finish"


class StoreMissing(SitrepError):
    status = ExitStatus.INDEX
    hint = "run `sitrep crawl` first (or `sitrep demo` for the sample archive)"


class QueryError(SitrepError):
    """A query the user typed cannot be run as written; names the text and the problem."""

    status = ExitStatus.QUERY

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason
        super().__init__(f"bad query {text!r}: {reason}")


class ArgumentError(SitrepError):
    """A Python caller passed an argument the API cannot take (a wrong type, an unknown facet, a
    page out of range, a closed archive): the one kind for bad arguments, exit 2 like a bad flag."""

    status = ExitStatus.USAGE

    def __init__(self, name: str, reason: str) -> None:
        self.name, self.reason = name, reason
        super().__init__(f"bad argument {name}: {reason}")


class RecordNotFound(SitrepError):
    status = ExitStatus.NOT_FOUND
    hint = "ids are printed by `sitrep search`; check for a typo"


class CrawlFailed(SitrepError):
    status = ExitStatus.CRAWL_FAILED


class CrawlOffline(CrawlFailed):
    """The site's host names do not resolve: no network (or no DNS), found before crawling."""

    hint = "is the network up? For a local copy of the site, set crawl.resolve"


class DiskFull(SitrepError):
    """A write failed for want of space; the crawl stopped there, and what it stored before is whole."""

    status = ExitStatus.DISK_FULL
    hint = "free some space and run the crawl again; it fetches what is missing"


class MissingDependency(SitrepError):
    """An optional feature whose extra is not installed (e.g. Parquet without pyarrow)."""

    status = ExitStatus.USAGE


class WatchError(SitrepError):
    """A saved query (``sitrep watch``) that cannot be added as asked: a bad or taken name."""

    status = ExitStatus.USAGE


class WatchNotFound(SitrepError):
    status = ExitStatus.NOT_FOUND
    hint = "`sitrep watch list` shows the saved watches"
