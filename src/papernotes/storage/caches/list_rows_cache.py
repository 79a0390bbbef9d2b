"""Each note's ``list`` row keyed by its file's stat, so ``list`` after an edit reads rows
instead of building every note, and parses only the notes that changed.

One folder per library in the user cache folder (``<hash of the library's path>.rows/``),
sharded like the note cache (``shards.py``: an edit rewrites the shard of the edited note).
Each note's relative path maps to a row: a tuple whose first item is the ``stat`` key the
file had when it was read (``note_cache.stat_key``) and whose other items are what the
library layer's ``row_of`` made of the parsed note (``library/list_rows.py``: what ``list``
orders, filters and prints by), or ``(stat key, None, (line, message))`` for a note that
does not parse. A row is used only when the file's stat is unchanged; files changed too
recently to tell a same-tick edit apart (the racy rule) are never kept.

The header names the note cache's header (the parsers, the versions) and a stamp of every
module of the package (``list_output_cache.code_stamp``), so rows made by other code are
never read. The notes folder stays the only source of truth: a missing, damaged or
other-code shard reads as empty, failing to write never fails the command, and
``PAPERNOTES_NO_CACHE=1`` turns the rows off with the other caches.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from papernotes.gc_pause import gc_paused
from papernotes.model import Note
from papernotes.storage.caches import note_cache
from papernotes.storage.caches.list_output_cache import code_stamp
from papernotes.storage.caches.location import cache_path
from papernotes.storage.caches.note_cache import StatKey, is_racy
from papernotes.storage.caches.shards import ShardedEntries
from papernotes.storage.note_format import NoteFormatError

ROWS_FORMAT = 1
_MAGIC = b"papernotes list rows\n"  # the file format's name, unchanged

Row = tuple[Any, ...]
"""``(stat key, *row_of(note))`` or ``(stat key, None, (line, message))``."""
RowMaker = Callable[[Note], tuple[Any, ...]]


def header() -> bytes:
    """The note cache's header (parsers, versions, Paper fields) and the package's code stamp:
    a row is made by the parsers and by the library code that builds it."""
    line = f"format {ROWS_FORMAT} code {code_stamp()}\n".encode()
    return _MAGIC + note_cache.header() + line


class ListRowsCache:
    """The kept ``list`` rows of one library (``folder`` None: caching is off)."""

    def __init__(self, folder: Path | None, real_root: str) -> None:
        self.folder = folder
        self.real_root = real_root

    @classmethod
    def for_library(cls, real_root: str) -> ListRowsCache:
        return cls(cache_path(real_root, ".rows"), real_root)

    def shards(self) -> ShardedEntries:
        return ShardedEntries(self.folder, header(), self.real_root)

    def forget(self, rels: list[str]) -> None:
        """Drop the rows of ``rels`` (their files may differ from what was read though their
        stat does not): the next ``list`` reads those files again."""
        if self.folder is not None and rels:
            self.shards().drop(rels)

    def clear(self) -> None:
        """Drop every row (``check``, which reads every note from its file, found a cached
        copy that disagreed with its file: a row made from such a read may disagree too)."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if len(entry.name) == 2:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


class RowsLoad:
    """One ``list`` through the kept rows: unchanged files give their row, the others are
    read and parsed, and the shards of what changed are rewritten."""

    def __init__(self, cache: ListRowsCache, started_ns: int) -> None:
        self.started_ns = started_ns
        self.shards = cache.shards()
        with gc_paused():
            self.old: dict[str, Row] = self.shards.read()
        self.fresh: dict[str, Row] = {}
        self.stored: list[str] = []  # paths whose row is new, or gone stale
        self.kept_problems = 0  # kept rows of notes that do not parse
        self.stats_settled = True
        """Whether every stat seen identifies what was read (no racy or unreadable file)."""

    def stale(self, found: list[str], keys: list[StatKey]) -> list[int]:
        """The positions in ``found`` whose kept row is missing or made from another stat;
        the others are kept for ``finish``."""
        old, fresh = self.old, self.fresh
        stale = []
        with gc_paused():
            for i, rel in enumerate(found):
                row = old.get(rel)
                if row is None or row[0] != keys[i]:
                    stale.append(i)
                else:
                    fresh[rel] = row
                    if row[1] is None:
                        self.kept_problems += 1
        return stale

    def keep(self, rel: str, key: StatKey, row: Row) -> None:
        """``row`` (made now from the file at ``rel`` with stat ``key``) replaces its old one."""
        self.stored.append(rel)
        if is_racy(key, self.started_ns):
            self.stats_settled = False
        else:
            self.fresh[rel] = row

    def read(self, rel: str, key: StatKey, read: Callable[[str], Note], row_of: RowMaker) -> Row:
        """The row of the note at ``rel`` read from its file (its stat key ``key`` taken
        before); ``OSError`` when it cannot be read (not kept: that may pass)."""
        try:
            note = read(rel)
        except NoteFormatError as exc:
            row: Row = (key, None, (exc.line, exc.message))
        except OSError:
            self.stats_settled = False
            self.stored.append(rel)
            raise
        else:
            row = (key, *row_of(note))
        self.keep(rel, key, row)
        return row

    def finish(self) -> None:
        """Rewrite the shards whose rows changed or went; never raises."""
        if self.stored or len(self.fresh) != len(self.old):
            with gc_paused():
                self.shards.write(self.fresh, self.stored)
