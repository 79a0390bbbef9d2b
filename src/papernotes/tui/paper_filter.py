"""Which notes the list shows: year, filter text and sort order. Pure Python, no Textual.

Everything here works on the library's rows (``library/paper_rows.py``: no ``Note`` per
paper) and their folded texts, so a keystroke in the filter box costs one scan of pre-folded
bytes and never touches the disk; a keystroke that narrows the query (one more letter) scans
only the papers listed before it.
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
        chosen = self.selection(rows) if selection is None else selection
        field_filter, words = split_filter(self.query)
        chosen = rows.kept(field_filter, chosen)
        if words.strip():
            chosen = rows.matching(words, chosen)
        if self.queue and self.sort == "year":
            return chosen  # the queue's own order
        return rows.sorted(chosen, self.sort)

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

    def refine(self, rows: PaperRows, listed: Sequence[int]) -> Sequence[int]:
        """What ``apply`` gives, from ``listed``: what a filter this one ``narrows`` listed."""
        words = self.words
        return rows.matching(words, listed) if words.strip() else listed
