"""Field filters typed among search words: ``status:unread priority:high tag:蒸馏
year:2020..2022 rating:4``. The TUI's filter bar and ``set --year`` read them here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from papernotes.errors import InvalidInputError
from papernotes.model import PRIORITIES, STATUSES, Note

FIELDS = ("status", "priority", "tag", "year", "rating")


@dataclass(frozen=True)
class FieldFilter:
    """What the field filters of a filter text ask for; an empty tuple asks nothing."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    """``""`` stands for no priority (typed ``priority:none``)."""
    tags: tuple[str, ...] = ()
    years: tuple[tuple[int, int], ...] = ()
    rating_min: int = 0

    def __bool__(self) -> bool:
        return bool(self.statuses or self.priorities or self.tags or self.years or self.rating_min)

    def keep(self, notes: list[Note], fold: Callable[[str], str]) -> list[Note]:
        """The notes every field filter lets through (one value of each field suffices);
        tags are compared folded by ``fold`` (蒸餾 is 蒸馏)."""
        if not self:
            return notes
        tags = [fold(t) for t in self.tags]
        kept = []
        for note in notes:
            paper = note.paper
            if self.statuses and paper.status not in self.statuses:
                continue
            if self.priorities and paper.priority not in self.priorities:
                continue
            if self.years and not any(lo <= paper.year <= hi for lo, hi in self.years):
                continue
            if paper.rating < self.rating_min:
                continue
            if tags and not any(fold(t) in tags for t in paper.tags):
                continue
            kept.append(note)
        return kept


def year_range(text: str) -> tuple[int, int]:
    """``2020`` or ``2020..2022`` as the first and last year; ``InvalidInputError`` else."""
    first, dots, last = text.strip().partition("..")
    last = last if dots else first
    if not (first.isascii() and first.isdigit() and last.isascii() and last.isdigit()):
        raise InvalidInputError(f"{text!r} is not a year or a range of years such as 2020..2022.")
    low, high = int(first), int(last)
    return (low, high) if low <= high else (high, low)


def split_filter(text: str) -> tuple[FieldFilter, str]:
    """The field filters of ``text`` and its other words (the search query). A word such as
    ``status:maybe`` whose value is not one the field takes stays a search word."""
    found: dict[str, list[object]] = {name: [] for name in FIELDS}
    words = []
    for word in text.split():
        name, colon, value = word.partition(":")
        parsed = _value(name.casefold(), value) if colon and value else None
        if parsed is None:
            words.append(word)
        else:
            found[name.casefold()].append(parsed)
    ratings = [r for r in found["rating"] if isinstance(r, int)]
    field_filter = FieldFilter(
        statuses=tuple(str(s) for s in found["status"]),
        priorities=tuple(str(p) for p in found["priority"]),
        tags=tuple(str(t) for t in found["tag"]),
        years=tuple(y for y in found["year"] if isinstance(y, tuple)),
        rating_min=max(ratings, default=0),
    )
    return field_filter, " ".join(words)


def _value(name: str, value: str) -> object | None:
    """``value`` as field ``name`` takes it, or None when it does not."""
    folded = value.casefold()
    if name == "status":
        return folded if folded in STATUSES else None
    if name == "priority":
        if folded == "none":
            return ""
        return folded if folded in PRIORITIES else None
    if name == "tag":
        return value
    if name == "year":
        try:
            return year_range(value)
        except InvalidInputError:
            return None
    if name == "rating":
        number = folded.rstrip("+")
        return int(number) if number in ("1", "2", "3", "4", "5") else None
    return None
