"""``papernotes venue`` and the TUI's "Find published version": fill in where papers appeared.

Two steps, as for ``link``: ``plan_venues`` makes every request (the TUI runs it in a worker)
and writes nothing; ``apply_venues`` writes all the notes in one ``Library.writing()`` block,
checked against the notes as they are on disk then. What a note gets is ``proposed_paper``'s
rule: an empty venue is filled; a different one is changed only when confirmed (``--yes``);
``venue_full``, ``pages``, ``publisher`` and a DOI fill gaps (arXiv's own DOI is replaced);
the year, key and notes are never touched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from papernotes.errors import InvalidInputError
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.library.arxiv_ops import offline_requested
from papernotes.library.published_find import (
    AMBIGUOUS,
    NOT_FOUND,
    Lookup,
    Published,
    PublishedFinder,
)
from papernotes.model import Note, Paper
from papernotes.web import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT  # for the UIs
from papernotes.web.scholarly import SOURCES, is_arxiv_doi

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.web.polite import PoliteClient as PoliteClient  # for the UIs

UPDATED, UNCHANGED, KEPT = "updated", "unchanged", "kept"
STATUSES = (UPDATED, UNCHANGED, KEPT, AMBIGUOUS, NOT_FOUND)
"""``kept``: a different venue was found, and the note's was kept (not confirmed)."""


def parse_sources(text: str) -> tuple[str, ...]:
    """``dblp,s2,crossref`` (any order, any subset) as a tuple; a user error otherwise."""
    sources = tuple(dict.fromkeys(s.strip().lower() for s in text.split(",") if s.strip()))
    unknown = [s for s in sources if s not in SOURCES]
    if unknown or not sources:
        raise InvalidInputError(
            f"--source takes a comma-separated list of {', '.join(SOURCES)}, not {text!r}."
        )
    return sources


def web_client(*, timeout: float = DEFAULT_TIMEOUT, offline: bool = False) -> PoliteClient:
    """A polite client with the user's contact address and the web cache: keep one per
    command or per TUI session, so requests to each service stay spaced."""
    from papernotes.library.user_settings import web_contact
    from papernotes.storage.web_cache import WebCache
    from papernotes.web.polite import PoliteClient

    return PoliteClient(
        contact=web_contact(),
        timeout=timeout,
        cache=None if os.environ.get("PAPERNOTES_NO_CACHE", "") not in ("", "0") else WebCache(),
        offline=offline_requested(offline),
    )


@dataclass(frozen=True)
class VenuePlan:
    """Every lookup ``plan_venues`` made: (note as read, what the services said)."""

    lookups: tuple[tuple[Note, Lookup], ...] = ()


@dataclass(frozen=True)
class VenueResult:
    """One paper's line of the report."""

    path: str
    title: str
    status: str
    published: Published | None = None
    changes: tuple[str, ...] = ()
    """The fields written (or, in a dry run, to be written): ``venue``, ``doi``…"""
    old_venue: str = ""
    reason: str = ""
    candidates: tuple[Published, ...] = ()


@dataclass(frozen=True)
class VenueReport:
    results: tuple[VenueResult, ...] = ()
    dry_run: bool = False

    def with_status(self, status: str) -> tuple[VenueResult, ...]:
        return tuple(r for r in self.results if r.status == status)

    def summary(self) -> str:
        counts = ", ".join(f"{len(self.with_status(s))} {s}" for s in STATUSES)
        return ("Dry run: " if self.dry_run else "") + counts


def plan_venues(
    notes: Iterable[Note],
    *,
    sources: tuple[str, ...] = SOURCES,
    http: PoliteClient | None = None,
    venues: VenueTable | None = None,
    progress: Callable[[int, int, Note], object] | None = None,
) -> VenuePlan:
    """Look every note up (``published_find``); writes nothing. ``progress(i, n, note)`` is
    called before each note. A failed request raises (``NetworkError``) before any write."""
    notes = list(notes)
    finder = PublishedFinder(http or web_client(), sources, venues or VenueTable.load())
    lookups = []
    for index, note in enumerate(notes):
        if progress is not None:
            progress(index, len(notes), note)
        lookups.append((note, finder.find(note.paper)))
    return VenuePlan(tuple(lookups))


