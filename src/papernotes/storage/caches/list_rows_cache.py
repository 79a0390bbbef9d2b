"""Each note's ``list`` row keyed by its file's stat, so ``list`` after an edit reads rows
instead of building every note, and parses only the notes that changed.

One folder per library in the user cache folder (``<hash of the library's path>.rows/``)
with one file per year folder (``2020``…), so an edit rewrites the rows of one year. A year's
file holds its notes' paths in scan order, their ``stat`` keys (``note_cache.stat_key``)
joined into one byte string, and a row per note: a tuple whose first item is ``b""`` (the
place of the stat key, which only the joined keys hold: 7 MB fewer loaded at 100,000
notes) and whose others are what the library layer's ``row_of`` made of the parsed note
(``library/list_rows.py``: what ``list`` orders, filters and prints by), or
``(b"", None, (line, message))`` for a note that does not parse. Equal numbers (the year)
and tuples of strings (the tags) are one object in a year's rows, so ``marshal`` writes
each once and a load makes one for all the rows that have it. Each write gives the file
a new random token (16 bytes), so a token names one list of rows: what is worked out of a
year's rows alone (its notes in the library's order: ``list_order_cache.py``) is kept under
it. When a year's paths
and joined keys equal the scan's, its rows are used as they are (two comparisons for
thousands of notes); otherwise each row is used only when its own stat key is the file's.

A file changed too recently to tell a same-tick edit apart (the racy rule) or that could not
be read is kept under ``UNKNOWN``, a stat key no file has, so it is read again next time.
The header names the note cache's header (the parsers, the versions) and a stamp of every
module of the package (``list_output_cache.code_stamp``), so rows made by other code are
never read. The notes folder stays the only source of truth: a missing, damaged or
other-code file reads as no rows, failing to write never fails the command, and
``PAPERNOTES_NO_CACHE=1`` turns the rows off with the other caches.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Callable, Iterable
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papernotes.model import Note
from papernotes.storage.caches import note_cache
from papernotes.storage.caches.list_output_cache import code_stamp
from papernotes.storage.caches.location import cache_path
from papernotes.storage.caches.note_cache import StatKey
from papernotes.storage.checked_file import (
    CACHE_TEMP_PREFIX,
    read_checked,
    remove_checked,
    write_checked,
)

if TYPE_CHECKING:
    from papernotes.storage.caches.folder_summaries_cache import FolderSummariesCache
    from papernotes.storage.caches.list_blocks_cache import ListBlocksCache
    from papernotes.storage.caches.list_order_cache import ListOrderCache

ROWS_FORMAT = 5
_MAGIC = b"papernotes list rows\n"  # the file format's name, unchanged
UNKNOWN: StatKey = bytes(40)
"""The stat key of a row that must be made again (no file has inode and device 0)."""

Row = tuple[Any, ...]
"""``(stat key, *row_of(note))`` or ``(stat key, None, (line, message))``; kept with ``b""``
for the stat key (``YearRows.key``)."""
KEY_SIZE = len(UNKNOWN)
TOKEN_SIZE = 16
RowMaker = Callable[[Note], tuple[Any, ...]]


def header() -> bytes:
    """The note cache's header (parsers, versions, Paper fields) and the package's code stamp:
    a row is made by the parsers and by the library code that builds it."""
    line = f"format {ROWS_FORMAT} code {code_stamp()}\n".encode()
    return _MAGIC + note_cache.header() + line


class YearRows:
    """The kept rows of one year folder, in scan order."""

    __slots__ = ("paths", "keys", "rows", "problems", "token")

    def __init__(  # noqa: PLR0913 - what a year's file holds
        self, paths: list[str], keys: bytes, rows: list[Row], problems: int, token: bytes
    ) -> None:
        self.paths, self.keys, self.rows, self.problems = paths, keys, rows, problems
        """``keys``: the rows' stat keys joined; ``problems``: how many rows are problems."""
        self.token = token
        """The file's token: these rows, and no others, were written with it."""

    def key(self, i: int) -> StatKey:
        """The stat key of row ``i``."""
        return self.keys[i * KEY_SIZE : (i + 1) * KEY_SIZE]


