"""Settings: read once from ``settings.toml`` into validated, frozen dataclasses.

Precedence, lowest first: the defaults below (and the built-in site profile shipped as
``sitrep/data/sites/*.toml``) < the settings file < ``SITREP_<SECTION>_<KEY>`` environment
variables < command-line flags. Anything unknown, mistyped or impossible stops with one
``ConfigError`` line naming the file, the key, what was expected and what was found.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import math
import os
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sitrep.errors import ConfigError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT_FILE = "settings.toml"


def setting(default: Any, help: str) -> Any:
    """A dataclass field with its default and the one-line help the README table shows."""
    if isinstance(default, (dict, list)):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return dataclasses.field(default=default, metadata={"help": help})


@dataclasses.dataclass(frozen=True)
class Storage:
    """[storage]: where the data lives."""

    data_dir: str = setting("data", "where the record store, WARC archive and index live")


@dataclasses.dataclass(frozen=True)
class Crawl:
    """[crawl]: what to fetch and how politely."""

    site: str = setting("belarusinfocus", "which [sites.*] profile `sitrep crawl` uses")
    contact_url: str = setting(
        "https://github.com/sitrep-archive/sitrep", "where the site's admins can reach the crawl's operator"
    )
    user_agent: str = setting(
        "sitrep/{version} (+{contact_url})", "User-Agent; {version} and {contact_url} are filled in"
    )
    obey_robots: bool = setting(True, "obey robots.txt")
    download_delay: float = setting(1.0, "seconds between requests to one domain (at least)")
    concurrent_per_domain: int = setting(2, "requests in flight per domain")
    autothrottle: bool = setting(True, "adapt the delay to the site's response times")
    timeout: float = setting(30.0, "seconds before a request is given up")
    max_size_mb: float = setting(10.0, "responses larger than this are dropped")
    retries: int = setting(3, "retries of a failed request (with backoff, honouring Retry-After)")
    max_retry_after: float = setting(120.0, "longest Retry-After wait honoured, in seconds")
    memory_limit_mb: int = setting(
        300, "the crawl stops when the memory it holds grows past this (resident, from its start)"
    )
    memory_check_seconds: float = setting(5.0, "how often memory is checked")
    time_limit: float = setting(3600.0, "seconds after which a crawl closes itself")
    max_failed_ratio: float = setting(0.10, "exit non-zero when more than this share of requests failed")
    max_parse_failed_ratio: float = setting(0.25, "exit non-zero when more article pages than this fail to parse")
    max_headerless_ratio: float = setting(
        0.25, "exit non-zero when more parsed article pages than this show neither week, verdict nor status line"
    )
    log_level: str = setting("WARNING", "Scrapy's log level; INFO adds one line per URL with its outcome")
    resolve: dict[str, str] = setting(
        {}, "host -> IP address, like curl --resolve (used to serve the sample on 127.0.0.1)"
    )


@dataclasses.dataclass(frozen=True)
class Index:
    """[index]: the Whoosh writer's limits."""

    lock_timeout: float = setting(10.0, "seconds a writer waits for the index lock before giving up")
    memory_mb: int = setting(
        16, "memory for Whoosh's writer pool (each process's), past which it spills sorted runs to disk"
    )
    processes: int = setting(2, "processes a full rebuild indexes with (one segment each)")


@dataclasses.dataclass(frozen=True)
class Search:
    """[search]: what a search returns by default."""

    per_page: int = setting(20, "hits per page")
    facets: tuple[str, ...] = setting(("countries", "topic", "trend", "year"), "facets computed by default")
    facet_top: int = setting(8, "values shown per facet on the terminal")
    snippet_chars: int = setting(240, "length of a highlighted snippet")


