"""`make mutation`: mutate the modules where a silent bug costs users most, one at a time.

mutmut 2 makes the mutants (its mutation rules); this script applies each one in place, runs
the module's fast tests once in a forked child with a timeout, and puts the file back (also on
Ctrl-C). Its own loop rather than ``mutmut run``: that starts a fresh interpreter per mutant
(pytest's imports cost more than our unit tests) and waits forever if its worker process dies,
which on a loaded shared machine happened. Mutants listed in
``equivalent.toml`` (behaviour-preserving changes, each with a reason) are left out of the
score. One line per module, then the last line ``killed K of N (P %)``.

    python tests/mutation/run.py                 # every module
    python tests/mutation/run.py dates urls      # some, by short name
    python tests/mutation/run.py --survivors query   # skip the mutants the last run killed

``--survivors`` is for the work of killing them: tests are only ever added, so a mutant the
last run killed stays killed and is not run again; survivors and mutants new since (the code
changed) are. Mutants are matched by their mutated line, not its number. The results of each
run are kept in ``.mutation-results.json``.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import time
import tomllib
from pathlib import Path

import pytest
from mutmut import ALL, Context, list_mutations, mutate

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / ".mutation-results.json"
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
    "facets": ("search/facets.py", ["tests/test_facets.py", "tests/test_newest_first.py"]),
    "store": ("index/store.py", ["tests/test_store.py"]),
}
TIMEOUT_FACTOR, TIMEOUT_BASE = 4.0, 20.0  # slower than 4x the clean run plus 20 s: a hang, killed


PYTEST_ARGS = ["-x", "-q", "--noconftest", "-p", "no:cacheprovider", "-p", "no:randomly"]
# Imported once here, before any fork: each mutant's run then pays only for sitrep and its tests.
# None of these imports sitrep, so every child reads the mutated file fresh.
PRELOAD = ("pytest", "bs4", "lxml.html", "pycountry", "whoosh.index", "whoosh.qparser", "whoosh.fields")


def _pytest(tests: list[str], timeout: float | None) -> bool | None:
    """True if the tests pass, False if they fail, None if they ran out of time.

    A forked child runs pytest in-process with bytecode writing off, so it compiles the file
    as it is on disk now and leaves no cached mutant for the next child to pick up.
    """
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 3
        try:
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            sys.dont_write_bytecode = True
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = (
                "1"  # scanning every installed package costs more than the tests
            )
            os.chdir(ROOT)
            code = int(pytest.main([*PYTEST_ARGS, *tests]))
        finally:
            os._exit(code)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        done, wait_status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(wait_status) == 0
        if deadline is not None and time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.02)


def _equivalent() -> dict[str, set[str]]:
    """Per module, the mutated lines (stripped) known to be equivalent."""
    if not EQUIVALENT.exists():
        return {}
    data = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))
    return {name: {e["mutant"].strip() for e in entries} for name, entries in data.items()}


def _mutants(path: Path) -> list[tuple[str, str]]:
    """(key, mutated source) of every mutant of the file; the key is ``line:index: mutated line``."""
    ids = list_mutations(Context(filename=str(path), mutation_id=ALL))
    original = path.read_text(encoding="utf-8").split("\n")
    out = []
    for mid in ids:
        source, _ = mutate(Context(filename=str(path), mutation_id=mid))
        changed = source.split("\n")
        line = changed[mid.line_number].strip() if len(changed) == len(original) else "(lines changed)"
        out.append((f"{mid.line_number + 1}:{mid.index}: {line}", source))
    return out


def _line(key: str) -> str:
    return key.split(": ", 1)[1]


def _unplaced(keys: list[str]) -> list[str]:
    """The keys without their line numbers, so a mutant still matches after lines above it move;
    the same mutation of two identical lines is told apart by its order (``#2``)."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        bare = key.split(":", 1)[1]
        seen[bare] = seen.get(bare, 0) + 1
        out.append(f"{bare}#{seen[bare]}")
    return out


def run_module(name: str, known_killed: set[str]) -> tuple[int, int, list[str], dict[str, str]]:
    """(killed, scored, surviving mutants, every mutant's status) for one module; mutants in
    ``known_killed`` (unplaced keys) are counted as killed without running."""
    rel, tests = MODULES[name]
    path = ROOT / rel
    original = path.read_text(encoding="utf-8")
    start = time.monotonic()
    if not _pytest(tests, None):
        raise SystemExit(f"{name}: the tests fail before any mutation; fix them first")
    timeout = TIMEOUT_BASE + TIMEOUT_FACTOR * (time.monotonic() - start)
    status: dict[str, str] = {}
    mutants = _mutants(path)
    unplaced = _unplaced([key for key, _ in mutants])
    try:
        for n, (key, source) in enumerate(mutants, 1):
            if unplaced[n - 1] in known_killed:
                status[key] = "killed"
                continue
            path.write_text(source, encoding="utf-8")
            try:
                passed = _pytest(tests, timeout)
            finally:
                path.write_text(original, encoding="utf-8")
            status[key] = {True: "survived", False: "killed", None: "timeout"}[passed]
            print(f"  {name} {n}/{len(mutants)} {status[key]}", file=sys.stderr, flush=True)
    finally:
        path.write_text(original, encoding="utf-8")
    equivalent = _equivalent().get(name, set())
    alive = [k for k, s in status.items() if s == "survived" and _line(k) not in equivalent]
    excluded = sum(1 for k, s in status.items() if s == "survived" and _line(k) in equivalent)
    killed = len(status) - excluded - len(alive)
    return killed, killed + len(alive), alive, status


def main(argv: list[str]) -> int:
    survivors = "--survivors" in argv
    names = [a for a in argv if a != "--survivors"] or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; choose from {', '.join(MODULES)}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill` too puts the mutated file back
    for module in PRELOAD:
        importlib.import_module(module)
    if any(m == "sitrep" or m.startswith("sitrep.") for m in sys.modules):
        raise SystemExit("sitrep was imported before the mutants: the children would run the original")
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    total_killed = total = 0
    report = []
    for name in names:
        known_killed: set[str] = set()
        if survivors:  # a module with no earlier run is run whole
            earlier = results.get(name, {})
            known_killed = {
                u for u, s in zip(_unplaced(list(earlier)), earlier.values(), strict=True) if s != "survived"
            }
        killed, scored, alive, status = run_module(name, known_killed)
        results[name] = status
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
        total_killed, total = total_killed + killed, total + scored
        pct = 100 * killed / scored if scored else 100.0
        report.append(f"{name}: killed {killed} of {scored} ({pct:.1f} %)")
        print(report[-1], flush=True)
        for key in alive:
            print(f"  survived {MODULES[name][0]}:{key}", flush=True)
    print("\n".join(report))
    print(f"killed {total_killed} of {total} ({100 * total_killed / total if total else 100.0:.1f} %)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main(sys.argv[1:]))
