"""The words of the archive as printed (not stemmed), with how many texts use each: saved
beside each index generation for "did you mean" suggestions.

Whoosh's own spelling support indexes every text a second time, unstemmed, in a field of its
own: half of an index build's time. Here the words are gathered with one regular expression
while the records are written (a C-speed pass), counted, and pickled once per commit; an
incremental commit starts from the previous generation's counts.
"""

from __future__ import annotations

import collections
import os
import pickle
import re
from collections.abc import Iterable
from pathlib import Path

from sitrep.index.docvalues import private_tmp, remove_older
from sitrep.record import Record

FILE = "words-{generation}.pickle"
_WORD = re.compile(r"[^\W\d_]{3,}")  # letters only, three or more: what a misspelling can be


class WordCounts:
    """Counts of printed words (lower-cased) by the number of texts using them."""

    def __init__(self, counts: collections.Counter[str] | None = None) -> None:
        self.counts: collections.Counter[str] = counts if counts is not None else collections.Counter()

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            self.counts.update(set(_WORD.findall(record.text.lower())))

    def save(self, folder: Path, generation: int) -> None:
        target = folder / FILE.format(generation=generation)
        tmp = private_tmp(target)
        with tmp.open("wb") as fh:
            pickle.dump(dict(self.counts), fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        remove_older(folder, "words", ".pickle", generation)

    @classmethod
    def load(cls, folder: Path, generation: int) -> WordCounts:
        """The saved counts of a generation; empty when there are none (an index built before
        this file existed: suggestions are then simply not offered)."""
        try:
            with (folder / FILE.format(generation=generation)).open("rb") as fh:
                return cls(collections.Counter(pickle.load(fh)))
        except FileNotFoundError:
            return cls()

    @classmethod
    def latest(cls, folder: Path) -> WordCounts:
        """The newest saved counts in ``folder``, to go on from in an incremental commit."""
        saved = sorted(
            (int(p.name[6:-7]) for p in folder.glob("words-*.pickle") if p.name[6:-7].isdigit()), reverse=True
        )
        return cls.load(folder, saved[0]) if saved else cls()
