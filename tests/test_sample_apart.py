"""Sample and real data never mix: the demo writes to a folder of its own, marked as sample, and a
real crawl refuses a store that holds sample records."""

from __future__ import annotations

from pathlib import Path

from sitrep.index.store import RecordStore
from tests.conftest import run_sitrep


def test_demo_uses_its_own_folder_and_a_crawl_refuses_it(tmp_path: Path) -> None:
    done = run_sitrep("demo", "--count", "40", cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "demo-data" in done.stdout, "the demo says where its data is"
    assert not (tmp_path / "data").exists(), "the real data folder stays untouched"
    with RecordStore(tmp_path / "demo-data", create=False) as store:
        assert store.is_sample() and store.count() == 40
    found = run_sitrep("--data-dir", "demo-data", "search", "--json", "oil", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    refused = run_sitrep("--data-dir", "demo-data", "crawl", cwd=tmp_path, timeout=60)
    assert refused.returncode == 3
    assert (
        refused.stderr.count("\n") == 1 and "sample archive" in refused.stderr and "folder of its own" in refused.stderr
    )
    assert refused.stderr.startswith("Error: command line: storage.data_dir:"), "the flag set it, not a file"
    by_variable = run_sitrep("crawl", cwd=tmp_path, timeout=60, env={"SITREP_STORAGE_DATA_DIR": "demo-data"})
    assert by_variable.returncode == 3
    assert by_variable.stderr.startswith("Error: environment SITREP_STORAGE_DATA_DIR: storage.data_dir:")
