"""``sitrep archived``: the page of a record exactly as it was fetched, from the WARC archive."""

from __future__ import annotations

import sys

import click

from sitrep.cli.common import CONTEXT, State, open_archive, pass_state


@click.command("archived", context_settings=CONTEXT)
@click.argument("ref", metavar="ID")
@click.option("--text", "as_text", is_flag=True, help="The record's text instead of the page's HTML.")
@click.option("--url", help="Which of the record's URLs [default: the newest capture].")
@pass_state
def archived(state: State, ref: str, as_text: bool, url: str | None) -> None:
    """Print the archived page of a record, byte for byte as fetched (redirect it to a file).

    ID is a record id, a unique prefix of 6+ characters, or the page's URL. Where the copy came
    from (file, offset, fetch time) goes to stderr.

    \b
    Examples:
      sitrep archived 110f7ca1 > page.html
      sitrep archived 110f7ca1 --text | less
    """
    with open_archive(state) as archive:
        record_id = archive.resolve(ref)
        capture, body = archive.archived(record_id, url)
        record = archive.get(record_id)
    click.echo(f"{capture.url} fetched {capture.fetched_at} · warc/{capture.warc} @ {capture.offset}", err=True)
    if as_text:
        click.echo("\n\n".join(p for p in (record.title, record.lead, *record.body) if p))
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
