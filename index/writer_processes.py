"""Whoosh's multi-process writer, watched: a writer process that dies fails the rebuild at once.

Whoosh 2.7.4's ``MpWriter`` hands batches of documents to its writer processes through a
bounded queue and never looks at them again until the commit. A writer process that dies (killed
for memory, or an exception in it) then meant one of two wrong outcomes: with every writer gone,
the rebuild waited forever to hand over the next batch; with one gone, the commit went ahead
without its segment, an index silently missing documents. Here the hand-over gives up as soon as
a writer has died, the commit checks how every writer ended, and a cancelled writer's processes
are ended rather than left waiting for work (Whoosh's own cancel only flags its copy of them).
Only a rebuild writes in several processes, beside the live index, so the live index is untouched.
"""

from __future__ import annotations

import queue
from typing import Any

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh.multiproc import MpWriter

from sitrep.errors import IndexWriteFailed

POLL = 0.2  # seconds between looks at the writers while the hand-over queue is full


class WatchedMpWriter(MpWriter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jobqueue = _HandOver(self.jobqueue, self.tasks)

    def commit(self, *args: Any, **kwargs: Any) -> None:
        # Whoosh writes the table of contents before this check can run: the rebuild's folder
        # then holds an index without the dead writer's segment, and the rebuild removes it
        super().commit(*args, **kwargs)
        _check(self.tasks, finished=True)

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
            task.join()
        if not self.is_closed:  # a commit that found a dead writer has closed this one already
            super().cancel()


class _HandOver:
    """The job queue, whose ``put`` stops waiting when the writers that would take the job are gone.

    The writer processes receive this object (forked, or pickled as the queue itself)."""

    def __init__(self, jobs: Any, tasks: list[Any]) -> None:
        self._jobs, self._tasks = jobs, tasks

    def put(self, job: Any) -> None:
        while True:
            try:
                self._jobs.put(job, timeout=POLL)
                return
            except queue.Full:
                _check(self._tasks, finished=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._jobs, name)

    def __reduce__(self) -> tuple[Any, ...]:
        return _same, (self._jobs,)


def _same(jobs: Any) -> Any:
    return jobs


def _check(tasks: list[Any], finished: bool) -> None:
    """Raise IndexWriteFailed for a writer that failed, or (while jobs wait) when none is left to take them."""
    for task in tasks:
        if task.exitcode not in (None, 0):
            how = f"was killed by signal {-task.exitcode}" if task.exitcode < 0 else f"exited with code {task.exitcode}"
            raise IndexWriteFailed(f"an index writer process (pid {task.pid}) {how} before its segment was written")
    if not finished and tasks and not any(task.is_alive() for task in tasks):
        raise IndexWriteFailed("every index writer process ended while documents were still waiting for them")
