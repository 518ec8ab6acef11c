"""``sitrep``: a thin command line over the Python API, the crawler and the index.

One error path: sitrep's own errors and click's usage errors become one ``Error: …`` line on
stderr and a documented exit code (README, "Exit codes"); a traceback only with ``--debug``;
Ctrl-C exits 130. Scrapy is imported only by the commands that crawl.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from sitrep import __version__
from sitrep.cli import output
from sitrep.cli.serve import serve
from sitrep.config import Settings, load
from sitrep.errors import ExitStatus, SitrepError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    def __init__(self, settings_path: str | None, data_dir: str | None, debug: bool) -> None:
        self.settings_path, self.data_dir, self.debug = settings_path, data_dir, debug

    @functools.cached_property
    def settings(self) -> Settings:
        return load(self.settings_path, overrides={"storage.data_dir": self.data_dir})


pass_state = click.make_pass_decorator(State)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="sitrep")
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False),
    envvar="SITREP_SETTINGS",
    help="Settings file (default: ./settings.toml if present).",
)
@click.option("--data-dir", type=click.Path(file_okay=False), help="Data directory (overrides storage.data_dir).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, settings_path: str | None, data_dir: str | None, debug: bool) -> None:
    """Search ten years of weekly situation analysis (Belarus in Focus) by text, date and country."""
    ctx.obj = State(settings_path, data_dir, debug)


def filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The filters search, facets and timeline share; declared once."""
    for decorator in reversed(
        [
            click.option("--country", "countries", multiple=True, help="ISO code or name; repeat for several."),
            click.option("--all-countries", is_flag=True, help="Require every --country, not any."),
            click.option("--org", "orgs", multiple=True, help="EU, NATO, CSTO, EAEU, OSCE, UN, CIS, IMF, …"),
            click.option("--topic", "topics", multiple=True, help="Topic slug or word (security, elite, …)."),
            click.option("--trend", "trends", multiple=True, help="improved/better, worsened/worse, unchanged/same."),
            click.option("--lang", "langs", multiple=True, help="en, ru or be."),
            click.option("--author", "authors", multiple=True),
            click.option("--from", "since", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD (a day: its week)."),
            click.option("--to", "until", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD, inclusive."),
        ]
    ):
        fn = decorator(fn)
    return fn


def _filters(kw: dict[str, Any]) -> dict[str, Any]:
    return dict(
        countries=kw["countries"],
        countries_mode="all" if kw["all_countries"] else "any",
        orgs=kw["orgs"],
        topics=kw["topics"],
        trends=kw["trends"],
        langs=kw["langs"],
        authors=kw["authors"],
        since=kw["since"],
        until=kw["until"],
    )


def _open(state: State):  # type: ignore[no-untyped-def]
    from sitrep.search.api import Archive

    return Archive(state.settings)


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@cli.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@filter_options
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option(
    "--limit", "per_page", type=click.IntRange(1, 1000), default=None, help="Hits per page [default: search.per_page]."
)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--facet", "facets", multiple=True, help="Facets to count [default: search.facets].")
@click.option("--json", "as_json", is_flag=True, help="The versioned JSON envelope.")
@click.option("--nl", "as_nl", is_flag=True, help="One JSON record per line.")
@click.option("--no-color", is_flag=True)
@pass_state
def search(
    state: State,
    query: tuple[str, ...],
    sort: str,
    per_page: int | None,
    page: int,
    facets: tuple[str, ...],
    as_json: bool,
    as_nl: bool,
    no_color: bool,
    **kw: Any,
) -> None:
    """Full-text search with filters and facets: QUERY (one or more words) mixes words and country:, topic:,
    trend:, date:, … fields with AND, OR, NOT and parentheses."""
    if as_json and as_nl:
        raise click.UsageError("--json and --nl exclude each other")
    with _open(state) as archive:
        results = archive.search(
            " ".join(query),
            sort=sort,
            page=page,
            per_page=per_page,
            facets=facets or state.settings.search.facets,
            **_filters(kw),
        )
    if as_json:
        _json(results.to_dict())
    elif as_nl:
        for hit in results.hits:
            click.echo(hit.record.to_json())
    else:
        click.echo(output.results_text(results, output.use_color() and not no_color, state.settings.search.facet_top))


@cli.command(context_settings=CONTEXT)
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True)
@click.option("--similar", is_flag=True, help="Also list the most similar records.")
@pass_state
def show(state: State, record_id: str, as_json: bool, similar: bool) -> None:
    """One whole record, with its versions."""
    with _open(state) as archive:
        record = archive.get(record_id)
        history = archive.history(record_id)
        alike = archive.similar(record_id, 5) if similar else ()
    if as_json:
        from sitrep.search.results import envelope

        _json(envelope(record=record.to_dict(), history=history, similar=[h.to_dict() for h in alike]))
        return
    click.echo(output.record_text(record, output.use_color(), history))
    if alike:
        click.echo("\nsimilar:")
        for h in alike:
            click.echo(f"  {h.record.id} {output.week_range(h.record)} · {h.record.title}")


@cli.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@filter_options
@click.option("--facet", "facets", multiple=True, help="Facets to count [default: all].")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def facets(state: State, query: tuple[str, ...], facets: tuple[str, ...], as_json: bool, **kw: Any) -> None:
    """Facet counts (countries, orgs, topic, trend, lang, author, year, month) for a query or the whole archive."""
    from sitrep.search.facets import FACET_FIELD

    with _open(state) as archive:
        results = archive.search(" ".join(query), per_page=1, facets=facets or tuple(FACET_FIELD), **_filters(kw))
    if as_json:
        data = results.to_dict()
        data.pop("hits")
        _json(data)
        return
    for name, values in results.facets.items():
        click.echo(output.facet_line(name, values, 20))
    click.echo(f"{results.total} records")


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def stats(state: State, as_json: bool) -> None:
    """Records by year, topic, trend, language and country; the last crawl."""
    with _open(state) as archive:
        result = archive.stats()
    if as_json:
        _json(result.to_dict())
    else:
        click.echo(output.stats_text(result, state.settings.search.facet_top))


@cli.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@filter_options
@click.option("--by", type=click.Choice(["week", "month", "year"]), default="month", show_default=True)
@click.option("--split", type=click.Choice(["trend", "country"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def timeline(state: State, query: tuple[str, ...], by: str, split: str | None, as_json: bool, **kw: Any) -> None:
    """How often a query comes up per week, month or year, as bars (empty periods shown)."""
    with _open(state) as archive:
        result = archive.timeline(" ".join(query), by=by, split=split, **_filters(kw))
    if as_json:
        _json(result.to_dict())
    else:
        click.echo(output.timeline_text(result, output.use_color()))


@cli.command(context_settings=CONTEXT)
@click.option("--full", is_flag=True, help="Walk every listing page, not only the new ones.")
@click.option("--refresh", is_flag=True, help="Fetch known pages again and record changed texts as new versions.")
@click.option("--json", "as_json", is_flag=True, help="The crawl report as JSON.")
@pass_state
def crawl(state: State, full: bool, refresh: bool, as_json: bool) -> int:
    """Crawl the site profile's pages into the record store and update the index (run it weekly)."""
    from sitrep.crawler.run import crawl as run_crawl

    report = run_crawl(state.settings, full=full, refresh=refresh, progress=sys.stderr.isatty() and not as_json)
    if as_json:
        _json({"ok": not report.verdict, **report.to_dict()})
    else:
        click.echo(report.summary())
        for url, reason in report.failures[:20]:
            click.echo(f"  failed {url}: {reason}", err=True)
        for url, reason in report.parse_errors[:20]:
            click.echo(f"  parse error {url}: {reason}", err=True)
        if report.verdict:
            click.echo(f"Error: {report.verdict}", err=True)
    return report.exit_code


@cli.command(context_settings=CONTEXT)
@click.option("--rebuild", is_flag=True, help="Build a fresh index beside the old one and swap it in.")
@pass_state
def index(state: State, rebuild: bool) -> None:
    """Bring the search index up to date with the record store."""
    from sitrep.index.writing import rebuild_index, update_index

    count = rebuild_index(state.settings) if rebuild else update_index(state.settings)
    click.echo(f"{'rebuilt the index with' if rebuild else 'indexed'} {count} records")


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def reparse(state: State, as_json: bool) -> None:
    """Rebuild every record from the raw WARC archive with the current parser (no network)."""
    from sitrep.crawler.reparse import reparse as run_reparse
    from sitrep.index.writing import rebuild_index

    changes = run_reparse(state.settings)
    rebuild_index(state.settings)
    if as_json:
        _json({"ok": True, **changes})
        return
    click.echo(
        f"reparsed {changes['pages']} pages into {changes['records']} records: {len(changes['added'])} added, "
        f"{len(changes['changed'])} changed, {len(changes['removed'])} removed, {len(changes['parse_errors'])} parse errors"
    )
    fields: dict[str, int] = {}
    for names in changes["changed"].values():
        for name in names:
            fields[name] = fields.get(name, 0) + 1
    if fields:
        click.echo("changed fields: " + ", ".join(f"{k} {v}" for k, v in sorted(fields.items())))


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.File("rb"))
@click.option("--url", required=True, help="The URL the page was fetched from (decides its kind and language).")
@pass_state
def parse(state: State, file: Any, url: str) -> None:
    """Parse a saved page (FILE, or - for stdin) and print its record, listing entries or feed as JSON."""
    import dataclasses

    from sitrep.countries import tagger_for
    from sitrep.crawler import urls as urlrules
    from sitrep.crawler.parsers import feed, listing, parse_article
    from sitrep.crawler.parsers.common import decode
    from sitrep.errors import ParseError

    limit = int(state.settings.crawl.max_size_mb * 1024 * 1024)
    body = file.read(limit + 1)  # never more: /dev/zero or a 50 MB file is refused, not read whole
    if len(body) > limit:
        raise ParseError(url, "body", f"larger than crawl.max_size_mb ({state.settings.crawl.max_size_mb:g} MB)")
    site = state.settings.site
    if urlrules.is_feed(url, site):
        _json([dataclasses.asdict(e) for e in feed.parse(url, body)])
    elif urlrules.is_listing(url, site):
        _json(listing.parse(url, decode(body), site).to_dict())
    else:
        click.echo(
            parse_article(url, decode(body), site, tagger=tagger_for(state.settings.countries)).to_json(indent=2)
        )


@cli.command(context_settings=CONTEXT)
@click.option(
    "--count", type=click.IntRange(10, 100_000), default=500, show_default=True, help="Articles in the sample."
)
@pass_state
def demo(state: State, count: int) -> int:
    """Generate the sample archive, serve it on 127.0.0.1, crawl, index and run example searches.

    Into a folder of its own: demo-data/, or the one --data-dir names; never storage.data_dir."""
    from sitrep.cli.demo import DEMO_DIR, run_demo

    settings = load(state.settings_path, overrides={"storage.data_dir": state.data_dir or DEMO_DIR})
    return run_demo(settings, count, output.use_color())


cli.add_command(serve)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    wants_json = "--json" in argv
    try:
        code = cli.main(args=argv, prog_name="sitrep", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("Interrupted.", err=True)
        code = ExitStatus.INTERRUPTED
    except click.ClickException as exc:
        command = next((a for a in argv if a in cli.commands), None)
        hint = f" (see `sitrep {command} -h`)" if command else " (see `sitrep -h`)"
        click.echo(f"Error: {exc.format_message()}{hint}", err=True)
        code = exc.exit_code
    except SitrepError as exc:
        if debug:
            raise
        if wants_json:
            from sitrep.search.results import error_dict

            click.echo(json.dumps(error_dict(exc.one_line(), int(exc.status)), ensure_ascii=False))
        click.echo(f"Error: {exc.one_line()}", err=True)
        code = exc.status
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = ExitStatus.OK
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"Error: internal error ({type(exc).__name__}: {exc}); run again with --debug for the traceback", err=True
        )
        code = ExitStatus.ERROR
    sys.exit(int(code or 0))