def conflicts(plan: VenuePlan, venues: VenueTable | None = None) -> list[tuple[Note, Published]]:
    """The found papers whose note names another, non-empty venue: to confirm one by one."""
    venues = venues or VenueTable.load()
    return [
        (note, lookup.published)
        for note, lookup in plan.lookups
        if lookup.published is not None
        and note.paper.venue
        and not same_venue(note.paper.venue, lookup.published.venue, venues)
    ]


def apply_venues(
    library: Library,
    plan: VenuePlan,
    *,
    yes: bool = False,
    confirmed: Collection[str] = (),
    dry_run: bool = False,
    venues: VenueTable | None = None,
) -> VenueReport:
    """Write what ``plan`` found, all in one ``writing()`` block (none for ``dry_run``).

    A different venue is changed for notes in ``confirmed`` (paths) or with ``yes``. Each
    note is re-read under the lock; one changed on disk since the plan read it is a
    ``ConflictError`` before anything is written.
    """
    venues = venues or VenueTable.load()
    if dry_run:
        results = [
            _result(n, n, lookup, yes or n.path in confirmed, venues)[0]
            for n, lookup in plan.lookups
        ]
        return VenueReport(tuple(results), dry_run=True)
    results = []
    with library.writing():
        current = {n.path: n for n in library.notes()}
        writes: list[tuple[Note, Paper]] = []
        for note, lookup in plan.lookups:
            latest = current.get(note.path)
            if latest is None:
                results.append(
                    VenueResult(note.path, note.paper.title, NOT_FOUND, reason="removed meanwhile")
                )
                continue
            library.store.check_unchanged(note)  # the bytes this plan saw, or refused
            latest = library.current(latest)
            result, paper = _result(note, latest, lookup, yes or note.path in confirmed, venues)
            results.append(result)
            if result.status == UPDATED:
                writes.append((latest, paper))
        for latest, paper in writes:
            library.save(latest, paper)
    return VenueReport(tuple(results))


def _result(
    note: Note, latest: Note, lookup: Lookup, change: bool, venues: VenueTable
) -> tuple[VenueResult, Paper]:
    paper = latest.paper
    base = VenueResult(note.path, paper.title, lookup.status, reason=lookup.reason)
    if lookup.published is None:
        return replace(base, candidates=lookup.candidates), paper
    found = lookup.published
    proposed, changes, kept = proposed_paper(paper, found, change, venues)
    status = KEPT if kept else UPDATED if changes else UNCHANGED
    result = replace(base, status=status, published=found, changes=changes, old_venue=paper.venue)
    return result, proposed


def proposed_paper(
    paper: Paper, found: Published, change: bool, venues: VenueTable
) -> tuple[Paper, tuple[str, ...], bool]:
    """``paper`` with ``found`` applied, the fields that changed, and whether a different
    venue was kept (``change`` False): then nothing else is applied either."""
    same = not paper.venue or same_venue(paper.venue, found.venue, venues)
    if not same and not change:
        return paper, (), True
    moved = bool(paper.venue) and not same  # a confirmed change of venue
    doi = paper.doi
    if found.doi and (not doi or is_arxiv_doi(doi)):
        doi = found.doi
    new = replace(
        paper,
        venue=found.venue if moved or not paper.venue else paper.venue,
        venue_full=(found.venue_full if moved else paper.venue_full or found.venue_full),
        pages=(found.pages or paper.pages) if moved else paper.pages or found.pages,
        publisher=(found.publisher or paper.publisher)
        if moved
        else paper.publisher or found.publisher,
        doi=doi,
    )
    names = ("venue", "venue_full", "pages", "publisher", "doi")
    changes = tuple(n for n in names if getattr(new, n) != getattr(paper, n))
    if changes:
        new = replace(new, venue_source=found.source)
    return new, changes, False


def same_venue(ours: str, theirs: str, venues: VenueTable) -> bool:
    """Whether two venue names are one venue: the same table entry, or the same text."""
    mine, found = venues.from_full_name(ours), venues.from_full_name(theirs)
    if mine is not None or found is not None:
        return mine == found
    return ours.strip().casefold() == theirs.strip().casefold()
