"""Which notes the list shows: year, filter text and sort order. Pure Python, no Textual.

Everything here works on the library's in-memory notes and haystacks, so a keystroke in
the filter box costs one scan of pre-folded strings and never touches the disk; a keystroke
that narrows the query (one more letter) scans only the papers listed before it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from operator import attrgetter

from papernotes.library import Library
from papernotes.library.field_filters import FieldFilter, split_filter
from papernotes.library.reading_queue import queue_notes, sorted_notes
from papernotes.model import Note

SORTS = ("year", "title", "added", "status", "priority", "rating")
SORT_LABELS = {
    "year": "year",
    "title": "title",
    "added": "date added",
    "status": "status",
    "priority": "priority",
    "rating": "rating",
}
YEAR, ADDED = attrgetter("paper.year"), attrgetter("paper.added")
STATUS_ORDER = {"reading": 0, "unread": 1, "read": 2}


@dataclass(frozen=True)
class PaperFilter:
    """What the user asked to see: ``year`` None means every year."""

    year: int | None = None
    query: str = ""
    sort: str = "year"
    queue: bool = False
    """Only the reading queue (unread and reading papers), in queue order by default."""

    @property
    def fields(self) -> FieldFilter:
        """The field filters typed in the query (``status:unread year:2020..2022``)."""
        return split_filter(self.query)[0]

    @property
    def words(self) -> str:
        """The query without its field filters: what is searched for and marked."""
        return split_filter(self.query)[1]

    def next_sort(self) -> PaperFilter:
        return replace(self, sort=SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])

    def selection(self, library: Library) -> list[Note]:
        """The notes of the chosen year, before the filter text (the "M" of "N of M")."""
        notes = library.notes()
        if self.queue:
            return queue_notes(notes)
        if self.year is None:
            return list(notes)
        return [n for n in notes if n.paper.year == self.year]

    def apply(self, library: Library, selection: list[Note] | None = None) -> list[Note]:
        """The notes to list, in display order."""
        notes = self.selection(library) if selection is None else selection
        field_filter, words = split_filter(self.query)
        notes = field_filter.keep(notes, library.folder.fold) if field_filter else notes
        if words.strip():
            notes = library.search(words, notes)
        if self.queue and self.sort == "year":
            return notes  # the queue's own order
        return sort_notes(notes, self.sort)

    def narrows(self, before: PaperFilter) -> bool:
        """True when every paper this filter lists was listed by ``before``, in the same order:
        same year and sort, each word of the old query inside a word of the new one, and no
        pinyin reading in the new query (a pinyin word also matches text it does not contain)."""
        from papernotes.library.search import reads_as_pinyin, terms  # not for the first screen

        same = (self.year, self.sort, self.queue) == (before.year, before.sort, before.queue)
        if not same or reads_as_pinyin(self.words) or self.fields != before.fields:
            return False
        now = terms(self.words)
        return all(any(old in new for new in now) for old in terms(before.words))

    def refine(self, library: Library, listed: list[Note]) -> list[Note]:
        """What ``apply`` gives, from ``listed``: what a filter this one ``narrows`` listed."""
        words = self.words
        return library.search(words, listed) if words.strip() else listed


def sort_notes(notes: list[Note], sort: str) -> list[Note]:
    """Year: newest first in library order; title: A to Z; date added: newest first;
    status: reading, unread, read; priority high first and rating best first (none last)."""
    if sort == "status":
        return sorted(notes, key=lambda n: STATUS_ORDER.get(n.paper.status, 3))
    if sort in ("priority", "rating"):
        return sorted_notes(notes, sort)
    if sort == "title":
        return sorted(notes, key=lambda n: n.paper.title.casefold())
    if sort == "added":
        return sorted(notes, key=ADDED, reverse=True)
    return sorted(notes, key=YEAR, reverse=True)  # stable: library order within a year


def year_counts(notes: list[Note]) -> list[tuple[int, int]]:
    """``(year, count)`` pairs, newest year first."""
    counts = Counter(map(YEAR, notes))
    return sorted(counts.items(), reverse=True)
