"""A load of the library as ``list`` rows (``caches/list_rows_cache.py``): the kept row of
every unchanged note, and the notes that changed read and parsed, without building a
``Note`` for each of the others.

A year folder whose paths and stat keys are the kept ones gives its rows whole; in another
one each row is checked against its file's stat key. When many rows are missing and the note
cache holds notes (rows made by another papernotes, a library changed by another program)
the notes are loaded as every command loads them (``NoteStore.load``, through the note
cache) and the rows are made from them. Either way
the store afterwards knows what a ``load`` would have told it: ``document.yaml``'s parsed
layout (from the note cache), the folder state for the kept output, and the notes that could
not be read.
"""

from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter
from typing import TYPE_CHECKING

from papernotes.gc_pause import gc_paused
from papernotes.model import Note, Problem
from papernotes.storage.caches.list_rows_cache import (
    UNKNOWN,
    ListRowsCache,
    Row,
    RowMaker,
    YearRows,
)
from papernotes.storage.caches.note_cache import is_racy, stat_keys
from papernotes.storage.caches.note_cache_load import NoteCacheLoad
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.layout_yaml import load_layout_yaml
from papernotes.storage.note_format import NoteFormatError

if TYPE_CHECKING:
    from papernotes.storage.caches.note_cache import LayoutEntry, StatKey
    from papernotes.storage.note_folder import Scan
    from papernotes.storage.store import NoteStore

FULL_LOAD_SHARE, FULL_LOAD_ABOVE = 8, 64
"""With more than 1/8 of the rows (and 64) missing, loading every note through the note
cache costs less than reading and parsing each of those files, if the note cache holds
notes of this version. When it holds none (the first command ever, after the cache folder
was deleted, or after an upgrade: a load would parse every note and hold them all)
the files are parsed one at a time and only rows are kept: writing the note cache too would
cost a quarter of a cold ``list`` (it is written by the first command that loads notes),
and the notes are never all in memory at once (a cold ``list`` of 100,000 notes)."""


class RowsLoad:
    """One ``list`` through the kept rows of ``cache`` for the files ``found`` (stat keys
    ``keys``): ``rows`` in scan order, None where a row must be made again (``stale``)."""

    def __init__(
        self,
        cache: ListRowsCache,
        found: list[str],
        keys: list[StatKey],
        every_year: bool = True,
        ahead: dict[str, YearRows | None] | None = None,
    ) -> None:
        """``every_year``: ``found`` is the whole scan (else the notes of some year folders),
        so kept years that are not in it have no note now. ``ahead``: the kept years' rows,
        read before the keys were known (``read_ahead``)."""
        self.cache, self.found, self.keys = cache, found, keys
        self._ahead = ahead or {}
        self.rows: list[Row | None] = []
        self.stale: list[int] = []
        self.problems = 0  # rows of notes that do not parse, among those kept
        self.groups: dict[str, tuple[int, int]] = {}  # year -> its range of found
        self.changed: set[str] = set()  # the years whose file must be written again
        self.tokens: dict[str, bytes] = {}  # year -> the token of its file, as these rows
        kept_years = set(ahead) if ahead is not None else cache.years()
        with gc_paused():
            pos = 0
            while pos < len(found):
                pos = self._year_from(pos, kept_years)
        self.gone = kept_years - self.groups.keys() if every_year else set()
        """The years kept that have no note now."""

    def _year_from(self, pos: int, kept_years: set[str]) -> int:
        """Take the rows of the year folder whose notes start at ``pos``; where it ends."""
        found, keys = self.found, self.keys
        year = found[pos].partition("/")[0]
        prefix = year + "/"
        if year in self._ahead:
            kept = self._ahead.pop(year)
        else:
            kept = self.cache.read(year) if year in kept_years else None
        end = -1
        if kept is not None:  # the same paths as kept, and no more of this year after them
            n = len(kept.paths)
            if found[pos : pos + n] == kept.paths and not (
                pos + n < len(found) and found[pos + n].startswith(prefix)
            ):
                end = pos + n
        if end < 0:
            end = pos
            while end < len(found) and found[end].startswith(prefix):
                end += 1
        self.groups[year] = (pos, end)
        same_paths = kept is not None and end - pos == len(kept.paths)
        if kept is not None and same_paths and b"".join(keys[pos:end]) == kept.keys:
            # every file as it was
            self.rows += kept.rows
            self.tokens[year] = kept.token
            self.problems += kept.problems
            return end
        self.changed.add(year)
        if kept is None:
            self.stale += range(pos, end)
            self.rows += [None] * (end - pos)
            return end
        by_path = {path: j for j, path in enumerate(kept.paths)}
        for i in range(pos, end):
            j = by_path.get(found[i], -1)
            if j < 0 or kept.key(j) != keys[i]:
                self.stale.append(i)
                self.rows.append(None)
            else:
                row = kept.rows[j]
                self.rows.append(row)
                if row[1] is None:
                    self.problems += 1
        return end

    def write(self, racy: set[int]) -> None:
        """Keep the rows of the years that changed (those at ``racy`` under ``UNKNOWN``)."""
        for year in sorted(self.changed):
            start, end = self.groups[year]
            rows = [row for row in self.rows[start:end] if row is not None]
            keys = b"".join(  # a kept row's key is the scan's (else it was made again)
                UNKNOWN if i in racy or row[0] == UNKNOWN else self.keys[i]
                for i, row in enumerate(self.rows[start:end], start)
                if row is not None
            )
            token = self.cache.write(year, self.found[start:end], keys, rows)
            if token is not None and len(rows) == end - start:
                self.tokens[year] = token
        for year in self.gone:
            self.cache.remove(year)