@dataclasses.dataclass(frozen=True)
class Labels:
    """What one language's pages print, mapped to sitrep's values (the real ones can be set here)."""

    topics: dict[str, str]
    trends: dict[str, str]
    verdict_prefixes: tuple[str, ...]
    category_status: str
    author_prefixes: tuple[str, ...]
    caption_prefixes: tuple[str, ...]
    boilerplate: tuple[str, ...]
    listing_heads: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Site:
    """A site profile: where the archive lives and how its pages speak."""

    name: str
    canonical_host: str
    hosts: tuple[str, ...]
    scheme: str
    start_urls: tuple[str, ...]
    listing_prefix: str
    feed_paths: tuple[str, ...]
    first_year: int
    last_year: int
    migration_dates: tuple[str, ...]
    lang_prefixes: dict[str, str]
    topics: tuple[str, ...]
    old_sections: dict[str, str]
    labels: dict[str, Labels]
    key: str = ""  # the profile's name under [sites.*]; set by the loader

    def validate(self, source: str, key: str) -> None:
        if self.scheme not in ("http", "https"):
            raise ConfigError(source, f"{key}.scheme", f"expected 'http' or 'https', found {self.scheme!r}")
        if self.canonical_host not in self.hosts:
            raise ConfigError(
                source,
                f"{key}.canonical_host",
                f"expected one of hosts {list(self.hosts)}, found {self.canonical_host!r}",
            )
        if "en" not in self.labels:
            raise ConfigError(source, f"{key}.labels", "expected a table for 'en', found none")
        for lang in (*self.lang_prefixes, *self.labels):
            if lang not in ("en", "ru", "be"):
                raise ConfigError(source, f"{key}.labels", f"expected languages en/ru/be, found {lang!r}")
        for lang, table in self.labels.items():
            for label, slug in table.topics.items():
                if slug not in self.topics:
                    raise ConfigError(
                        source,
                        f"{key}.labels.{lang}.topics",
                        f"expected a slug from topics, found {slug!r} for {label!r}",
                    )
            for label, trend in table.trends.items():
                if trend not in ("improved", "worsened", "unchanged"):
                    raise ConfigError(
                        source,
                        f"{key}.labels.{lang}.trends",
                        f"expected improved/worsened/unchanged, found {trend!r} for {label!r}",
                    )
        for url in self.start_urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in self.hosts:
                raise ConfigError(
                    source, f"{key}.start_urls", f"expected http(s) URLs on the hosts {list(self.hosts)}, found {url!r}"
                )
        for old, slug in self.old_sections.items():
            if slug not in self.topics:
                raise ConfigError(source, f"{key}.old_sections.{old}", f"expected a slug from topics, found {slug!r}")
        if self.last_year and self.last_year < self.first_year:
            raise ConfigError(
                source,
                f"{key}.last_year",
                f"expected 0 or a year >= first_year ({self.first_year}), found {self.last_year}",
            )

    @functools.cached_property
    def memo(self) -> dict[str, dict[str, Any]]:
        """Answers of pure functions of this profile, by function and argument: the URL rules'
        (``sitrep.crawler.urls``). Not a field: a copy made with ``dataclasses.replace`` starts empty."""
        return {}

    def topic_label(self, slug: str, lang: str = "en") -> str | None:
        """The label a page in ``lang`` prints for a topic slug (first one in the table)."""
        for table in (self.labels.get(lang), self.labels["en"]):
            if table:
                for label, value in table.topics.items():
                    if value == slug:
                        return label
        return None


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting, from defaults, settings.toml, SITREP_* variables and overrides."""

    storage: Storage = dataclasses.field(default_factory=Storage)
    crawl: Crawl = dataclasses.field(default_factory=Crawl)
    index: Index = dataclasses.field(default_factory=Index)
    search: Search = dataclasses.field(default_factory=Search)
    sites: dict[str, Site] = dataclasses.field(default_factory=dict)
    source: str = "defaults"
    countries: dict[str, dict[str, tuple[str, ...]]] = dataclasses.field(default_factory=dict)
    origins: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)  # "storage.data_dir" -> where set

    def source_of(self, dotted: str) -> str:
        """Where a setting's value came from: the file, a SITREP_* variable, the command line,
        or the defaults; what an error about that value names."""
        return self.origins.get(dotted, "defaults")

    @property
    def data_dir(self) -> Path:
        return Path(self.storage.data_dir)

    @property
    def site(self) -> Site:
        return self.sites[self.crawl.site]


SECTIONS = {"storage": Storage, "crawl": Crawl, "index": Index, "search": Search}
RANGES = {  # key: (lowest allowed, why)
    "crawl.download_delay": 0.0,
    "crawl.concurrent_per_domain": 1,
    "crawl.timeout": 0.1,
    "crawl.max_size_mb": 0.001,
    "crawl.retries": 0,
    "crawl.max_retry_after": 0.0,
    "crawl.memory_limit_mb": 16,
    "crawl.memory_check_seconds": 0.1,
    "crawl.time_limit": 1.0,
    "crawl.max_failed_ratio": 0.0,
    "crawl.max_parse_failed_ratio": 0.0,
    "crawl.max_headerless_ratio": 0.0,
    "index.lock_timeout": 0.0,
    "index.memory_mb": 8,
    "index.processes": 1,
    "search.per_page": 1,
    "search.facet_top": 1,
    "search.snippet_chars": 20,
}
RATIOS = ("crawl.max_failed_ratio", "crawl.max_parse_failed_ratio", "crawl.max_headerless_ratio")
UPPER = {  # key: highest allowed; past these a value is a typo, not a wish (a day's delay, 1e27 requests)
    "crawl.download_delay": 3600.0,
    "crawl.concurrent_per_domain": 64,
    "crawl.timeout": 3600.0,
    "crawl.max_size_mb": 4096.0,
    "crawl.retries": 20,
    "crawl.max_retry_after": 86400.0,
    "crawl.memory_limit_mb": 1_048_576,
    "crawl.memory_check_seconds": 3600.0,
    "crawl.time_limit": 7 * 86400.0,
    "index.lock_timeout": 86400.0,
    "index.memory_mb": 1_048_576,
    "index.processes": 64,
    "search.facet_top": 1000,
    "search.snippet_chars": 100_000,
}
FACETS = ("countries", "orgs", "topic", "trend", "lang", "author", "year", "month")


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is tuple:
        return "a list of strings"
    if origin is dict:
        return "a table"
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(tp, str(tp))


def _found(value: Any) -> str:
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "table"}.get(
        type(value), type(value).__name__
    )
    return f"{kind} {value!r}"


def _convert(tp: Any, value: Any, source: str, key: str) -> Any:
    """``value`` as type ``tp``, or a ConfigError that says what was expected and found."""
    origin = typing.get_origin(tp)
    wrong = ConfigError(source, key, f"expected {_type_name(tp)}, found {_found(value)}")
    if tp is bool:
        if not isinstance(value, bool):
            raise wrong
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise wrong
        if not math.isfinite(value):  # TOML (and so the environment) accepts nan and inf
            raise ConfigError(source, key, f"expected a finite number, found {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise wrong
        return value
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong
        return tuple(value)
    if origin is dict:
        if not isinstance(value, dict):
            raise wrong
        item_type = typing.get_args(tp)[1]
        return {k: _convert(item_type, v, source, f"{key}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise wrong
        return _build(tp, value, source, key)
    raise TypeError(f"no converter for {tp}")  # a programming error, not a user's


def _build(cls: type, data: Mapping[str, Any], source: str, prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in fields:
            raise ConfigError(source, f"{prefix}.{key}", f"unknown setting (known: {', '.join(sorted(fields))})")
    values = {}
    for name, f in fields.items():
        if name in data:
            values[name] = _convert(hints[name], data[name], source, f"{prefix}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(source, f"{prefix}.{name}", f"expected {_type_name(hints[name])}, found nothing")
    return cls(**values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(path), "-", "file not found (pass an existing file to --settings)") from None
    except IsADirectoryError:
        raise ConfigError(str(path), "-", "is a directory, expected a TOML file") from None
    except PermissionError:
        raise ConfigError(str(path), "-", "cannot be read (permission denied)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "-", f"not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "-", "not valid TOML (not UTF-8 text)") from None


def builtin_data() -> Traversable:
    """sitrep's own data folder: the site profiles and the country table.

    The package's folder on disk; inside an archive (Scrapyd runs sitrep from a zipped egg,
    where no such folder exists) the same files through ``importlib.resources``, which is
    imported only then: it cost ``sitrep search`` ~2 ms of start-up (A/B of 100 runs).
    """
    folder = Path(__file__).parent / "data"
    if folder.is_dir():
        return folder
    from importlib import resources

    return resources.files("sitrep") / "data"


def builtin_sites() -> dict[str, dict[str, Any]]:
    """The site profiles shipped with sitrep, as raw tables."""
    folder = builtin_data() / "sites"
    out = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            out[entry.name[: -len(".toml")]] = tomllib.loads(entry.read_text(encoding="utf-8"))
    return out


def _deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _env_value(raw: str) -> Any:
    """An environment value read as a TOML value when it is one (numbers, booleans, lists)."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _from_env(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, raw in environ.items():
        if not name.startswith("SITREP_") or name == "SITREP_SETTINGS":
            continue
        rest = name[len("SITREP_") :].lower()
        section, _, key = rest.partition("_")
        if section not in SECTIONS:
            raise ConfigError(f"environment {name}", name, f"unknown setting (sections: {', '.join(SECTIONS)})")
        out.setdefault(section, {})[key] = _env_value(raw)
        out[section].setdefault("__source__", {})[key] = f"environment {name}"
    return out


