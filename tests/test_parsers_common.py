"""How a page is read into blocks (``crawler/parsers/common.py``), on small pages written here.

Each expectation is what a person reading the HTML would call the page's separate pieces of
text; the fixture pages in test_parsers.py test the parsers built on top of this.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sitrep.config import Site, load
from sitrep.crawler.parsers.common import Block, Page, decode, read_page
from sitrep.errors import ParseError

URL = "https://belarusinfocus.pro/analytics/economy/a-text/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    empty = tmp_path_factory.mktemp("settings") / "settings.toml"
    empty.write_text("", encoding="utf-8")
    return load(empty, environ={}).site


def texts(html: str | bytes, site: Site, url: str = URL) -> list[str]:
    return [b.text for b in read_page(url, html, site).blocks]


# every element that starts a block of its own, as HTML defines block-level content
BLOCKS = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "figure",
    "figcaption",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "pre",
    "address",
    "center",
]


@pytest.mark.parametrize("tag", BLOCKS)
def test_a_block_element_is_a_block_of_its_own(tag: str, site: Site) -> None:
    page = read_page(URL, f"<html><body><span>before <{tag}>inside</{tag}> after</span></body></html>", site)
    assert [b.text for b in page.blocks] == ["before", "inside", "after"]
    assert page.blocks[1].tag == tag


@pytest.mark.parametrize("tag", ["button", "canvas", "embed", "form", "object", "select", "textarea"])
def test_controls_and_embeds_hold_no_text(tag: str, site: Site) -> None:
    assert texts(f"<html><body><div>kept <{tag}>dropped</{tag}> too</div></body></html>", site) == ["kept too"]


@pytest.mark.parametrize("tag", ["script", "style", "svg", "noscript", "template", "iframe"])
def test_chrome_is_dropped_even_when_never_closed(tag: str, site: Site) -> None:
    assert texts(f"<html><body><div>kept</div><{tag}>dropped", site) == ["kept"]
    assert texts(f"<html><body><div>kept <{tag} class='x'>dropped</{tag} > too</div></body></html>", site) == [
        "kept too"
    ]


@pytest.mark.parametrize(
    "chrome",
    [
        "<svg><text>dropped</text></svg>",
        "<noscript>dropped</noscript>",
        "<iframe>dropped</iframe>",
        "<SVG>\n<text>dropped</text>\n</SVG>",  # any case, over several lines
        "<IFRAME src='x'>\ndropped\n</IFRAME >",
    ],
)
def test_chrome_inside_inline_text_is_dropped(chrome: str, site: Site) -> None:
    assert texts(f"<html><body><p>kept <span>a {chrome} b</span></p></body></html>", site) == ["kept a b"]


@pytest.mark.parametrize("tag", ["svg", "button", "select", "textarea"])
def test_unclosed_chrome_inside_inline_text_is_dropped(tag: str, site: Site) -> None:
    """Never closed, the cut before parsing cannot match it; the reader must still skip it."""
    blocks = texts(f"<html><body><p>kept <span>a <{tag}><b>icon label</b> b</span> c</p></body></html>", site)
    assert len(blocks) == 1 and "icon label" not in blocks[0] and blocks[0].startswith("kept a"), blocks


def test_comments_are_dropped(site: Site) -> None:
    assert texts("<html><body><p>one <!-- note --> two</p></body></html>", site) == ["one two"]
    assert texts("<html><body><p>one <!--\nlong\n--> two</p></body></html>", site) == ["one two"]


def test_br_splits_and_spaces_are_normalised(site: Site) -> None:
    assert texts("<html><body><p>one<br>two<br/>  three\n four</p></body></html>", site) == ["one", "two", "three four"]
    assert texts("<html><body><p>one<br><br>two</p><p> </p></body></html>", site) == ["one", "two"]


def test_inline_elements_join_their_text(site: Site) -> None:
    html = "<html><body><p>The <b>bold</b> and <i>slanted <em>words</em></i>.</p></body></html>"
    assert texts(html, site) == ["The bold and slanted words ."]


def test_an_inline_element_holding_blocks_is_read_as_blocks(site: Site) -> None:
    html = "<html><body><p>lead</p><span>one <em>x<div>two</div></em></span></body></html>"
    page = read_page(URL, html, site)
    assert [b.text for b in page.blocks] == ["lead", "one", "x", "two"]


def test_links_are_absolute_with_their_text(site: Site) -> None:
    html = (
        "<html><body><p>See <a href='/analytics/economy/'>Economy <b>news</b></a> and "
        "<a href='https://other.org/x'>there</a> or <a>no href</a> <a href=''>empty</a>.</p></body></html>"
    )
    (block,) = read_page(URL, html, site).blocks
    assert block.links == (
        ("https://belarusinfocus.pro/analytics/economy/", "Economy news"),
        ("https://other.org/x", "there"),
    )
    html = "<html><body><ul><li><a href='b/'>B</a></li></ul></body></html>"
    assert read_page(URL, html, site).blocks[0].links == (
        ("https://belarusinfocus.pro/analytics/economy/a-text/b/", "B"),
    )
    html = "<html><body><p>x <span><a href='/y/'>Y</a><div>z</div></span></p></body></html>"
    assert [(b.text, b.links) for b in read_page(URL, html, site).blocks] == [
        ("x", ()),
        ("Y", (("https://belarusinfocus.pro/y/", "Y"),)),
        ("z", ()),
    ]


def test_paths_name_the_elements_around_a_block(site: Site) -> None:
    html = "<html><body><div><p>one</p><p>two</p></div><p>three</p></body></html>"
    page = read_page(URL, html, site)
    # element ids in document order: 0 body, 1 div, 2 p, 3 p, 4 p
    assert [b.path for b in page.blocks] == [(0, 1, 2), (0, 1, 3), (0, 4)]
    assert page.tags == ["body", "div", "p", "p", "p"]


def test_blocks_are_values() -> None:
    block = Block("x", "p")
    assert block.links == () and block.path == ()
    assert hash(block) == hash(Block("x", "p")) and block == Block("x", "p")
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.text = "y"  # type: ignore[misc]


def test_page_defaults(site: Site) -> None:
    page = Page("https://x/", site, [], None, None, None)
    assert page.tagger is None and page.tags == [] and page.site_name is None
    assert Page("https://x/", site, [], None, None, None).tags is not page.tags


def test_link_share() -> None:
    assert Block("abcd", "p", (("u", "ab"),)).link_share == 0.5
    assert Block("ab", "p", (("u", "ab"), ("v", "abc"))).link_share == 1.0
    assert Block("abcd", "p").link_share == 0.0
    assert Block("", "p", (("u", "x"),)).link_share == 1.0


def test_too_deep_a_page_is_a_parse_error(site: Site) -> None:
    # body and 400 elements inside it are read; one more is a broken or hostile page
    fine = "<div>" * 400 + "x" + "</div>" * 400
    assert texts(f"<html><body>{fine}</body></html>", site) == ["x"]
    deep = "<div>" * 401 + "x" + "</div>" * 401
    with pytest.raises(ParseError) as err:
        read_page(URL, f"<html><body>{deep}</body></html>", site)
    assert (err.value.url, err.value.field, err.value.reason) == (URL, "html", "elements nested deeper than 400")


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ("", "the page is empty"),
        (" \n\t", "the page is empty"),
        (b"", "the page is empty"),
        ("just words, no markup", "not an HTML page (binary or plain text)"),
        ("<p>\x00binary</p>", "not an HTML page (binary or plain text)"),
    ],
)
def test_not_a_page(html: str | bytes, why: str, site: Site) -> None:
    with pytest.raises(ParseError) as err:
        read_page(URL, html, site)
    assert (err.value.url, err.value.field, err.value.reason) == (URL, "html", why)


def test_markup_after_the_first_4096_characters_is_not_looked_for(site: Site) -> None:
    with pytest.raises(ParseError, match="not an HTML page"):
        read_page(URL, "x" * 4096 + "<p>late</p>", site)
    assert texts("x" * 4095 + "<p>late</p>", site)[-1] == "late"
    assert texts("<p>early</p>" + "x" * 4096 + "\x00", site)[0] == "early"
    assert texts("<p>a</p>" + "x" * (4096 - 8) + "\x00", site)[0] == "a"  # the NUL is character 4097
    with pytest.raises(ParseError, match="not an HTML page"):
        read_page(URL, "<p>a</p>" + "x" * (4095 - 8) + "\x00", site)  # character 4096


def test_titles_language_and_site_name(site: Site) -> None:
    html = (
        "<html lang='ru-RU'><head><title> Head  title </title>"
        "<meta property='og:title' content=' Og  title '><meta property='og:site_name' content='BiF'>"
        "</head><body><p>x</p></body></html>"
    )
    page = read_page(URL, html, site)
    assert (page.head_title, page.meta_title, page.site_name, page.html_lang) == (
        "Head title",
        "Og title",
        "BiF",
        "ru-RU",
    )
    assert page.lang == "ru"  # the URL declares no language; the template says Russian
    bare = read_page(URL, "<html><body><p>x</p><meta property='og:title' content=''></body></html>", site)
    assert (bare.head_title, bare.meta_title, bare.site_name, bare.html_lang) == (None, None, None, None)
    assert bare.lang == "en"
    # the first of each wins, wherever the page put it: a second og:title, a title in the body
    twice = read_page(
        URL,
        "<html><body><title>First</title><meta property='og:title' content='One'><p>x</p>"
        "<title>Second</title><meta property='og:title' content='Two'><meta content='no name'></body></html>",
        site,
    )
    assert (twice.head_title, twice.meta_title, twice.site_name) == ("First", "One", None)


@pytest.mark.parametrize(
    ("url", "html_lang", "lang"),
    [
        ("https://belarusinfocus.pro/ru/analytics/x/", "en", "ru"),  # the URL's prefix wins
        ("https://belarusinfocus.pro/be/analytics/x/", None, "be"),
        ("https://belarusinfocus.pro/analytics/x/", "be", "be"),
        ("https://belarusinfocus.pro/analytics/x/", "BE-by", "be"),
        ("https://belarusinfocus.pro/analytics/x/", "de", "en"),  # not one of ours: the default
        ("https://belarusinfocus.pro/analytics/x/", None, "en"),
    ],
)
def test_page_language(url: str, html_lang: str | None, lang: str, site: Site) -> None:
    attr = f" lang='{html_lang}'" if html_lang else ""
    page = read_page(url, f"<html{attr}><body><p>x</p></body></html>", site)
    assert page.lang == lang
    assert page.labels is site.labels[lang]
    assert page.all_labels()[0] is site.labels[lang]
    assert sorted(map(id, page.all_labels())) == sorted(map(id, site.labels.values()))
    assert len(page.all_labels()) == len(site.labels)


def test_a_language_without_labels_reads_the_english_ones(site: Site) -> None:
    page = read_page(URL, "<html><body><p>x</p></body></html>", site)
    page.__dict__["lang"] = "pl"
    assert page.labels is site.labels["en"]


def test_decode() -> None:
    text = "Беларусь"
    assert decode(text.encode("utf-8")) == text
    assert decode(text.encode("cp1251")) == text  # not UTF-8: the region's legacy encoding
    declared = f'<meta charset="koi8-r"><p>{text}</p>'.encode("koi8_r")
    assert decode(declared) == f'<meta charset="koi8-r"><p>{text}</p>'
    declared = f"<meta http-equiv='content-type' content='text/html; charset=KOI8-R'>{text}".encode("koi8_r")
    assert decode(declared).endswith(text)
    unknown = f'<meta charset="no-such-charset">{text}'.encode()
    assert decode(unknown).endswith(text)  # an unknown charset falls back to UTF-8
    late = (" " * 2048 + f'<meta charset="koi8-r">{text}').encode("utf-8")
    assert decode(late).endswith(text)  # a charset past the head is not looked for
    assert decode(b"\xff\xfe<p>") == "яю<p>"
    # a declared charset decodes what it can and marks the rest; cp1251 the same
    assert decode(b'<meta charset="utf-8"><p>\xff</p>') == '<meta charset="utf-8"><p>\ufffd</p>'
    assert decode(b"<p>\x98\xc0</p>") == "<p>\ufffdА</p>"  # 0x98 is the one byte cp1251 leaves unassigned


def test_a_charset_must_end_inside_the_first_2048_bytes() -> None:
    text = "Беларусь".encode("koi8_r")
    tag = b'<meta charset="koi8-r">'
    inside = b" " * (2048 - len(tag) + 2) + tag + text  # the name's last letter is byte 2047
    assert decode(inside).endswith("Беларусь")
    cut = b" " * (2048 - len(tag) + 3) + tag + text  # ... byte 2048: read as "koi8-", unknown
    assert decode(cut) == cut.decode("cp1251")


def test_bytes_are_decoded_before_reading(site: Site, tmp_path: Path) -> None:
    html = "<html><body><p>Мінск</p></body></html>".encode("cp1251")
    assert texts(html, site) == ["Мінск"]


def test_an_unclosed_template_keeps_its_blocks_out(site: Site) -> None:
    """A template's content is markup, not raw text: never closed, the cut before parsing cannot
    match it, and its paragraphs would be read as the page's own."""
    assert texts("<html><body><div>kept</div><template><p>dropped</p><div>dropped too</div>", site) == ["kept"]


