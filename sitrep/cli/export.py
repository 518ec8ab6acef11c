"""``sitrep export``: the whole result set of a query as CSV, JSON lines or Parquet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sitrep.cli import output
from sitrep.cli.common import CONTEXT, State, filter_options, filters_of, open_archive, pass_state
from sitrep.search.export import FORMATS, export


@click.command("export", context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True, help="File format.")
@click.option(
    "-o", "--output", "target", type=click.Path(dir_okay=False, path_type=Path), help="File to write [default: stdout]."
)
@click.option(
    "--sort", type=click.Choice(["newest", "oldest", "relevance"]), default="newest", show_default=True, help="Order."
)
@pass_state
def export_command(state: State, query: tuple[str, ...], fmt: str, target: Path | None, sort: str, **kw: Any) -> None:
    """Write every record matching QUERY and the filters (not one page): id, week_start, week_end,
    topic, trend, title, countries, orgs, lang, author, url, fetched_at, text, sample, week_label.

    \b
    Examples:
      sitrep export 'country:AZ oil' -o az-oil.csv
      sitrep export --from 2020 --format jsonl | jq .title
      sitrep export --format parquet -o all.parquet     (needs the [parquet] extra)
    """
    if fmt == "parquet" and target is None:
        raise click.UsageError("--format parquet needs -o FILE")
    with open_archive(state) as archive:
        filters, text = filters_of(kw), " ".join(query)
        total = archive.matching(text, **filters).total
        records = archive.iter_records(text, sort=sort, **filters)
        if target is not None and sys.stderr.isatty():
            with click.progressbar(records, length=total, label=f"exporting {total} records", file=sys.stderr) as bar:
                count = export(bar, fmt, target)
        else:
            count = export(records, fmt, target, stdout=sys.stdout)
    if target is not None:
        click.echo(f"wrote {output.count(count, 'record')} to {target} ({fmt})", err=True)
