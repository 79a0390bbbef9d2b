"""``export --md`` from the text kept per year folder (``library/text_blocks.py``): the
document around the papers (table of contents, sections, the profile's marker and counts,
year headings) is made from ``document.yaml`` and each folder's count of papers shown, and
each year's papers are the folder's kept text, only the edited notes rendered again.

A paper's text depends on the paper and the publish profile (its style, kept with the block),
except for a ``[[link]]``, which is written from the paper it names (its address, title,
whether the document shows it): a note holding one is never kept, and meeting one (read now)
sends the export down the full path, so no kept text ever depends on another note. A
document with several papers sections (each lists every paper) takes the full path too.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import repeat
from typing import TYPE_CHECKING

from papernotes.formats.markdown import write
from papernotes.library.paper_links import holds_links
from papernotes.library.text_blocks import NotKept, Render, kept_output

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.model import DocumentLayout, Note, Paper, Problem

VARIANT = "md"
JOINER = b""
"""A paper's text starts with the newline of the blank line before it."""


def markdown_setup(layout: DocumentLayout) -> tuple[str, Render] | None:
    """The style (the publish profile) and a note's text in ``layout``'s document; None for
    a document with several papers sections."""
    if sum(1 for s in layout.sections if s.papers) > 1:
        return None
    profile = layout.publish

    def render(note: Note) -> str | None:
        if holds_links(note.paper):
            raise NotKept
        return paper_text(note.paper, layout) if profile.publishes(note.paper) else None

    return repr(profile), render


def paper_text(paper: Paper, layout: DocumentLayout) -> str:
    """A paper's text in the document after its year's heading (``year_document_pieces``)."""
    return "\n" + write.render_paper(paper, layout.publish)


def kept_markdown(library: Library) -> tuple[list[Problem], Iterator[str | bytes]] | None:
    """The problems a load would give and the document in pieces (UTF-8 bytes and text),
    from the kept blocks; None to take the full path."""
    kept = kept_output(library, VARIANT, markdown_setup, JOINER)
    if kept is None:
        return None
    texts = {year.year: year for year in kept.years}

    def year_papers(year: int) -> Iterator[bytes]:
        return texts[year].pieces()

    def pieces() -> Iterator[str | bytes]:
        try:
            counts = {year: text.shown for year, text in texts.items()}
            yield from write.year_document_pieces(kept.layout, counts, year_papers)
        finally:
            kept.close()

    return kept.problems, pieces()


def kept_document_pieces(
    library: Library, layout: DocumentLayout, notes: list[Note], papers: list[Paper]
) -> Iterator[str | bytes]:
    """``document_pieces(layout, papers)`` (``notes``' papers as the document writes them, in
    the library's order), each paper's text in UTF-8, keeping each year's text as its
    folder's block as it is made (``text_blocks_keep.BlocksKeeper``); ``layout`` has one
    papers section at most."""
    from papernotes.library.text_blocks_keep import BlocksKeeper

    profile = layout.publish
    keeper = BlocksKeeper(library, VARIANT, repr(profile), JOINER)
    shown = map(profile.publishes, papers) if profile.exclude_tags else repeat(True)
    by_year: dict[int, list[tuple[Note, Paper, bool]]] = {}
    for note, paper, published in zip(notes, papers, shown, strict=False):  # shown: endless
        by_year.setdefault(paper.year, []).append((note, paper, published))
    counts = {year: count for year, notes in by_year.items() if (count := sum(n[2] for n in notes))}
    render, add = write.render_paper, keeper.add if keeper.on else None

    def year_papers(year: int) -> Iterator[bytes]:
        for note, paper, published in by_year.pop(year):
            text = ("\n" + render(paper, profile)).encode() if published else None
            if add is not None:  # a paper with links written: not kept
                add(note, text, paper is note.paper)
            if text is not None:
                yield text

    yield from write.year_document_pieces(layout, counts, year_papers)
    for year in sorted(by_year, reverse=True):  # no paper of theirs shown
        for note, paper, _ in by_year[year]:
            if add is not None:
                add(note, None, paper is note.paper)
    keeper.finish()