def test_every_tables_labels_with_this_languages_first(site: Site) -> None:
    english = dataclasses.replace(
        site.labels["en"],
        topics={"Economy": "economy", "Army": "security"},
        boilerplate=("Share this",),
        trends={"Calm": "same", "Worse": "worse"},
        verdict_prefixes=("The situation",),
        caption_prefixes=("Photo:",),
        author_prefixes=("Author:",),
    )
    russian = dataclasses.replace(
        site.labels["ru"],
        topics={"army": "military", "Экономика": "economy"},
        boilerplate=("Поделиться",),
        trends={"Calm": "better", "Хуже": "worse"},
        verdict_prefixes=("Ситуация",),
        caption_prefixes=("Фото:",),
        author_prefixes=("Автор:",),
    )
    two = dataclasses.replace(site, labels={"ru": russian, "en": english})
    page = read_page(URL, "<html lang='en'><body><p>x</p></body></html>", two)
    assert page.labels is english
    assert page.all_labels() == [english, russian]
    assert page.boilerplate == ("Share this", "Поделиться")
    # printed labels case-folded; a clash goes to this page's language ("Army" is security in English)
    assert page.topic_slugs == {"economy": "economy", "army": "security", "экономика": "economy"}
    # every table's verdicts, a clash to this page's language; prefixes joined, this language's first
    assert page.trends == {"Calm": "same", "Worse": "worse", "Хуже": "worse"}
    assert page.verdict_openings == ("The situation ", "Ситуация ")
    assert page.caption_prefixes == ("Photo:", "Фото:")
    assert page.author_prefixes == ("Author:", "Автор:")
    russian_page = read_page(URL, "<html lang='ru'><body><p>x</p></body></html>", two)
    assert russian_page.topic_slugs["army"] == "military"
    assert russian_page.boilerplate == ("Поделиться", "Share this")
    assert russian_page.trends["Calm"] == "better"
    assert russian_page.verdict_openings == ("Ситуация ", "The situation ")


