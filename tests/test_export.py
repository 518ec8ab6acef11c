"""sitrep export: the whole result set in each format, read back by pandas and compared with
the generator's ground truth."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from sitrep import Archive
from sitrep.config import Settings
from sitrep.errors import MissingDependency
from sitrep.record import Record
from sitrep.search import export as ex
from tests.conftest import run_sitrep

pytestmark = pytest.mark.skipif(
    find_spec("pandas") is None, reason="pandas is in the test extra; install it to check the files it reads"
)

READ = """
import json, sys
import pandas as pd
fmt, path = sys.argv[1], sys.argv[2]
if fmt == "csv":
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
elif fmt == "jsonl":
    frame = pd.read_json(path, lines=True, dtype=False, convert_dates=False)
else:
    frame = pd.read_parquet(path)
print(json.dumps({"columns": list(frame.columns), "rows": frame.fillna("").to_dict("records")}))
"""


def read_with_pandas(fmt: str, path: Path) -> dict[str, Any]:
    """pandas reads the file in a process of its own: pandas and pyarrow would otherwise stay in
    the test process, and a crawl started from a process that big inherits its peak memory
    (Linux keeps ru_maxrss across exec) and stops at its memory limit."""
    done = subprocess.run([sys.executable, "-c", READ, fmt, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


@pytest.fixture(scope="module")
def archive(crawled: Settings) -> Iterator[Archive]:
    with Archive(crawled) as opened:
        yield opened


def expected_row(r: Record) -> dict[str, str]:
    """The documented columns, worked out here from the truth record."""
    return {
        "id": r.id,
        "week_start": r.week_start or "",
        "topic": r.topic or "",
        "trend": r.trend or "",
        "title": r.title,
        "countries": ";".join(r.countries),
        "lang": r.lang,
        "author": r.author or "",
        "text": "\n\n".join([r.lead, *r.body]),
        "week_label": r.week_label,  # as the generator printed it
        "trend_label": r.trend_label or "",  # the verdict as printed, also when not in the trends table
    }


# README's list, in its order: a column is only ever added at the end
DOCUMENTED = (
    "id", "week_start", "week_end", "topic", "trend", "title", "countries", "orgs", "lang", "author", "url",
    "fetched_at", "text", "sample", "week_label", "trend_label",
)  # fmt: skip


def test_iter_records_streams_the_whole_result_newest_first(archive: Archive, truth: dict[str, Record]) -> None:
    got = list(archive.iter_records("", chunk=7, langs=["ru", "be"]))
    want = {i for i, r in truth.items() if r.lang in ("ru", "be")}
    assert [r.id for r in got if r.id in want] == [r.id for r in got] and {r.id for r in got} == want
    weeks = [r.week_start for r in got if r.week_start]
    assert weeks == sorted(weeks, reverse=True)
    everything = list(archive.iter_records("", sort="oldest"))
    assert len(everything) == len(truth)  # more than a page would hold by default


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_each_format_read_by_pandas_matches_the_truth(
    crawled: Settings, truth: dict[str, Record], tmp_path: Path, fmt: str
) -> None:
    if fmt == "parquet" and find_spec("pyarrow") is None:
        pytest.skip("pyarrow is the [parquet] extra")
    target = tmp_path / f"az.{fmt}"
    done = run_sitrep(
        "--settings", str(crawled.source), "export", "--country", "AZ", "--format", fmt, "-o", str(target)
    )
    assert done.returncode == 0, done.stderr
    frame = read_with_pandas(fmt, target)
    assert tuple(frame["columns"]) == DOCUMENTED
    wanted = {i: r for i, r in truth.items() if "AZ" in r.countries}
    assert {row["id"] for row in frame["rows"]} == set(wanted) and len(frame["rows"]) == len(wanted)
    for rec in frame["rows"]:
        expected = expected_row(wanted[rec["id"]])
        assert {k: rec[k] for k in expected} == expected
    assert f"wrote {len(wanted)} records" in done.stderr


def test_the_help_names_every_column() -> None:
    shown = " ".join(run_sitrep("export", "--help").stdout.split())
    assert ", ".join(DOCUMENTED) + "." in shown


def test_csv_to_stdout_and_jsonl_nulls(crawled: Settings, truth: dict[str, Record]) -> None:
    done = run_sitrep("--settings", str(crawled.source), "export", "--format", "jsonl", "--trend", "worse")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == sum(r.trend == "worsened" for r in truth.values())
    assert all(list(row) == list(DOCUMENTED) and row["trend"] == "worsened" for row in lines)
    no_author = next(row for row in lines if not truth[row["id"]].author)
    assert no_author["author"] is None


def test_parquet_needs_a_file_and_pyarrow(crawled: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    done = run_sitrep("--settings", str(crawled.source), "export", "--format", "parquet")
    assert done.returncode == 2 and "needs -o FILE" in done.stderr
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingDependency, match="pyarrow"):
        ex.export(iter([]), "parquet", tmp_path / "x.parquet")
    assert not list(tmp_path.iterdir())


def test_an_interrupted_export_leaves_no_file(archive: Archive, tmp_path: Path) -> None:
    def failing() -> Iterator[Record]:
        yield from archive.iter_records("", chunk=5)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ex.export(failing(), "csv", tmp_path / "all.csv")
    assert not list(tmp_path.iterdir())


def test_a_verdict_not_in_the_table_keeps_its_label(crawled: Settings, truth: dict[str, Record]) -> None:
    """trend:unknown and trend:none both leave `trend` empty; the printed label tells them apart."""
    for value, has_label in (("unknown", True), ("none", False)):
        done = run_sitrep("--settings", str(crawled.source), "export", f"trend:{value}", "--format", "jsonl")
        rows = [json.loads(line) for line in done.stdout.splitlines()]
        wanted = {i for i, r in truth.items() if r.trend is None and bool(r.trend_label) == has_label}
        assert wanted and {row["id"] for row in rows} == wanted, value
        assert all(row["trend"] is None and row["trend_label"] == truth[row["id"]].trend_label for row in rows)


@pytest.mark.parametrize(
    ("name", "fmt", "written"),
    [("az.jsonl", None, "jsonl"), ("az.csv", None, "csv"), ("az.txt", None, "csv"), ("az.txt", "jsonl", "jsonl")],
)
def test_the_file_name_chooses_the_format_when_none_is_given(
    crawled: Settings, tmp_path: Path, name: str, fmt: str | None, written: str
) -> None:
    target = tmp_path / name
    flags = ["--format", fmt] if fmt else []
    done = run_sitrep("--settings", str(crawled.source), "export", "--country", "AZ", *flags, "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stderr.rstrip().endswith(f"({written})")
    first = target.read_text(encoding="utf-8").splitlines()[0]
    if written == "jsonl":
        assert list(json.loads(first)) == list(DOCUMENTED)
    else:
        assert first == ",".join(DOCUMENTED)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "-o", "{tmp}/az.jsonl"], "names jsonl but --format is csv"),
        (["-o", "{tmp}/no/such/folder/az.csv"], "there is no folder {tmp}/no/such/folder"),
    ],
)
def test_an_output_file_that_cannot_be_meant_is_a_usage_error(
    crawled: Settings, tmp_path: Path, args: list[str], message: str
) -> None:
    done = run_sitrep("--settings", str(crawled.source), "export", *[a.format(tmp=tmp_path) for a in args])
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert message.format(tmp=tmp_path) in line and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())
