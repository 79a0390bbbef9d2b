"""The order the library lists its notes in, computed with C-level sort keys.

One sort on a key tuple built per note (with a title folded for each) took half a second at
100,000 notes; stable sorts on one key each, least significant first, give the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import count
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

from papernotes.errors import FileFormatError
from papernotes.model import Note, Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library

_PATH, _YEAR = attrgetter("path"), attrgetter("paper.year")
T = TypeVar("T")


def in_order(notes: list[Note], document_order: Iterable[str]) -> list[Note]:
    """Newest year first; within a year, the papers the document orders in its order (a path
    listed twice: its last place), then the others by date added and title; notes equal in
    all of these keep their order."""
    return ordered(notes, document_order, _PATH, _YEAR, _added_and_folded_title)


def library_ordered(
    library: Library, notes: list[Note], problems: list[Problem]
) -> tuple[list[Note], list[Problem]]:
    """``notes`` in the library's order (``document.yaml``'s, when it reads: a bad one is a
    problem listed first, and the notes are ordered without it) and the problems."""
    try:
        order = library.layout().order
    except FileFormatError as exc:  # listing needs no sections: ordered without it
        order = ()
        problems = [Problem(exc.path, exc.line, exc.message), *problems]
    return in_order(notes, order), problems


def _added_and_folded_title(note: Note) -> tuple[str, str]:
    return note.paper.added, note.paper.title.casefold()


def ordered(
    items: list[T],
    document_order: Iterable[str],
    path: Callable[[T], str],
    year: Callable[[T], int],
    added_and_folded_title: Callable[[T], Any],
) -> list[T]:
    """``in_order`` for anything with a path, a year, and a date added and folded title
    (``list``'s kept rows: ``library/list_rows.py``)."""
    return ranked(items, document_ranks(document_order), path, year, added_and_folded_title)


def document_ranks(document_order: Iterable[str]) -> dict[str, int]:
    """Each path's place in the document order (a path listed twice: its last place)."""
    return dict(zip(document_order, count()))


def ranked(
    items: list[T],
    rank: dict[str, int],
    path: Callable[[T], str],
    year: Callable[[T], int],
    added_and_folded_title: Callable[[T], Any],
) -> list[T]:
    """``ordered`` with the document's ranks worked out (``document_ranks``): to order several
    groups by one document without working them out again."""
    ranks = list(map(rank.get, map(path, items)))
    if None not in ranks:  # the document orders every paper (a generated one does)
        # Each path has its own rank (its last place): placed in a slot per rank, in one
        # pass, the items are in rank order without a sort (100,000 rows: 0.1 -> 0.03 s).
        known = cast(list[int], ranks)
        slots: list[T | None] = [None] * (max(known, default=-1) + 1)
        for at, item in zip(known, items, strict=True):
            slots[at] = item
        result = [item for item in slots if item is not None]
        if len(result) != len(items):  # two items of one path: sorted, as they always were
            result = list(map(items.__getitem__, sorted(range(len(items)), key=known.__getitem__)))
    else:
        listed = {i: r for i, r in enumerate(ranks) if r is not None}
        result = [items[i] for i in sorted(listed, key=listed.__getitem__)]
        # Only the papers the document does not order need the slower key (often a few).
        others = [items[i] for i, r in enumerate(ranks) if r is None]
        others.sort(key=added_and_folded_title)
        result += others
    result.sort(key=year, reverse=True)  # reverse=True keeps equal years in their order
    return result
