"""The shared command-line plumbing a new user meets first: help, global options anywhere,
colour, the pager, wrapping, facet lines, paging, completion and exit codes. Terminals are
real pseudo-terminals; expected figures come from the generator's ground truth."""

from __future__ import annotations

import json
import math
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sitrep.cli.main import cli
from sitrep.config import Settings
from sitrep.dates import week_label
from sitrep.record import Record
from tests.conftest import ROOT, SITREP, run_sitrep

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def on_tty(args: list[str], env: dict[str, str], timeout: float = 120, stderr_too: bool = False) -> str:
    """Run sitrep with stdout and stdin (and stderr) on a pseudo-terminal; what it showed."""
    leader, follower = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PAGER", "SITREP_PAGER", "LESS")}
    proc = subprocess.Popen(
        [*SITREP, *args],
        stdin=follower,
        stdout=follower,
        stderr=follower if stderr_too else subprocess.PIPE,
        cwd=ROOT,
        env={**full_env, **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the other side closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=timeout)
    os.close(leader)
    err = b""
    if proc.stderr is not None:
        with proc.stderr:
            err = proc.stderr.read()
    assert proc.returncode == 0, err or chunks
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def s(crawled: Settings) -> list[str]:
    return ["--settings", str(crawled.source)]


def test_bare_sitrep_prints_help_with_every_command_in_full() -> None:
    done = run_sitrep(env={"COLUMNS": "80"})
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("Usage: sitrep")
    commands = done.stdout.split("Commands:")[1]
    for name in cli.list_commands(None):
        assert re.search(rf"^  {name} ", commands, re.M), name
    assert "…" not in commands and "..." not in commands
    # the command list keeps each command's whole first sentence, wrapped, not cut
    first = cli.get_command(None, "export").get_short_help_str(limit=500)
    assert " ".join(commands.split()).count(" ".join(first.split())) == 1


def test_every_option_of_every_command_has_help() -> None:
    missing = []

    def walk(command: click.Command, path: str) -> None:
        for param in command.params:
            if isinstance(param, click.Option) and not param.help and param.name not in ("help", "version"):
                missing.append(f"{path} {param.opts[0]}")
        if isinstance(command, click.Group):
            for name in command.list_commands(None):
                walk(command.get_command(None, name), f"{path} {name}")

    walk(cli, "sitrep")
    assert missing == []


def test_search_help_has_the_query_syntax_and_examples() -> None:
    text = run_sitrep("search", "--help").stdout
    for part in ("country:AZ", "trend:worse", "date:[2019 to 2020-06]", '"oil supply"', "Examples:", "--per-page"):
        assert part in text, part


def test_per_page_and_its_limit_alias(crawled: Settings) -> None:
    for option in ("--per-page", "--limit"):
        data = json.loads(run_sitrep(*s(crawled), "search", "oil", option, "3", "--json").stdout)
        assert data["per_page"] == 3 and len(data["hits"]) == 3


def test_global_options_after_the_command(crawled: Settings, tmp_path: Path) -> None:
    after = run_sitrep("search", "oil", "--per-page", "2", "--json", *s(crawled))
    assert after.returncode == 0 and len(json.loads(after.stdout)["hits"]) == 2
    (tmp_path / "empty").mkdir()
    wrong = run_sitrep(*s(crawled), "stats", "--data-dir", str(tmp_path / "empty"))
    assert wrong.returncode == 4 and "no index in" in wrong.stderr  # it reached the global option
    query_words = run_sitrep(*s(crawled), "search", "--json", "--", "--debug")  # after -- it is the query
    assert "Traceback" not in query_words.stderr


@pytest.mark.parametrize("name", cli.list_commands(None))
def test_every_command_takes_color_and_no_pager_after_it(name: str) -> None:
    done = run_sitrep(name, "--color", "never", "--no-pager", "--help")
    assert done.returncode == 0, done.stderr


def test_color_modes_and_term_dumb(crawled: Settings) -> None:
    piped = run_sitrep(*s(crawled), "search", "oil", "--color", "always", env={"NO_COLOR": ""})
    assert ANSI.search(piped.stdout)  # always: for less -R
    assert not ANSI.search(run_sitrep(*s(crawled), "search", "oil").stdout)  # auto in a pipe
    tty = on_tty([*s(crawled), "search", "oil", "--no-pager"], {"TERM": "xterm"})
    assert ANSI.search(tty)
    dumb = on_tty([*s(crawled), "search", "oil"], {"TERM": "dumb", "LINES": "5"})
    assert not ANSI.search(dumb) and "results (page 1 of" in dumb
    never = on_tty([*s(crawled), "search", "oil", "--color", "never", "--no-pager"], {"TERM": "xterm"})
    assert not ANSI.search(never)


def test_long_output_goes_through_the_pager_on_a_terminal(crawled: Settings, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open({str(paged)!r}, 'w').write(sys.stdin.read())\""
    shown = on_tty([*s(crawled), "search", "oil"], {"TERM": "xterm", "LINES": "10", "PAGER": pager})
    assert "results (page 1 of" in paged.read_text() and "results (page 1 of" not in shown
    paged.unlink()
    direct = on_tty([*s(crawled), "search", "oil", "--no-pager"], {"TERM": "xterm", "LINES": "10", "PAGER": pager})
    assert not paged.exists() and "results (page 1 of" in direct
    short = on_tty([*s(crawled), "stats", "--no-pager"], {"TERM": "xterm", "LINES": "200", "PAGER": pager})
    assert "records, weeks" in short


def test_snippets_are_wrapped_to_the_terminal_without_cutting_words(crawled: Settings) -> None:
    text = run_sitrep(*s(crawled), "search", "oil", "--per-page", "5", env={"COLUMNS": "60"}).stdout
    data = json.loads(run_sitrep(*s(crawled), "search", "oil", "--per-page", "5", "--json").stdout)
    blocks = text.split("\n\n")[:5]
    for block, hit in zip(blocks, data["hits"], strict=True):
        lines = block.splitlines()
        snippet_lines = lines[2:-1]  # after the head and title, before the id line
        assert snippet_lines and all(len(line) <= 60 for line in snippet_lines)
        assert " ".join(line.strip() for line in snippet_lines) == " ".join(hit["snippets"][0]["text"].split())


def test_facet_lines_say_how_many_more(crawled: Settings, truth: dict[str, Record]) -> None:
    text = run_sitrep(*s(crawled), "search", "", "--facet", "year").stdout
    years = {r.week_start[:4] if r.week_start else "none" for r in truth.values()}  # "none": undated
    line = next(line for line in text.splitlines() if line.startswith("year: "))
    top = crawled.search.facet_top
    assert len(years) > top, "the sample spans more years than a facet line shows"
    assert line.endswith(f" · +{len(years) - top} more") and line.count(" · ") == top


def test_nothing_found_is_one_line_and_paging_past_the_end_says_the_last_page(crawled: Settings) -> None:
    nothing = run_sitrep(*s(crawled), "search", "zzyzxq").stdout.splitlines()
    assert nothing[0].startswith("No results.") and re.fullmatch(r"0 results in \d+ ms", nothing[1])
    assert len(nothing) == 2  # no empty facet lines
    total = json.loads(run_sitrep(*s(crawled), "search", "oil", "--json").stdout)["total"]
    last = math.ceil(total / 20)
    past = run_sitrep(*s(crawled), "search", "oil", "--per-page", "20", "--page", "999")
    assert past.returncode == 0
    assert past.stdout == f"Page 999 is past the end: {total} results fill {last} pages (the last is --page {last}).\n"


def test_fail_empty_exits_1_and_a_closed_pipe_exits_0(crawled: Settings) -> None:
    assert run_sitrep(*s(crawled), "search", "zzyzxq", "--fail-empty").returncode == 1
    assert run_sitrep(*s(crawled), "search", "oil", "--fail-empty").returncode == 0
    proc = subprocess.Popen(
        [*SITREP, *s(crawled), "search", "", "--nl", "--per-page", "1000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.stdout is not None and proc.stdout.readline().startswith(b"{")
    proc.stdout.close()  # as `| head -1` does
    assert proc.wait(timeout=120) == 0
    assert proc.stderr is not None
    with proc.stderr:
        assert proc.stderr.read() == b""


def test_timeline_period_from_the_span_shares_and_what_country_bars_count(
    crawled: Settings, truth: dict[str, Record]
) -> None:
    years = {r.week_start[:4] for r in truth.values() if r.week_start}
    whole = json.loads(run_sitrep(*s(crawled), "timeline", "--json").stdout)
    assert whole["by"] == "year" and whole["periods"] == sorted(years)  # ten years: one bar a year
    narrow = json.loads(run_sitrep(*s(crawled), "timeline", "--from", "2020-01", "--to", "2020-03", "--json").stdout)
    assert narrow["by"] == "week"
    split = run_sitrep(*s(crawled), "timeline", "--split", "country").stdout
    assert "mentions: a record naming several of these countries counts once for each" in split
    shares = run_sitrep(*s(crawled), "timeline", "--split", "trend", "--share").stdout.splitlines()
    for line in shares[:-2]:
        found = [int(p) for p in re.findall(r"(\d+)%", line)]
        assert not found or 98 <= sum(found) <= 102, line
        assert not found or len(line[11:].split(" ")[0]) == 50, line  # a whole period is the whole width


def test_weeks_across_a_new_year_print_both_years() -> None:
    assert week_label("2020-12-28", "2021-01-03") == "December 28, 2020 – January 3, 2021"
    assert week_label("2020-08-10", "2020-08-16") == "August 10 – August 16, 2020"
    assert week_label(None, None) == "week unknown"


def test_show_names_the_week_as_the_page_printed_it(crawled: Settings, truth: dict[str, Record]) -> None:
    """Both years in sitrep's own rendering, and the site's label (one year, the start's) beside it."""
    crossing = next(r for r in truth.values() if r.week_label and r.week_start[:4] != (r.week_end or "")[:4])
    shown = run_sitrep(*s(crawled), "show", crossing.id).stdout.splitlines()[1]
    both = f'{week_label(crossing.week_start, crossing.week_end)} (week, printed "{crossing.week_label}") · '
    assert shown.startswith(both) and crossing.week_label.endswith(crossing.week_start[:4])
    data = json.loads(run_sitrep(*s(crawled), "show", crossing.id, "--json").stdout)
    assert data["record"]["week_label"] == crossing.week_label
    plain = next(
        r for r in truth.values() if " — " in r.week_label and r.lang == "en" and r.week_start[:4] == r.week_end[:4]
    )
    assert "printed" not in run_sitrep(*s(crawled), "show", plain.id).stdout.splitlines()[1]


def test_completion_offers_countries_topics_and_trends(crawled: Settings) -> None:
    def complete(words: str) -> list[str]:
        env = {"_SITREP_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        done = run_sitrep(env=env)
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert "AZ" in complete("sitrep search --country A")
    assert complete("sitrep search --country bela") == ["BY"]  # the option takes names: so does completion
    assert complete("sitrep trends --topic secu") == ["security-issues"]
    assert {"worse", "worsened"} <= set(complete("sitrep search --trend wor"))
    assert "_SITREP_COMPLETE=zsh_source" in (ROOT / "README.md").read_text()


def test_crawl_progress_shows_elapsed_time_rate_and_queue(tmp_path: Path) -> None:
    from sitrep.crawler.sample.generate import generate
    from sitrep.crawler.sample.server import serve
    from tests.conftest import sample_settings

    generate(tmp_path / "sample", count=40, seed=3)
    with serve(tmp_path / "sample" / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        path.write_text(path.read_text().replace("download_delay = 0.0", "download_delay = 0.02"))
        shown = on_tty(["--settings", str(path), "crawl"], {"TERM": "xterm"}, stderr_too=True)
    lines = [part for part in shown.split("\r") if "fetched" in part and "/s)" in part]
    assert lines, shown
    last = lines[-1]
    assert re.search(r"^  \d+:\d\d · fetched \d+ \(\d+\.\d/s\) · queued \d+ · new \d+", last), last


def test_export_to_a_file_shows_a_progress_bar_on_a_terminal(crawled: Settings, tmp_path: Path) -> None:
    target = tmp_path / "all.csv"
    shown = on_tty([*s(crawled), "export", "-o", str(target)], {"TERM": "xterm"}, stderr_too=True)
    total = (
        len(target.read_text(encoding="utf-8").splitlines())
        and json.loads(run_sitrep(*s(crawled), "search", "--json", "--per-page", "1").stdout)["total"]
    )
    assert f"exporting {total} records" in shown and f"wrote {total} records to {target}" in shown
    piped = run_sitrep(*s(crawled), "export", "-o", str(tmp_path / "again.csv"))
    assert "exporting" not in piped.stderr  # no bar when stderr is not a terminal


def test_one_of_a_thing_is_counted_in_the_singular(crawled: Settings, truth: dict[str, Record]) -> None:
    """ "1 results" and "1 failed or dropped URLs" read badly; the count worked out from the truth."""
    weeks: dict[tuple[str, str], int] = {}
    for r in truth.values():
        if r.week_start:
            weeks[(r.week_start, r.lang)] = weeks.get((r.week_start, r.lang), 0) + 1
    week, lang = next(key for key, n in sorted(weeks.items()) if n == 1)
    query = f"week:{week} lang:{lang}"
    assert run_sitrep(*s(crawled), "search", query).stdout.splitlines()[-1].startswith("1 result (page 1 of 1) in ")
    assert run_sitrep(*s(crawled), "facets", query).stdout.splitlines()[-1] == "1 record"
    ran = run_sitrep(*s(crawled), "runs", "1").stdout
    assert "run 1: 1 failed or dropped URL\n" in ran  # the sample's robots.txt forbids one page


def test_with_only_the_demo_archive_the_error_points_at_its_folder(crawled: Settings, tmp_path: Path) -> None:
    """After `make demo` a first `sitrep search` finds no data/; "run sitrep demo" would not help."""
    bare = run_sitrep("search", "oil", cwd=tmp_path)
    assert bare.returncode == 4 and "sitrep demo" in bare.stderr and "--data-dir" not in bare.stderr
    (tmp_path / "demo-data").symlink_to(crawled.data_dir)
    done = run_sitrep("search", "oil", cwd=tmp_path)
    assert done.returncode == 4
    assert done.stderr.strip().endswith(
        "(the sample archive `sitrep demo` made is in demo-data/: add --data-dir demo-data)"
    )
    assert run_sitrep("--data-dir", "demo-data", "search", "oil", cwd=tmp_path).returncode == 0


def test_exit_skips_the_teardown_collections_but_nothing_written(
    crawled: Settings, truth: dict[str, Record], tmp_path: Path
) -> None:
    """main() freezes the heap on its way out, so Python's teardown does not walk it for cycles
    (README, Performance); the search's answer and an export's file are whole all the same."""
    target = tmp_path / "all.jsonl"
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count(), file=sys.stderr))\n"
        "from sitrep.cli.main import main\n"
        "main()\n"
    )
    for args in (["search", "", "--json", "--per-page", "1000"], ["export", "--format", "jsonl", "-o", str(target)]):
        done = subprocess.run(
            [sys.executable, "-c", code, *s(crawled), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        frozen = int(done.stderr.split("frozen")[-1])
        assert frozen > 5_000, done.stderr  # the handler registered first runs last: after main()'s
        found = done.stdout if args[0] == "search" else target.read_text()
        ids = (
            [h["id"] for h in json.loads(found)["hits"]]
            if args[0] == "search"
            else [json.loads(line)["id"] for line in found.splitlines()]
        )
        assert sorted(ids) == sorted(truth)
