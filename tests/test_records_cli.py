"""cite, archived, diff and watch on a small sample whose one page is edited between two real
crawls (the second with --refresh), as a site that corrects an analysis does."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitrep import Archive
from sitrep.config import Settings, load
from sitrep.crawler.sample.generate import INFO, PRO, generate, read_truth
from sitrep.crawler.sample.server import serve
from sitrep.errors import RecordNotFound
from sitrep.index.store import RecordStore
from sitrep.record import Record
from sitrep.search import cite as citing
from sitrep.search import diff as diffing
from sitrep.search import records as refs
from tests.conftest import run_sitrep, sample_settings

NEW_LEAD = "A corrected first sentence."


@dataclasses.dataclass
class Edited:
    settings: Path
    data: Path
    target: Record
    old_lead: str
    page: Path
    port: int
    crawl: Any  # the second crawl's CompletedProcess


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edited]:
    tmp = tmp_path_factory.mktemp("edited")
    sample = tmp / "sample"
    generate(sample, count=40, seed=7)
    truth = read_truth(sample)
    target = next(r for r in truth if r.layout == "current" and len(r.urls) == 1 and r.lang == "en")
    word = max(target.title.split(), key=len).strip(".,:;'\"")
    with serve(sample / "site") as srv:
        path = sample_settings(srv, tmp / "data", tmp / "settings.toml")
        first = run_sitrep("--settings", str(path), "crawl")
        assert first.returncode == 0, first.stderr
        assert "watch" not in first.stdout  # no watches yet: no digest
        s = ["--settings", str(path)]
        assert run_sitrep(*s, "watch", "add", "mine", word).returncode == 0
        assert run_sitrep(*s, "watch", "add", "ru-only", "--lang", "ru").returncode == 0
        page = sample / "site" / PRO / target.urls[0].split(PRO + "/")[1] / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace(target.lead, NEW_LEAD), encoding="utf-8")
        second = run_sitrep(*s, "crawl", "--refresh")
        assert second.returncode == 0, second.stderr
        yield Edited(path, tmp / "data", target, target.lead, page, srv.port, second)


def sitrep(e: Edited, *args: str) -> Any:
    return run_sitrep("--settings", str(e.settings), *args)


def test_the_crawl_prints_each_watch_digest(edited: Edited) -> None:
    out = edited.crawl.stdout
    assert "watch mine: 0 new, 1 changed since it was added" in out
    assert edited.target.title in out and edited.target.url in out
    assert "watch ru-only: 0 new, 0 changed" in out


def test_each_watch_has_an_atom_feed_feedparser_reads(edited: Edited) -> None:
    feedparser = pytest.importorskip("feedparser", reason="feedparser is in the test extra")
    feed = feedparser.parse(str(edited.data / "watches" / "mine.atom"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title.startswith("sitrep watch mine")
    (entry,) = feed.entries
    assert entry.link == edited.target.url and entry.title == f"changed: {edited.target.title}"
    assert entry.summary == NEW_LEAD + edited.target.lead[len(edited.old_lead) :]
    empty = feedparser.parse(str(edited.data / "watches" / "ru-only.atom"))
    assert not empty.bozo and empty.entries == []


def test_watch_run_list_and_rm(edited: Edited) -> None:
    again = json.loads(sitrep(edited, "watch", "run", "mine", "--json").stdout)
    assert again["watches"][0]["found"] == []  # the crawl's digest moved the watch on
    listed = sitrep(edited, "watch", "list").stdout
    assert "mine:" in listed and "ru-only: (everything) --lang ru" in listed and "last run never" not in listed
    taken = sitrep(edited, "watch", "add", "mine", "oil")
    assert taken.returncode == 2 and "a watch named 'mine' exists" in taken.stderr
    bad_query = sitrep(edited, "watch", "add", "typo", "colour:red")
    assert bad_query.returncode == 6 and "unknown field 'colour'" in bad_query.stderr
    assert sitrep(edited, "watch", "rm", "ru-only").returncode == 0
    assert not (edited.data / "watches" / "ru-only.atom").exists()
    gone = sitrep(edited, "watch", "run", "ru-only")
    assert gone.returncode == 7 and "no watch named 'ru-only'" in gone.stderr


def test_diff_shows_the_changed_words(edited: Edited) -> None:
    done = sitrep(edited, "diff", edited.target.id[:7])
    assert done.returncode == 0, done.stderr
    assert "version 1 → 2" in done.stdout
    assert "{+" + NEW_LEAD.split()[0] in done.stdout and "[-" + edited.old_lead.split()[0] in done.stdout
    data = json.loads(sitrep(edited, "diff", edited.target.id, "1", "2", "--json").stdout)
    assert (data["from"], data["to"]) == (1, 2)
    times = edited.target.text.count(edited.old_lead)  # the sample may print the lead again in the body
    assert times >= 1
    assert data["words_added"] == times * len(NEW_LEAD.split())
    assert data["words_removed"] == times * len(edited.old_lead.split())
    added = " ".join(c["text"] for c in data["changes"] if c["kind"] == "added")
    assert added == " ".join([NEW_LEAD] * times)
    missing = sitrep(edited, "diff", edited.target.id, "1", "9")
    assert missing.returncode == 7 and "has no version 9" in missing.stderr


def test_diff_of_hand_made_versions() -> None:
    old = Record(
        id="x" * 16,
        site="s",
        url="u",
        urls=("u",),
        lang="en",
        layout="current",
        title="Oil deal",
        lead="The army moved north.",
        trend="worsened",
    )
    new = dataclasses.replace(old, lead="The army moved south today.", trend="improved")
    d = diffing.diff(old, new, 1, 2)
    assert d.fields == {"trend": ("worsened", "improved")}
    assert d.marked() == "Oil deal The army moved [-north.-] {+south today.+}"
    assert (d.words_removed, d.words_added) == (1, 2)


def test_citations_by_hand_escape_latex_and_date_the_capture_given() -> None:
    """BibTeX's specials each escaped once (a backslash's braces were escaped again); the fetch
    date and URL are those of the capture cited, an older one included, else the record's."""
    record = Record(
        id="c" * 16,
        site="s",
        url="https://belarusinfocus.pro/a/",
        urls=("https://belarusinfocus.info/a/",),
        lang="en",
        layout="current",
        title="Oil & gas: 50% up {again} \\ ~ ^ _#$",
        fetched_at="2024-03-01T10:00:00Z",
        week_start="2016-11-28",
        week_end="2016-12-04",
    )
    older = refs.CaptureRef("https://belarusinfocus.info/a/", "2019-05-06T08:00:00Z", 200, "run-00001.warc.gz", 12, 34)
    bib = citing.bibtex(record, older, "Belarus in Focus")
    title = r"Oil \& gas: 50\% up \{again\} \textbackslash{} \textasciitilde{} \textasciicircum{} \_\#\$"
    assert f"  title = {{{{{title}}}}}," in bib
    assert "  url = {https://belarusinfocus.info/a/}," in bib and "  urldate = {2019-05-06}," in bib
    text = citing.text(record, older, "Belarus in Focus")
    assert (
        "https://belarusinfocus.info/a/ (fetched 2019-05-06; archived copy: warc/run-00001.warc.gz at offset 12" in text
    )
    bare = citing.text(record, None, "Belarus in Focus")
    assert "https://belarusinfocus.pro/a/ (fetched 2024-03-01; no archived copy" in bare


