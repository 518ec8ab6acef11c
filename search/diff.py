"""What changed between two versions of a record: the fields that differ and a word diff.

Pure: two ``Record`` values in, a ``Diff`` out. Words are compared (not characters or lines):
an edited analysis usually changes a few words within long paragraphs.
"""

from __future__ import annotations

import dataclasses
import difflib
from typing import Any

from sitrep.record import Record

IGNORED = ("content_hash", "fetched_at", "lead", "body", "title")  # volatile, or in the word diff


@dataclasses.dataclass(frozen=True)
class Change:
    """A run of words: ``kind`` is ``same``, ``removed`` or ``added``."""

    kind: str
    words: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Diff:
    """What changed in a record between two of its stored versions."""

    record_id: str
    old_version: int
    new_version: int
    fields: dict[str, tuple[Any, Any]]  # field -> (old value, new value)
    changes: tuple[Change, ...]

    @property
    def words_added(self) -> int:
        return sum(len(c.words) for c in self.changes if c.kind == "added")

    @property
    def words_removed(self) -> int:
        return sum(len(c.words) for c in self.changes if c.kind == "removed")

    def marked(self, removed: tuple[str, str] = ("[-", "-]"), added: tuple[str, str] = ("{+", "+}")) -> str:
        """The new text with removed words as ``[-…-]`` and added ones as ``{+…+}`` (as git's word diff)."""
        out = []
        for change in self.changes:
            words = " ".join(change.words)
            if change.kind == "removed":
                out.append(f"{removed[0]}{words}{removed[1]}")
            elif change.kind == "added":
                out.append(f"{added[0]}{words}{added[1]}")
            else:
                out.append(words)
        return " ".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "version": 1,
            "id": self.record_id,
            "from": self.old_version,
            "to": self.new_version,
            "fields": {k: {"old": a, "new": b} for k, a, b in ((k, *v) for k, v in self.fields.items())},
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "changes": [{"kind": c.kind, "text": " ".join(c.words)} for c in self.changes],
        }


def diff(old: Record, new: Record, old_version: int, new_version: int) -> Diff:
    a, b = old.to_dict(), new.to_dict()
    fields = {k: (a[k], b[k]) for k in a if k not in IGNORED and a[k] != b[k]}
    before, after = _words(old), _words(new)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(Change("same", tuple(before[i1:i2])))
            continue
        if i2 > i1:
            changes.append(Change("removed", tuple(before[i1:i2])))
        if j2 > j1:
            changes.append(Change("added", tuple(after[j1:j2])))
    return Diff(new.id, old_version, new_version, fields, tuple(changes))


def _words(record: Record) -> list[str]:
    return " ".join([record.title, record.lead, *record.body]).split()
