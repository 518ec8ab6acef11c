"""``sitrep diff``: what changed between two versions of a record."""

from __future__ import annotations

import click

from sitrep.cli import output
from sitrep.cli.common import CONTEXT, State, echo_json, open_archive, pass_state
from sitrep.search.diff import Diff, diff

CONTEXT_WORDS = 8


def diff_text(d: Diff, color: bool) -> str:
    lines = [f"record {d.record_id}: version {d.old_version} → {d.new_version}"]
    for name, (old, new) in d.fields.items():
        lines.append(f"  {name}: {old!r} → {new!r}")
    if not d.fields:
        lines.append("  no field changed but the text" if d.words_added or d.words_removed else "  nothing changed")
    parts = []
    for i, change in enumerate(d.changes):
        words = list(change.words)
        if change.kind == "same":
            head = words[:CONTEXT_WORDS] if i else []
            tail = words[-CONTEXT_WORDS:] if i < len(d.changes) - 1 else []
            if len(words) > len(head) + len(tail):
                words = [*head, "…", *tail]
            parts.append(" ".join(words))
        elif change.kind == "removed":
            parts.append(output.paint("[-" + " ".join(words) + "-]", "31", color))
        else:
            parts.append(output.paint("{+" + " ".join(words) + "+}", "32", color))
    lines += ["", " ".join(p for p in parts if p) if d.words_added or d.words_removed else "(the text is the same)"]
    lines.append(f"\n{d.words_removed} words removed, {d.words_added} added")
    return "\n".join(lines)


@click.command("diff", context_settings=CONTEXT)
@click.argument("ref", metavar="ID")
@click.argument("old", metavar="[V1", type=click.IntRange(1), required=False)
@click.argument("new", metavar="[V2]]", type=click.IntRange(1), required=False)
@click.option("--json", "as_json", is_flag=True, help="The changes as JSON.")
@pass_state
def diff_command(state: State, ref: str, old: int | None, new: int | None, as_json: bool) -> None:
    """What changed between versions V1 and V2 of a record (default: the last two): the fields
    that differ and a word diff of the text ([-removed-] {+added+}).

    ID is a record id, a unique prefix of 6+ characters, or the page's URL.

    \b
    Examples:
      sitrep diff 110f7ca1
      sitrep diff 110f7ca1 1 3 --json
    """
    with open_archive(state) as archive:
        record_id = archive.resolve(ref)
        versions = [int(h["version"]) for h in archive.history(record_id)]
        if len(versions) < 2 and old is None:
            if not as_json:
                click.echo(f"record {record_id} has one version only: nothing to compare")
                return
            old = versions[-1]  # JSON readers get the one shape: version 1 against itself, nothing changed
        new = new or (versions[-1] if old is None or old < versions[-1] else old)
        old = old or versions[-2]
        if new == old:
            new = versions[-1]
        result = diff(archive.version(record_id, old), archive.version(record_id, new), old, new)
    if as_json:
        echo_json(result.to_dict())
    else:
        output.emit(diff_text(result, output.use_color()))
