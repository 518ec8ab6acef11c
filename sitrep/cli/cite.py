"""``sitrep cite``: a citation of one record, with where its archived copy is."""

from __future__ import annotations

import click

from sitrep.cli.common import CONTEXT, State, open_archive, pass_state
from sitrep.search.cite import STYLES, cite


@click.command("cite", context_settings=CONTEXT)
@click.argument("ref", metavar="ID")
@click.option("--style", type=click.Choice(STYLES), default="text", show_default=True, help="Citation format.")
@pass_state
def cite_command(state: State, ref: str, style: str) -> None:
    """Cite one record: title, site, week, URL, date fetched and the archived copy.

    ID is a record id, a unique prefix of 6+ characters, or the page's URL.

    \b
    Examples:
      sitrep cite 110f7ca1
      sitrep cite 110f7ca1402849f3 --style bibtex >> refs.bib
    """
    with open_archive(state) as archive:
        record = archive.get(archive.resolve(ref))
        captures = archive.record_captures(record.id)
    click.echo(cite(record, captures[0] if captures else None, state.settings.site.name, style))
