"""The loading half of ``NoteStore``: every note of the folder at once (``load``), or handed
over one note cache shard at a time (``load_visiting``), or as ``list`` rows (``list_rows``),
and what the last load saw (the folder state a kept output is kept for)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, cast

from papernotes.model import DocumentLayout, Note, Problem
from papernotes.storage.caches.note_cache import StatKey, folder_state, stat_keys
from papernotes.storage.caches.note_cache_load import FILL_FROM, NoteCacheLoad
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.file_digests import file_digests
from papernotes.storage.layout_yaml import load_layout_yaml
from papernotes.storage.note_folder import CANNOT_READ, Scan, stat_key_or_none
from papernotes.storage.regular_file import NotRegularFileError, read_regular

if TYPE_CHECKING:
    from papernotes.storage.caches import LibraryCaches
    from papernotes.storage.caches.list_rows_cache import Row, RowMaker
    from papernotes.storage.caches.note_cache import LayoutEntry
    from papernotes.storage.row_listing import Folders
    from papernotes.storage.store import NoteStore

LISTINGS = 3
"""Listings of the folder a load may make when notes vanish while it reads (another program
deleting or moving them): a move is then found under its new name."""


class NoteLoads:
    """``NoteStore``'s loads (its base class: they use its reading helpers and state)."""

    if TYPE_CHECKING:  # what the loads use of NoteStore
        root: Path
        _real_root: Path
        _layout_data: LayoutEntry | None
        _layout_made: tuple[LayoutEntry, DocumentLayout] | None
        _seen: tuple[list[str], list[StatKey], StatKey | None, list[Problem]] | None
        _state_of: tuple[tuple[object, ...], bytes] | None
        repaired: list[str]
        unseen: list[str]
        loaded_scan: Scan | None
        _batch: object | None  # a batch of new notes not yet given their names

        def scan(self) -> Scan: ...
        def caches(self) -> LibraryCaches: ...
        def read(self, rel: str) -> Note: ...
        def read_changed(self, rel: str, known: str) -> Note | None: ...
        def path_of(self, rel: str) -> Path: ...

    def load(
        self, scan: Scan | None = None, *, from_disk: bool = False
    ) -> tuple[list[Note], list[Problem]]:
        """Every note that reads; every one that does not becomes a ``Problem``. ``scan``
        (fresh from ``scan()``) saves listing and stat-ing the folder a second time.

        Unchanged files come from the note cache (``storage/caches/note_cache.py``), which is
        checked against each file's stat and rebuilt from the files whenever it is unusable.
        ``from_disk`` reads every file instead, and repairs the entries that disagreed with
        their file (listed in ``repaired``).
        """
        scan = scan or self.scan()
        cache = self.caches().notes
        for listing in range(LISTINGS):
            started = scan.started_ns
            load = NoteCacheLoad(cache, str(self._real_root), started, from_disk, entries=False)
            # document.yaml before the notes' entries: its parse (megabytes of YAML with
            # ``check``) then needs no memory beside theirs
            self._layout_data = load.layout_data(self.root / LAYOUT_FILE, load_layout_yaml)
            load.read_entries()
            if scan.keys_later is not None or from_disk:  # taken by a child begun at the
                with contextlib.suppress(OSError):  # scan (or on two cores to read every
                    scan.stat_keys_now(stat_keys)  # file after), else stat-ed one by one
            if not load.old and cache.folder is not None and len(scan.found) >= FILL_FROM:
                load.fill(scan.found, scan.prefix, self.read, scan.keys)
            hashed = file_digests if from_disk and not self._batch else None
            notes, unread = load.notes(
                scan.found, scan.prefix, self.read, scan.keys, self.read_changed, hashed
            )
            if not load.vanished or listing == LISTINGS - 1:
                break  # after that: files still vanishing are gone, not problems
            scan = self.scan()  # a note deleted or moved meanwhile: where is it now?
        load.finish()
        self.loaded_scan = scan
        self.repaired = load.repaired
        self._note_unseen(scan, unread)
        if load.repaired:  # the note cache is rewritten already; the kept outputs are not
            self.caches().forget_outputs([])
        if from_disk:  # a row or a search form may have been made from a read that disagrees
            digests = {note.path: note.digest for note in notes}  # with the file (an mmap write)
            self.caches().list_rows().forget_disagreeing(digests)
            self.caches().identity_rows().forget_disagreeing(digests)
            self.caches().search_forms().forget_disagreeing(digests)
        self._seen = None
        if load.stats_settled:  # the state is worked out only if asked for: most commands do not
            self._seen = (scan.rels(), load.keys, load.layout_key, scan.problems)
        self.caches().names_stamp().settle(self.loaded_state)  # a note changed in place?
        return notes, scan.problems + unread

    def load_visiting(self, scan: Scan, take: Callable[[int, Note], None]) -> list[Problem] | None:
        """``load(scan)`` with each note handed to ``take`` with its place in ``scan.found``
        as soon as it is made, one note cache shard at a time, and held by nobody here
        (``load`` holds every note: 160 MB at 100,000); the problems as ``load`` gives
        them, or None when this cannot tell (a file that cannot be stat-ed, or one gone
        meanwhile, which ``load`` looks for by listing the folder again: ``load`` then)."""
        cache = self.caches().notes
        load = NoteCacheLoad(cache, str(self._real_root), scan.started_ns, entries=False)
        self._layout_data = load.layout_data(self.root / LAYOUT_FILE, load_layout_yaml)
        try:
            keys = scan.stat_keys_now(stat_keys)
        except OSError:
            return None
        if cache.folder is not None and len(scan.found) >= FILL_FROM and not cache.holds_entries():
            load.fill(scan.found, scan.prefix, self.read, keys, then_read=False)
        placed = load.visit(scan.found, scan.prefix, self.read, keys, take)
        if placed is None:
            return None
        load.finish()
        unread = [problem for _, problem in sorted(placed, key=itemgetter(0))]
        self.loaded_scan = scan
        self.repaired = []
        self._note_unseen(scan, unread)
        self._seen = None
        if load.stats_settled:
            self._seen = (scan.rels(), load.keys, load.layout_key, scan.problems)
        self.caches().names_stamp().settle(self.loaded_state)  # a note changed in place?
        return scan.problems + unread

    def _note_unseen(self, scan: Scan, unread: list[Problem]) -> None:
        """What the load could not read though it may hold papers (``unseen``)."""
        self.unseen = [p.path for p in scan.problems if p.message.startswith(CANNOT_READ)]
        self.unseen += [p.path for p in unread if _may_hold_a_paper(self.path_of(p.path))]

    def list_rows(
        self, scan: Scan | None, row_of: RowMaker, identities: bool = False
    ) -> tuple[list[Row], list[Problem], Folders | None] | None:
        """Every note's ``list`` row and the problems, as ``load`` would see them, from the
        kept rows where a file did not change, and the rows' year folders
        (``storage/row_listing.py``); None when rows are not kept. ``identities``: the
        identity rows (``row_of`` makes those), kept in their own folder."""
        from papernotes.storage.row_listing import list_rows

        cache = self.caches().identity_rows() if identities else None
        return list_rows(cast("NoteStore", self), scan or self.scan(), row_of, cache)

    def remember_load(
        self,
        scan: Scan,
        keys: list[StatKey],
        layout: NoteCacheLoad,
        layout_data: LayoutEntry | None,
        unread: list[Problem],
        settled: bool,
    ) -> None:
        """Know what a ``load(scan)`` that saw ``keys`` would have left here (a load of rows,
        ``storage/row_listing.py``): the layout read, the unseen notes, the folder state."""
        self._layout_data = layout_data
        self.repaired = []
        self._note_unseen(scan, unread)
        self._seen = (scan.rels(), keys, layout.layout_key, scan.problems) if settled else None

    def forget_last_load(self) -> None:
        """Let go of what the last load saw: each note's path and stat key (15 MB at 100,000
        notes) and ``document.yaml``'s data (8 MB with the order of 100,000 papers), for a
        program that keeps the library open and writes to it (the TUI, whose rows hold what
        it needs): ``loaded_state()`` is None from now on, as after a write, and
        ``load_layout()`` reads the file until the next load (the layout made of that data,
        held for the next load of the process, goes too)."""
        self._seen = self._state_of = self._layout_data = self._layout_made = None

    def loaded_state(self) -> bytes | None:
        """The ``state()`` the last ``load()`` saw; None when some file's stat did not settle
        what was read (changed too recently, unreadable), or after a write."""
        if self._seen is None:
            return None
        rels, keys, layout_key, problems = self._seen
        known = self._state_of
        if known is not None and known[0] == (rels, keys, layout_key, problems):
            return known[1]  # what state() worked out for this very scan
        return folder_state(rels, keys, layout_key, problems)

    def scanned_for(self, state: bytes) -> tuple[list[str], bytes] | None:
        """The paths and stat keys (joined) of the last scan whose ``state()`` (or
        ``loaded_state()``) is ``state``, when that scan had no problem; else None."""
        known = self._state_of
        parts = known[0] if known is not None and known[1] == state else None
        if parts is None and self._seen is not None and self.loaded_state() == state:
            parts = self._seen
        if parts is None or parts[3]:
            return None
        rels, keys = parts[0], parts[1]
        assert isinstance(rels, list) and isinstance(keys, list)
        return rels, b"".join(keys)

    def state(self, scan: Scan) -> bytes | None:
        """What a ``load(scan)`` would see, from stats alone (``note_cache.folder_state``): it
        differs from an earlier ``loaded_state()`` when a note file or ``document.yaml`` was
        added, removed, moved or changed since (an equal state says nothing changed, given
        the racy rule ``loaded_state`` applies). None when a file cannot be stat-ed."""
        return self._state_now(scan) if self.stat_notes(scan) else None

    def stat_notes(self, scan: Scan) -> bool:
        """``state`` but the state itself, worked out only if a kept name index needs it (a
        search needs only the stats: the digest of 100,000 paths and stats is 25 ms); False
        when a file cannot be stat-ed."""
        try:  # kept on the scan: a load of the same scan uses the same values
            scan.stat_keys_now(stat_keys)
        except OSError:
            return False
        # (not DirEntry.stat(): each entry would keep its stat, 50 MB at 100,000 notes)
        self.caches().names_stamp().settle(lambda: self._state_now(scan))  # changed in place?
        return True

    def _state_now(self, scan: Scan) -> bytes:
        """The state of ``scan`` with its stats (``stat_notes``) and ``document.yaml``'s now."""
        assert scan.keys is not None
        layout_key = stat_key_or_none(self.root / LAYOUT_FILE)
        parts = (scan.rels(), scan.keys, layout_key, scan.problems)
        known = self._state_of
        if known is not None and known[0] == parts:
            return known[1]
        state = folder_state(*parts)
        self._state_of = (parts, state)
        return state


def _may_hold_a_paper(path: Path) -> bool:
    """Whether a note file that did not read may hold a paper's fields: it cannot be read,
    or it opens a front matter (``---``). A FIFO or a plain text file (a diary) does not."""
    try:
        data = read_regular(path)
    except NotRegularFileError:
        return False
    except OSError:
        return True
    return data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip() == b"---"