def _fields(obj: Any) -> dict[str, Any]:
    """A dataclass's fields as they are (no deep copy, unlike ``asdict``), lists for tuples."""
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def _check_ranges(settings: Settings) -> None:
    source, origin = settings.source, settings.origins
    for dotted, low in RANGES.items():
        section, key = dotted.split(".")
        value = getattr(getattr(settings, section), key)
        where = origin.get(dotted, "defaults")
        if value < low:
            raise ConfigError(where, dotted, f"expected a value >= {low}, found {value!r}")
        if dotted in RATIOS and value > 1:
            raise ConfigError(where, dotted, f"expected a share from 0 to 1, found {value!r}")
        if dotted == "search.per_page" and value > 1000:
            raise ConfigError(where, dotted, f"expected 1 to 1000 hits per page, found {value!r}")
    for dotted, high in UPPER.items():
        section, key = dotted.split(".")
        value = getattr(getattr(settings, section), key)
        if value > high:
            raise ConfigError(origin.get(dotted, "defaults"), dotted, f"expected a value <= {high}, found {value!r}")
    _check_crawl_text(settings.crawl, source, origin)
    if settings.crawl.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        where = origin.get("crawl.log_level", source)
        raise ConfigError(
            where, "crawl.log_level", f"expected DEBUG, INFO, WARNING or ERROR, found {settings.crawl.log_level!r}"
        )
    for facet in settings.search.facets:
        if facet not in FACETS:
            raise ConfigError(
                origin.get("search.facets", source),
                "search.facets",
                f"expected facets from {', '.join(FACETS)}, found {facet!r}",
            )
    if settings.crawl.site not in settings.sites:
        raise ConfigError(
            origin.get("crawl.site", source),
            "crawl.site",
            f"unknown site {settings.crawl.site!r} (profiles: {', '.join(sorted(settings.sites))})",
        )


