"""The command line: table-driven bad inputs, each one line on stderr and its documented code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from sitrep.config import Settings
from tests.conftest import ROOT, SITREP, run_sitrep

PAGES = ROOT / "tests" / "pages"


def bad_inputs(tmp: Path, settings: str) -> list[tuple[list[str], int, str, dict[str, str]]]:
    (tmp / "syntax.toml").write_text("[crawl\n")
    (tmp / "unknown.toml").write_text("[crawl]\nspeed = 3\n")
    (tmp / "negative.toml").write_text("[crawl]\ndownload_delay = -2\n")
    (tmp / "site.toml").write_text("[crawl]\nsite = 'elsewhere'\n")
    (tmp / "type.toml").write_text("[search]\nper_page = 'many'\n")
    (tmp / "a-file").write_text("x")
    (tmp / "empty-data").mkdir(exist_ok=True)
    s = ["--settings", settings]
    no_env: dict[str, str] = {}
    return [
        ([*s, "search", "--bogus"], 2, "No such option '--bogus'", no_env),
        ([*s, "nosuchcommand"], 2, "No such command 'nosuchcommand'", no_env),
        ([*s, "search", "oil", "--facet", "weather"], 2, "unknown facet", no_env),
        ([*s, "search", "oil", "--from", "2016-13"], 2, "there is no month 2016-13", no_env),
        ([*s, "search", "oil", "--from", "2019", "--to", "2018"], 2, "is after to", no_env),
        ([*s, "search", '"oil supply'], 6, "unbalanced quotes", no_env),
        ([*s, "search", "(oil OR army"], 6, "unbalanced parentheses", no_env),
        ([*s, "search", "colour:red"], 6, "unknown field 'colour'", no_env),
        ([*s, "search", "oil", "--limit", "-1"], 2, "Invalid value for '--per-page' / '--limit'", no_env),
        ([*s, "search", "oil", "--limit", "0"], 2, "Invalid value for '--per-page' / '--limit'", no_env),
        ([*s, "search", "oil", "--page", "0"], 2, "Invalid value for '--page'", no_env),
        ([*s, "search", "oil", "--sort", "random"], 2, "Invalid value for '--sort'", no_env),
        ([*s, "search", "oil", "--country", "narnia"], 2, "unknown country 'narnia'", no_env),
        ([*s, "search", "oil", "--trend", "sideways"], 2, "unknown trend", no_env),
        ([*s, "search", "oil", "--lang", "de"], 2, "unknown language", no_env),
        ([*s, "search", "oil", "--topic", "relations"], 2, "ambiguous", no_env),
        ([*s, "search", "oil", "--org", "wto"], 2, "unknown organisation", no_env),
        ([*s, "search", "oil", "--json", "--nl"], 2, "--json and --nl exclude each other", no_env),
        ([*s, "search", "the"], 6, "no searchable words", no_env),
        ([*s, "search", "date:last month"], 6, "malformed date 'last'", no_env),
        ([*s, "search", "week:soon"], 6, "malformed date 'soon'", no_env),
        ([*s, "show", "0000000000000000"], 7, "no record with id '0000000000000000'", no_env),
        ([*s, "show"], 2, "Missing argument 'ID'", no_env),
        ([*s, "show", "0000"], 7, "at least 6 characters", no_env),
        ([*s, "export", "--format", "xml"], 2, "Invalid value for '--format'", no_env),
        ([*s, "trends", "--by", "decade"], 2, "Invalid value for '--by'", no_env),
        ([*s, "trends", "--json", "--csv"], 2, "--json and --csv exclude each other", no_env),
        ([*s, "cite", "ffffff"], 7, "no record id starts with 'ffffff'", no_env),
        ([*s, "cite", "0000000000000000", "--style", "apa"], 2, "Invalid value for '--style'", no_env),
        ([*s, "diff", "0000000000000000", "0"], 2, "Invalid value for '[V1'", no_env),
        ([*s, "archived", "https://belarusinfocus.pro/nowhere/"], 7, "no record was fetched from", no_env),
        ([*s, "runs", "0"], 2, "Invalid value for '[N]'", no_env),
        ([*s, "watch", "rm", "nothing"], 7, "no watch named 'nothing'", no_env),
        ([*s, "timeline", "oil", "--by", "decade"], 2, "Invalid value for '--by'", no_env),
        ([*s, "timeline", "date:2016-99"], 6, "there is no month 2016-99", no_env),
        ([*s, "facets", "--facet", "weather"], 2, "unknown facet", no_env),
        ([*s, "--data-dir", str(tmp / "empty-data"), "search", "oil"], 4, "no index in", no_env),
        ([*s, "--data-dir", str(tmp / "a-file"), "search", "oil"], 2, "is a file", no_env),
        ([*s, "--data-dir", str(tmp / "empty-data"), "index"], 4, "no record store at", no_env),
        (["--settings", str(tmp / "missing.toml"), "stats"], 3, "file not found", no_env),
        (["--settings", str(tmp / "syntax.toml"), "stats"], 3, "not valid TOML", no_env),
        (["--settings", str(tmp / "empty-data"), "stats"], 3, "is a directory, expected a TOML file", no_env),
        (["stats"], 3, "is a directory, expected a TOML file", {"SITREP_SETTINGS": str(tmp / "empty-data")}),
        (["--settings", str(tmp / "unknown.toml"), "stats"], 3, "crawl.speed: unknown setting", no_env),
        (
            ["--settings", str(tmp / "negative.toml"), "stats"],
            3,
            "crawl.download_delay: expected a value >= 0.0, found -2.0",
            no_env,
        ),
        (["--settings", str(tmp / "site.toml"), "stats"], 3, "unknown site 'elsewhere'", no_env),
        (
            ["--settings", str(tmp / "type.toml"), "stats"],
            3,
            "search.per_page: expected an integer, found string 'many'",
            no_env,
        ),
        ([*s, "stats"], 3, "crawl.timeout: expected a number", {"SITREP_CRAWL_TIMEOUT": "soon"}),
        (
            [*s, "parse", str(tmp / "missing.html"), "--url", "https://belarusinfocus.pro/a/b/"],
            2,
            "No such file",
            no_env,
        ),
        (
            [*s, "parse", "-", "--url", "https://belarusinfocus.pro/a/b/"],
            8,
            "ParseError: https://belarusinfocus.pro/a/b/: html: the page is empty",
            no_env,
        ),
        (
            [*s, "parse", str(PAGES / "errors" / "no-title.html"), "--url", "https://belarusinfocus.pro/a/b/"],
            8,
            "ParseError: https://belarusinfocus.pro/a/b/: title:",
            no_env,
        ),
    ]


def test_at_least_thirty_bad_inputs_each_one_line_and_a_documented_code(crawled: Settings, tmp_path: Path) -> None:
    cases = bad_inputs(tmp_path, str(crawled.source))
    assert len(cases) >= 30
    failures = []
    for args, code, fragment, env in cases:
        done = run_sitrep(*args, env=env)
        lines = done.stderr.splitlines()
        ok = done.returncode == code and len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0]
        ok = ok and "Traceback" not in done.stderr + done.stdout
        if not ok:
            failures.append((args[-3:], done.returncode, done.stderr))
    assert failures == []


def test_parse_prints_a_record_a_listing_and_a_feed() -> None:
    record = json.loads(
        run_sitrep(
            "parse",
            str(PAGES / "current" / "wp-with-author.html"),
            "--url",
            "https://belarusinfocus.pro/belarus-west-relations/x/",
        ).stdout
    )
    assert record["week_start"] == "2016-11-28" and record["countries"] == ["AZ", "BY", "RU"]
    listing = json.loads(
        run_sitrep(
            "parse",
            str(PAGES / "listing" / "listing-page.html"),
            "--url",
            "https://belarusinfocus.pro/analytics/security-issues/",
        ).stdout
    )
    assert len(listing["entries"]) == 4
    feed = json.loads(
        run_sitrep("parse", str(PAGES / "feed" / "feed.xml"), "--url", "https://belarusinfocus.pro/feed/").stdout
    )
    assert feed[0]["url"].endswith("/drills-in-the-west/")
    from_stdin = subprocess.run(
        [*SITREP, "parse", "-", "--url", "https://belarusinfocus.pro/a/b/"],
        cwd=ROOT,
        capture_output=True,
        input=(PAGES / "old" / "old-with-verdict.html").read_bytes(),
        timeout=60,
    )
    assert json.loads(from_stdin.stdout)["layout"] == "old"


def test_debug_shows_the_traceback(crawled: Settings) -> None:
    done = run_sitrep("--settings", str(crawled.source), "--debug", "show", "0000000000000000")
    assert done.returncode != 0 and "Traceback" in done.stderr


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C once the crawl is really running (it stored a page), whatever the machine's speed."""
    from sitrep.crawler.sample.generate import generate
    from sitrep.crawler.sample.server import serve
    from tests.conftest import sample_settings

    generate(tmp_path / "sample", count=200, seed=9)
    with serve(tmp_path / "sample" / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        path.write_text(
            path.read_text()
            .replace("download_delay = 0.0", "download_delay = 0.05")
            .replace("concurrent_per_domain = 16", "concurrent_per_domain = 1")
        )
        proc = subprocess.Popen(
            [*SITREP, "--settings", str(path), "crawl"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        from tests.test_crawl import pages_stored

        while proc.poll() is None and pages_stored(tmp_path / "data") < 1:
            time.sleep(0.05)  # ready once it stored a page: imports and signal handlers are done
        assert proc.poll() is None, "the crawl ended before Ctrl-C"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    assert proc.returncode == 130, (proc.returncode, err[-2000:])
    assert err.strip().splitlines()[-1].startswith("Error: interrupted")


def test_parse_uses_aliases_added_in_settings(tmp_path: Path) -> None:
    page = PAGES / "headerless" / "headerless.html"
    url = "https://belarusinfocus.pro/7136-2/"
    assert "KE" not in json.loads(run_sitrep("parse", str(page), "--url", url).stdout)["countries"]
    settings = tmp_path / "settings.toml"
    settings.write_text('[countries.KE]\nen = ["Klaipeda"]  # deliberately wrong, for the test\n')
    tagged = json.loads(run_sitrep("--settings", str(settings), "parse", str(page), "--url", url).stdout)
    assert set(tagged["countries"]) == {"KE", "LT"}
