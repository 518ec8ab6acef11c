"""The index under SIGKILL, damage and concurrent writers: nothing committed is lost, no half
batch is visible, the next writer needs no manual step, damage is one line with the fix."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep import Archive
from sitrep.config import Settings, load
from sitrep.crawler.assemble import assembler
from sitrep.errors import IndexDamaged, IndexMissing
from sitrep.index import writing
from sitrep.index.store import RecordStore
from sitrep.record import Record, finish
from tests.conftest import ROOT, run_sitrep


def synthetic(i: int) -> Record:
    day = 735600 + 7 * (i % 600)  # Mondays from 2015
    import datetime as dt

    start = dt.date.fromordinal(day - dt.date.fromordinal(day).weekday())
    url = f"https://belarusinfocus.pro/security-issues/report-{i}/"
    return finish(
        Record(
            id=f"{i:016x}",
            site="belarusinfocus",
            url=url,
            urls=(url,),
            lang="en",
            layout="current",
            title=f"Army report number {i}",
            lead=f"The army and oil supply in week {i}.",
            body=(f"Paragraph {i} about Minsk.",),
            week_start=start.isoformat(),
            week_end=(start + dt.timedelta(days=6)).isoformat(),
            date_source="week",
            topic="security-issues",
            trend="unchanged",
            countries=("BY",),
            country_counts=(("BY", 1),),
        )
    )


def settings_for(data: Path) -> Settings:
    return load(path=None, environ={}, overrides={"storage.data_dir": str(data)})


def add_records(settings: Settings, first: int, count: int) -> None:
    with RecordStore(settings.data_dir, assemble=assembler(settings.site)) as store:
        for i in range(first, first + count):
            store.add_page(synthetic(i))


def store_order(settings: Settings) -> list[str]:
    with RecordStore(settings.data_dir, create=False) as store:
        return [r[0] for r in store.db.execute("SELECT id FROM records ORDER BY seq")]


def visible(settings: Settings) -> list[str]:
    """Ids in the index (and a search that answers), read as a user's process would."""
    with Archive(settings) as archive:
        assert archive.search("army", per_page=1).total == archive.docvalues.live.bit_count()
        return [archive.docvalues.ids[d] for d in range(len(archive.docvalues.ids)) if archive.docvalues.live >> d & 1]


PHASES = ("segment", "toc", "finish")  # Whoosh's steps inside a commit (tests/workers/index_worker.py)


