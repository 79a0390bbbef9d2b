"""Paper links on their way out of the library and back: the Markdown document writes each
``[[key]]`` as a link to the paper (``formats/markdown/paper_links.py``) and its import reads
it back; a BibTeX ``annote`` gets the paper's title (or the link's own words)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from papernotes.formats.markdown.paper_links import read_links, written_links
from papernotes.library.paper_links import label, link_target, with_texts
from papernotes.model import Note, Paper
from papernotes.text.paper_links import plain_links

if TYPE_CHECKING:
    from papernotes.library.api import Library

PaperHref = Callable[[Note], str | None]
"""Where a link to a paper points in the document."""


def arxiv_or_code(note: Note) -> str | None:
    """The default link target: the paper's arXiv page, else its code, else none (words)."""
    paper = note.paper
    if paper.arxiv:
        return f"https://arxiv.org/abs/{paper.arxiv}"
    return paper.code or None


def markdown_papers(
    library: Library, notes: list[Note], href: PaperHref = arxiv_or_code
) -> list[Paper]:
    """``notes``' papers with their links written for the document: to ``href(target)``
    (the publish profile may give ``#key`` when the document has anchors)."""
    named = library.notes_named

    def href_of(name: str) -> str | None:
        target = link_target(named, name)
        return href(target) if target is not None else None

    def label_of(name: str) -> str | None:
        target = link_target(named, name)
        return label(target) if target is not None else None

    return [with_texts(n.paper, lambda text: written_links(text, href_of, label_of)) for n in notes]


def imported_paper(paper: Paper) -> Paper:
    """A paper read from a document with its written links as ``[[key]]`` again."""
    if "<a " not in paper.body and not any("<a " in n for n in paper.notes):
        return paper
    from dataclasses import replace

    return replace(
        paper, notes=tuple(read_links(n) for n in paper.notes), body=read_links(paper.body)
    )


def bibtex_papers(library: Library, papers: list[Paper]) -> list[Paper]:
    """``papers`` with links as plain words for ``annote``: the link's words, else the
    paper's title."""
    named = library.notes_named

    def title_of(name: str) -> str | None:
        target = link_target(named, name)
        return target.paper.title if target is not None else None

    return [with_texts(p, lambda text: plain_links(text, title_of)) for p in papers]


def export_markdown(library: Library) -> str:
    """The whole library as the Markdown document (``export --md``): each link points at
    the paper's anchor when the list has one, else its arXiv page or code."""
    from papernotes.formats.markdown.write import render_document

    layout = library.layout()

    def href(target: Note) -> str | None:  # the paper's anchor when the list has one
        return layout.publish.anchor(target.paper) or arxiv_or_code(target)

    return render_document(layout, markdown_papers(library, library.notes(), href))
