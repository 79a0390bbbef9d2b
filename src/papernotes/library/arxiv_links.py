"""Linking notes to arXiv (``link``, the TUI's ``l``): ids found by title or given, arXiv's
fields written into the notes.

Everything is fetched first (from the cache when possible, in as few requests as possible)
and only then written, so a network failure leaves every note file as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from papernotes.arxiv.match import (
    AUTO_LINK_TITLE,
    Candidate,
    rank,
    sure_match,
    title_similarity,
    why_unsure,
)
from papernotes.errors import InvalidInputError
from papernotes.library.arxiv_ops import Fetcher, apply_metadata, id_key
from papernotes.model import Note, Paper
from papernotes.text.arxiv_ids import parse_arxiv_id

if TYPE_CHECKING:
    from papernotes.library.api import Library

Chooser = Callable[[Note, list[Candidate]], Candidate | None]
Planned = tuple[Note, Paper, str]
"""A note to link (as read), arXiv's paper for it, and its status (``linked``/``updated``)."""


@dataclass(frozen=True)
class LinkResult:
    """What ``link_notes`` did for one note.

    ``status``: ``linked`` (got an arXiv id), ``updated`` (had one; fields refreshed),
    ``unchanged``, or ``skipped`` (``reason`` says why; ``candidates`` lists the best few).
    """

    path: str
    title: str
    status: str
    arxiv: str = ""
    reason: str = ""
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class LinkReport:
    results: tuple[LinkResult, ...] = ()

    def with_status(self, status: str) -> tuple[LinkResult, ...]:
        return tuple(r for r in self.results if r.status == status)

    @property
    def skipped(self) -> tuple[LinkResult, ...]:
        return self.with_status("skipped")

    def summary(self) -> str:
        statuses = ("linked", "updated", "unchanged", "skipped")
        return ", ".join(f"{len(self.with_status(s))} {s}" for s in statuses)


def link_notes(library: Library, notes: Iterable[Note], **options: Any) -> LinkReport:
    """Fill the arXiv fields of ``notes``; find the ids of those without one by title.

    Notes with an id are fetched in one batched request. A note without one is searched by
    title and linked when ``arxiv.match.sure_match`` is sure; otherwise ``choose`` (if given)
    picks a candidate or None, and without it the note is skipped with its candidates.
    ``arxiv_id`` links the one given note to that id; when its title differs from arXiv's,
    or the note already has another id, that needs ``yes``. An id another note already has
    is refused (``InvalidInputError`` with ``arxiv_id``, else the note is skipped). All
    requests happen before the first write: on any error nothing is written.

    The options are ``plan_links``'s. This is ``plan_links`` (every request, nothing
    written) then ``write_links``; a program with a UI thread runs the first in a worker
    and the second on the UI thread.
    """
    return write_links(library, plan_links(library, notes, **options))


@dataclass(frozen=True)
class LinkPlan:
    """What ``plan_links`` found: (note as read, arXiv's paper, status) per note to write,
    the notes skipped, and the order of the notes asked for."""

    planned: tuple[Planned, ...] = ()
    skipped: tuple[LinkResult, ...] = ()
    order: tuple[str, ...] = ()


def plan_links(
    library: Library,
    notes: Iterable[Note],
    *,
    yes: bool = False,
    arxiv_id: str = "",
    choose: Chooser | None = None,
    **fetch: Any,
) -> LinkPlan:
    """Every request ``link_notes`` makes, and what it would write; writes nothing.

    Only ``arxiv_id`` reads ``library`` (to refuse an id another note has before asking).
    ``fetch`` are the ``Fetcher``'s options: ``timeout``, ``refresh``, ``offline``, ``client``
    and ``cache``.
    """
    notes = list(notes)
    fetcher = Fetcher(**fetch)
    if arxiv_id:
        plans, skipped = _plan_explicit(library, notes, arxiv_id, fetcher, yes)
    else:
        plans, skipped = _plan_all(notes, fetcher, choose)
    return LinkPlan(tuple(plans), tuple(skipped), tuple(n.path for n in notes))


