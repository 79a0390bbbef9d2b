"""The notes whose stat changed since the names stamp's scan, found by listing and stat-ing
only the year folders whose own stat changed: what a write of papernotes leaves (it
replaces its note by a rename, which changes that note's year folder and no other).

The names stamp (``storage/caches/names_stamp.py``) keeps the year folders' stamp taken
before a scan, that scan's state, and its paths and stat keys. A year folder whose stat is
the stamped one had no note file added, removed or renamed since (the racy rule applied
to both stamps), so its paths and their stat keys stand as kept; only a note of it edited
in place goes unseen, the gap the names stamp already has. Each changed folder is listed
and its notes stat-ed now: its paths must be the kept ones (else a note came or went: the
caller works from every note), and the notes whose stat differs are the changed ones. The
new state is then the one ``NoteStore.state`` would work out (``note_cache.folder_state``
of the kept keys with the changed folders' new ones). ``document.yaml`` must keep its stat.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from time import time_ns
from typing import TYPE_CHECKING

from papernotes.storage.caches.note_cache import (
    STAT_KEY_SIZE,
    any_racy,
    joined_folder_state,
    stat_keys,
)
from papernotes.storage.note_folder import years_of_stamp

if TYPE_CHECKING:
    from papernotes.storage.caches.names_stamp import NamesStamp
    from papernotes.storage.note_folder import NoteFolder

MOST_FOLDERS = 3
"""Past this many changed year folders the caller works from every note."""


class StampDelta:
    """What changed since a names stamp: the year folders' stamp now, the folder state now,
    the notes whose stat changed, the paths and joined stat keys of the state now, and
    whether every stat taken is old enough to be kept (the racy rule)."""

    __slots__ = ("years_stamp", "state", "changed", "scanned", "settled")

    def __init__(
        self,
        years_stamp: bytes,
        state: bytes,
        changed: list[str],
        scanned: tuple[list[str], bytes],
        settled: bool,
    ) -> None:
        self.years_stamp, self.state, self.changed = years_stamp, state, changed
        self.scanned, self.settled = scanned, settled


def stamp_delta(
    folder: NoteFolder, stamp: NamesStamp, kept: tuple[bytes, bytes]
) -> StampDelta | None:
    """The changes since the kept stamp ``kept`` (years stamp, state), or None when they
    cannot be told from the changed year folders alone: no kept paths and keys for that
    state, a year folder added or removed, more than ``MOST_FOLDERS`` changed,
    ``document.yaml``'s stat changed, a note added, removed or renamed, a changed folder
    not plain (``Scan.plain``), a file that cannot be stat-ed."""
    started_ns = time_ns()  # before any stat: the reference for racy files
    now = folder.years_stamp()
    if now is None:
        return None
    old_years, old_layout = years_of_stamp(kept[0])
    new_years, new_layout = years_of_stamp(now)
    if old_layout != new_layout or old_years.keys() != new_years.keys():
        return None
    changed_years = sorted(y for y, key in new_years.items() if old_years[y] != key)
    if not changed_years or len(changed_years) > MOST_FOLDERS:
        return None
    scanned = stamp.read_scanned(kept[1])
    if scanned is None:
        return None
    rels, keys = scanned
    if len(keys) != len(rels) * STAT_KEY_SIZE:
        return None
    pieces: list[bytes] = []
    changed: list[str] = []
    settled, done = True, 0
    prefix = os.path.join(folder.root, "")  # as a scan's
    for year in changed_years:
        start, end = bisect_left(rels, f"{year}/"), bisect_left(rels, f"{year}0")  # "/" < "0"
        listed = folder.year_notes(year)
        if listed is None or not listed[1] or listed[0] != rels[start:end]:
            return None
        try:
            now_keys = stat_keys(prefix, listed[0])
        except OSError:
            return None
        settled = settled and not any_racy(now_keys, started_ns)
        old = keys[start * STAT_KEY_SIZE : end * STAT_KEY_SIZE]
        at = 0
        for rel, key in zip(listed[0], now_keys, strict=True):
            if key != old[at : at + STAT_KEY_SIZE]:
                changed.append(rel)
            at += STAT_KEY_SIZE
        pieces += (keys[done * STAT_KEY_SIZE : start * STAT_KEY_SIZE], b"".join(now_keys))
        done = end
    pieces.append(keys[done * STAT_KEY_SIZE :])
    joined = b"".join(pieces)
    state = joined_folder_state(rels, joined, new_layout or None, [])
    return StampDelta(now, state, changed, (rels, joined), settled)
