"""The name index brought up to date after a write of papernotes without a stat per note:
``show KEY`` right after ``set`` on another paper at 100,000 notes (issue 20).

A write replaces its note by a rename, so its year folder's stat is no longer the names
stamp's and ``show`` used to stat every note (0.3 s at 100,000) and bring the index up to
date from ``list``'s kept rows (``library/name_index_update.py``): about a second. Here the
changed year folders alone are listed and stat-ed (``storage/names_delta.py``, from the
paths and stat keys kept with the stamp); the notes whose stat changed are read, and when
each keeps the folded key, arXiv id, normalised title and mark the index gives it
(``name_index_patch.with_changes``), the index is the kept one with their new digests and
links written over theirs.
When every stat taken is old enough (the racy rule), the index is kept for the new state
and the stamp moved to it, so the next ``show`` is as fast as before the write. Anything
else is None: ``show`` goes on as before (``name_index_lookup.find_named``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.model import Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library


def refreshed_index(
    library: Library, kept: tuple[bytes, bytes]
) -> tuple[list[Problem], str] | None:
    """The problems (none) and the index text for the folder now, from the index kept for
    the names stamp ``kept`` (years stamp, state) and the notes changed since; or None."""
    from papernotes.library.name_index import INDEX_NAME, NameIndex
    from papernotes.library.name_index_patch import with_changes
    from papernotes.library.name_index_update import MOST_CHANGED
    from papernotes.storage.names_delta import stamp_delta

    store = library.store
    stamp = store.caches().names_stamp()
    delta = stamp_delta(store.folder, stamp, kept)
    if delta is None or len(delta.changed) > MOST_CHANGED:
        return None
    outputs = store.list_output_cache()
    old = outputs.read(INDEX_NAME, kept[1])
    if old is None or old[0]:
        return None
    try:
        index = NameIndex(old[1])
    except ValueError:
        return None
    text = with_changes(library, index, delta.changed)
    del index, old
    if text is None:
        return None
    if delta.settled and outputs.write(INDEX_NAME, delta.state, [], text):
        stamp.write(delta.years_stamp, delta.state, delta.scanned)
    return [], text
