""" "Did you mean": the nearest printed word of the archive to a word it does not hold.

Candidates are the archive's words (``sitrep.index.words``) of about the same length and
the same first letter; among those within two edits (insertions, deletions, substitutions and
swaps of neighbours) the nearest wins, then the one more texts use. It runs only for a word the
index does not know, after a search found almost nothing.
"""

from __future__ import annotations

import functools

from sitrep.index.words import WordCounts

MAX_EDITS = 2


class Speller:
    def __init__(self, words: WordCounts) -> None:
        self.counts = words.counts

    @functools.cached_property
    def _by_head(self) -> dict[tuple[str, int], list[str]]:
        table: dict[tuple[str, int], list[str]] = {}
        for word in self.counts:
            table.setdefault((word[0], len(word)), []).append(word)
        return table

    def suggest(self, word: str) -> str | None:
        """The best replacement for ``word`` (lower-case), or None when nothing is near."""
        if not word or word in self.counts:
            return None
        best: tuple[int, int, str] | None = None
        letters = set(word)
        for length in range(len(word) - MAX_EDITS, len(word) + MAX_EDITS + 1):
            for candidate in self._by_head.get((word[0], length), ()):
                # one edit adds or removes at most two letters from the set of letters a word
                # uses (a swap none): a cheap test that spares most candidates the full count
                if len(letters.symmetric_difference(candidate)) > 2 * MAX_EDITS:
                    continue
                edits = distance(word, candidate, MAX_EDITS)
                if edits <= MAX_EDITS:
                    key = (edits, -self.counts[candidate], candidate)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None


def distance(a: str, b: str, limit: int) -> int:
    """Edits from ``a`` to ``b`` (optimal string alignment), or ``limit + 1`` once past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
