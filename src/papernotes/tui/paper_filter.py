"""Which notes the list shows: year, filter text and sort order. Pure Python, no Textual.

Everything here works on the library's in-memory notes and haystacks, so a keystroke in
the filter box costs one scan of pre-folded strings and never touches the disk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from papernotes.library import Library
from papernotes.model import Note

SORTS = ("year", "title", "added")
SORT_LABELS = {"year": "year", "title": "title", "added": "date added"}


@dataclass(frozen=True)
class PaperFilter:
    """What the user asked to see: ``year`` None means every year."""

    year: int | None = None
    query: str = ""
    sort: str = "year"

    def next_sort(self) -> PaperFilter:
        return replace(self, sort=SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])

    def selection(self, library: Library) -> list[Note]:
        """The notes of the chosen year, before the filter text (the "M" of "N of M")."""
        return library.select(year=self.year)

    def apply(self, library: Library, selection: list[Note] | None = None) -> list[Note]:
        """The notes to list, in display order."""
        notes = self.selection(library) if selection is None else selection
        if self.query.strip():
            notes = library.search(self.query, notes)
        return sort_notes(notes, self.sort)


def sort_notes(notes: list[Note], sort: str) -> list[Note]:
    """Year: newest first in library order; title: A to Z; date added: newest first."""
    if sort == "title":
        return sorted(notes, key=lambda n: n.paper.title.casefold())
    if sort == "added":
        return sorted(notes, key=lambda n: n.paper.added, reverse=True)
    return sorted(notes, key=lambda n: -n.paper.year)  # stable: library order within a year


def year_counts(notes: list[Note]) -> list[tuple[int, int]]:
    """``(year, count)`` pairs, newest year first."""
    counts = Counter(n.paper.year for n in notes)
    return sorted(counts.items(), reverse=True)
