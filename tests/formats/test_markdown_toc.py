"""The table of contents of ``export --md`` against GitHub's own renderer.

The exported document is rendered with ``cmarkgfm`` (GitHub's cmark-gfm). cmark-gfm writes no
heading ids, so the anchors are computed here from the rendered headings' text with GitHub's
rule, written independently of the exporter: lowercase; drop other numbers, punctuation but
``-`` and connectors (``_``), symbols, controls, formats, unassigned and separators but the
space (github-slugger's list, whose fixtures come from pages GitHub rendered); spaces to
hyphens; a repeated anchor gets the first free ``-N``. An ``<img>`` has no text, so an image's
alt text is no part of an anchor (github/markup#1008).
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.formats.markdown.write import github_anchor, render_document
from papernotes.model import DocumentLayout, Section
from tests.conftest import SEED_DOC
from tests.formats.test_markdown_roundtrip import import_text

_DROPPED = {"No", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}
_DROPPED |= {"Cc", "Cf", "Co", "Cn", "Cs", "Zs", "Zl", "Zp"}


def github_slug(text: str) -> str:
    kept = []
    for char in text.lower():
        if char == " ":
            kept.append("-")
        elif char == "-" or unicodedata.category(char) not in _DROPPED:
            kept.append(char)
    return "".join(kept)


def unique_slugs(slugs: list[str]) -> list[str]:
    taken: set[str] = set()
    last: dict[str, int] = {}
    out = []
    for slug in slugs:
        candidate, number = slug, last.get(slug, 0)
        while candidate in taken:
            number += 1
            candidate = f"{slug}-{number}"
        last[slug] = number
        taken.add(candidate)
        out.append(candidate)
    return out


class RenderedDocument(HTMLParser):
    """Headings (level, text) and TOC links (href, text) of cmark-gfm's HTML; text as a
    browser's textContent: character data only (an ``<img>`` adds nothing)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.links: list[tuple[str, str]] = []
        self.stray_in_items: list[str] = []
        self.nested_links = 0
        self._heading: list[str] | None = None
        self._level = 0
        self._link: list[str] | None = None
        self._href = ""
        self._items = 0
        self._depth_a = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading, self._level = [], int(tag[1])
        elif tag == "li":
            self._items += 1
        elif tag == "a":
            self._depth_a += 1
            if self._depth_a > 1:
                self.nested_links += 1
            if self._items and self._heading is None and self._link is None:
                self._link, self._href = [], dict(attrs).get("href", "")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading is not None:
            self.headings.append((self._level, "".join(self._heading)))
            self._heading = None
        elif tag == "li":
            self._items -= 1
        elif tag == "a":
            self._depth_a -= 1
            if self._depth_a == 0 and self._link is not None:
                self.links.append((self._href, "".join(self._link)))
                self._link = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)
        elif self._link is not None:
            self._link.append(data)
        elif self._items and data.strip():
            self.stray_in_items.append(data)  # TOC text outside its link: a broken entry


def render_github(markdown: str) -> RenderedDocument:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return RenderedDocument(html)


def assert_toc_matches_the_rendered_headings(markdown: str, depth: int) -> None:
    """Every TOC link, in order, goes to the anchor of the next heading of at most ``depth``
    levels, and its text is that heading's text; the TOC (rendered on its own, since the
    document's other lists hold other links) has no text outside its links."""
    page = render_github(markdown)
    toc = render_github(markdown.split("<!-- START doctoc")[1].split("<!-- END doctoc")[0])
    anchors = unique_slugs([github_slug(text) for _level, text in page.headings])
    wanted = [
        (anchor, text)
        for (level, text), anchor in zip(page.headings, anchors, strict=True)
        if level <= depth
    ]
    got = [(unquote(href.removeprefix("#")), text) for href, text in toc.links]
    assert toc.stray_in_items == [] and toc.nested_links == 0, markdown
    assert all(href.startswith("#") for href, _ in toc.links), markdown
    assert got == wanted, markdown


def _document(titles: list[tuple[str, int]], depth: int) -> str:
    sections = tuple(Section(title, level) for title, level in titles)
    return render_document(DocumentLayout(sections, toc_depth=depth), [])


