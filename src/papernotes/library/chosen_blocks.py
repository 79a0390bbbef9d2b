"""Which papers an output of chosen papers prints, and in what order, from what was kept of
each year folder (``storage/caches/folder_summaries_cache.py``): after an edit only the
edited folder's rows are loaded and picked again; the other folders' picks are taken as
they were kept and merged with them. ``list --json`` with filters or an order and
``queue --json`` then write their papers' kept texts (``note_texts.py``) without loading
every note's row (at 100,000 notes the rows, their order and the sort were 0.25 s of
each).

An output's order is a sort of the library's rows (``list_rows.chosen_rows``,
``list_rows.queue_rows``), ties broken by the library's order: paper year (newest first),
the document's rank (papers it does not order after those it does, by date added and
folded title), then the scan order. Each folder's picked notes are kept sorted by a key
that holds all of that (``Pick.keys``, kept as bytes that sort as it does:
``byte_keys.packed``) with their places among the folder's notes in scan order, so the
whole output is the folders' keys joined in scan order and sorted once more (stable:
equal keys keep the scan order). A folder's picks depend on its rows and the
document order (kept as its digest): a summary is used only when both are as they were.
The summaries of ``list``'s options are named by them (a variant per set of options, the
few most recently written kept). Whenever this cannot serve (``document.yaml`` that does
not read, too many rows missing, a reversed order), the caller takes the path through every
row (``note_texts.chosen_texts``), which gives the same output.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from papernotes.blake2 import blake2b
from papernotes.library.byte_keys import packed
from papernotes.library.kept_order import FEW_FOLDERS, folder_ranks
from papernotes.library.list_blocks import folders_load
from papernotes.library.list_rows import (
    ADDED,
    PATH,
    RAW_TITLE,
    STATUS,
    YEAR,
    Row,
    filtered_rows,
    list_row,
    narrowed,
    selected_rows,
    sort_key,
)
from papernotes.library.order import document_ranks
from papernotes.library.queue_blocks import queue_key
from papernotes.library.reading_queue import QUEUE_STATUSES
from papernotes.model import Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library

Keys = Callable[[list[Row], dict[str, int], int], list[Any]]
"""For a folder's rows (scan order), the document's ranks and the rank of a paper it does
not order: the key of each row picked, None for a row left out."""
LIST_PREFIX = "chosen-list-"
LIST_VARIANTS = 8
"""The sets of ``list`` options whose summaries are kept (the most recently written)."""
PLACE_CODE = "i"
_first = itemgetter(0)


@dataclass(frozen=True)
class Pick:
    """What an output picks of each folder's rows: ``variant`` names its summaries."""

    variant: str
    keys: Keys


def library_key(row: Row, rank: dict[str, int], unranked: int) -> tuple[int | str, ...]:
    """What places ``row`` in the library's order (``order.ranked``): paper year (newest
    first) with the document's rank in one number (``unranked`` for a paper the document
    does not order), then, for those only (a rank is one paper's), date added and folded
    title."""
    ranked = rank.get(row[PATH])
    tie = -row[YEAR] * (unranked + 1) + (unranked if ranked is None else ranked)
    return (tie,) if ranked is not None else (tie, row[ADDED], row[RAW_TITLE].casefold())