def test_archived_is_the_page_as_fetched(edited: Edited) -> None:
    done = run_sitrep("--settings", str(edited.settings), "archived", edited.target.url)
    served = edited.page.read_bytes()
    for host in (PRO, INFO):
        served = served.replace(f"https://{host}/".encode(), f"http://{host}:{edited.port}/".encode())
    assert done.returncode == 0 and done.stdout.encode() == served
    assert "warc/run-00002" in done.stderr  # the newest capture, from the second crawl
    text = sitrep(edited, "archived", edited.target.id[:6], "--text").stdout
    assert text.startswith(edited.target.title + "\n\n" + NEW_LEAD)
    other = sitrep(edited, "archived", edited.target.id, "--url", "https://example.org/")
    assert other.returncode == 7 and edited.target.url in other.stderr


def test_cite_in_three_styles(edited: Edited) -> None:
    t = edited.target
    with RecordStore(edited.data, create=False) as store:
        fetched_at, _, warc, offset, _ = store.captures_of(t.url)[-1]
    text = sitrep(edited, "cite", t.id[:8]).stdout
    for part in (f'"{t.title}."', "Belarus in Focus", t.url, f"fetched {fetched_at[:10]}", f"warc/{warc}", str(offset)):
        assert part in text
    bib = sitrep(edited, "cite", t.id, "--style", "bibtex").stdout
    assert bib.startswith(f"@misc{{sitrep-{t.id},") and f"  url = {{{t.url}}}," in bib
    assert f"  year = {{{t.week_start[:4]}}}," in bib and bib.rstrip().endswith("}")
    where = f"rchived copy: warc/{warc} at offset {offset}, sitrep id {t.id}"
    assert f"  note = {{Week {t.week_start} to {t.week_end}. A{where}}}" in bib  # a sentence starts with a capital
    (item,) = json.loads(sitrep(edited, "cite", t.url, "--style", "csl-json").stdout)
    assert item["URL"] == t.url and item["title"] == t.title and item["type"] == "webpage"
    assert item["note"] == f"A{where}"
    assert item["issued"]["date-parts"] == [[int(x) for x in t.week_start.split("-")]]
    assert item["accessed"]["date-parts"] == [[int(x) for x in fetched_at[:10].split("-")]]


