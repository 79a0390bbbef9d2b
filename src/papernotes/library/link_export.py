"""Paper links on their way out of the library and back: the Markdown document writes each
``[[key]]`` as a link to the paper (``formats/markdown/paper_links.py``) and its import reads
it back; a BibTeX ``annote`` gets the paper's title (or the link's own words)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from papernotes.formats.markdown.paper_links import read_links, written_links
from papernotes.library.paper_links import holds_links, label, link_target, with_texts
from papernotes.model import DocumentLayout, Note, Paper
from papernotes.text.paper_links import PaperLink, plain_links

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


UNLISTED = "an unlisted paper"
"""The words a ``[[key]]`` without words of its own shows for a paper left out of the
document: nothing about that paper (its key, title or arXiv id) reaches the document."""


def markdown_papers(
    library: Library,
    notes: list[Note],
    href: PaperHref = arxiv_or_code,
    listed: Callable[[Paper], bool] = lambda paper: True,
) -> list[Paper]:
    """``notes``' papers with their links written for the document: to ``href(target)``
    (the publish profile may give ``#key`` when the document has anchors). A link to a paper
    not ``listed`` (left out by ``exclude_tags``) is plain words (``unlisted_words``)."""
    change = document_text(library, href, listed)
    return [with_texts(n.paper, change) for n in notes]


def document_text(
    library: Library, href: PaperHref, listed: Callable[[Paper], bool]
) -> Callable[[str], str]:
    """How a note's text is written in the document: links to listed papers as ``<a>``,
    links to papers left out as plain words, links to no paper as typed."""
    named = library.notes_named

    def target_of(name: str) -> Note | None:
        return link_target(named, name)

    def href_of(name: str) -> str | None:
        target = target_of(name)
        return href(target) if target is not None else None

    def label_of(name: str) -> str | None:
        target = target_of(name)
        return label(target) if target is not None else None

    def unlisted(name: str) -> bool:
        target = target_of(name)
        return target is not None and not listed(target.paper)

    def words_of_unlisted(link: PaperLink) -> str | None:
        return unlisted_words(link) if unlisted(link.name) else None

    def written(text: str) -> str:  # one pass: the words put in are never read as a link
        return written_links(text, href_of, label_of, words_of_unlisted)

    return written


def unlisted_words(link: PaperLink) -> str:
    """What a link to a paper left out of the document is written as: its own words, else
    ``UNLISTED``; never the paper's key, title or address (``[[key|words]]`` -> ``words``)."""
    return link.text if link.text is not None else UNLISTED


def unlisted_links_kept(
    old: Paper, new: Paper, shown: Callable[[str], str], read: Paper | None = None
) -> Paper:
    """``new`` (a paper read from the document) with each note line that stands where the
    document showed one of ``old``'s note lines holding a link to a paper left out, and is
    exactly what it showed (``shown``: written, then read back), given that line of ``old``
    again; the free text likewise: the words a link to a paper left out was written as turn
    back into that link, so importing the published document loses no link. Lines are
    paired by place (``difflib``, so lines added or removed around them keep the pairs),
    never by equal text alone: another line with the same words stays words. ``read`` is
    ``new`` as the document has it, before its links were resolved (``[[deberta]]`` is
    ``[[he2021deberta]]`` in ``new``): what is compared."""
    if not holds_links(old):
        return new
    as_read = read or new
    seen = [shown(text) for text in old.notes]
    notes = list(new.notes)
    matcher = difflib.SequenceMatcher(a=seen, b=list(as_read.notes), autojunk=False)
    for start_old, start_new, size in matcher.get_matching_blocks():
        for offset in range(size):
            original = old.notes[start_old + offset]
            if seen[start_old + offset] != original:  # the export changed it: a link left out
                notes[start_new + offset] = original
    body = new.body
    if old.body and as_read.body == shown(old.body) != old.body:
        body = old.body
    return replace(new, notes=tuple(notes), body=body)


def imported_paper(paper: Paper) -> Paper:
    """A paper read from a document with its written links as ``[[key]]`` again."""
    if "<a " not in paper.body and not any("<a " in n for n in paper.notes):
        return paper
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
    the paper's anchor when the list has one, else its arXiv page or code; a link to a paper
    the publish profile leaves out names nothing of it."""
    return "".join(p.decode() if isinstance(p, bytes) else p for p in markdown_pieces(library))


def markdown_pieces(library: Library) -> Iterator[str | bytes]:
    """``export_markdown`` in pieces (text, and each paper's text in UTF-8), each paper's
    text made when asked for (so a long document is written as it is made)."""
    from papernotes.formats.markdown.write import document_pieces
    from papernotes.library.markdown_blocks import kept_document_pieces, markdown_setup

    layout = library.layout()
    notes = library.notes()
    papers = markdown_papers(library, notes, published_href(layout), layout.publish.publishes)
    if markdown_setup(layout) is None:
        return document_pieces(layout, papers)
    return kept_document_pieces(library, layout, notes, papers)  # the next one reads them


def published_href(layout: DocumentLayout) -> PaperHref:
    """Where a link to a paper points in ``layout``'s document: the paper's anchor when the
    list has one, else its arXiv page or code."""

    def href(target: Note) -> str | None:
        return layout.publish.anchor(target.paper) or arxiv_or_code(target)

    return href


def shown_in_document(library: Library, layout: DocumentLayout) -> Callable[[str], str]:
    """A note's text as an import of ``layout``'s exported document reads it back."""
    written = document_text(library, published_href(layout), layout.publish.publishes)
    return lambda text: read_links(written(text))
