"""A Whoosh TEXT field that analyses a text for the index in one loop.

Whoosh indexes a text through a chain of generators (tokenizer, lower-casing, stop words,
stemming, then one gathering each word's positions) passing a Token object along: about half of
a rebuild's writer time. For the chain sitrep builds — ``RegexTokenizer | LowercaseFilter |
StopFilter | StemFilter`` — ``OnePassText.index`` takes the same steps in one loop: one
``findall`` for the words, one dictionary from a printed word to its indexed form (``None`` for
a stop word), and yields exactly what Whoosh's TEXT yields: the same terms in the same order,
frequencies, weights and encoded positions. Everything else (query parsing, highlighting, a
chain of any other shape) goes through Whoosh unchanged; ``tests/test_text_field.py`` holds the
two paths equal on the sample corpus and on generated text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import TEXT
from whoosh.formats import Positions

# Whoosh's default word pattern with its group made non-capturing, so ``findall`` returns whole
# words: the same matches, one C call per text instead of a match object per word.
WORDS = r"\w+(?:\.?\w+)*"
# Printed words remembered per field and process (a rebuild's writer meets ~10^5 distinct ones)
REMEMBERED = 200_000

Form = Callable[[str], "str | None"]


class OnePassText(TEXT):
    """TEXT whose ``index`` runs its analyzer's four steps in one loop (same output)."""

    def __getstate__(self) -> dict[str, Any]:
        # the index's table of contents pickles the schema: leave this process's memory out
        return {k: v for k, v in self.__dict__.items() if k != "_forms"}

    def index(self, value: Any, **kwargs: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        form = None if kwargs or not isinstance(value, str) else self._form()
        if form is None:
            return super().index(value, **kwargs)
        forms: dict[str, str | None] = self.__dict__.setdefault("_forms", {})
        if len(forms) > REMEMBERED:
            forms.clear()
        words = self.analyzer.items[0].expression.findall(value)
        indexed = [forms[w] if w in forms else forms.setdefault(w, form(w)) for w in words]
        # StopFilter renumbers: the first word kept keeps its place, the rest follow it one by one
        first = next((i for i, w in enumerate(indexed) if w is not None), 0)
        positions: dict[str, list[int]] = {}
        for pos, word in enumerate((w for w in indexed if w is not None), start=first):
            if word in positions:
                positions[word].append(pos)
            else:
                positions[word] = [pos]
        boost = self.format.field_boost
        return [
            (word.encode("utf-8"), len(places), float(len(places)) * boost, _encoded(places))
            for word, places in positions.items()
        ]

    def _form(self) -> Form | None:
        """The printed word -> indexed word function of this field's chain, or None when the
        chain is not the one shape this loop reproduces."""
        chain = self.analyzer
        if type(self.format) is not Positions or type(chain) is not CompositeAnalyzer:
            return None
        shape = [type(step) for step in chain.items]
        if shape != [RegexTokenizer, LowercaseFilter, StopFilter, StemFilter]:
            return None
        tokenizer, _, stop, stem = chain.items
        if tokenizer.gaps or tokenizer.expression.groups or not stop.renumber:
            return None
        stops, shortest, longest = stop.stops, stop.min, stop.max
        stemfn, ignore = stem.stemfn, stem.ignore

        def form(printed: str) -> str | None:
            word = printed.lower()
            if len(word) < shortest or (longest is not None and len(word) > longest) or word in stops:
                return None
            return word if word in ignore else stemfn(word)

        return form


def _encoded(places: list[int]) -> bytes:
    """Whoosh's ``Positions.encode``; most words of a text occur once, and their encoding
    depends on the position alone, so those are remembered."""
    return _once(places[0]) if len(places) == 1 else _POSITIONS.encode(places)


_POSITIONS = Positions()


@functools.lru_cache(maxsize=4096)
def _once(pos: int) -> bytes:
    return _POSITIONS.encode([pos])