def test_ids_by_prefix_or_url(edited: Edited) -> None:
    t = edited.target
    settings = load(edited.settings, environ={})
    with Archive(settings) as archive:
        assert archive.resolve(t.id[:6]) == t.id and archive.resolve(t.url) == t.id
        assert archive.resolve(t.id[:8].upper()) == t.id  # pasted from a list that shouted it
        with pytest.raises(RecordNotFound) as short:
            archive.resolve(t.id[:5])
        assert "at least 6 characters" in short.value.one_line()
        with pytest.raises(RecordNotFound, match="matches 2 records"):
            refs.resolve(
                "abcdef", ["abcdef0123456789", "abcdef9999999999", "0bcdef0000000000"], archive.store, settings.site
            )
        with pytest.raises(RecordNotFound, match="no record was fetched from"):
            archive.resolve("https://belarusinfocus.pro/no/such/page/")
    shown = sitrep(edited, "show", t.id[:6])
    assert shown.returncode == 0 and shown.stdout.startswith(t.title)
    assert f"what changed: sitrep diff {t.id[:8]}" in shown.stdout


def test_a_page_fetched_on_the_old_domain_is_found_and_cited_by_its_urls(edited: Edited) -> None:
    """The record's URL is on the current domain; its page was fetched on the old one. Either URL
    (and http for https) finds it, and the citation names the URL that was fetched."""
    settings = load(edited.settings, environ={})
    with Archive(settings) as archive:
        moved = [r for r in archive.iter_records("") if all(f"//{INFO}/" in u for u in r.urls)]
        assert moved, "the sample has pages only on the old domain"
        for r in moved:
            assert f"//{PRO}/" in r.url and r.url not in r.urls
            for ref in (r.url, r.urls[0], r.url.replace("https://", "http://"), r.url.rstrip("/")):
                assert archive.resolve(ref) == r.id, ref
        with pytest.raises(RecordNotFound):
            archive.resolve(moved[0].url.replace(PRO, "example.org"))
    r = moved[0]
    for style, cited in (
        ("text", f" {r.urls[0]} (fetched "),
        ("bibtex", f"  url = {{{r.urls[0]}}},"),
        ("csl-json", ""),
    ):
        done = sitrep(edited, "cite", r.url, "--style", style)
        assert done.returncode == 0, done.stderr
        if style == "csl-json":
            assert json.loads(done.stdout)[0]["URL"] == r.urls[0]
        else:
            assert cited in done.stdout and r.url not in done.stdout
    shown = sitrep(edited, "show", r.url)
    assert shown.returncode == 0 and shown.stdout.startswith(r.title)


