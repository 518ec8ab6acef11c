"""``sitrep watch``: saved queries and what is new for them since they last ran."""

from __future__ import annotations

import shlex
from typing import Any

import click

from sitrep.cli import output
from sitrep.cli.common import CONTEXT, State, echo_json, filter_options, filters_of, open_archive, pass_state
from sitrep.search.watches import Digest, Watches

OPTION = {
    "countries": "--country",
    "orgs": "--org",
    "topics": "--topic",
    "trends": "--trend",
    "langs": "--lang",
    "authors": "--author",
    "since": "--from",
    "until": "--to",
}


def options_of(filters: dict[str, Any]) -> str:
    """A watch's filters as the options that would give them (``--lang ru --from 2020``)."""
    parts = []
    for key, option in OPTION.items():
        values = filters.get(key)
        for value in [values] if isinstance(values, str) else values or ():
            parts.append(f"{option} {shlex.quote(str(value))}")
    if filters.get("countries_mode") == "all":
        parts.append("--all-countries")
    return " ".join(parts)


def digest_text(digests: list[Digest]) -> str:
    lines = []
    for d in digests:
        new = sum(f.kind == "new" for f in d.found)
        since = d.since or f"it was added ({d.watch.created_at})"
        lines.append(f"watch {d.watch.name}: {new} new, {len(d.found) - new} changed since {since}")
        for f in d.found:
            r = f.record
            lines.append(f"  {f.kind:<7} {output.week_range(r)} · {r.title}")
            lines.append(f"          {r.url}  (sitrep show {r.id[:8]})")
    return "\n".join(lines)


def run_digest(state: State, name: str | None = None) -> list[Digest]:
    with open_archive(state) as archive:
        return Watches(state.settings.data_dir).run(archive, name)


@click.group("watch", context_settings=CONTEXT)
def watch() -> None:
    """Saved queries: what is new or changed for each since it last ran.

    Every `sitrep crawl` runs them all and prints the digest (so cron mails it) and writes an
    Atom feed per watch to DATA/watches/NAME.atom.

    \b
    Examples:
      sitrep watch add az-oil 'country:AZ oil'
      sitrep watch add worse-security --topic security --trend worse
      sitrep watch run az-oil
    """


@watch.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.argument("query", nargs=-1)
@filter_options
@pass_state
def add(state: State, name: str, query: tuple[str, ...], **kw: Any) -> None:
    """Save QUERY and the filters as watch NAME (it reports what comes after now)."""
    with open_archive(state) as archive:
        saved = Watches(state.settings.data_dir).add(archive, name, " ".join(query), filters_of(kw))
    click.echo(f"watch {saved.name} saved; `sitrep crawl` and `sitrep watch run {saved.name}` report what is new")


@watch.command("list", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="The watches as JSON.")
@pass_state
def list_(state: State, as_json: bool) -> None:
    """The saved watches and when each last ran."""
    found = Watches(state.settings.data_dir).list()
    if as_json:
        echo_json({"ok": True, "version": 1, "watches": [w.__dict__ for w in found]})
        return
    if not found:
        click.echo("No watches. Add one with `sitrep watch add NAME QUERY`.")
    for w in found:
        click.echo(f"{w.name}: {w.query or '(everything)'} {options_of(w.filters)}".rstrip())
        click.echo(f"    added {w.created_at}, last run {w.last_run_at or 'never'}")


@watch.command("rm", context_settings=CONTEXT)
@click.argument("name")
@pass_state
def rm(state: State, name: str) -> None:
    """Delete watch NAME and its feed."""
    Watches(state.settings.data_dir).remove(name)
    click.echo(f"watch {name} removed")


@watch.command("run", context_settings=CONTEXT)
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="The digest as JSON.")
@pass_state
def run(state: State, name: str | None, as_json: bool) -> None:
    """Records new or changed since watch NAME (default: every watch) last ran."""
    digests = run_digest(state, name)
    if as_json:
        echo_json({"ok": True, "version": 1, "watches": [d.to_dict() for d in digests]})
    elif digests:
        click.echo(digest_text(digests))
    else:
        click.echo("No watches. Add one with `sitrep watch add NAME QUERY`.")
