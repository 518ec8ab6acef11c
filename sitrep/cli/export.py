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
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="File format [default: from -o's extension, else csv]."
)
@click.option(
    "-o", "--output", "target", type=click.Path(dir_okay=False, path_type=Path), help="File to write [default: stdout]."
)
@click.option(
    "--sort", type=click.Choice(["newest", "oldest", "relevance"]), default="newest", show_default=True, help="Order."
)
@pass_state
def export_command(
    state: State, query: tuple[str, ...], fmt: str | None, target: Path | None, sort: str, **kw: Any
) -> None:
    """Write every record matching QUERY and the filters (not one page): id, week_start, week_end,
    topic, trend, title, countries, orgs, lang, author, url, fetched_at, text, sample, week_label,
    trend_label.

    \b
    Examples:
      sitrep export 'country:AZ oil' -o az-oil.csv
      sitrep export --from 2020 --format jsonl | jq .title
      sitrep export --format parquet -o all.parquet     (needs the [parquet] extra)
    """
    fmt = format_for(fmt, target)
    if fmt == "parquet" and target is None:
        raise click.UsageError("--format parquet needs -o FILE")
    if target is not None and not target.parent.is_dir():
        raise click.UsageError(f"-o {target}: there is no folder {target.parent}; create it or write elsewhere")
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


# the format a file's name asks for; other extensions (.txt, none) leave it to --format
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def format_for(fmt: str | None, target: Path | None) -> str:
    """--format, else the one -o's extension names, else CSV. Both given and disagreeing is a
    usage error: ``-o az.jsonl`` written as CSV would be read as broken JSON lines."""
    named = EXTENSIONS.get(target.suffix.lower()) if target is not None else None
    if fmt is not None and named is not None and fmt != named:
        raise click.UsageError(f"-o {target} names {named} but --format is {fmt}; give one of them, or make them agree")
    return fmt or named or "csv"