def test_runs_list_one_run_and_its_problems(edited: Edited) -> None:
    listed = sitrep(edited, "runs").stdout.splitlines()
    assert [line.split(":")[0] for line in listed[:2]] == ["run 1", "run 2"]
    assert listed[1].startswith("run 2: ok, exit 0") and "1 changed" in listed[1]
    unchanged = re.search(r"(\d+) unchanged", edited.crawl.stdout)  # the crawl's own report of run 2
    assert unchanged and int(unchanged[1]) > 0 and f", {unchanged[1]} unchanged," in listed[1]
    data = json.loads(sitrep(edited, "runs", "2", "--json").stdout)
    (run,) = data["runs"]
    problems = data["problems"]
    assert len([p for p in problems if p["outcome"] == "failed"]) == run["counts"].get("failed", 0)
    robots = [p for p in problems if p["reason"] == "forbidden by robots.txt"]
    assert robots and all("/private/" in p["url"] and p["outcome"] == "dropped" for p in robots)
    failed_only = sitrep(edited, "runs", "--failed").stdout
    assert (
        failed_only.startswith("run 2: ")
        and "forbidden by robots.txt" in failed_only
        and "unknown verdict" not in failed_only
    )
    missing = sitrep(edited, "runs", "9")
    assert missing.returncode == 7 and "no crawl run 9" in missing.stderr


def test_unknown_verdict_phrases_with_their_records(crawled: Settings, truth: dict[str, Record]) -> None:
    expected: dict[str, set[str]] = {}
    for r in truth.values():
        if r.trend is None and r.trend_label:
            expected.setdefault(r.trend_label, set()).add(r.id)
    assert expected, "the sample places unknown verdicts"
    data = json.loads(run_sitrep("--settings", str(crawled.source), "runs", "--json").stdout)
    assert {u["phrase"]: {x["id"] for x in u["records"]} for u in data["unknown_verdicts"]} == expected
    text = run_sitrep("--settings", str(crawled.source), "runs").stdout
    phrase = next(iter(expected))
    assert f'unknown verdict "{phrase}" on {len(expected[phrase])} records' in text


def test_a_damaged_watch_file_is_one_line_and_the_crawl_summary_still_prints(edited: Edited) -> None:
    path = edited.data / "watches.json"
    saved = path.read_text(encoding="utf-8")
    try:
        path.write_text(saved[: len(saved) // 2], encoding="utf-8")
        done = sitrep(edited, "watch", "list")
        assert done.returncode == 3 and done.stderr.startswith(f"Error: {path}: watches: not valid JSON")
        assert len(done.stderr.splitlines()) == 1
    finally:
        path.write_text(saved, encoding="utf-8")


def test_diff_of_a_record_with_one_version_is_json_with_json(edited: Edited) -> None:
    with RecordStore(edited.data, create=False) as store:
        single = next(r.id for r in store.records() if r.id != edited.target.id and len(store.history(r.id)) == 1)
    assert sitrep(edited, "diff", single).stdout == f"record {single} has one version only: nothing to compare\n"
    data = json.loads(sitrep(edited, "diff", single, "--json").stdout)
    assert (data["ok"], data["id"], data["from"], data["to"]) == (True, single, 1, 1)
    assert (data["fields"], data["words_added"], data["words_removed"]) == ({}, 0, 0)
    same = sitrep(edited, "diff", single, "1", "1").stdout
    assert "nothing changed" in same and "(the text is the same)" in same and "but the text" not in same