def run_worker(data: Path, batch: int, pause: tuple[int, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.workers.index_worker",
            str(data),
            str(batch),
            *([f"{pause[0]}:{pause[1]}"] if pause else []),
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def complete_lines(text: str) -> list[str]:
    """What the worker said in whole lines; a line the kill cut short is dropped, never parsed."""
    lines = text.split("\n")
    return [ln for ln in lines[:-1] if ln]


def kill_at(proc: subprocess.Popen[str], trigger: str | int) -> list[str]:
    """SIGKILL the worker when it prints the line ``trigger`` (or after its ``trigger``-th line):
    a point chosen by progress, not by time. Returns every whole line it wrote, drained after death."""
    seen: list[str] = []
    assert proc.stdout is not None
    for raw in proc.stdout:
        seen.append(raw)
        line = raw.rstrip("\n")
        if line == trigger or (isinstance(trigger, int) and len(seen) >= trigger):
            proc.send_signal(signal.SIGKILL)
            break
    rest = proc.stdout.read()
    proc.wait()
    proc.stdout.close()
    if proc.stdin:
        proc.stdin.close()
    return complete_lines("".join(seen) + rest)


def killed_inside_commit(lines: list[str]) -> bool:
    """The worker was blocked in a phase of a commit (it said PAUSED and can say nothing after)."""
    return bool(lines) and lines[-1].startswith("PAUSED ")


def check_after_kill(settings: Settings, lines: list[str], batch: int) -> None:
    order = store_order(settings)
    seen = visible(settings) if writing.index_dir(settings.data_dir).exists() else []
    assert len(seen) == len(set(seen)), "no record twice"
    k = len(seen)
    assert set(seen) == set(order[:k]), "the index holds a prefix of the store: no record skipped"
    start = int(next((ln.split()[1] for ln in lines if ln.startswith("START ")), "0"))
    committed = sum(1 for ln in lines if ln.startswith("COMMITTED "))
    assert k >= min(len(order), start + committed * batch), "nothing reported committed is lost"
    assert k == len(order) or k <= start or (k - start) % batch == 0, f"no half batch visible ({k} after start {start})"


@pytest.mark.slow
def test_sigkill_during_the_very_first_commit(tmp_path: Path) -> None:
    rng = random.Random(1)
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 60)
    for _ in range(20):
        for folder in settings.data_dir.glob("index*"):
            if folder.is_symlink() or folder.is_file():
                folder.unlink()
            else:
                import shutil

                shutil.rmtree(folder)
        phase = rng.choice(PHASES)
        lines = kill_at(run_worker(settings.data_dir, 30, (1, phase)), f"PAUSED 1 {phase}")
        assert killed_inside_commit(lines) and "COMMITTED 1" not in lines
        check_after_kill(settings, lines, 30)
    proc = run_worker(settings.data_dir, 30)
    out, _ = proc.communicate(timeout=60)
    assert "DONE" in out and sorted(visible(settings)) == sorted(store_order(settings))


@pytest.mark.slow
def test_a_hundred_sigkills_of_an_indexing_process(tmp_path: Path) -> None:
    rng = random.Random(7)
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 40)
    inside = 0
    for n in range(100):
        add_records(settings, 40 + n * 20, 20)  # two batches or more per run
        if n % 2 == 0:  # held in a phase of its 1st or 2nd commit, then killed: certainly inside
            at = (rng.randint(1, 2), rng.choice(PHASES))
            lines = kill_at(run_worker(settings.data_dir, 10, at), f"PAUSED {at[0]} {at[1]}")
            assert killed_inside_commit(lines), lines[-3:]
            assert f"COMMITTED {at[0]}" not in lines
        else:  # running freely, killed right after its k-th line: anywhere in the run, by progress
            lines = kill_at(run_worker(settings.data_dir, 10), rng.randint(1, 12))
        inside += killed_inside_commit(lines)
        check_after_kill(settings, lines, 10)
    print(f"100 SIGKILLs, {inside} of them held inside a commit")
    assert inside == 50
    proc = run_worker(settings.data_dir, 500)  # the backlog the kills left, in a few commits
    out, _ = proc.communicate(timeout=300)
    assert "DONE" in out, "the next writer succeeds with no manual step"
    assert sorted(visible(settings)) == sorted(store_order(settings))
    lock = writing.index_dir(settings.data_dir).resolve() / "MAIN_WRITELOCK"
    assert lock.exists(), "Whoosh's lock file stays; sitrep never deletes it"


def test_rebuild_reproduces_the_same_documents(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 120)
    writing.update_index(settings)
    before = sorted(visible(settings))
    old_folder = writing.index_dir(settings.data_dir).resolve()
    done = run_sitrep("--data-dir", str(settings.data_dir), "index", "--rebuild")
    assert done.returncode == 0 and done.stdout.strip() == "rebuilt the index with 120 records"
    assert sorted(visible(settings)) == before
    assert writing.index_dir(settings.data_dir).resolve() != old_folder and not old_folder.exists()


