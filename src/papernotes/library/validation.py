"""A paper as the library writes it (``Library.validated``): cleaned, refused when it is
no valid paper (one sentence), its code URL and arXiv id in their one form, a numbered list
opening the free text read as the notes, and each paper link naming its paper by key."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from papernotes.errors import InvalidInputError
from papernotes.model import Paper, clean_paper
from papernotes.storage.library_folder import MISSING, folder_kind
from papernotes.storage.note_format import parse_body
from papernotes.text.arxiv_ids import base_id
from papernotes.text.controls import refuse_controls

if TYPE_CHECKING:
    from papernotes.library.api import Library


def validated(library: Library, paper: Paper, controls_refused: bool = False) -> Paper:
    """``paper`` cleaned and checked (``InvalidInputError`` if it is no valid paper), with
    its links resolved against ``library``. ``controls_refused``: ``refuse_controls`` passed
    on ``paper`` as given (an import checks that first), so it passes on the cleaned paper
    too (cleaning only joins whitespace, which takes control characters away, never adds)."""
    try:
        paper = clean_paper(paper)
    except ValueError as exc:
        raise InvalidInputError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
    if not controls_refused:
        refuse_controls(paper)
    if " " in paper.code:  # a URL holds no space: %20, so the link reads back whole
        paper = replace(paper, code=paper.code.replace(" ", "%20"))
    if paper.arxiv:
        arxiv = base_id(paper.arxiv)
        if not arxiv:
            raise InvalidInputError(f"{paper.arxiv!r} is not an arXiv id.")
        if arxiv != paper.arxiv:
            paper = replace(paper, arxiv=arxiv)
    if not paper.notes and paper.body:
        # A numbered list opening the free text is what a note file reads as the notes.
        notes, body = parse_body(paper.body.split("\n"))
        paper = replace(paper, notes=notes, body=body)
    if "[[" in paper.body or any("[[" in n for n in paper.notes):
        paper = _links_resolved(library, paper)
    return paper


def _links_resolved(library: Library, paper: Paper) -> Paper:
    """A link naming a paper by slug or arXiv id names it by key (``paper_links.py``)."""
    from papernotes.library.paper_links import link_target, resolved_links

    if folder_kind(library.root) == MISSING:
        return paper
    return resolved_links(paper, lambda name: link_target(library.notes_named, name))
