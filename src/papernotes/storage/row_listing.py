"""A load of the library as ``list`` rows (``caches/list_rows_cache.py``): the kept row of
every unchanged note, and the notes that changed read and parsed, without building a
``Note`` for each of the others.

When many rows are missing (the first ``list``, a library changed by another program) the
notes are loaded as every command loads them (``NoteStore.load``, through the note cache)
and the rows are made from them. Either way the store afterwards knows what a ``load``
would have told it: ``document.yaml``'s parsed layout (from the note cache), the folder
state for the kept output, and the notes that could not be read.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from papernotes.model import Problem
from papernotes.storage.caches.list_rows_cache import Row, RowMaker, RowsLoad
from papernotes.storage.caches.note_cache import NoteCacheLoad, stat_key
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.note_format import load_yaml

if TYPE_CHECKING:
    from papernotes.storage.note_folder import Scan
    from papernotes.storage.store import NoteStore

FULL_LOAD_SHARE = 8
"""With more than 1/8 of the rows (and 64) missing, loading every note through the note
cache costs less than reading and parsing each of those files."""


def list_rows(
    store: NoteStore, scan: Scan, row_of: RowMaker
) -> tuple[list[Row], list[Problem]] | None:
    """Every note's row (``(stat key, *row_of(note))``) in scan order and the problems of
    those that do not read (after the scan's own); None when rows are not kept (caching
    off) or a file cannot be stat-ed (a full load reports it)."""
    cache = store.caches().list_rows()
    if cache.folder is None:
        return None
    found, prefix = scan.found, scan.prefix
    if scan.keys is None:
        try:  # by path, as NoteStore.state does
            scan.keys = [stat_key(os.stat(prefix + rel)) for rel in found]
        except OSError:
            return None
    keys = scan.keys
    load = RowsLoad(cache, scan.started_ns)
    stale = load.stale(found, keys)
    if len(stale) > 64 + len(found) // FULL_LOAD_SHARE:
        made, problems = _rows_of_loaded_notes(store, scan, row_of, load, stale)
        load.finish()
        return made, problems
    rows: list[Row] = (
        list(map(load.fresh.__getitem__, found))
        if not stale
        else [load.fresh.get(rel, ()) for rel in found]
    )
    unreadable: dict[int, Problem] = {}
    for i in stale:
        rel = found[i]
        try:
            rows[i] = load.read(rel, keys[i], store.read, row_of)
        except OSError as exc:
            unreadable[i] = Problem(rel, 1, f"cannot read: {exc.strerror or exc}")
    unread: list[Problem] = []
    if unreadable or any(rows[i][1] is None for i in stale) or load.kept_problems:
        kept: list[Row] = []
        for i, row in enumerate(rows):
            if i in unreadable:
                unread.append(unreadable[i])
            elif row[1] is None:
                unread.append(Problem(found[i], row[2][0], row[2][1]))
            else:
                kept.append(row)
        rows = kept
    real_root = load.shards.real_root
    layout = NoteCacheLoad(store.caches().notes, real_root, scan.started_ns, entries=False)
    layout_data = layout.layout_data(store.root / LAYOUT_FILE, load_yaml)
    layout.finish()
    load.finish()
    settled = load.stats_settled and layout.stats_settled and not unreadable
    store.remember_load(scan, keys, layout, layout_data, unread, settled)
    return rows, scan.problems + unread


def _rows_of_loaded_notes(
    store: NoteStore, scan: Scan, row_of: RowMaker, load: RowsLoad, stale: list[int]
) -> tuple[list[Row], list[Problem]]:
    """The rows made from every note loaded by ``store.load`` (which also fills the note
    cache); the stale ones replace their kept rows."""
    notes, problems = store.load(scan)
    assert scan.keys is not None
    key_of = dict(zip(scan.found, scan.keys, strict=True))
    changed = {scan.found[i] for i in stale}
    rows: list[Row] = []
    notes.reverse()
    while notes:  # each note freed once its row is made: the peak holds one of the two
        note = notes.pop()
        rel = note.path
        row = (key_of[rel], *row_of(note))
        if rel in changed:
            load.keep(rel, key_of[rel], row)
        rows.append(row)
    return rows, problems
