"""The library's order of ``list``'s rows from each year folder's order as kept
(``storage/caches/list_order_cache.py``): after an edit only the edited folder's rows are
ordered again, the others are laid out by their kept places.

The library's order sorts by paper year first, so when each year folder holds the papers of
one year, and no two folders the same year, the whole order is each folder's rows ordered
alone (``order.ranked``, as ``list_blocks`` orders a folder's block) joined newest year
first. A folder's order depends on its rows alone (named by their token) and the document
order (named by the document's key). Whenever the result could differ from ordering every
row (a folder holding papers of several years, two folders of one year, rows or a document
not named), it gives None and the caller orders every row.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import chain, compress, count, repeat
from operator import itemgetter
from typing import TYPE_CHECKING

from papernotes.library.list_rows import PATH, YEAR, Row, added_and_folded_title
from papernotes.library.order import document_ranks, ranked
from papernotes.storage.caches.list_order_cache import places

if TYPE_CHECKING:
    from papernotes.storage.caches.list_order_cache import FolderOrder
    from papernotes.storage.row_listing import Folders
    from papernotes.storage.store import NoteStore

_first = itemgetter(0)
FEW_FOLDERS = 2
"""Folders ordered with the ranks of their own papers (``folder_ranks``); more, with every
path's."""


def folder_ordered(
    store: NoteStore,
    rows: list[Row],
    folders: Folders | None,
    order: Sequence[str],
    key: bytes | None,
) -> list[Row] | None:
    """``rows`` (in scan order, ``folders``' rows) in the library's order by ``order`` (the
    document's, named by ``key``), each folder's from its kept order where its rows and the
    document are those it was kept for (the others ordered and kept). None when the
    folders cannot be ordered alone."""
    if folders is None or key is None or sum(size for _, _, size in folders) != len(rows):
        return None
    cache = store.caches().list_rows().orders()
    kept = cache.read()
    entries: dict[str, FolderOrder] = {}
    parts: list[tuple[int, list[Row]]] = []
    every: dict[str, int] | None = None  # every path's rank
    alone = 0  # folders ordered so far
    start = 0
    for name, token, size in folders:
        part = rows[start : start + size]
        start += size
        if not size:
            continue
        entry = kept.get(name)
        if entry is None or token is None or entry[:2] != (token, key):
            # An edit changes one folder: the ranks of its papers alone (a tenth of a
            # dictionary of every path); after FEW_FOLDERS, every path's ranks at once.
            alone += 1
            if alone > FEW_FOLDERS and every is None:
                every = document_ranks(order)
            ranks = every if every is not None else folder_ranks(order, name)
            entry = _ordered_alone(part, ranks, token or b"", key)
            if entry is None:
                return None
        at = places(entry)
        if len(at) != size:
            return None
        if token is not None:
            entries[name] = entry
        parts.append((entry[2], list(map(part.__getitem__, at))))
    if len(set(map(_first, parts))) != len(parts):  # two folders of one year
        return None
    if entries != kept:
        cache.write(entries)
    parts.sort(key=_first, reverse=True)
    return list(chain.from_iterable(rows for _, rows in parts))


def folder_ranks(order: Sequence[str], folder: str) -> dict[str, int]:
    """``document_ranks`` of the paths in ``folder`` alone (looked for in C)."""
    inside = map(str.startswith, order, repeat(folder + "/"))
    return dict(compress(zip(order, count()), inside))


def _ordered_alone(
    part: list[Row], ranks: dict[str, int], token: bytes, key: bytes
) -> FolderOrder | None:
    """A folder's order worked out (as ``order.ranked`` orders every row); None when its rows
    are not all of one year."""
    years = set(map(itemgetter(YEAR), part))
    if len(years) != 1:
        return None
    (only,) = years
    if type(only) is not int:
        return None
    at = ranked(
        list(range(len(part))),
        ranks,
        lambda i: part[i][PATH],
        lambda i: only,
        lambda i: added_and_folded_title(part[i]),
    )
    return token, key, only, array("i", at).tobytes()
