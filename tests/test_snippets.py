"""Snippets by hand: which window is shown, where it starts and ends, where the "…" go, and the
terminal's marking. Texts and expected snippets are worked out here from the rules in
``search.highlight``'s docstrings (the densest window, the first of equals; a quarter of the
width before it, from a word's start; cut back to a space; "…" where the text goes on)."""

from __future__ import annotations

import pytest

from sitrep.search.highlight import Snippet, snippet


def same(word: str) -> str:
    return word


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        # shorter than the window: all of it, no "…" at either end
        ("The oil price rose.", 200, Snippet("The oil price rose.", ((4, 7),))),
        # two windows hold one word each: the first; cut back to the space before the window's end
        ("oil one two three four five six seven eight nine oil", 12, Snippet("oil one two…", ((0, 3),))),
        # a word ending exactly at the window's edge counts: the first window holds two, as the last does
        ("oil ab oil " + "zz " * 10 + "oil z oil", 10, Snippet("oil ab…", ((0, 3),))),
        # a quarter of the width (10) before the word, moved back to where a word starts
        (
            "ab " * 10 + "oil" + " cd" * 20,
            40,
            Snippet("…ab ab ab ab oil cd cd cd cd cd cd cd cd…", ((13, 16),)),
        ),
    ],
)
def test_the_window_shown(text: str, width: int, expected: Snippet) -> None:
    assert snippet(text, {"oil"}, same, width) == expected


def test_no_snippet_without_a_word_of_the_query() -> None:
    assert snippet("The gas price rose.", {"oil"}, same, 200) is None
    assert snippet("", {"oil"}, same, 200) is None


def test_marked_puts_the_marks_around_each_highlight_once() -> None:
    text = Snippet("an oil deal, then oil again", ((3, 6), (18, 21)))
    assert text.marked("[", "]") == "an [oil] deal, then [oil] again"
    assert Snippet("no marks", ()).marked("[", "]") == "no marks"