def test_a_heading_with_a_link_gets_one_toc_link_with_the_links_text():
    markdown = _document([("[Link](https://example.com) heading", 2)], 2)
    assert "- [Link heading](#link-heading)\n" in markdown
    assert_toc_matches_the_rendered_headings(markdown, 2)


def test_toc_links_match_github_anchors_for_code_emphasis_images_and_links():
    titles = [
        ("Repo", 1),
        ("[Link](https://example.com) heading", 2),
        ("`code_span()` and *emphasis* and __strong__", 2),
        ("![logo](logo.png) Project", 2),
        ("[![badge](b.svg) Badge](https://x.org)", 2),
        ("snake_case_name vs _emph_", 2),
        ("C++ & C#: a ] b [ c", 2),
        ("预训练语言模型 <https://x.org/a_b>", 2),
        ("Repo", 1),
        ("repo 1", 2),
        ("Repo", 1),
    ]
    markdown = _document(titles, 2)
    assert "- [logo Project]" not in markdown and "- [![logo](logo.png) Project](#-project)\n" in (
        markdown
    )
    assert "(#repo-1-1)" in markdown and "(#repo-2)" in markdown
    assert_toc_matches_the_rendered_headings(markdown, 2)


def test_anchors_repeat_as_github_numbers_them():
    """GitHub's own numbering (github-slugger's fixtures, recorded from GitHub's pages)."""
    seen: dict[str, int] = {}
    titles = ["echo", "echo", "echo 1", "echo-1", "echo", "foxtrot-1", "foxtrot", "foxtrot"]
    assert [github_anchor(t, seen) for t in titles] == [
        "echo",
        "echo-1",
        "echo-1-1",
        "echo-1-2",
        "echo-2",
        "foxtrot-1",
        "foxtrot",
        "foxtrot-2",
    ]
    assert github_anchor("I ♥ unicode") == "i--unicode"
    assert github_anchor("apostrophe’s should be trimmed") == "apostrophes-should-be-trimmed"
    assert github_anchor("en–dash") == "endash"


def test_the_seed_toc_renders_to_links_github_resolves(empty_library):
    seed = SEED_DOC.read_text(encoding="utf-8")
    exported = import_text(empty_library, seed).export_markdown()
    assert exported.split("<!-- END doctoc")[0] == seed.split("<!-- END doctoc")[0]
    assert_toc_matches_the_rendered_headings(exported, 2)


_PIECES = [
    "[Link](https://example.com)",
    "[a *b*](u)",
    "`code`",
    "`a]b`",
    "``x`y``",
    "*em*",
    "**strong**",
    "_em_",
    "__strong__",
    "~~del~~",
    "![img](x.png)",
    '![alt *t*](y.png "T")',
    "[![logo](l.png)](https://x.org)",
    "my_var",
    "_",
    "*",
    "~",
    "[",
    "]",
    "[x]",
    "(y)",
    "<",
    ">",
    "<b>",
    "</b>",
    "<https://x.org/a_b>",
    "<script>",
    "&amp;",
    "&copy;",
    "&",
    "\\*",
    "\\_",
    "\\[",
    "\\",
    "!",
    " ",
    "C++",
    "预训练",
    "长文本PTLM",
    "Émile",
    "İ",
    "😀",
    "-",
    "–",
    "a@b.com",
    "www.x.org",
    "https://x.org/_a_",
    "2021",
    "x",
    "Title",
    "'",
    '"',
    ":",
]
_title = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    st.lists(
        st.tuples(
            st.one_of(_title, st.sampled_from(["Repo", "repo", "Repo 1"])), st.integers(1, 3)
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(1, 3),
)
def test_every_toc_link_matches_the_anchor_github_gives_its_heading(titles, depth):
    nested, previous = [], 0  # as documents nest headings: one level deeper at most
    for title, level in titles:
        if title.strip():
            previous = min(level, previous + 1)
            nested.append((title, previous))
    titles = nested
    markdown = _document(titles, depth)
    assert_toc_matches_the_rendered_headings(markdown, depth)
