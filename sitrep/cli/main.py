"""``sitrep``: a thin command line over the Python API, the crawler and the index.

One error path: sitrep's own errors and click's usage errors become one ``Error: …`` line on
stderr and a documented exit code (README, "Exit codes"); a traceback only with ``--debug``;
Ctrl-C exits 130. Scrapy is imported only by the commands that crawl.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import sys
from typing import Any

import click

from sitrep import __version__
from sitrep.cli import output
from sitrep.cli.common import CONTEXT, State, echo_json, filter_options, filters_of, open_archive, pass_state
from sitrep.config import load
from sitrep.errors import ExitStatus, SitrepError

GLOBAL_VALUES = ("--settings", "--data-dir", "--color")
GLOBAL_FLAGS = ("--debug", "--no-pager")


class PipeClosed(Exception):
    """The reader of our output went away (``| head``): not an error, the output ends there.
    Raised in place of BrokenPipeError, which click would turn into exit 1."""


# Commands kept in modules of their own, imported only when named (or listed by --help), so
# ``sitrep search`` never pays for warcio, csv, difflib, Starlette or the watch feeds.
LAZY = {
    "trends": "sitrep.cli.trends:trends",
    "export": "sitrep.cli.export:export_command",
    "cite": "sitrep.cli.cite:cite_command",
    "archived": "sitrep.cli.archived:archived",
    "diff": "sitrep.cli.diff:diff_command",
    "watch": "sitrep.cli.watch:watch",
    "runs": "sitrep.cli.runs:runs",
    "serve": "sitrep.cli.serve:serve",
}


class SitrepGroup(click.Group):
    """Loads the commands in ``LAZY`` on first use, lists every command with its whole first
    sentence, and ends quietly on a closed pipe."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY and cmd_name not in self.commands:
            module, attr = LAZY[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=500)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (BrokenPipeError, PipeClosed):
            raise PipeClosed from None


def hoist_globals(argv: list[str]) -> list[str]:
    """Global options given after the command (``sitrep search oil --data-dir X``) moved before
    it, where click looks for them; nothing after ``--`` is touched."""
    names = command_names()
    command = next((i for i, a in enumerate(argv) if a in names), None)
    if command is None:
        return argv
    head, rest, moved = argv[:command], [], []
    tail = argv[command:]
    i = 0
    while i < len(tail):
        arg = tail[i]
        if arg == "--":
            rest += tail[i:]
            break
        if arg in GLOBAL_FLAGS or (arg.split("=", 1)[0] in GLOBAL_VALUES and "=" in arg):
            moved.append(arg)
        elif arg in GLOBAL_VALUES and i + 1 < len(tail):
            moved += [arg, tail[i + 1]]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return head + moved + rest


@click.group(cls=SitrepGroup, context_settings=CONTEXT, invoke_without_command=True)
@click.version_option(__version__, "--version", prog_name="sitrep")
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(),  # a folder or a missing file is a bad settings file (exit 3), said by sitrep.config
    envvar="SITREP_SETTINGS",
    help="Settings file (default: ./settings.toml if present).",
)
@click.option("--data-dir", type=click.Path(file_okay=False), help="Data directory (overrides storage.data_dir).")
@click.option(
    "--color",
    type=click.Choice(output.COLOR_MODES),
    default="auto",
    show_default=True,
    help="Colour: auto (terminals only; not with NO_COLOR or TERM=dumb), always (e.g. for less -R) or never.",
)
@click.option("--no-pager", is_flag=True, help="Never page long output (default: a pager on a terminal, as git).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(
    ctx: click.Context, settings_path: str | None, data_dir: str | None, color: str, no_pager: bool, debug: bool
) -> None:
    """Search ten years of weekly situation analysis (Belarus in Focus) by text, date and country.

    Global options may also follow the command (sitrep search oil --data-dir DIR).

    \b
    Start with:
      sitrep demo                       the sample archive, crawled and indexed
      sitrep search 'country:AZ oil'    full-text search with filters
      sitrep search --help              the query syntax
    """
    output.configure(color, pager=not no_pager)
    ctx.obj = State(settings_path, data_dir, debug)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


QUERY_HELP = """Full-text search with filters and facets, a page at a time (sitrep export writes all).

\b
QUERY syntax (one shell word or several; words and fields mix freely):
  oil gas                 both words (stemmed: "supplies" finds "supply")
  oil OR gas, NOT         boolean operators, (parentheses) to group
  "oil supply"            a phrase;  sanction*  a wildcard
  country:AZ              a country by ISO code or name (country:azerbaijan)
  org:NATO topic:security trend:worse lang:ru author:"Name"
  date:2020  date:2020-08  date:[2019 to 2020-06]  date:[2016 to]  week:2020-08-10
  trend:none  topic:none  date:none   records without a value;  trend:unknown
Options combine with the query: --country, --topic, --trend, --from, --to, ...

\b
Examples:
  sitrep search 'country:AZ oil' --sort newest
  sitrep search army --trend worse --from 2020 --json
  sitrep search '"oil supply"' --per-page 50 --page 2
"""