def damage_kinds(folder: Path) -> dict[str, object]:
    def toc() -> Path:
        return next(folder.glob("_MAIN_*.toc"))

    def seg() -> Path:
        return max(folder.glob("*.seg"), key=lambda p: p.stat().st_size)

    return {
        "TOC deleted": lambda: toc().unlink(),
        "TOC truncated": lambda: toc().write_bytes(toc().read_bytes()[:20]),
        "TOC garbage": lambda: toc().write_bytes(os.urandom(300)),
        "segment deleted": lambda: seg().unlink(),
        "segment truncated": lambda: seg().write_bytes(seg().read_bytes()[:100]),
        "segment garbage": lambda: seg().write_bytes(os.urandom(seg().stat().st_size)),
        "segment emptied": lambda: seg().write_bytes(b""),
        "schema version wrong": lambda: (folder / writing.META).write_text(json.dumps({"schema_version": 0, "seq": 0})),
        "meta garbage": lambda: (folder / writing.META).write_bytes(b"\x00\x01garbage"),
        "index folder gone": lambda: __import__("shutil").rmtree(folder),
        "index folder is a file": lambda: (__import__("shutil").rmtree(folder), folder.write_text("x")),
    }


@pytest.mark.parametrize("kind", list(damage_kinds(Path("/nonexistent"))))
def test_a_damaged_index_is_one_line_with_the_command_that_rebuilds_it(tmp_path: Path, kind: str) -> None:
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 50)
    writing.update_index(settings)
    (writing.index_dir(settings.data_dir).resolve() / "MAIN_WRITELOCK").write_bytes(
        os.urandom(64)
    )  # lock garbage: harmless
    damage_kinds(writing.index_dir(settings.data_dir).resolve())[kind]()  # type: ignore[operator]
    with pytest.raises((IndexDamaged, IndexMissing)), Archive(settings) as archive:
        archive.search("army")
        archive.search("", countries=["BY"], sort="newest")
    done = run_sitrep("--data-dir", str(settings.data_dir), "search", "army")
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and (
        "sitrep index --rebuild" in done.stderr or "sitrep index" in done.stderr
    )
    fixed = run_sitrep("--data-dir", str(settings.data_dir), "index", "--rebuild")
    assert fixed.returncode == 0, fixed.stderr
    assert sorted(visible(settings)) == sorted(store_order(settings))


def test_two_writers_twenty_commits_each_lose_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 10)
    writing.update_index(settings)
    code = (
        "import sys\nfrom tests.test_index_reliability import add_records, settings_for\nfrom sitrep.index.writing import update_index\n"
        "s = settings_for(sys.argv[1]); base = int(sys.argv[2])\n"
        "for n in range(20):\n    add_records(s, base + n * 5, 5)\n    update_index(s)\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(settings.data_dir), str(base)], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for base in (1000, 5000)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    writing.update_index(settings)
    assert sorted(visible(settings)) == sorted(store_order(settings)) and len(store_order(settings)) == 210


def test_a_writer_that_cannot_get_the_lock_exits_with_one_line(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 10)
    writing.update_index(settings)
    add_records(settings, 10, 5)
    holder = writing.open_index(settings.data_dir).writer()
    try:
        done = run_sitrep("--data-dir", str(settings.data_dir), "index", env={"SITREP_INDEX_LOCK_TIMEOUT": "0.5"})
    finally:
        holder.cancel()
    assert done.returncode == 5
    assert done.stderr.startswith("Error: the index at ") and "stayed locked for 0.5 s" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_only_sitrep_errors_escape_and_no_descriptor_leaks(tmp_path: Path) -> None:
    from sitrep.errors import SitrepError

    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 80)
    writing.update_index(settings)
    rng = random.Random(3)
    alphabet = 'abcdefgh "()*?:[]-~^AND OR NOT country:AZ date:2016 topic:x week:' + "уў"
    fds_before = len(os.listdir("/proc/self/fd"))
    with Archive(settings) as archive:
        for i in range(1000):
            text = (
                "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
                if i % 2
                else rng.choice(["army", "oil", "army AND oil", ""])
            )
            with contextlib.suppress(SitrepError):
                archive.search(text, per_page=rng.randint(1, 5), sort=rng.choice(["relevance", "newest"]))
    for _ in range(50):
        Archive(settings).close()
    assert len(os.listdir("/proc/self/fd")) == fds_before


