"""Snippets: the part of a text where the query's words are densest, with their places marked.

Structured (text plus character spans), so the terminal colours them, JSON clients mark them
as they like, and nothing has to be unescaped. Words are found the way the index found them:
the same tokens, lower-cased and stemmed with the field's own stemmer (cached per word).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whoosh.analysis import Analyzer

_WORD = re.compile(r"\w+(?:\.?\w+)*")  # the tokens of Whoosh's RegexTokenizer


@dataclasses.dataclass(frozen=True)
class Snippet:
    """A stretch of a record's text around the query's words, with where they are."""

    text: str
    highlights: tuple[tuple[int, int], ...]  # (start, end) character spans in ``text``

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "highlights": [list(s) for s in self.highlights]}

    def marked(self, before: str, after: str) -> str:
        out, last = [], 0
        for start, end in self.highlights:
            out += [self.text[last:start], before, self.text[start:end], after]
            last = end
        return "".join(out) + self.text[last:]


def stemmer_of(analyzer: Analyzer) -> Callable[[str], str]:
    """The analyzer's stemming function, cached per word."""
    from whoosh.analysis import StemFilter  # here, so output formatting never loads Whoosh

    stem = next((f.stemfn for f in getattr(analyzer, "items", []) if isinstance(f, StemFilter)), lambda w: w)
    return functools.lru_cache(maxsize=200_000)(stem)


@functools.lru_cache(maxsize=256)
def _candidates(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Tokens that may stem to one of ``terms``: those starting with a term's first two letters.

    Stemmers change a word's end, never its first two letters (Porter turns a final "y" into
    "i" at the third letter at the earliest: "say" → "sai"), so only these need stemming;
    stemming every word of every hit's text cost more than ranking them.
    The leading look-ahead names the heads' first letters as one class: it adds nothing to what
    matches, but lets the scan skip every other position before trying the look-behinds and the
    alternatives there (a 1,800-character text: 24 µs, was 39).
    """
    heads = sorted({re.escape(term[:2]) for term in terms}, key=len, reverse=True)
    firsts = "".join(sorted({re.escape(term[0]) for term in terms}))
    return re.compile(rf"(?=(?i:[{firsts}]))(?<!\w)(?<!\w\.)(?i:{'|'.join(heads)})\w*(?:\.?\w+)*")


def snippet(text: str, terms: set[str], stem: Callable[[str], str], width: int) -> Snippet | None:
    """The window of about ``width`` characters with the most query terms, or None without any."""
    if not terms or not text:
        return None
    spans = [m.span() for m in _candidates(tuple(sorted(terms))).finditer(text) if stem(m.group(0).lower()) in terms]
    if not spans:
        return None
    best, best_count = spans[0][0], 0
    for start, _ in spans:
        count = sum(1 for s, e in spans if start <= s and e <= start + width)
        if count > best_count:
            best, best_count = start, count
    begin = max(0, best - width // 4)
    space = text.rfind(" ", 0, begin)
    begin = 0 if begin == 0 or space < 0 else space + 1
    end = min(len(text), begin + width)
    if end < len(text):
        cut = text.rfind(" ", begin, end)
        end = cut if cut > begin else end
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    shown = prefix + text[begin:end] + suffix
    marks = tuple((s - begin + len(prefix), e - begin + len(prefix)) for s, e in spans if begin <= s and e <= end)
    return Snippet(shown, marks)
