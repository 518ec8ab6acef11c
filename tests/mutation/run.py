"""`make mutation`: mutate the modules where a silent bug costs users most, one at a time.

Each module is mutated with mutmut 2 (in place, restored after each mutant) and checked only
by the tests that exercise it, with a per-mutant timeout, so the run stays feasible on a slow,
shared machine. Mutants listed in ``equivalent.toml`` (behaviour-preserving changes, each with a
reason) are left out of the score. The last line is ``killed K of N (P %)``.

    python tests/mutation/run.py                 # every module
    python tests/mutation/run.py dates urls      # some, by short name
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".mutmut-cache"
EQUIVALENT = Path(__file__).with_name("equivalent.toml")
# short name: (module file, the fast tests that check it directly). Each mutant costs one pytest
# run of these, so they are unit tests with their own oracles: none needs the shared sample
# archive of conftest.py, which is left out (--noconftest) to spare every run its imports.
MODULES: dict[str, tuple[str, list[str]]] = {
    "dates": ("sitrep/dates.py", ["tests/test_dates.py"]),
    "countries": ("sitrep/countries.py", ["tests/test_countries_rules.py", "tests/test_countries.py"]),
    "urls": ("crawler/urls.py", ["tests/test_urls.py"]),
    "record": ("sitrep/record.py", ["tests/test_record.py"]),
    "common": ("crawler/parsers/common.py", ["tests/test_parsers_common.py"]),
    "query": ("search/query.py", ["tests/test_query_parse.py"]),
    "facets": ("search/facets.py", ["tests/test_facets.py"]),
    "store": ("index/store.py", ["tests/test_store.py"]),
}
TIMEOUT_FACTOR = "4.0"  # a mutant taking 4x the clean run's time (plus 20 s) is killed as a hang


def _mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).with_name("mutmut"))
    return subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def _equivalent() -> dict[str, set[str]]:
    """Per module, the mutated lines (as mutmut shows them, ``+`` line) known to be equivalent."""
    if not EQUIVALENT.exists():
        return {}
    data = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))
    return {name: {e["mutant"].strip() for e in entries} for name, entries in data.items()}


def _added_line(mutant_id: str) -> str:
    diff = _mutmut("show", mutant_id).stdout
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return added[0] if added else ""


def run_module(name: str) -> tuple[int, int, list[str]]:
    """(killed, scored, surviving mutants' diffs) for one module."""
    path, tests = MODULES[name]
    CACHE.unlink(missing_ok=True)
    runner = f"{sys.executable} -m pytest -x -q --noconftest -p no:cacheprovider -p no:randomly {' '.join(tests)}"
    _mutmut(
        "run",
        "--paths-to-mutate",
        path,
        "--runner",
        runner,
        "--tests-dir",
        "tests",
        "--test-time-multiplier",
        TIMEOUT_FACTOR,
        "--test-time-base",
        "20",
        "--no-progress",
        "--simple-output",
    )
    ids = {
        status: _mutmut("result-ids", status).stdout.split()
        for status in ("killed", "timeout", "survived", "suspicious")
    }
    killed = len(ids["killed"]) + len(ids["timeout"])
    equivalent = _equivalent().get(name, set())
    alive = []
    for mutant in ids["survived"] + ids["suspicious"]:
        line = _added_line(mutant)
        if line not in equivalent:
            alive.append(f"{path} #{mutant}: {line}")
    return killed, killed + len(alive), alive


def main(argv: list[str]) -> int:
    names = argv or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; choose from {', '.join(MODULES)}", file=sys.stderr)
        return 2
    total_killed = total = 0
    report = []
    for name in names:
        killed, scored, alive = run_module(name)
        total_killed, total = total_killed + killed, total + scored
        pct = 100 * killed / scored if scored else 100.0
        report.append(f"{name}: killed {killed} of {scored} ({pct:.1f} %)")
        print(report[-1], flush=True)
        for line in alive:
            print(f"  survived {line}", flush=True)
    CACHE.unlink(missing_ok=True)
    print("\n".join(report))
    print(f"killed {total_killed} of {total} ({100 * total_killed / total if total else 100.0:.1f} %)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main(sys.argv[1:]))