def _check_crawl_text(crawl: Crawl, source: str, origin: Mapping[str, str]) -> None:
    """The crawl's strings that reach the wire: the contact URL, the User-Agent, the resolve map."""
    if not _is_web_url(crawl.contact_url):
        raise ConfigError(
            origin.get("crawl.contact_url", source),
            "crawl.contact_url",
            f"expected an http(s) URL where the site's admins can reach you, found {crawl.contact_url!r}",
        )
    try:
        crawl.user_agent.format(version="0", contact_url=crawl.contact_url)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            origin.get("crawl.user_agent", source),
            "crawl.user_agent",
            f"expected text with only the placeholders {{version}} and {{contact_url}}, found {crawl.user_agent!r} ({exc!r})",
        ) from None
    for host, address in crawl.resolve.items():
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ConfigError(
                origin.get("crawl.resolve", source),
                f"crawl.resolve.{host}",
                f"expected an IP address, found {address!r}",
            ) from None


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def load(
    path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings from defaults, the file, the environment and flags (``{"storage.data_dir": ...}``).

    ``path`` None means ``$SITREP_SETTINGS``, else ``./settings.toml`` when it exists, else
    defaults only.
    """
    environ = os.environ if environ is None else environ
    if path is None:
        path = environ.get("SITREP_SETTINGS") or (DEFAULT_FILE if Path(DEFAULT_FILE).is_file() else None)
    source = str(path) if path else "defaults"
    data = _read_toml(Path(path)) if path else {}
    for key in data:
        if key not in (*SECTIONS, "sites", "countries"):
            raise ConfigError(source, key, f"unknown section (known: {', '.join([*SECTIONS, 'sites', 'countries'])})")
    sections: dict[str, Any] = {}
    origin: dict[str, str] = {}  # dotted key -> where its value came from, for range errors
    env = _from_env(environ)
    flags: dict[str, dict[str, Any]] = {}
    for dotted, value in (overrides or {}).items():
        if value is not None:
            name, key = dotted.split(".")
            flags.setdefault(name, {})[key] = value
    for name, cls in SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(source, name, f"expected a table, found {_found(table)}")
        built = _build(cls, table, source, name)
        origin.update({f"{name}.{key}": source for key in table})
        layers = [(env[name]["__source__"][k], k, v) for k, v in env.get(name, {}).items() if k != "__source__"]
        layers += [("command line", k, v) for k, v in flags.get(name, {}).items()]
        for where, key, value in layers:
            built = _build(cls, {**_fields(built), key: value}, where, name)
            origin[f"{name}.{key}"] = where
        sections[name] = built
    sites_raw = builtin_sites()
    file_sites = data.get("sites", {})
    if not isinstance(file_sites, dict):
        raise ConfigError(source, "sites", f"expected a table, found {_found(file_sites)}")
    for name, table in file_sites.items():
        if not isinstance(table, dict):
            raise ConfigError(source, f"sites.{name}", f"expected a table, found {_found(table)}")
        sites_raw[name] = _deep_merge(sites_raw.get(name, {}), table)
    sites = {}
    for name, table in sites_raw.items():
        site = dataclasses.replace(_build(Site, table, source, f"sites.{name}"), key=name)
        site.validate(source, f"sites.{name}")
        sites[name] = site
    countries = data.get("countries", {})
    countries = _convert(dict[str, dict[str, tuple[str, ...]]], countries, source, "countries")
    settings = Settings(**sections, sites=sites, source=source, countries=countries, origins=origin)
    _check_ranges(settings)
    return settings
