"""Snippets: the part of a text where the query's words are densest, with their places marked.

Structured (text plus character spans), so the terminal colours them, JSON clients mark them
as they like, and nothing has to be unescaped.
"""

from __future__ import annotations

import dataclasses

from whoosh.analysis import Analyzer


@dataclasses.dataclass(frozen=True)
class Snippet:
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


def snippet(text: str, terms: set[str], analyzer: Analyzer, width: int) -> Snippet | None:
    """The window of about ``width`` characters with the most query terms, or None without any."""
    if not terms or not text:
        return None
    spans = [
        (t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="index", removestops=False) if t.text in terms
    ]
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
