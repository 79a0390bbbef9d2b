"""A published README as GitHub shows it: the document ``export --md`` writes with a publish
profile, rendered by ``cmarkgfm`` (GitHub's cmark-gfm), keeps its anchors, title links and
``<details>`` blocks intact, and the decorations read as plain text."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

from papernotes.formats.markdown.write import render_document
from papernotes.library import Library
from papernotes.model import SHOWN_FIELDS, DocumentLayout, Paper, PublishProfile


class RenderedPapers(HTMLParser):
    """Anchors (``<a id>``), links (href, text), ``<details>`` nesting and list items' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.details = 0
        self.details_closed = 0
        self.max_depth = self._depth = 0
        self.summaries: list[str] = []
        self.text: list[str] = []
        self._href: str | None = None
        self._link: list[str] = []
        self._summary: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "id" in attributes:
            self.ids.append(attributes["id"] or "")
        elif tag == "a":
            self._href, self._link = attributes.get("href") or "", []
        elif tag == "details":
            self.details += 1
            self._depth += 1
            self.max_depth = max(self.max_depth, self._depth)
        elif tag == "summary":
            self._summary = []

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._link)))
            self._href = None
        elif tag == "details":
            self.details_closed += 1
            self._depth -= 1
        elif tag == "summary" and self._summary is not None:
            self.summaries.append("".join(self._summary))
            self._summary = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href is not None:
            self._link.append(data)
        if self._summary is not None:
            self._summary.append(data)


def render_github(markdown: str) -> RenderedPapers:
    page = RenderedPapers()
    page.feed(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))
    return page


EVERYTHING = PublishProfile(title_link="arxiv", anchors=True, show=SHOWN_FIELDS, stats=True)


def test_the_shipped_library_published_keeps_anchors_title_links_and_details(seed_library):
    library = Library(seed_library)
    papers = [n.paper for n in library.notes()]
    page = render_github(render_document(library.layout(), papers, EVERYTHING))
    assert page.ids == [p.key for p in papers]
    for paper in papers:
        assert (f"https://arxiv.org/abs/{paper.arxiv}", paper.title) in page.links
        assert (f"https://arxiv.org/abs/{paper.arxiv}", paper.arxiv) in page.links  # show arxiv
    with_notes = sum(1 for p in papers if p.notes)
    assert page.details == page.details_closed == with_notes and page.max_depth == 1
    assert page.summaries == ["阅读笔记: "] * with_notes
    text = "".join(page.text)
    assert "8 papers · 2023: 1 · 2021: 3 · 2020: 2 · 2019: 2" in text
    assert "papernotes publish" not in text  # the profile comment is not shown
    assert "Authors: Pengcheng He, Xiaodong Liu, Jianfeng Gao, Weizhu Chen" in text


def test_titles_names_and_tags_with_markdown_characters_render_as_written():
    paper = Paper(
        title="[MASK] tokens \\ and ] brackets",
        year=2021,
        arxiv="2006.03654",
        key="he2021mask",
        code="https://github.com/x/y",
        authors=("Smith, John", "O\\Brien"),
        tags=("a,b", "nlp"),
    )
    plain = replace(paper, title="[not a link](https://arxiv.org/abs/1)", arxiv="", key="p")
    for link in ("arxiv", "code"):
        profile = replace(EVERYTHING, title_link=link)
        page = render_github(render_document(DocumentLayout(publish=profile), [paper, plain]))
        url = "https://arxiv.org/abs/2006.03654" if link == "arxiv" else paper.code
        assert (url, paper.title) in page.links
        text = "".join(page.text)
        assert plain.title in text  # a title that looks like a link stays text
        assert "Authors: Smith, John, O\\Brien" in text and "Tags: a,b, nlp" in text
        assert page.ids == ["he2021mask", "p"]
