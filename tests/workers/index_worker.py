"""A real indexing process for the crash tests: `update_index` with small batches, saying on
stdout which phase of which commit it is in, so a test knows where its SIGKILL landed.

    python -m tests.workers.index_worker DATA_DIR BATCH [N:PHASE]

Lines: ``START k`` (records already indexed), then per commit ``COMMITTING n``, ``PHASE n
segment|toc|finish`` (Whoosh's steps inside ``SegmentWriter.commit``: write the new segment,
write the table of contents that makes it live, clean up) and ``COMMITTED n``; ``DONE`` at the
end. With ``N:PHASE`` the worker stops in that phase of its N-th commit, prints ``PAUSED N
PHASE`` and waits on stdin: a kill sent after that line certainly landed inside the commit.
"""

from __future__ import annotations

import sys

from whoosh.writing import SegmentWriter

from sitrep.config import load
from sitrep.index import writing
from sitrep.index.store import RecordStore

PHASES = {"_finalize_segment": "segment", "_close_segment": "segment", "_commit_toc": "toc", "_finish": "finish"}


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def instrument(pause: tuple[int, str] | None) -> None:
    """Wrap Whoosh's commit and its steps to announce them (and hold in the one asked for)."""
    commits = [0]
    original_commit = SegmentWriter.commit

    def commit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        commits[0] += 1
        say(f"COMMITTING {commits[0]}")
        original_commit(self, *args, **kwargs)
        say(f"COMMITTED {commits[0]}")

    def step(name: str):  # type: ignore[no-untyped-def]
        original = getattr(SegmentWriter, name)

        def wrapped(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if commits[0]:  # the writer also closes segments outside commit (cancel)
                say(f"PHASE {commits[0]} {PHASES[name]}")
                if pause == (commits[0], PHASES[name]):
                    say(f"PAUSED {commits[0]} {PHASES[name]}")
                    sys.stdin.readline()  # held here until the test kills us
            return original(self, *args, **kwargs)

        return wrapped

    SegmentWriter.commit = commit  # type: ignore[method-assign]
    for name in PHASES:
        setattr(SegmentWriter, name, step(name))


def main(data_dir: str, batch: int, pause: tuple[int, str] | None) -> None:
    settings = load(path=None, environ={}, overrides={"storage.data_dir": data_dir})
    instrument(pause)
    writing.BATCH = batch
    link = writing.index_dir(settings.data_dir)
    seq = writing.read_meta(link.resolve()).get("seq", 0) if link.exists() else 0
    with RecordStore(settings.data_dir, create=False) as store:
        start = int(store.db.execute("SELECT COUNT(*) FROM records WHERE seq <= ?", (seq,)).fetchone()[0])
    say(f"START {start}")
    writing.update_index(settings)
    say("DONE")


if __name__ == "__main__":
    target = None
    if len(sys.argv) > 3:
        n, phase = sys.argv[3].split(":")
        target = (int(n), phase)
    main(sys.argv[1], int(sys.argv[2]), target)
