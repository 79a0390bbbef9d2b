"""The reading queue: what to read next, and the orders and filters on status, priority and
rating that ``list``, ``queue`` and the TUI share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from papernotes.model import PRIORITIES, Note, Paper

SORTS = ("year", "added", "title", "priority", "rating", "read_on")
"""The orders ``list --sort`` and the TUI offer."""
QUEUE_STATUSES = ("reading", "unread")
"""The statuses of the papers in the queue, in queue order."""
PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITIES)}


def priority_rank(priority: str) -> int:
    """0 for high, 1 medium, 2 low, 3 for none: the queue's order."""
    return PRIORITY_RANK.get(priority, len(PRIORITIES))


def stamp_read_on(before: Paper | None, after: Paper, today: str) -> Paper:
    """``after`` with ``read_on`` set to ``today`` when it has just become ``read`` (it was not
    before, or it is new) and has no date yet: the day a paper was first read is kept."""
    was_read = before is not None and before.status == "read"
    if after.status == "read" and not was_read and not after.read_on:
        return replace(after, read_on=today)
    return after


def queue_notes(notes: Iterable[Note]) -> list[Note]:
    """Unread and reading papers: reading first, then by priority, then oldest added (a paper
    with no date added after those with one), then by title."""
    waiting = [n for n in notes if n.paper.status in QUEUE_STATUSES]
    return sorted(
        waiting,
        key=lambda n: (
            QUEUE_STATUSES.index(n.paper.status),
            priority_rank(n.paper.priority),
            not n.paper.added,
            n.paper.added,
            n.paper.title.casefold(),
        ),
    )


_SORT_KEYS: dict[str, Callable[[Paper], Any]] = {
    "year": lambda p: -p.year,
    "added": lambda p: descending_day(p.added),
    "title": lambda p: p.title.casefold(),
    "priority": lambda p: priority_rank(p.priority),
    "rating": lambda p: -p.rating,
    "read_on": lambda p: descending_day(p.read_on),
}
_HAS_VALUE: dict[str, Callable[[Paper], bool]] = {
    "added": lambda p: bool(p.added),
    "priority": lambda p: bool(p.priority),
    "rating": lambda p: bool(p.rating),
    "read_on": lambda p: bool(p.read_on),
}


def descending_day(day: str) -> tuple[int, ...]:
    """A key that sorts ``YYYY-MM-DD`` days newest first."""
    return tuple(-ord(c) for c in day)


def sorted_notes(notes: Iterable[Note], by: str, reverse: bool = False) -> list[Note]:
    """``notes`` in the order ``by`` names: year, added, read_on and rating newest or best
    first, priority high first, title A to Z; ``reverse`` turns that around. Papers without
    the value (no priority, no rating…) come last either way; ties keep the given order."""
    if by not in _SORT_KEYS:
        raise ValueError(f"cannot sort by {by!r}")
    notes = list(notes)
    has = _HAS_VALUE.get(by)
    valued = [n for n in notes if has is None or has(n.paper)]
    missing = [] if has is None else [n for n in notes if not has(n.paper)]
    key = _SORT_KEYS[by]
    valued.sort(key=lambda n: key(n.paper), reverse=reverse)  # stable either way
    return valued + missing


def filtered_notes(
    notes: Iterable[Note],
    statuses: Iterable[str] = (),
    priorities: Iterable[str] = (),
    rating_min: int = 0,
) -> list[Note]:
    """The notes with one of ``statuses`` and ``priorities`` (none given: any; ``"none"``
    stands for no priority) rated at least ``rating_min``."""
    wanted_status = set(statuses)
    wanted_priority = {"" if p == "none" else p for p in priorities}
    return [
        n
        for n in notes
        if (not wanted_status or n.paper.status in wanted_status)
        and (not wanted_priority or n.paper.priority in wanted_priority)
        and n.paper.rating >= rating_min
    ]