@cli.command(context_settings=CONTEXT, help=QUERY_HELP, short_help="Full-text search with filters and facets.")
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest"]),
    default="relevance",
    show_default=True,
    help="Order of the hits (newest/oldest: by week).",
)
@click.option(
    "--per-page",
    "--limit",
    "per_page",
    type=click.IntRange(1, 1000),
    default=None,
    help="Hits per page, 1-1000 (--limit is an alias) [default: search.per_page].",
)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True, help="Which page of hits.")
@click.option("--facet", "facets", multiple=True, help="Facets to count [default: search.facets].")
@click.option("--json", "as_json", is_flag=True, help="The versioned JSON envelope.")
@click.option("--nl", "as_nl", is_flag=True, help="One JSON record per line.")
@click.option("--fail-empty", is_flag=True, help="Exit 1 when nothing matches (for scripts).")
@click.option("--no-color", is_flag=True, help="Same as the global --color never.")
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
    fail_empty: bool,
    no_color: bool,
    **kw: Any,
) -> int:
    if as_json and as_nl:
        raise click.UsageError("--json and --nl exclude each other")
    with open_archive(state) as archive:
        results = archive.search(
            " ".join(query),
            sort=sort,
            page=page,
            per_page=per_page,
            facets=facets or state.settings.search.facets,
            **filters_of(kw),
        )
    if as_json:
        echo_json(results.to_dict())
    elif as_nl:
        for hit in results.hits:
            click.echo(hit.record.to_json())
    else:
        output.emit(output.results_text(results, output.use_color() and not no_color, state.settings.search.facet_top))
    return ExitStatus.ERROR if fail_empty and not results.total else ExitStatus.OK


@cli.command(context_settings=CONTEXT)
@click.argument("record_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="The record and its versions as JSON.")
@click.option("--similar", is_flag=True, help="Also list the most similar records.")
@pass_state
def show(state: State, record_id: str, as_json: bool, similar: bool) -> None:
    """One whole record, with its versions. ID is an id, a unique prefix of 6+ characters, or a URL."""
    with open_archive(state) as archive:
        record_id = archive.resolve(record_id)
        record = archive.get(record_id)
        history = archive.history(record_id)
        alike = archive.similar(record_id, 5) if similar else ()
    if as_json:
        from sitrep.search.results import envelope

        echo_json(envelope(record=record.to_dict(), history=history, similar=[h.to_dict() for h in alike]))
        return
    text = output.record_text(record, output.use_color(), history)
    if alike:
        text += "\n\nsimilar:" + "".join(
            f"\n  {h.record.id} {output.week_range(h.record)} · {h.record.title}" for h in alike
        )
    output.emit(text)


@cli.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@filter_options
@click.option("--facet", "facets", multiple=True, help="Facets to count [default: all].")
@click.option("--json", "as_json", is_flag=True, help="The versioned JSON envelope.")
@pass_state
def facets(state: State, query: tuple[str, ...], facets: tuple[str, ...], as_json: bool, **kw: Any) -> None:
    """Facet counts (countries, orgs, topic, trend, lang, author, year, month) for a query or the whole archive."""
    from sitrep.search.facets import FACET_FIELD

    with open_archive(state) as archive:
        results = archive.search(" ".join(query), per_page=1, facets=facets or tuple(FACET_FIELD), **filters_of(kw))
    if as_json:
        data = results.to_dict()
        data.pop("hits")
        echo_json(data)
        return
    lines = [output.facet_line(name, values, 20) for name, values in results.facets.items() if values]
    output.emit("\n".join([*lines, output.count(results.total, "record")]))


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="The versioned JSON envelope.")
@pass_state
def stats(state: State, as_json: bool) -> None:
    """Records by year, topic, trend, language and country; the last crawl."""
    with open_archive(state) as archive:
        result = archive.stats()
    if as_json:
        echo_json(result.to_dict())
    else:
        output.emit(output.stats_text(result, state.settings.search.facet_top))


