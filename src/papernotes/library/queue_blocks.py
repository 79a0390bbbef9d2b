"""``queue`` from what was kept of each year folder (``storage/caches/folder_summaries_cache.py``):
after an edit only the edited folder's rows are loaded, sorted and rendered; the other
folders' sorted lines are taken as they were kept and merged with them.

The queue's order (``list_rows.queue_rows``) is a sort of the library's rows, so a tie is
broken by the library's order: paper year (newest first), the document's rank (papers it
does not order after those it does), then the scan order (papers equal in date added and
folded title are equal in the rest of the library's order). Each folder's waiting rows are
kept sorted by ``(status, priority, no date, date added; folded title; year and rank)``
(``queue_key``) with their lines, so the whole queue is the folders' keys joined in scan
order and sorted once more (stable: equal keys keep the scan order), each line taken along.
A folder's lines depend on its rows, the document order (kept as its digest) and the name
column (the widest name of *all* the queue's rows): a summary is used only when the first
two are as they were and it was rendered with that column; every other folder has its rows
loaded (``storage/block_listing.py``) and is made again. When ``document.yaml`` does not
read, an order entry holds a NUL or too many rows are missing, ``queue`` takes the full
path (``list_rows.queue_rows`` of every row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import compress, count
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from papernotes.library.list_blocks import folders_load
from papernotes.library.list_rows import (
    ADDED,
    PATH,
    PRIORITY,
    RAW_TITLE,
    STATUS,
    WIDTH,
    YEAR,
    list_row,
)
from papernotes.library.reading_queue import QUEUE_STATUSES, priority_rank
from papernotes.model import Problem
from papernotes.storage.block_listing import BlocksLoad

if TYPE_CHECKING:
    from papernotes.library.api import Library

Row = tuple[Any, ...]
Render = Callable[[list[Row], int], list[str]]
"""The queue's lines of rows (sorted) with the name column this wide."""
QueueKey = tuple[str, str, int]
VARIANT = "queue"


def queue_key(row: Row, rank: dict[str, int], unranked: int) -> QueueKey:
    """What orders ``row`` in the queue, its ties broken as the library's order breaks them:
    status, priority, no date added and the date in one string (compared as the tuple of
    them: one letter for the first three), the folded title, and the paper year (newest
    first) with the document's rank in one number (``unranked`` for a paper the document
    does not order, more than any rank)."""
    code = QUEUE_STATUSES.index(row[STATUS]) * 8 + priority_rank(row[PRIORITY]) * 2
    code += not row[ADDED]
    tie = -row[YEAR] * (unranked + 1) + rank.get(row[PATH], unranked)
    return chr(0x41 + code) + row[ADDED], row[RAW_TITLE].casefold(), tie


def queue_text(library: Library, render: Render) -> str | None:
    """What ``queue`` prints (``render``ed, the queue's order), from the kept summaries where
    a folder did not change; None to take the full path. The problems go where
    ``kept_rows`` puts them (``Library._listed``)."""
    loaded = folders_load(library, VARIANT, summaries=True)
    if loaded is None:
        return None
    load, order, digest = loaded
    if digest is None:
        return None
    kept = {year: s for year, s in load.kept.items() if s.order == digest and _sound(s.data)}
    made = _Made(load, order)
    if not made.add([year for year, _, _ in load.groups if year not in kept]):
        return None
    column = max([s.data[0] for s in kept.values()] + list(made.widest.values()), default=0)
    other_column = [year for year, s in kept.items() if s.data[2] and s.data[1] != column]
    if not made.add(other_column):
        return None
    summaries = {year: kept[year] for year in kept.keys() - made.rows.keys()}
    for year, (rows, keys, problems) in made.rows.items():
        data = (made.widest[year], column, keys, render(rows, column) if rows else [])
        summaries[year] = load.summary(year, digest, problems, data)
    keys, lines = [], []
    for year, _, _ in load.groups:
        keys += summaries[year].data[2]
        lines += summaries[year].data[3]
    unread = [Problem(*p) for year, _, _ in load.groups for p in summaries[year].problems]
    load.finish({year: summaries[year] for year in made.rows}, unread)
    library._listed = load.scan.problems + unread
    library._scan = None
    return "\n".join(map(lines.__getitem__, sorted(range(len(keys)), key=keys.__getitem__)))


def _sound(data: object) -> bool:
    """Whether kept ``data`` is a queue summary: widest name, column, keys and lines."""
    if not (isinstance(data, tuple) and len(data) == 4):
        return False
    widest, column, keys, lines = data
    kinds = isinstance(widest, int) and isinstance(column, int)
    return kinds and isinstance(keys, list) and isinstance(lines, list) and len(keys) == len(lines)


class _Made:
    """The folders whose summary is made now: their waiting rows sorted, with their keys,
    and their problems and widest name."""

    def __init__(self, load: BlocksLoad, order: Sequence[str]) -> None:
        self.load, self.order = load, order
        self.rows: dict[str, tuple[list[Row], list[QueueKey], list[Problem]]] = {}
        self.widest: dict[str, int] = {}

    def add(self, years: list[str]) -> bool:
        """Load and sort the waiting rows of the folders ``years``; False when too many are
        missing (the full path loads every note instead)."""
        years = [year for year in years if year not in self.rows]
        if not years:
            return True
        got = self.load.rows(years, list_row)
        if got is None:
            return False
        waiting = {
            folder: [row for row in rows if row[STATUS] in QUEUE_STATUSES]
            for folder, (rows, _) in got.items()
        }
        rank = self.ranks([row[PATH] for rows in waiting.values() for row in rows])
        unranked = len(self.order)
        for folder, rows in waiting.items():
            keys = [queue_key(row, rank, unranked) for row in rows]
            places = sorted(range(len(rows)), key=keys.__getitem__)  # stable: scan order
            self.rows[folder] = (
                [rows[i] for i in places],
                [keys[i] for i in places],
                got[folder][1],
            )
            self.widest[folder] = max(map(itemgetter(WIDTH), rows), default=0)
        return True

    def ranks(self, paths: list[str]) -> dict[str, int]:
        """The document's ranks of ``paths`` (a path listed twice: its last place), of those
        alone when they are few, of the whole document else (``list_blocks._Made.ranks``)."""
        if len(paths) > len(self.order) // 4:
            return dict(zip(self.order, count()))
        wanted, order = set(paths), self.order
        return {order[i]: i for i in compress(count(), map(wanted.__contains__, order))}
