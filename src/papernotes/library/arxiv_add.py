"""Adding a paper by its arXiv id: the rules ``add --arxiv`` and the TUI's add form share.

Two steps, so a UI can put work between them (the CLI asks for the notes, the TUI fetches in
a worker): ``plan_arxiv_add`` makes every check and request and writes nothing;
``add_from_arxiv`` writes the note. A paper already in the library is refused before any
request; offline with a cache miss, a paper with its title and year is added with the id
only (``link`` fills it in later).
"""

from __future__ import annotations

from dataclasses import dataclass

from papernotes.errors import DuplicateError, InvalidInputError
from papernotes.library.api import Library
from papernotes.library.arxiv_ops import Fetcher, OfflineMissError, id_key, paper_for_add
from papernotes.library.known_papers import KnownPapers, known_papers
from papernotes.model import Note, Paper
from papernotes.text.arxiv_ids import parse_arxiv_id


@dataclass(frozen=True)
class ArxivAddPlan:
    """What an add by arXiv id builds on, worked out before anything is written."""

    source: Paper | None = None
    """arXiv's paper (with ``update``, the existing note's); None: add with the id only."""
    warning: str = ""
    """A sentence for the user when the paper is added without arXiv's metadata."""


def plan_arxiv_add(
    library: Library,
    given: Paper,
    *,
    update: bool = False,
    fetched: Paper | None = None,
    fetcher: Fetcher | None = None,
) -> ArxivAddPlan:
    """Check ``given`` (its ``arxiv`` the id as typed; ``title`` and ``year`` may be empty)
    against the library, then fetch arXiv's paper with ``fetcher``, unless the UI ``fetched``
    it already for this id (or there is no ``fetcher``: the id only).

    ``DuplicateError`` when another note has the id (unless ``update``); with ``update``, a
    title naming another note than the id's is an ``InvalidInputError``.
    """
    base = parse_arxiv_id(given.arxiv)[0]
    known = known_papers(library)
    existing = known.with_arxiv(base)
    if existing is not None:
        return ArxivAddPlan(_updated(known, given, existing, base, update))
    if fetched is not None and parse_arxiv_id(fetched.arxiv)[0] == base:
        return ArxivAddPlan(fetched)
    if fetcher is None:
        return ArxivAddPlan()
    try:
        key = id_key(given.arxiv)
        return ArxivAddPlan(fetcher.papers([key])[key])
    except OfflineMissError:
        if not (given.title and given.year):
            raise
    return ArxivAddPlan(
        warning=f"arXiv {base} is not cached; adding it without its metadata "
        "(run 'papernotes link' later to fill it in)."
    )


def add_from_arxiv(
    library: Library, given: Paper, plan: ArxivAddPlan, update: bool = False
) -> Note:
    """Write the note ``plan`` was made for: arXiv's metadata with the user's values winning
    (``given.title`` empty: arXiv's title; ``given.year`` 0: the first version's year)."""
    return library.add(planned_paper(given, plan), update=update)


def planned_paper(given: Paper, plan: ArxivAddPlan) -> Paper:
    """The paper ``add_from_arxiv`` hands to ``add``: arXiv's metadata, the user's winning."""
    return given if plan.source is None else paper_for_add(given, plan.source)


def _updated(known: KnownPapers, given: Paper, existing: Note, base: str, update: bool) -> Paper:
    """The paper an update builds on: the note that has the id, unless refused."""
    if not update:
        raise DuplicateError(f"arXiv {base} is already in the library as {existing.path}.")
    named = known.match(Paper(title=given.title, year=given.year or 1)) if given.title else None
    if named is not None and named.path != existing.path:
        raise InvalidInputError(
            f"--title names {named.path}, but arXiv {base} is the id of {existing.path}, "
            "and an id belongs to one note only; nothing was written."
        )
    return existing.paper