@cli.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--by",
    type=click.Choice(["auto", "week", "month", "year"]),
    default="auto",
    show_default=True,
    help="Period of each bar; auto picks weeks, months or years from the span of the results.",
)
@click.option(
    "--split",
    type=click.Choice(["trend", "country"]),
    default=None,
    help="Bars per verdict, or per country of the top five (country bars count mentions).",
)
@click.option("--share", is_flag=True, help="With --split: each part as a share of the period's total.")
@click.option("--json", "as_json", is_flag=True, help="The versioned JSON envelope.")
@pass_state
def timeline(
    state: State, query: tuple[str, ...], by: str, split: str | None, share: bool, as_json: bool, **kw: Any
) -> None:
    """How often a query comes up per week, month or year, as bars (empty periods shown).

    \b
    Examples:
      sitrep timeline oil --split trend --share
      sitrep timeline army --by year --split country
    """
    with open_archive(state) as archive:
        result = archive.timeline(" ".join(query), by=by, split=split, **filters_of(kw))
    if as_json:
        echo_json(result.to_dict())
    else:
        output.emit(output.timeline_text(result, output.use_color(), share=share))


@cli.command(context_settings=CONTEXT)
@click.option("--full", is_flag=True, help="Walk every listing page, not only the new ones.")
@click.option("--refresh", is_flag=True, help="Fetch known pages again and record changed texts as new versions.")
@click.option("--json", "as_json", is_flag=True, help="The crawl report as JSON.")
@pass_state
def crawl(state: State, full: bool, refresh: bool, as_json: bool) -> int:
    """Crawl the site profile's pages into the record store and update the index (run it weekly)."""
    from sitrep.cli.watch import digest_text, run_digest
    from sitrep.crawler.run import crawl as run_crawl
    from sitrep.search.watches import has_watches

    report = run_crawl(state.settings, full=full, refresh=refresh, progress=sys.stderr.isatty() and not as_json)
    if not as_json:
        click.echo(report.summary())  # first: a broken watch must not hide what the crawl did
    digests = run_digest(state) if not report.verdict and has_watches(state.settings.data_dir) else []
    if as_json:
        echo_json({"ok": not report.verdict, **report.to_dict(), "watches": [d.to_dict() for d in digests]})
    else:
        for url, reason in report.failures[:20]:
            click.echo(f"  failed {url}: {reason}", err=True)
        for url, reason in report.parse_errors[:20]:
            click.echo(f"  parse error {url}: {reason}", err=True)
        if digests:
            click.echo(digest_text(digests))
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
@click.option("--json", "as_json", is_flag=True, help="What changed, as JSON.")
@pass_state
def reparse(state: State, as_json: bool) -> None:
    """Rebuild every record from the raw WARC archive with the current parser (no network)."""
    from sitrep.crawler.reparse import reparse as run_reparse
    from sitrep.index.writing import rebuild_index

    changes = run_reparse(state.settings)
    rebuild_index(state.settings)
    if as_json:
        echo_json({"ok": True, **changes})
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
        echo_json([dataclasses.asdict(e) for e in feed.parse(url, body)])
    elif urlrules.is_listing(url, site):
        echo_json(listing.parse(url, decode(body), site).to_dict())
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


def command_names() -> set[str]:
    """Every command's name, loaded or not."""
    return {*cli.commands, *LAZY}


def main(argv: list[str] | None = None) -> None:
    # main() ends the process. On the way out Python's teardown runs full cycle collections over
    # everything the command left behind: 20-40 ms of a 150 ms search at 100k records, a quarter
    # of a second after a crawl. Frozen, those objects are skipped (freed with the process); the
    # exit handlers before ours, logging's among them, still run, and stdout is still flushed.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    argv = hoist_globals(sys.argv[1:] if argv is None else argv)
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
        command = next((a for a in argv if a in command_names()), None)
        hint = f" (see `sitrep {command} -h`)" if command else " (see `sitrep -h`)"
        code = report_error(f"{exc.format_message()}{hint}", exc.exit_code, wants_json)
    except SitrepError as exc:
        if debug:
            raise
        code = report_error(exc.one_line(), exc.status, wants_json)
    except (BrokenPipeError, PipeClosed):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = ExitStatus.OK
    except Exception as exc:
        if debug:
            raise
        line = f"internal error ({type(exc).__name__}: {exc}); run again with --debug for the traceback"
        code = report_error(line, ExitStatus.ERROR, wants_json)
    sys.exit(int(code or 0))


def report_error(line: str, status: int, as_json: bool) -> int:
    """One ``Error: …`` line on stderr and, with --json, the error envelope on stdout: a script
    reading stdout has something to parse whatever went wrong, a bad flag included. Returns the
    exit status."""
    if as_json:
        from sitrep.search.results import error_dict

        click.echo(json.dumps(error_dict(line, int(status)), ensure_ascii=False))
    click.echo(f"Error: {line}", err=True)
    return status