@pytest.mark.parametrize(
    "chrome",
    [
        "<script>var a = 1;</script>{}<script type='module'>if (a<b) go();</SCRIPT >",
        "<style>p {{}}</style>{}<style media=print>q {{}}</style>",
        "<svg><g></g></svg>{}<svg viewBox='0 0 1 1'><path/></svg>",
        "<!-- one -->{}<!-- two -- with dashes --->",
        "<iframe src=x></iframe>{}<noscript><p>enable scripts</p></noscript>",
    ],
)
def test_text_between_two_pieces_of_chrome_is_kept(chrome: str, site: Site) -> None:
    """The cut before parsing ends each element at its first closing tag and each comment at its
    first "-->": a cut running on to the last one would take the text between with it."""
    page = "<html><body><p>before</p>" + chrome.format("<p>between</p>") + "<p>after</p></body></html>"
    assert texts(page, site) == ["before", "between", "after"]


@pytest.mark.parametrize(
    ("line", "dated"),
    [
        ("28.11.2016", True),
        ("Posted 3 days ago", True),
        ("May 7", True),
        ("7 мая", True),
        ("November 28 – December 4, 2016", True),
        ("The situation has not changed", False),
        ("Room 101, 3 floors", False),
        ("Mayor Smith", False),
    ],
)
def test_has_date_by_hand(line: str, dated: bool) -> None:
    from sitrep.crawler.parsers.structure import has_date

    has_date.cache_clear()
    assert has_date(line) is dated
    assert has_date(line) is dated  # asked again, as repeated_blocks does at each level: the memo answers
    assert has_date.cache_info().hits == 1
