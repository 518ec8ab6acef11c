"""What every command shares: the state behind the global options, the filter options declared
once, opening the archive, and JSON output. Command modules import this, never ``main``."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.shell_completion import CompletionItem

from sitrep.config import Settings, load
from sitrep.errors import ConfigError

if TYPE_CHECKING:
    from sitrep.search.api import Archive

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    def __init__(self, settings_path: str | None, data_dir: str | None, debug: bool) -> None:
        self.settings_path, self.data_dir, self.debug = settings_path, data_dir, debug

    @functools.cached_property
    def settings(self) -> Settings:
        return load(self.settings_path, overrides={"storage.data_dir": self.data_dir})


pass_state = click.make_pass_decorator(State)


def _complete(
    values: Callable[[], Iterable[tuple[str, str]]], by_name: bool = False
) -> Callable[..., list[CompletionItem]]:
    """A shell-completion callback offering ``values()`` (value, description) that start with
    what was typed, case-insensitively; ``by_name``: or whose description does (``--country
    bela`` offers BY, as the option takes names as well as codes)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        typed = incomplete.casefold()
        return [
            CompletionItem(v, help=h)
            for v, h in values()
            if v.casefold().startswith(typed) or (by_name and h.casefold().startswith(typed))
        ]

    return complete


def _countries() -> Iterable[tuple[str, str]]:
    import pycountry

    for c in pycountry.countries:
        yield c.alpha_2, c.name


def _topics() -> Iterable[tuple[str, str]]:
    try:
        site = load().site
    except ConfigError:  # a broken settings file: no topics to offer, the command will say why
        return []
    return [(t, "topic") for t in site.topics]


def _trends() -> Iterable[tuple[str, str]]:
    from sitrep.search.vocabulary import TRENDS

    return [(word, f"= {verdict}") for word, verdict in TRENDS.items()]


def _checked(keyword: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option callback that checks a filter value as the API would, so a bad value is a usage
    error (exit 2, naming the option) before any index is opened, not a bad query (exit 6).
    ``--from`` and ``--to`` are checked with the other one when it came first: a reversed range."""
    pair = {"since": "until", "until": "since"}

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value:
            from sitrep.errors import QueryError
            from sitrep.search.filters import Filters
            from sitrep.search.vocabulary import Vocabulary

            given = {keyword: value}
            if keyword in pair and ctx.params.get(pair[keyword]):
                given[pair[keyword]] = ctx.params[pair[keyword]]
            try:
                Filters.of(Vocabulary(ctx.find_object(State).settings.site), **given)
            except QueryError as exc:
                raise click.BadParameter(exc.reason) from None
        return value

    return check


def filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The filters search, facets, timeline, trends, export and watch share; declared once."""
    for decorator in reversed(
        [
            click.option(
                "--country",
                "countries",
                multiple=True,
                callback=_checked("countries"),
                help="ISO code or name; repeat for several.",
                shell_complete=_complete(_countries, by_name=True),
            ),
            click.option("--all-countries", is_flag=True, help="Require every --country, not any."),
            click.option(
                "--org",
                "orgs",
                multiple=True,
                callback=_checked("orgs"),
                help="EU, NATO, CSTO, EAEU, OSCE, UN, CIS, IMF, …",
            ),
            click.option(
                "--topic",
                "topics",
                multiple=True,
                callback=_checked("topics"),
                help="Topic slug or word (security, elite, …).",
                shell_complete=_complete(_topics),
            ),
            click.option(
                "--trend",
                "trends",
                multiple=True,
                callback=_checked("trends"),
                help="improved/better, worsened/worse, unchanged/same.",
                shell_complete=_complete(_trends),
            ),
            click.option(
                "--lang",
                "langs",
                multiple=True,
                callback=_checked("langs"),
                help="en, ru or be.",
                shell_complete=_complete(lambda: [("en", "English"), ("ru", "Russian"), ("be", "Belarusian")]),
            ),
            click.option("--author", "authors", multiple=True, help="Author name as printed; repeat for several."),
            click.option(
                "--from",
                "since",
                metavar="DATE",
                callback=_checked("since"),
                help="YYYY, YYYY-MM or YYYY-MM-DD (a day: its week).",
            ),
            click.option(
                "--to",
                "until",
                metavar="DATE",
                callback=_checked("until"),
                help="YYYY, YYYY-MM or YYYY-MM-DD, inclusive.",
            ),
        ]
    ):
        fn = decorator(fn)
    return fn


def filters_of(kw: dict[str, Any]) -> dict[str, Any]:
    """The filter options as ``Archive.search`` keyword arguments (removed from ``kw``)."""
    return dict(
        countries=kw.pop("countries"),
        countries_mode="all" if kw.pop("all_countries") else "any",
        orgs=kw.pop("orgs"),
        topics=kw.pop("topics"),
        trends=kw.pop("trends"),
        langs=kw.pop("langs"),
        authors=kw.pop("authors"),
        since=kw.pop("since"),
        until=kw.pop("until"),
    )


def open_archive(state: State) -> Archive:
    """The archive of the settings' data folder. With none there, but the demo's folder beside
    it (``make demo`` leaves one), the error says to point ``--data-dir`` at it: running
    ``sitrep demo`` again, as the plain hint says, would not help."""
    from sitrep.errors import IndexMissing, StoreMissing
    from sitrep.search.api import Archive

    try:
        return Archive(state.settings)
    except (IndexMissing, StoreMissing) as exc:
        from sitrep.cli.demo import DEMO_DIR  # only here: the demo's module costs a search 2 ms

        demo = Path(DEMO_DIR)
        if state.data_dir is None and (demo / "index").exists() and demo.resolve() != state.settings.data_dir.resolve():
            exc.hint = f"the sample archive `sitrep demo` made is in {DEMO_DIR}/: add --data-dir {DEMO_DIR}"
        raise


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