def write_links(
    library: Library, plan: LinkPlan, seen: dict[str, Note] | None = None
) -> LinkReport:
    """Write ``plan`` over the library's current version of each note.

    The requests are all made (``plan_links``); here, under the library's lock and with the
    folder read again, the checks are made against what is on disk then: a note gone
    meanwhile, one whose arXiv id changed meanwhile, and an id another note has now are
    skipped. Saves made through ``library`` since the plan was read (the TUI's status key,
    say) are kept; a note changed on disk by someone else is a ``ConflictError``, raised
    before anything is written. ``seen``: each note as this program last read or wrote it,
    when it does not hold every note (the TUI's rows: ``PaperRows.listed``).
    """
    if seen is None:
        seen = {n.path: n for n in library.notes()}  # what this program last read or wrote
    results = list(plan.skipped)
    with library.writing():
        keys = [n.paper.key or n.path for n, _, _ in plan.planned]
        library.history.describe(f"link {', '.join(keys)} to arXiv")
        current = {n.path: n for n in library.notes()}
        writes = []
        for note, fetched, status in plan.planned:
            mine, latest = seen.get(note.path), current.get(note.path)
            if latest is not None:
                if mine is not None:
                    library.store.check_unchanged(mine)  # the bytes this program saw, or refused
                latest = library.current(latest)  # from the file, not the cache
            writes.append((note, latest, fetched, status))
        holders: dict[str, str] = {}
        for n in library.notes():
            if n.paper.arxiv:
                holders.setdefault(n.paper.arxiv, n.path)
        for note, latest, fetched, status in writes:
            results.append(_write_link(library, note, latest, fetched, status, holders))
    order = {path: i for i, path in enumerate(plan.order)}
    results.sort(key=lambda r: order.get(r.path, len(order)))
    return LinkReport(tuple(results))


def _write_link(
    library: Library,
    note: Note,
    latest: Note | None,
    fetched: Paper,
    status: str,
    holders: dict[str, str],
) -> LinkResult:
    """Link ``latest`` (``note`` as the folder holds it now) to ``fetched``, or say why not."""
    reason = ""
    holder = holders.get(fetched.arxiv, note.path)
    if latest is None:
        reason = "it was removed from the library meanwhile"
    elif latest.paper.arxiv != note.paper.arxiv:
        reason = "its arXiv id changed meanwhile; link it again"
    elif holder != note.path and fetched.arxiv != note.paper.arxiv:
        reason = _held(fetched.arxiv, holder)
    if reason or latest is None:  # (latest None always has a reason)
        return LinkResult(note.path, note.paper.title, "skipped", "", reason)
    paper = apply_metadata(latest.paper, fetched)
    if paper == latest.paper:
        return LinkResult(latest.path, paper.title, "unchanged", paper.arxiv)
    saved = library.save(latest, paper)
    holders.setdefault(paper.arxiv, saved.path)
    return LinkResult(saved.path, paper.title, status, paper.arxiv)


def _held(arxiv: str, holder: str) -> str:
    return (
        f"arXiv {arxiv} is already the id of {holder}, and an id belongs to one note only "
        f"(to move it, remove it from {holder} first: papernotes edit {holder})"
    )


def _plan_explicit(
    library: Library, notes: list[Note], arxiv_id: str, fetcher: Fetcher, yes: bool
) -> tuple[list[Planned], list[LinkResult]]:
    if len(notes) != 1:
        raise InvalidInputError("--arxiv links exactly one paper; name just that one.")
    note = notes[0]
    key = id_key(arxiv_id)
    base = parse_arxiv_id(key)[0]
    holder = next(
        (n.path for n in library.notes() if n.paper.arxiv == base and n.path != note.path), None
    )
    if holder is not None:
        raise InvalidInputError(f"{_held(base, holder)}; nothing was written.")
    if note.paper.arxiv and note.paper.arxiv != base and not yes:
        raise InvalidInputError(
            f"{note.path} is linked to arXiv {note.paper.arxiv}; pass --yes to relink it to {base}."
        )
    fetched = fetcher.papers([key])[key]
    similarity = title_similarity(note.paper.title, fetched.title)
    if similarity < AUTO_LINK_TITLE and not yes:
        reason = (
            f"arXiv {base} is titled {fetched.title!r}, which resembles yours only "
            f"{similarity:.0f}/100; pass --yes to link it anyway"
        )
        return [], [LinkResult(note.path, note.paper.title, "skipped", "", reason)]
    status = "updated" if note.paper.arxiv == base else "linked"
    return [(note, fetched, status)], []


def _plan_all(
    notes: list[Note], fetcher: Fetcher, choose: Chooser | None
) -> tuple[list[Planned], list[LinkResult]]:
    with_id = [n for n in notes if n.paper.arxiv]
    without = [n for n in notes if not n.paper.arxiv]
    fetched = fetcher.papers(n.paper.arxiv for n in with_id) if with_id else {}
    plans = [(n, fetched[n.paper.arxiv], "updated") for n in with_id]
    skipped: list[LinkResult] = []
    for note in without:
        ranked = rank(note.paper, fetcher.search_title(note.paper.title))
        chosen = sure_match(ranked)
        if chosen is None and choose is not None and ranked:
            chosen = choose(note, ranked[:5])
        if chosen is None:
            skipped.append(
                LinkResult(
                    note.path,
                    note.paper.title,
                    "skipped",
                    reason=why_unsure(ranked),
                    candidates=tuple(ranked[:5]),
                )
            )
        else:
            plans.append((note, chosen.paper, "linked"))
    return plans, skipped
