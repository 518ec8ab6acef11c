"""Each field found by what it is, wherever a theme prints it; the title's rule; the body's end;
a redesign told from a headerless page. Pages written here, expected values written by hand."""

from __future__ import annotations

import pytest

from sitrep.config import load
from sitrep.crawler import parsers
from sitrep.crawler.parsers import fields, parse_article
from sitrep.errors import ParseError

SITE = load(path=None, environ={}).sites["belarusinfocus"]
URL = "https://belarusinfocus.pro/7136-2/"
TEXT = (
    "<p>Minsk signed a new agreement with Baku on oil supplies this week, officials said.</p>"
    "<p>The deal gives Belarus a second source of crude for its two refineries.</p>"
)
MENU = (
    '<nav><a href="/analytics/the-ruling-elite/">The ruling elite</a> <a href="/analytics/security-issues/">'
    "Security issues</a> <a>Archive: March 2024</a></nav>"
)


def page(main: str, title: str = "Baku and Minsk sign an oil deal – Belarus in Focus", head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{MENU}<main>{main}</main><footer>Follow us. France, Canada.</footer></body></html>"


def test_week_in_the_meta_line_after_the_title_and_verdict_before_any_week() -> None:
    r = parse_article(
        URL,
        page(
            "<article><p>The situation got worse</p><h1>Baku and Minsk sign an oil deal</h1>"
            f"<p>Posted on November 28 – December 4, 2016 by Ales Kruk</p><div>{TEXT}</div></article>"
        ),
        SITE,
    )
    assert (r.week_start, r.week_end, r.date_source) == ("2016-11-28", "2016-12-04", "week")
    assert (r.trend, r.trend_label, r.author) == ("worsened", "The situation got worse", "Ales Kruk")
    assert r.lead.startswith("Minsk signed") and len(r.body) == 1
    assert r.title_source == "h1" and r.warnings == ()
    assert r.week_label == "November 28 – December 4, 2016"  # the range alone, not "Posted on … by …"


@pytest.mark.parametrize(
    ("printed", "label", "start"),
    [
        ("December 28\xa0\u2014  January 3,\n 2020", "December 28 — January 3, 2020", "2020-12-28"),
        ("28 декабря – 3 января 2020 г.", "28 декабря – 3 января 2020 г.", "2020-12-28"),
    ],
)
def test_week_label_is_the_range_as_printed_with_its_spaces_collapsed(printed: str, label: str, start: str) -> None:
    """The site's own label keeps its dash and its one year (the start's); only white space is tidied."""
    r = parse_article(
        URL,
        page(
            f"<article><h1>Baku and Minsk sign an oil deal</h1><p>The situation got worse</p><p>{printed}</p><div>{TEXT}</div></article>"
        ),
        SITE,
    )
    assert (r.week_start, r.week_label) == (start, label)


def test_topic_verdict_and_title_without_a_week_keep_the_verdict() -> None:
    r = parse_article(
        URL,
        page(
            '<article><p><a href="/analytics/security-issues/">Security issues</a></p>'
            f"<h1>Baku and Minsk sign an oil deal</h1><p>The situation has not changed</p>{TEXT}</article>"
        ),
        SITE,
    )
    assert (r.topic, r.trend, r.week_start, r.layout) == ("security-issues", "unchanged", None, "current")


def test_old_status_on_its_own_lines_after_the_text_keeps_text_and_verdict() -> None:
    r = parse_article(
        "https://belarusinfocus.info/economy/budget-gap-widens",
        page(
            f"<h1>Baku and Minsk sign an oil deal</h1><div>{TEXT}</div>"
            "<div>Category status:</div><div>- (The situation has not changed)</div>"
            "<h3>Similar articles</h3><ul><li><a href='/economy/x'>Other</a> May 2, 2016 10:00</li>"
            "<li><a href='/economy/y'>Another</a> May 9, 2016 10:00</li></ul>"
        ),
        SITE,
    )
    assert r.layout == "old" and r.trend == "unchanged" and r.stamp is None
    assert r.lead.startswith("Minsk signed") and len(r.body) == 1
    assert r.topic == "economy"


def test_topic_in_the_tags_after_the_body_when_the_url_has_none() -> None:
    r = parse_article(
        URL,
        page(
            f"<article><h1>Baku and Minsk sign an oil deal</h1><p>May 15 – May 21, 2023</p>{TEXT}"
            '<p>Tags: <a href="/tag/oil/">Oil</a>, <a href="/analytics/belarus-west-relations/">Belarus-West relations</a></p></article>'
        ),
        SITE,
    )
    assert r.topic == "belarus-west-relations" and r.week_start == "2023-05-15"
    assert r.body == ("The deal gives Belarus a second source of crude for its two refineries.",)


def test_a_field_found_twice_with_different_values_is_kept_once_and_noted() -> None:
    r = parse_article(
        URL,
        page(
            f"<article><p>May 15 – May 21, 2023</p><h1>Baku and Minsk sign an oil deal</h1>{TEXT}"
            "<p>Posted on May 22 – May 28, 2023</p></article>"
        ),
        SITE,
    )
    assert r.week_start == "2023-05-15"
    assert len(r.warnings) == 1 and "2023-05-15" in r.warnings[0] and "May 22 – May 28, 2023" in r.warnings[0]


def test_comments_related_posts_and_follow_bars_stay_out_of_the_body() -> None:
    comments = "".join(
        f"<li><b>Reader {k}</b> <a href='#c{k}'>March {k + 1}, 2024 at 10:00</a><p>The French Revolution and German "
        "Reunification come to mind, as do the United States.</p></li>"
        for k in range(5)
    )
    r = parse_article(
        URL,
        page(
            f"<article><h1>Baku and Minsk sign an oil deal</h1><p>May 15 – May 21, 2023</p>{TEXT}"
            "<div>Share: <a href='#'>Facebook</a> <a href='#'>Twitter</a></div>"
            "<h3>More stories</h3><p>Canada and France sign a trade deal on Monday, ministers said today.</p></article>"
            f"<section><h2>5 comments</h2><ol>{comments}</ol></section>"
        ),
        SITE,
    )
    assert len(r.body) == 1 and set(r.countries) == {"AZ", "BY"}


@pytest.mark.parametrize(
    ("html", "title", "source"),
    [
        (
            page(f"<h1>Baku and Minsk sign an oil deal</h1>{TEXT}"),
            "Baku and Minsk sign an oil deal",
            "h1",
        ),
        (
            page(
                f'<h1><a href="/">Minsk Diary</a></h1><h2>Baku and Minsk sign an oil deal</h2>{TEXT}',
                head='<meta property="og:title" content="Baku and Minsk sign an oil deal">',
            ),
            "Baku and Minsk sign an oil deal",
            "og:title",
        ),
        (
            page(
                f"<p><b>Baku and Minsk sign an oil deal</b></p>{TEXT}",
                title="Belarus in Focus | Baku and Minsk sign an oil deal",
            ),
            "Baku and Minsk sign an oil deal",
            "title",
        ),
        (
            page(f"<h3>Baku and Minsk: an oil deal</h3>{TEXT}", title="Eastern Notes » Baku and Minsk: an oil deal"),
            "Baku and Minsk: an oil deal",
            "heading",
        ),
    ],
)
def test_title_rules_say_which_one_found_it(html: str, title: str, source: str) -> None:
    r = parse_article(URL, html, SITE)
    assert (r.title, r.title_source) == (title, source)
    assert r.lead.startswith("Minsk signed")


def test_a_headerless_page_parses_and_an_unknown_header_does_not() -> None:
    plain = parse_article(URL, page(f"<article><h1>Baku and Minsk sign an oil deal</h1>{TEXT}</article>"), SITE)
    assert plain.layout == "headerless" and plain.week_start is None
    for header in ("<p>Week 47</p>", "<p>28.11.2016–04.12.2016</p>", "<p>Nov 28 to Dec 4</p>", "<p>Nov 28 – Dec 4</p>"):
        with pytest.raises(ParseError) as caught:
            parse_article(URL, page(f"<article><h1>Baku and Minsk sign an oil deal</h1>{header}{TEXT}</article>"), SITE)
        assert caught.value.field == "layout"


def test_a_single_post_date_under_the_title_is_a_stamp_not_a_redesign() -> None:
    r = parse_article(
        URL, page(f"<article><h1>Baku and Minsk sign an oil deal</h1><p>December 5, 2016</p>{TEXT}</article>"), SITE
    )
    assert (r.layout, r.stamp, r.week_start, r.lead[:12]) == ("headerless", "2016-12-05T00:00", None, "Minsk signed")


def test_a_bug_in_the_parser_is_not_turned_into_a_bad_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what the parser recognises as a bad page is a ParseError; a bug escapes as itself."""
    html = page(f"<article><h1>Baku and Minsk sign an oil deal</h1>{TEXT}</article>")

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(parsers, "read_line", broken)
    with pytest.raises(KeyError):
        parse_article(URL, html, SITE)
    monkeypatch.setattr(parsers, "read_line", fields.read_line)
    assert parse_article(URL, html, SITE).title == "Baku and Minsk sign an oil deal"


def test_a_dated_meta_line_beside_a_text_that_names_dates_is_not_two_repeated_items() -> None:
    r = parse_article(
        URL,
        page(
            "<article><header><h1>Baku and Minsk sign an oil deal</h1></header>"
            "<div>Posted on May 15 – May 21, 2023 by <a href='/author/ak/'>Ales Kruk</a></div>"
            "<div><p>On May 16, 2023 <a href='/x/'>Minsk</a> and Baku met.</p>"
            "<p>The deal gives Belarus a second source of crude for its two refineries.</p></div></article>"
        ),
        SITE,
    )
    assert r.lead == "On May 16, 2023 Minsk and Baku met." and len(r.body) == 1
    assert (r.week_start, r.author) == ("2023-05-15", "Ales Kruk")


def test_a_logo_h1_beside_the_title_h1_and_a_capitalised_category() -> None:
    r = parse_article(
        URL,
        page(
            "<header><h1>Eastern Notes</h1></header><article><h1>Baku and Minsk sign an oil deal</h1>"
            f"<p>Filed under: SECURITY ISSUES</p>{TEXT}</article>",
            title="Baku and Minsk sign an oil deal - Eastern Notes",
        ),
        SITE,
    )
    assert (r.title, r.title_source, r.topic) == ("Baku and Minsk sign an oil deal", "h1", "security-issues")


@pytest.mark.parametrize(("length", "parses"), [(300, True), (301, False)])
def test_a_title_may_be_300_characters_long_not_more(length: int, parses: bool) -> None:
    title = ("Minsk oils " * 30)[: length - 1] + "x"  # words, ending in a letter
    assert len(title) == length
    html = page(f"<h1>{title}</h1>{TEXT}", title=f"{title} – Belarus in Focus")
    if parses:
        assert parse_article(URL, html, SITE).title == title
    else:
        with pytest.raises(ParseError, match=f"{length} characters, expected at most 300"):
            parse_article(URL, html, SITE)


def test_the_title_is_read_at_its_heading_not_at_an_earlier_copy_of_its_text() -> None:
    """og:title names the text; a breadcrumb prints it first as a paragraph. The text starts
    after the heading that prints it, not after the breadcrumb."""
    r = parse_article(
        URL,
        page(
            "<p>Baku and Minsk sign an oil deal</p><p>Posted in the weekly review by the editors</p>"
            f"<h2>Baku and Minsk sign an oil deal</h2>{TEXT}",
            title="Weekly",
            head='<meta property="og:title" content="Baku and Minsk sign an oil deal">',
        ),
        SITE,
    )
    assert (r.title, r.title_source) == ("Baku and Minsk sign an oil deal", "og:title")
    assert r.lead.startswith("Minsk signed") and "Posted in" not in r.text


@pytest.mark.parametrize(
    ("printed", "kept"),
    [
        ("The situation is hard to judge at this very moment", True),  # ten words
        ("The situation is hard to judge at this very moment here", False),  # eleven: a sentence
    ],
)
def test_a_verdict_not_in_the_table_is_kept_up_to_ten_words(printed: str, kept: bool) -> None:
    r = parse_article(URL, page(f"<h1>Baku and Minsk sign an oil deal</h1><p>{printed}</p>{TEXT}"), SITE)
    assert r.trend is None and r.trend_label == (printed if kept else None)