class ListRowsCache:
    """The kept ``list`` rows of one library (``folder`` None: caching is off); every method
    swallows cache trouble (a file that does not read holds no rows)."""

    def __init__(self, folder: Path | None, real_root: str, kind: str = ".rows") -> None:
        self.folder = folder
        self.real_root = real_root
        self.kind = kind
        """Which rows (the folder's suffix): named in the header, so a file of one kind
        copied among the other's is no row of it."""
        self._header: bytes | None = None

    @classmethod
    def for_library(cls, real_root: str, suffix: str = ".rows") -> ListRowsCache:
        """The rows of the library at ``real_root`` in the folder named with ``suffix``: the
        ``list`` rows, or another kind of row made the same way (``.ids``, the identity rows of
        ``library/known_papers.py``)."""
        return cls(cache_path(real_root, suffix), real_root, suffix)

    def header(self) -> bytes:
        if self._header is None:  # the code stamp stats every module: once is enough
            self._header = header() + f"kind {self.kind}\n".encode()
        return self._header

    def blocks(self) -> ListBlocksCache:
        """The ``list`` text kept per year folder, made from these rows
        (``list_blocks_cache.py``)."""
        from papernotes.storage.caches.list_blocks_cache import ListBlocksCache

        folder = None if self.folder is None else cache_path(self.real_root, ".blocks")
        return ListBlocksCache(folder, self.real_root, self.header())

    def orders(self) -> ListOrderCache:
        """Each year folder's rows in the library's order (``list_order_cache.py``)."""
        from papernotes.storage.caches.list_order_cache import ListOrderCache

        path = None if self.folder is None else cache_path(self.real_root, ".order")
        return ListOrderCache(path, self.real_root, self.header())

    def summaries(self) -> FolderSummariesCache:
        """What ``queue`` and ``stats`` worked out of each year folder's rows
        (``folder_summaries_cache.py``)."""
        from papernotes.storage.caches.folder_summaries_cache import FolderSummariesCache

        folder = None if self.folder is None else cache_path(self.real_root, ".summaries")
        return FolderSummariesCache(folder, self.real_root, self.header())

    def years(self) -> set[str]:
        """The year folders that have a file of rows."""
        if self.folder is None:
            return set()
        try:
            return {
                e.name for e in os.scandir(self.folder) if not e.name.startswith(CACHE_TEMP_PREFIX)
            }
        except OSError:
            return set()

    def read(self, year: str) -> YearRows | None:
        """The rows kept for ``year``; None when there are none that read."""
        if self.folder is None:
            return None
        payload = read_checked(self.folder / year, self.header())
        if payload is None:
            return None
        try:
            root, kept_year, paths, keys, rows, problems, token = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        if root != self.real_root or kept_year != year or not isinstance(rows, list):
            return None
        if not (isinstance(token, bytes) and len(token) == TOKEN_SIZE):
            return None
        if not (isinstance(paths, list) and len(paths) == len(rows) and isinstance(keys, bytes)):
            return None
        if len(keys) != KEY_SIZE * len(rows):
            return None
        return YearRows(paths, keys, rows, problems, token)

    def write(self, year: str, paths: list[str], keys: bytes, rows: list[Row]) -> bytes | None:
        """Keep ``rows`` (one per path of ``paths``, in scan order, their stat keys joined in
        ``keys``) for ``year``; no rows remove its file. The new file's token (``YearRows``);
        None when none is written or on any failure."""
        if self.folder is None:
            return None
        if not rows:
            self.remove(year)
            return None
        problems = sum(1 for row in rows if row[1] is None)
        kept = _shared_values(rows)
        token = os.urandom(TOKEN_SIZE)
        data = (self.real_root, year, paths, keys, kept, problems, token)
        try:  # row_of interns what rows share: marshal writes each such string once
            payload = marshal.dumps(data)
        except (ValueError, TypeError):
            return None
        return token if write_checked(self.folder / year, self.header(), payload) else None

    def remove(self, year: str) -> bool:
        if self.folder is None:
            return False
        return remove_checked(self.folder / year)

    def forget(self, rels: list[str]) -> None:
        """Drop the rows of ``rels`` (their files may differ from what was read though their
        stat does not): the next ``list`` reads those files again; the text blocks made from
        their years' rows go too, and the summaries of ``queue`` and ``stats``."""
        years = sorted({rel.partition("/")[0] for rel in rels})
        self.blocks().drop(years)
        self.summaries().drop(years)
        for year in years:
            kept = self.read(year)
            if kept is not None and not set(rels).isdisjoint(kept.paths):
                keys = b"".join(
                    UNKNOWN if path in rels else kept.key(i) for i, path in enumerate(kept.paths)
                )
                self.write(year, kept.paths, keys, kept.rows)

    def clear(self) -> None:
        """Drop every row, and every text block and summary made from rows."""
        self.blocks().clear()
        self.summaries().clear()
        for year in self.years():
            with contextlib.suppress(OSError):
                self.remove(year)

    def forget_disagreeing(
        self, digests: dict[str, str], years: Iterable[str] | None = None
    ) -> None:
        """Drop the rows not made from the bytes with the digest ``digests`` gives their path
        (``check`` read every note from its file: a row of a note that parses ends with its
        note's digest), and every row of a note that did not parse. Only the files of
        ``years`` when given (``check`` looks only at those written since it last did)."""
        for year in sorted(self.years() if years is None else years):
            kept = self.read(year)
            if kept is None:
                continue
            disagreeing = [
                path
                for path, row in zip(kept.paths, kept.rows, strict=True)
                if row[1] is None or row[-1] != digests.get(path)
            ]
            if disagreeing:
                self.forget(disagreeing)


def _shared_values(rows: list[Row]) -> list[Row]:
    """``rows`` with ``b""`` for each stat key, and each number and tuple of strings equal
    to one in an earlier row that one (``marshal`` then writes it once). Column by column
    (a column of numbers or of tuples of strings at once, in C): the rows of the notes that
    parse all have the same length."""
    made = [i for i, row in enumerate(rows) if row[1] is not None]
    if len({len(rows[i]) for i in made}) != 1:  # (none: no column to share)
        return _shared_values_one_by_one(rows)
    columns = list(zip(*(rows[i] for i in made), strict=True))[1:]
    numbers: dict[int, int] = {}
    tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
    for n, column in enumerate(columns):
        kinds = set(map(type, column))
        if kinds == {int}:
            columns[n] = tuple(map(numbers.setdefault, column, column))
        elif kinds == {tuple} and all(type(v) is str for values in column for v in values):
            columns[n] = tuple(map(tuples.setdefault, column, column))
    shared: list[Row] = [(b"", *row[1:]) for row in rows]
    for i, row in zip(made, zip(repeat(b""), *columns), strict=True):
        shared[i] = row
    return shared


def _shared_values_one_by_one(rows: list[Row]) -> list[Row]:
    """``_shared_values`` for rows of different lengths, one value at a time."""
    memo: dict[tuple[type, Any], Any] = {}
    shared = memo.setdefault

    def one(value: Any) -> Any:
        kind = type(value)
        if kind is int or (kind is tuple and all(type(v) is str for v in value)):
            return shared((kind, value), value)
        return value

    return [(b"", *map(one, row[1:])) for row in rows]
