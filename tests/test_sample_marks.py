"""Sample records are marked in every output: `sitrep demo`'s generated texts say so in search
(human, --json, --nl), show, export (CSV, JSON lines), cite (every style), the web app's result
list, record page, JSON and CSV, and the Python API. The truth is what the generator wrote (its
truth.jsonl); the same texts crawled by a plain `sitrep crawl` are the control: never marked."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitrep import Archive
from sitrep.config import Settings, load
from sitrep.crawler.sample.generate import read_truth
from sitrep.crawler.sample.server import serve
from tests.conftest import run_sitrep, sample_settings
from tests.webserver import Served

NOTE = "generated sample (sitrep demo), not a real analysis"  # README's wording, "Sample records"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's data folder, and a plain crawl of the very same generated site (the control)."""
    root = tmp_path_factory.mktemp("marks")
    done = run_sitrep("demo", "--count", "30", cwd=root, timeout=300)
    assert done.returncode == 0, done.stderr
    demo = root / "demo-data"
    with serve(demo / "sample" / "site") as srv:
        path = sample_settings(srv, root / "real", root / "real.toml")
        assert run_sitrep("--settings", str(path), "crawl").returncode == 0
    return {"demo": demo, "real": root / "real"}


@pytest.fixture(scope="module")
def generated(folders: dict[str, Path]) -> set[str]:
    ids = {r.id for r in read_truth(folders["demo"] / "sample")}
    assert len(ids) == 30
    return ids


def sitrep(folder: Path, *args: str) -> str:
    done = run_sitrep("--data-dir", str(folder), *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def settings_of(folder: Path) -> Settings:
    return load(path=None, environ={}, overrides={"storage.data_dir": str(folder)})


@pytest.mark.parametrize("kind", ["demo", "real"])
def test_search_marks_every_sample_hit(folders: dict[str, Path], generated: set[str], kind: str) -> None:
    sample = kind == "demo"
    found = json.loads(sitrep(folders[kind], "search", "--json", "--limit", "100"))
    assert {h["id"] for h in found["hits"]} == generated, "the same generated texts in both folders"
    assert [h["record"]["sample"] for h in found["hits"]] == [sample] * 30
    lines = [json.loads(line) for line in sitrep(folders[kind], "search", "--nl", "--limit", "100").splitlines()]
    assert [r["sample"] for r in lines] == [sample] * 30
    human = sitrep(folders[kind], "search", "--limit", "5")
    heads = re.findall(r"^\s+\d+\. (.*)$", human, flags=re.M)
    assert len(heads) == 5
    assert [h.startswith("[SAMPLE] ") for h in heads] == [sample] * 5
    assert (f"[SAMPLE]: a {NOTE}." in human) is sample


@pytest.mark.parametrize("kind", ["demo", "real"])
def test_show_and_cite_say_it_is_a_generated_sample(folders: dict[str, Path], generated: set[str], kind: str) -> None:
    sample = kind == "demo"
    rid = sorted(generated)[0]
    shown = sitrep(folders[kind], "show", rid)
    assert (shown.splitlines()[0] == f"[SAMPLE] a {NOTE}") is sample
    assert json.loads(sitrep(folders[kind], "show", "--json", rid))["record"]["sample"] is sample
    text = sitrep(folders[kind], "cite", rid)
    assert text.startswith(f"NOT A SOURCE: a {NOTE}. ") is sample
    bib = sitrep(folders[kind], "cite", "--style", "bibtex", rid)
    assert (f"note = {{NOT A SOURCE: a {NOTE}. " in bib) is sample
    (item,) = json.loads(sitrep(folders[kind], "cite", "--style", "csl-json", rid))
    assert item["note"].startswith(f"NOT A SOURCE: a {NOTE}. ") is sample


@pytest.mark.parametrize("kind", ["demo", "real"])
def test_exports_carry_a_sample_column(folders: dict[str, Path], generated: set[str], kind: str) -> None:
    want = "true" if kind == "demo" else "false"
    rows = list(csv.DictReader(io.StringIO(sitrep(folders[kind], "export", "--format", "csv"))))
    assert {r["id"] for r in rows} == generated and {r["sample"] for r in rows} == {want}
    lines = [json.loads(line) for line in sitrep(folders[kind], "export", "--format", "jsonl").splitlines()]
    assert {r["id"] for r in lines} == generated and {r["sample"] for r in lines} == {want == "true"}


@pytest.fixture(scope="module")
def web(folders: dict[str, Path]) -> Iterator[dict[str, Served]]:
    served = {kind: Served(settings_of(folder)) for kind, folder in folders.items()}
    yield served
    for one in served.values():
        one.close()


@pytest.mark.parametrize("kind", ["demo", "real"])
def test_the_web_app_marks_results_and_record_pages(web: dict[str, Served], generated: set[str], kind: str) -> None:
    sample = kind == "demo"
    page = web[kind].get("/?per_page=10").text
    hits = re.findall(r'<li class="hit">(.*?)</li>\s*(?=<li class="hit">|</ol>)', page, flags=re.S)
    assert len(hits) == 10
    assert [f"<strong>Sample</strong>: a {NOTE}" in h for h in hits] == [sample] * 10
    rid = sorted(generated)[1]
    record = web[kind].get(f"/record/{rid}").text
    assert (f'<p class="sample" role="note"><strong>Sample</strong>: a {NOTE}.' in record) is sample
    assert (f"NOT A SOURCE: a {NOTE}." in record) is sample, "the page's citation says it too"
    api = web[kind].get("/api/search?per_page=100").json()
    assert {h["id"] for h in api["hits"]} == generated and {h["record"]["sample"] for h in api["hits"]} == {sample}
    assert web[kind].get(f"/api/record/{rid}").json()["record"]["sample"] is sample
    rows = list(csv.DictReader(io.StringIO(web[kind].get("/api/export.csv").text)))
    assert len(rows) == 30 and {r["sample"] for r in rows} == {"true" if sample else "false"}


@pytest.mark.parametrize("kind", ["demo", "real"])
def test_the_python_api_marks_records_and_hits(folders: dict[str, Path], generated: set[str], kind: str) -> None:
    sample = kind == "demo"
    with Archive.open(folders[kind]) as archive:
        results = archive.search("", per_page=100)
        assert {h.record.id for h in results.hits} == generated
        assert {h.record.sample for h in results.hits} == {sample}
        assert archive.get(sorted(generated)[2]).sample is sample
        assert {r.sample for r in archive.iter_records("")} == {sample}
