"""``sitrep runs``: the crawl runs, one run's failed and dropped URLs, unknown verdict phrases."""

from __future__ import annotations

import click

from sitrep.cli import output
from sitrep.cli.common import CONTEXT, State, echo_json, open_archive, pass_state
from sitrep.search.runs import Run

SHOWN = ("fetched", "new", "changed", "unchanged", "duplicate", "failed", "dropped", "parse_errors", "unknown_verdicts")


def run_line(run: Run) -> str:
    took = f" ({run.seconds:.0f} s)" if run.seconds is not None else ""
    counts = ", ".join(f"{run.counts[k]} {k.replace('_', ' ')}" for k in SHOWN if run.counts.get(k))
    code = "" if run.exit_code is None else f", exit {run.exit_code}"
    return f"run {run.id}: {run.status}{code}, {run.started_at}{took}: {counts or 'nothing counted'}"


@click.command("runs", context_settings=CONTEXT)
@click.argument("run_id", metavar="[N]", type=click.IntRange(1), required=False)
@click.option("--failed", is_flag=True, help="Only the failed and dropped URLs (of run N, or the last run).")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
@pass_state
def runs(state: State, run_id: int | None, failed: bool, as_json: bool) -> None:
    """The crawl runs with outcome and counts; run N's failed and dropped URLs with reasons; and
    the verdict phrases the trends table does not know, with their records.

    \b
    Examples:
      sitrep runs
      sitrep runs 12
      sitrep runs --failed
    """
    with open_archive(state) as archive:
        all_runs = archive.crawl_runs()
        if (run_id or failed) and not all_runs:
            raise click.UsageError("no crawl has run yet")
        chosen = run_id or (all_runs[-1].id if failed else None)
        problems = archive.run_problems(chosen) if chosen else []
        unknown = archive.unknown_verdicts() if chosen is None else []
    if as_json:
        shown = [r for r in all_runs if chosen in (None, r.id)]
        echo_json(
            {
                "ok": True,
                "version": 1,
                "runs": [r.to_dict() for r in shown],
                "problems": [p.to_dict() for p in problems],
                "unknown_verdicts": [u.to_dict() for u in unknown],
            }
        )
        return
    if not failed:
        for run in all_runs if chosen is None else [r for r in all_runs if r.id == chosen]:
            click.echo(run_line(run))
        if not all_runs:
            click.echo("No crawl has run yet: `sitrep crawl`.")
    if chosen:
        click.echo(f"run {chosen}: {output.count(len(problems), 'failed or dropped URL')}")
        for p in problems:
            click.echo(f"  {p.outcome:<7} {p.url}  {p.reason}")
    for u in unknown:
        click.echo(f'unknown verdict "{u.phrase}" on {len(u.records)} records (add it to the site profile\'s trends):')
        for rid, title in u.records[:10]:
            click.echo(f"  {rid} {title}")
        if len(u.records) > 10:
            click.echo(f"  … and {len(u.records) - 10} more (--json lists them all)")
