"""The name index brought up to date from the last one kept, when only a few notes' bytes
changed and none of their names: what a write of papernotes leaves (``set``, ``note``, an
edit), which replaces its note by a rename and so changes its year folder's times.

The index kept for the last names stamp (``storage/caches/names_stamp.py``) lists every
note's path and digest. ``list``'s kept rows (``storage/caches/list_rows_cache.py``, read
one year folder at a time) give the stat key and digest each note had when its row was
made: a note whose stat differs, or whose row's digest is not the index's (``list`` made
it anew since), is read again here. When the scan lists the index's paths, at most
``MOST_CHANGED`` notes changed, no load had a problem, every changed note still has the
folded key, arXiv id, normalised title and ``mark`` the index gives it (the mark: its key
in its case, which a link names a paper by first, and its year, date added and folded title,
which order it), and the document's order is the index's, the new index is the old one with
the changed notes' digests and links (``index_links.links_line``) written over theirs: no
other note's names can differ, so no other note's links name another paper, and no note
moves in the library's order (the papers linking to one are listed in it). Anything else
is None, and the index is made from every note as before (``name_index_lookup.find_named``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from papernotes.model import Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.caches.list_rows_cache import ListRowsCache
    from papernotes.storage.note_folder import Scan
    from papernotes.storage.store import NoteStore

MOST_CHANGED = 100
"""Past this many changed notes the index is made from every note."""


def updated_index(
    library: Library, scan: Scan, stamp: tuple[bytes, bytes]
) -> tuple[list[Problem], str, bool] | None:
    """``output_and_state``'s ``quick`` for the name index, from the index kept with the
    names stamp ``stamp`` (year folders' stamp, folder state): (no problems, the index,
    whether it may be kept for the scan's state), or None to make it from every note."""
    from papernotes.library.name_index import INDEX_NAME, NameIndex
    from papernotes.storage.caches.note_cache import any_racy

    store = library.store
    old = store.list_output_cache().read(INDEX_NAME, stamp[1])
    if old is None or old[0] or scan.keys is None or scan.problems:
        return None
    try:
        index = NameIndex(old[1])
    except ValueError:
        return None
    if not _layout_as_stamped(store, stamp[0]) and _layout_order(store, scan) != index.order():
        return None  # no layout (``show`` warns of it), or another order of the notes
    paths = index.part_lines("paths")
    if sorted(paths) != scan.found:
        return None  # a note added, removed or moved (or another order of paths)
    changed = _changed_since_stamp(store, scan, stamp[1])
    if changed is None:
        line_of = {path: i for i, path in enumerate(paths)}
        digests = index.part_lines("digests")
        lines = _changed(store.caches().list_rows(), scan, line_of, digests)
        changed = None if lines is None else [paths[i] for i in lines]
        del line_of
    if changed is None or len(changed) > MOST_CHANGED:
        return None
    from papernotes.library.name_index_patch import with_changes

    text = with_changes(library, index, changed)
    if text is None:
        return None
    settled = not any_racy(scan.keys, scan.started_ns)
    return [], text, settled


def _changed_since_stamp(store: NoteStore, scan: Scan, state: bytes) -> list[str] | None:
    """The paths of the notes whose stat is not the one kept with the names stamp for
    ``state`` (the index's), when it keeps the scan's paths: no ``list`` row needed (``links``
    stats every note, and had to make the index again when ``list`` had not kept its rows);
    None when it keeps none for that state or other paths."""
    from papernotes.storage.caches.note_cache import STAT_KEY_SIZE

    assert scan.keys is not None
    scanned = store.caches().names_stamp().read_scanned(state)
    if scanned is None or scanned[0] != scan.found:
        return None
    kept, now = scanned[1], b"".join(scan.keys)
    if len(kept) != len(now):
        return None
    return [scan.found[i] for i in differing(now, kept, STAT_KEY_SIZE)]


def differing(now: bytes, kept: bytes, size: int, run: int = 256) -> list[int]:
    """The indexes of the ``size``-byte items that differ between ``now`` and ``kept`` (as
    long as each other), compared ``run`` items at a time first (after an edit one note in
    100,000 differs: a comparison per run instead of one per item)."""
    step = size * run
    found: list[int] = []
    for at in range(0, len(now), step):
        if now[at : at + step] != kept[at : at + step]:
            end = min(at + step, len(now))
            found += (
                i // size for i in range(at, end, size) if now[i : i + size] != kept[i : i + size]
            )
    return found


def _changed(
    rows: ListRowsCache, scan: Scan, line_of: dict[str, int], digests: list[str]
) -> list[int] | None:
    """The index lines of the notes whose stat is not the one their kept ``list`` row was
    made with, or whose row's digest is not the index's (the row was made anew since the
    index, by ``list``): each read again by the caller. One year folder's rows read at a
    time; None when a folder has no kept rows. The scan's paths are the index's."""
    from papernotes.library.list_rows import DIGEST

    assert scan.keys is not None
    changed: list[int] = []
    start = 0
    found, keys = scan.found, scan.keys
    while start < len(found):
        year = found[start].partition("/")[0]
        kept = rows.read(year)
        if kept is None:
            return None
        end = start
        while end < len(found) and found[end].partition("/")[0] == year:
            end += 1
        if kept.paths == found[start:end] and kept.keys == b"".join(keys[start:end]):
            for path, row in zip(kept.paths, kept.rows, strict=True):  # no note changed since
                if row[DIGEST] != digests[line_of[path]]:  # its row; one whose row was made
                    changed.append(line_of[path])  # anew (by ``list``) since the index was
            start = end
            continue
        at = {path: i for i, path in enumerate(kept.paths)}
        end = start
        while end < len(found) and found[end].partition("/")[0] == year:
            path = found[end]
            i = at.get(path)
            line = line_of[path]
            if i is None or kept.key(i) != keys[end] or kept.rows[i][DIGEST] != digests[line]:
                changed.append(line)  # changed since its row, or since the index
            end += 1
        start = end
    return changed


def _layout_as_stamped(store: NoteStore, years_stamp: bytes) -> bool:
    """Whether ``document.yaml``'s stat is the one in ``years_stamp``
    (``NoteFolder.years_stamp`` ends with it), kept with an index made without a problem."""
    from papernotes.storage.document_file import LAYOUT_FILE
    from papernotes.storage.note_folder import stat_key_or_none

    return years_stamp.endswith(b"layout" + (stat_key_or_none(store.root / LAYOUT_FILE) or b""))


def _layout_order(store: NoteStore, scan: Scan) -> str | None:
    """``name_columns.order_mark`` of ``document.yaml``'s order, when it reads and is a layout
    (its parse kept by the note cache while its stat holds); else None: ``show`` warns of
    it, which the index made from every note does."""
    from papernotes.library.name_columns import order_mark
    from papernotes.storage.document_file import LAYOUT_FILE, LayoutFormatError, layout_from_data
    from papernotes.storage.row_listing import load_layout

    _, data = load_layout(store, store.caches().real_root, scan.started_ns)
    if data is None:  # none there is an empty layout; one that does not read is warned of
        return None if os.path.lexists(store.root / LAYOUT_FILE) else order_mark(())
    try:
        return order_mark(layout_from_data(data[1]).order)
    except LayoutFormatError:
        return None