Folders = list[tuple[str, "bytes | None", int]]
"""The year folders of a load's rows, in scan order: each one's name, the token of its kept
rows (``YearRows.token``; None when they are not kept as loaded) and how many of the rows
(those of notes that parse) are its."""


def list_rows(
    store: NoteStore, scan: Scan, row_of: RowMaker, cache: ListRowsCache | None = None
) -> tuple[list[Row], list[Problem], Folders | None] | None:
    """Every note's row (``(stat key, *row_of(note))``) in scan order, the problems of
    those that do not read (after the scan's own) and the rows' folders (None when not
    known); None when rows are not kept (caching off) or a file cannot be stat-ed (a full
    load reports it). ``cache``: where the rows are kept (the ``list`` rows unless given)."""
    cache = cache or store.caches().list_rows()
    if cache.folder is None:
        return None
    ahead = read_ahead(cache) if scan.keys is None and scan.keys_later is not None else None
    keys = scan_keys(scan)
    if keys is None:
        return None
    load = RowsLoad(cache, scan.found, keys, ahead=ahead)
    if too_many_missing(store, load, len(scan.found)):
        return _rows_of_loaded_notes(store, scan, row_of, load)
    racy, unreadable, vanished = make_missing_rows(store, scan.started_ns, load, row_of)
    if vanished:  # deleted or moved meanwhile: a load lists the folder again
        return None
    rows, unread = _notes_and_problems(load)
    layout, layout_data = load_layout(store, cache.real_root, scan.started_ns)
    load.write(racy)
    settled = not racy and not unreadable and layout.stats_settled
    store.remember_load(scan, keys, layout, layout_data, unread, settled)
    return rows, scan.problems + unread, folders_of(load)


def folders_of(load: RowsLoad) -> Folders:
    """The folders of ``load``'s rows (every row made)."""
    folders: Folders = []
    for year, (start, end) in load.groups.items():  # in scan order
        second = list(map(itemgetter(1), filter(None, load.rows[start:end])))
        folders.append((year, load.tokens.get(year), len(second) - second.count(None)))
    return folders


def read_ahead(cache: ListRowsCache) -> dict[str, YearRows | None]:
    """Every kept year's rows, read while a child process is still stat-ing the notes (the
    TUI's start: ``NoteStore.scan_ahead``), instead of after it: 0.1 s of a first screen at
    100,000 notes that would otherwise wait for the stat first."""
    with gc_paused():
        return {year: cache.read(year) for year in sorted(cache.years())}


def scan_keys(scan: Scan) -> list[StatKey] | None:
    """The stat keys of the scan's files (stat-ed now if not yet); None when one cannot be."""
    try:  # by path, as NoteStore.state does
        return scan.stat_keys_now(stat_keys)
    except OSError:
        return None


def too_many_missing(store: NoteStore, load: RowsLoad, notes: int) -> bool:
    """Whether loading every note through the note cache costs less than making the rows
    ``load`` misses one file at a time (``FULL_LOAD_SHARE``)."""
    many = len(load.stale) > FULL_LOAD_ABOVE + notes // FULL_LOAD_SHARE
    return many and store.caches().notes.holds_entries()