def test_crawl_settings_are_polite_and_bounded() -> None:
    from sitrep.crawler.run import scrapy_settings

    s = scrapy_settings(load(path=None, environ={}))
    assert s["ROBOTSTXT_OBEY"] is True
    assert s["DOWNLOAD_TIMEOUT"] <= 30 and s["DOWNLOAD_MAXSIZE"] <= 10 * 1024 * 1024
    assert s["MEMUSAGE_ENABLED"] and 0 < s["MEMUSAGE_LIMIT_MB"] <= 300 and s["MEMUSAGE_CHECK_INTERVAL_SECONDS"] <= 10
    assert s["TELNETCONSOLE_ENABLED"] is False and s["EXTENSIONS"]["scrapy.extensions.telnet.TelnetConsole"] is None
    assert s["DOWNLOAD_DELAY"] >= 1 and s["CONCURRENT_REQUESTS_PER_DOMAIN"] <= 2 and s["AUTOTHROTTLE_ENABLED"]
    assert "sitrep/" in s["USER_AGENT"] and "+https://" in s["USER_AGENT"]
    assert not any(k.startswith(("JSONRPC", "WEBSERVICE")) for k in s), "no remote control"


def test_dataclass_records_never_half_written(tmp_path: Path) -> None:
    """A record is written in one transaction: a failure inside leaves the store as it was."""
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 3)
    with RecordStore(settings.data_dir, assemble=assembler(settings.site)) as store:
        broken = dataclasses.replace(synthetic(99), layout="no-such-layout")
        with pytest.raises(ValueError):
            store.add_page(broken)
        assert store.count() == 3 and store.get(broken.id) is None


