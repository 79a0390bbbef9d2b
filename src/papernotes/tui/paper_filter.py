"""Which notes the list shows: year, filter text and sort order. Pure Python, no Textual.

Everything here works on the library's rows (``library/paper_rows.py``: no ``Note`` per
paper) and their folded texts, so a keystroke in the filter box costs one scan of pre-folded
bytes and never touches the disk; a word that contains one looked for just before (one more
letter) is looked for only in the rows that held it (``library/row_matching.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from papernotes.library.field_filters import FieldFilter, split_filter
from papernotes.library.paper_rows import PaperRows

SORTS = ("year", "title", "added", "status", "priority", "rating")
SORT_LABELS = {
    "year": "year",
    "title": "title",
    "added": "date added",
    "status": "status",
    "priority": "priority",
    "rating": "rating",
}


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

    def selection(self, rows: PaperRows) -> Sequence[int]:
        """The rows of the chosen year or the queue, before the filter text (the "M" of
        "N of M"), as positions in ``rows.rows``."""
        return rows.selection(self.year, self.queue)

    def apply(self, rows: PaperRows, selection: Sequence[int] | None = None) -> Sequence[int]:
        """The rows to list (positions in ``rows.rows``), in display order."""
        return self.within(rows, self.base(rows, selection))

    def base(self, rows: PaperRows, selection: Sequence[int] | None = None) -> Sequence[int]:
        """The rows the words are looked for in: the year's or the queue's (``selection``),
        as the field filters keep them, in display order. Sorting before the words are
        looked for gives what sorting after does (the sorts are stable), and is done once
        for all the keystrokes typing the words."""
        chosen = self.selection(rows) if selection is None else selection
        chosen = rows.kept(self.fields, chosen)
        if self.queue and self.sort == "year":
            return chosen  # the queue's own order
        return rows.sorted(chosen, self.sort)

    def within(self, rows: PaperRows, base: Sequence[int]) -> Sequence[int]:
        """The rows of ``base`` (what ``base`` gives for this filter) that the words find,
        in its order."""
        words = self.words
        return rows.matching(words, base) if words.strip() else base