def make_missing_rows(
    store: NoteStore, started_ns: int, load: RowsLoad, row_of: RowMaker
) -> tuple[set[int], bool, bool]:
    """Read and parse the files of ``load.stale`` into their rows; the positions of those
    changed too recently to keep (the racy rule), whether a file could not be read (its row
    has the key ``UNKNOWN``), and whether one of them is no longer there (deleted or moved
    since the scan: the caller lets a load list the folder again)."""
    found, keys = load.found, load.keys
    racy: set[int] = set()
    unreadable = vanished = False
    for i in load.stale:
        rel, key = found[i], keys[i]
        if is_racy(key, started_ns):
            racy.add(i)
        try:
            row: Row = (key, *row_of(store.read(rel)))
        except NoteFormatError as exc:
            row = (key, None, (exc.line, exc.message))
        except OSError as exc:  # may pass: never kept
            row = (UNKNOWN, None, (1, f"cannot read: {exc.strerror or exc}"))
            unreadable = True
            vanished = vanished or store.vanished(rel, exc)
        load.rows[i] = row
    return racy, unreadable, vanished


def load_layout(
    store: NoteStore, real_root: str, started_ns: int
) -> tuple[NoteCacheLoad, LayoutEntry | None]:
    """``document.yaml``'s stat key and parsed data, through the note cache's entry (or the
    one the store holds from a load before: read and parsed once per process)."""
    held = store.held_layout()
    if held is not None and is_racy(held[0], started_ns):  # maybe not the bytes now: read
        held = None
    layout = NoteCacheLoad(store.caches().notes, real_root, started_ns, entries=False, layout=held)
    layout_data = layout.layout_data(store.root / LAYOUT_FILE, load_layout_yaml)
    layout.finish()
    return layout, layout_data


def _notes_and_problems(load: RowsLoad) -> tuple[list[Row], list[Problem]]:
    """The rows of the notes, and the problems of the others, in scan order."""
    rows: list[Row] = load.rows  # type: ignore[assignment]  # every row is made now
    if not load.problems and all(rows[i][1] is not None for i in load.stale):
        return rows, []
    notes, unread = [], []
    for rel, row in zip(load.found, rows, strict=True):
        if row[1] is None:
            unread.append(Problem(rel, row[2][0], row[2][1]))
        else:
            notes.append(row)
    return notes, unread


def _rows_of_loaded_notes(
    store: NoteStore, scan: Scan, row_of: RowMaker, load: RowsLoad
) -> tuple[list[Row], list[Problem], Folders | None]:
    """The rows made from every note loaded through the note cache (which fills it), all
    of them kept: each note handed over as its shard is read (``load_visiting``), or, when
    that cannot be, from every note loaded at once by ``store.load``."""
    visited = _rows_of_visited_notes(store, scan, row_of, load)
    if visited is not None:
        return visited
    notes, problems = store.load(scan)
    if store.loaded_scan is not scan:  # listed again (notes vanished meanwhile): none kept
        return [(UNKNOWN, *row_of(note)) for note in notes], problems, None
    unread = {p.path: p for p in problems[len(scan.problems) :]}
    found, keys = scan.found, load.keys
    racy: set[int] = set()
    rows: list[Row] = []
    notes.reverse()
    with gc_paused():
        for i, rel in enumerate(found):
            problem = unread.get(rel)
            if problem is not None:
                load.rows[i] = (UNKNOWN, None, (problem.line, problem.message))
                continue
            note = notes.pop()  # freed once its row is made: the peak holds one of the two
            row = (keys[i], *row_of(note))
            if is_racy(keys[i], scan.started_ns):
                racy.add(i)
            load.rows[i] = row
            rows.append(row)
    load.changed = set(load.groups)
    load.write(racy)
    return rows, problems, folders_of(load)


def _rows_of_visited_notes(
    store: NoteStore, scan: Scan, row_of: RowMaker, load: RowsLoad
) -> tuple[list[Row], list[Problem], Folders] | None:
    """``_rows_of_loaded_notes`` from notes handed over one note cache shard at a time
    (``NoteStore.load_visiting``): the rows and a shard of notes held, not every note (at
    100,000 notes a ``list`` after an upgrade held 246 MB); None when that cannot be."""
    found, keys = scan.found, load.keys
    racy: set[int] = set()

    def take(i: int, note: Note) -> None:
        if is_racy(keys[i], scan.started_ns):
            racy.add(i)
        load.rows[i] = (keys[i], *row_of(note))

    problems = store.load_visiting(scan, take)
    if problems is None:
        return None
    for problem in problems[len(scan.problems) :]:
        at = bisect_left(found, problem.path)  # the scan's paths are in order
        if at == len(found) or found[at] != problem.path:
            return None
        load.rows[at] = (UNKNOWN, None, (problem.line, problem.message))
    rows: list[Row] = [row for row in load.rows if row is not None and row[1] is not None]
    load.changed = set(load.groups)
    load.write(racy)
    return rows, problems, folders_of(load)