def test_the_live_store_runs_wal_with_full_fsync(tmp_path: Path) -> None:
    """Read the settings back from a live store: a SIGKILL cannot see a missing fsync, this can."""
    with RecordStore(tmp_path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # 2 = FULL; NORMAL is 1, OFF 0
    other = sqlite3.connect(tmp_path / RecordStore.FILE)
    try:  # WAL is a property of the file: a second connection sees it too
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        other.close()


# A rebuild whose writer process dies: run as `sitrep index --rebuild` in a process of its own,
# with the one-pass field made to fail in the writer processes (it runs only there).
DYING_WRITER = """
import os, signal, sys
from sitrep.index.text_field import OnePassText
from sitrep.cli.main import main
index, how = OnePassText.index, sys.argv[2]

def failing(self, value, **kwargs):
    if how == "every":
        os.kill(os.getpid(), signal.SIGKILL)
    if "report number 1234" in value:
        raise RuntimeError("a writer's bug")
    return index(self, value, **kwargs)

OnePassText.index = failing
main(["--data-dir", sys.argv[1], "index", "--rebuild"])
"""


@pytest.mark.parametrize(("how", "said"), [("one", "exited with code 1"), ("every", "was killed by signal 9")])
def test_a_rebuild_whose_writer_process_dies_fails_and_leaves_the_live_index(
    tmp_path: Path, how: str, said: str
) -> None:
    """Whoosh went on without a dead writer's segment (one died: documents silently missing) or
    waited for it forever (all died); either way the rebuild must fail, and the live index stay."""
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 2000)
    assert writing.rebuild_index(settings) == 2000
    live = writing.live_folder(settings.data_dir)
    done = subprocess.run(
        [sys.executable, "-c", DYING_WRITER, str(settings.data_dir), how],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: an index writer process (pid ") and said in last, last
    assert "the live index is unchanged; run `sitrep index --rebuild` again" in last
    assert writing.live_folder(settings.data_dir) == live
    assert [p.name for p in settings.data_dir.glob("index-*")] == [live.name]  # the half-built one is gone
    assert sorted(visible(settings)) == sorted(store_order(settings))


FAILING_FEED = """
import sys
from sitrep.index import writing
from sitrep.cli.main import main
document, calls = writing.document, [0]

def failing(record):
    calls[0] += 1
    if calls[0] == 1500:  # in the rebuild's own process, with writer processes busy
        raise RuntimeError("a bug while feeding the writers")
    return document(record)

writing.document = failing
main(["--data-dir", sys.argv[1], "index", "--rebuild"])
"""


def test_a_rebuild_that_fails_while_feeding_ends_its_writer_processes(tmp_path: Path) -> None:
    """Whoosh's cancel only flagged its own copy of the writer processes: they went on with their
    batches while the rebuild removed its folder, and their FileNotFoundError tracebacks followed
    sitrep's message. The writers must end with the rebuild, its error be the last word, and the
    live index stay."""
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 2000)
    writing.rebuild_index(settings)
    live = writing.live_folder(settings.data_dir)
    done = subprocess.run(
        [sys.executable, "-c", FAILING_FEED, str(settings.data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr[-2000:]  # a bug is an internal error, not damage
    assert "RuntimeError: a bug while feeding the writers" in done.stderr.strip().splitlines()[-1]
    assert writing.live_folder(settings.data_dir) == live
    assert [p.name for p in settings.data_dir.glob("index-*")] == [live.name]
    assert sorted(visible(settings)) == sorted(store_order(settings))


SPAWNED_WRITERS = """
import multiprocessing, sys
from sitrep.cli.main import main
if __name__ == "__main__":
    multiprocessing.set_start_method("spawn", force=True)  # macOS's default; Whoosh's writers then get pickled
    main(["--data-dir", sys.argv[1], "index", "--rebuild"])
"""


def test_a_rebuild_writes_every_record_when_writer_processes_are_spawned(tmp_path: Path) -> None:
    """The watched hand-over reaches spawned writers as the plain queue they read from."""
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 1200)
    script = tmp_path / "spawned.py"
    script.write_text(SPAWNED_WRITERS)
    done = subprocess.run(
        [sys.executable, str(script), str(settings.data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(visible(settings)) == sorted(store_order(settings))
    assert len(store_order(settings)) == 1200


# A rebuild whose second process for the word sets dies (an OOM kill): the process is spawned,
# so what it runs is swapped for a function it imports from a module of the test's own.
DYING_SETS_HELPER = """
import sys
import dying
from sitrep.index import docvalues, writing
from sitrep.cli.main import main
if __name__ == "__main__":
    writing.PARALLEL_SETS_FROM = 100  # the second process is used from this many documents
    docvalues._write_part = dying.write_part
    main(["--data-dir", sys.argv[1], "index", "--rebuild"])
"""
DYING = """
import os, signal

def write_part(*args):
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_rebuild_whose_word_sets_process_dies_fails_and_leaves_the_live_index(tmp_path: Path) -> None:
    """The word sets of a large rebuild are read in a second process; killed, it broke the pool
    and the rebuild ended in an internal error's traceback. It is the same failure as a dead
    writer's: one line, exit 4, the live index as it was."""
    settings = settings_for(tmp_path / "data")
    add_records(settings, 0, 1200)
    assert writing.rebuild_index(settings) == 1200
    live = writing.live_folder(settings.data_dir)
    (tmp_path / "dying.py").write_text(DYING)
    (tmp_path / "rebuild.py").write_text(DYING_SETS_HELPER)
    done = subprocess.run(
        [sys.executable, str(tmp_path / "rebuild.py"), str(settings.data_dir)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr[-2000:]
    assert "word sets" in lines[0] and "the live index is unchanged; run `sitrep index --rebuild` again" in lines[0]
    assert writing.live_folder(settings.data_dir) == live
    assert [p.name for p in settings.data_dir.glob("index-*")] == [live.name]
    assert sorted(visible(settings)) == sorted(store_order(settings))