def list_pick(  # noqa: PLR0913 - list's options, one each
    library: Library,
    year: int | None,
    tag: str | None,
    statuses: Iterable[str],
    priorities: Iterable[str],
    rating_min: int | None,
    sort: str | None,
    reverse: bool,
) -> Pick | None:
    """What ``list`` with these options picks (as ``list_rows.chosen_rows``); None when
    reversed (ties would be too)."""
    if reverse:
        return None
    fold = library.folder.fold if tag else None
    statuses, priorities = sorted(set(statuses)), sorted(set(priorities))
    wanted = fold(tag) if tag and fold is not None else tag
    options = repr((year, wanted, statuses, priorities, rating_min or 0, sort))
    name = LIST_PREFIX + blake2b(options.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    sort_of = sort_key(sort) if sort else None

    def keys(rows: list[Row], rank: dict[str, int], unranked: int) -> list[Any]:
        chosen = selected_rows(rows, year, tag, fold)
        if narrowed(statuses, priorities, rating_min, sort):
            chosen = filtered_rows(chosen, statuses, priorities, rating_min or 0)
        ids = set(map(id, chosen))  # the rows are those of distinct notes
        got: list[Any] = [None] * len(rows)
        for i, row in enumerate(rows):
            if id(row) in ids:
                place = library_key(row, rank, unranked)
                got[i] = place if sort_of is None else (*sort_of(row), place)
        return got

    return Pick(name, keys)


def queue_pick() -> Pick:
    """What ``queue --json`` picks: as ``list_rows.queue_rows``."""

    def keys(rows: list[Row], rank: dict[str, int], unranked: int) -> list[Any]:
        waiting = (row[STATUS] in QUEUE_STATUSES for row in rows)  # as queue_rows
        return [
            queue_key(row, rank, unranked) if on else None
            for row, on in zip(rows, waiting, strict=True)
        ]

    return Pick("chosen-queue", keys)


def chosen_places(library: Library, pick: Pick) -> tuple[list[Problem], list[int]] | None:
    """The problems a load reports and the places in the scan (``library._scan``) of the
    papers ``pick`` picks, in the output's order, from the kept summaries where a folder
    did not change (the others loaded, picked and kept); None to take the path through
    every row."""
    loaded = folders_load(library, pick.variant, summaries=True)
    if loaded is None:
        return None
    load, order, digest = loaded
    if digest is None:
        return None
    kept = {y: s for y, s in load.kept.items() if s.order == digest and _sound(s.data)}
    changed = [year for year, _, _ in load.groups if year not in kept]
    got = load.rows(changed, list_row) if changed else {}
    if got is None:
        return None
    starts = {year: (start, end) for year, start, end in load.groups}
    every = document_ranks(order) if len(got) > FEW_FOLDERS else None
    unranked = len(order)
    made = {}
    for year, (rows, problems) in got.items():
        start, end = starts[year]
        local = {path: i for i, path in enumerate(load.scan.found[start:end])}
        rank = every if every is not None else folder_ranks(order, year)
        keys = pick.keys(rows, rank, unranked)
        try:
            picked = sorted(
                (
                    (packed(key), local[row[PATH]])
                    for key, row in zip(keys, rows, strict=True)
                    if key is not None
                ),
                key=_first,
            )
        except TypeError:  # a key of other kinds: sorted through every row
            return None
        data = ([key for key, _ in picked], array(PLACE_CODE, [i for _, i in picked]).tobytes())
        made[year] = load.summary(year, digest, problems, data)
    summaries = {**kept, **made}
    keys_all: list[bytes] = []
    places: list[int] = []
    for year, start, _ in load.groups:
        folder_keys, at = summaries[year].data
        keys_all += folder_keys
        held = array(PLACE_CODE)
        held.frombytes(at)
        places += [start + i for i in held]
    unread = [Problem(*p) for year, _, _ in load.groups for p in summaries[year].problems]
    load.finish(made, unread)
    if made and pick.variant.startswith(LIST_PREFIX):
        load.blocks.prune(LIST_PREFIX, LIST_VARIANTS, pick.variant)
    outputs = sorted(range(len(keys_all)), key=keys_all.__getitem__)  # stable: scan order
    return load.scan.problems + unread, list(map(places.__getitem__, outputs))


def _sound(data: object) -> bool:
    """Whether kept ``data`` is a pick: the keys (bytes), and the places (as many)."""
    if not (isinstance(data, tuple) and len(data) == 2):
        return False
    keys, places = data
    if not (isinstance(keys, list) and isinstance(places, bytes)):
        return False
    if not set(map(type, keys)) <= {bytes}:
        return False
    return len(places) == len(keys) * array(PLACE_CODE).itemsize
