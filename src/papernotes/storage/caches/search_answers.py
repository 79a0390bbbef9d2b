"""The answers of recent searches, kept per year folder: a search repeated after an edit
works out and prints again only the edited year's papers.

One folder per query (``libraries/<hash>.answers/<hash of the query>/``, at most
``MAX_QUERIES`` per library, the least recently used dropped first), holding one file per
year folder: the papers of that year the query found, in scan order, each as what ordering
and printing them needs (its place among the year's notes, its year, date added and title,
and its printed line in two parts around the padding after the name:
``cli/output.found_parts``; ``YearAnswer``). A year's answer is
keyed by the *token* of the search forms it was worked out from (``YearForms.token``: random
bytes made with a year's forms and written with them, so forms with the same token are the
same forms): it is used only with forms holding that token, and the forms are used only for
files with the stat keys they were made for (``library/search_listing.py``), so an answer is
what the same search would work out from the same notes. The name of the query's folder
covers the query as typed, whether it is exact and how it is printed (colour or not); the
header names the size and time of every papernotes module (``list_output_cache.code_stamp``:
the folding, matching, ordering and printing code) and the search forms' header (OpenCC and
pypinyin versions). Like every cache file an answer may be missing, torn or foreign, and is
then worked out again; failing to write one never fails the search.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import struct
from array import array
from pathlib import Path

from papernotes.blake2 import blake2b
from papernotes.storage.caches.list_output_cache import header as code_header
from papernotes.storage.caches.location import cache_path
from papernotes.storage.checked_file import CACHE_TEMP_PREFIX, read_checked, write_checked

ANSWERS_FORMAT = 1
MAX_QUERIES = 4
"""Queries kept per library (a query finding half of 100,000 notes keeps about 15 MB)."""
_MAGIC = b"papernotes search answers\n"

_LENGTH = struct.Struct("<Q")


class YearAnswer:
    """The papers of a year a query found, in scan order: their places among the year's
    notes, their years, dates added and titles (what ordering them needs:
    ``library/order.py``), and their printed lines in three parts (before the padding after
    the name, the name's width, after it)."""

    __slots__ = ("places", "years", "added", "titles", "heads", "widths", "tails", "_payload")

    def __init__(  # noqa: PLR0913 - the parts of an answer, one each
        self,
        places: array[int],
        years: list[int],
        added: list[str],
        titles: list[str],
        heads: list[str],
        widths: array[int],
        tails: list[str],
    ) -> None:
        self.places, self.years, self.added, self.titles = places, years, added, titles
        self.heads, self.widths, self.tails = heads, widths, tails
        self._payload: bytes | None = None

    def payload(self) -> bytes:
        """The answer as kept (``read``), in bytes (made once: it is written, and sent back
        by a search's child, ``library/search_split.py``); ValueError when it cannot be
        kept."""
        if self._payload is None:
            parts = (self.places.tobytes(), self.widths.tobytes(), self.years, self.added)
            try:
                self._payload = marshal.dumps((*parts, self.titles, self.heads, self.tails))
            except TypeError as exc:
                raise ValueError(exc) from None
        return self._payload

    @classmethod
    def read(cls, data: bytes | memoryview) -> YearAnswer | None:
        """The answer ``payload`` gave ``data``, if it is one."""
        try:
            kept = marshal.loads(data)
            places, widths = array("I"), array("I")
            places.frombytes(kept[0])
            widths.frombytes(kept[1])
            years, added, titles, heads, tails = kept[2:]
        except (ValueError, EOFError, TypeError, IndexError):
            return None
        lists = (years, added, titles, heads, tails)
        if not all(isinstance(part, list) and len(part) == len(places) for part in lists):
            return None
        if len(widths) != len(places):
            return None
        return cls(places, years, added, titles, heads, widths, tails)


class SearchAnswers:
    """The kept answers of one query of one library (``for_query``); cache trouble reads
    as a miss and writes as False."""

    def __init__(self, folder: Path | None, real_root: str, query: str, forms_head: bytes) -> None:
        self.folder = folder
        """The query's folder; None when caching is off."""
        self.real_root, self.query = real_root, query
        self._head = _MAGIC + f"format {ANSWERS_FORMAT}\n".encode() + code_header() + forms_head
        self._used = False

    @classmethod
    def for_query(cls, real_root: str, query: str, forms_head: bytes) -> SearchAnswers:
        """The answers of ``query`` (what names a search: the query as typed, whether exact,
        how printed), given the search forms' header."""
        root = cache_path(real_root, ".answers")
        name = blake2b(query.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return cls(None if root is None else root / name, real_root, query, forms_head)

    def read_year(self, year: str, token: bytes) -> YearAnswer | None:
        """The answer kept for ``year`` from the forms holding ``token``; None when none is."""
        if self.folder is None:
            return None
        payload = read_checked(self.folder / year, self._head, leading=token)
        if payload is None:
            return None
        named = self._name(year)
        if payload[len(token) : len(token) + len(named)] != named:
            return None
        answer = YearAnswer.read(payload[len(token) + len(named) :])
        if answer is not None:
            self._mark_used()
        return answer

    def write_year(self, year: str, token: bytes, answer: YearAnswer) -> bool:
        """Keep ``answer`` for ``year`` from the forms holding ``token``; False on any failure."""
        if self.folder is None:
            return False
        try:
            data = answer.payload()
        except ValueError:
            return False
        if not self.folder.is_dir():
            self._prune()
        ok = write_checked(self.folder / year, self._head, token + self._name(year) + data)
        self._used = self._used or ok  # written: its folder's time is now
        return ok

    def make_room(self) -> None:
        """Make this query's folder (room made for it first: ``_prune``), so that a search
        and its child (``library/search_split.py``) writing answers at once never both
        make room."""
        if self.folder is None or self.folder.is_dir():
            return
        self._prune()
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)

    def _name(self, year: str) -> bytes:
        """What an answer of ``year`` of this query of this library starts with (no NUL in
        a path, a year folder's name or a command-line argument, but between the query's
        parts: ``library/search_listing.py``)."""
        named = f"{self.real_root}\0{self.query}\0{year}".encode("utf-8", "surrogatepass")
        return _LENGTH.pack(len(named)) + named

    def keep_only(self, years: set[str]) -> None:
        """Remove the answers of year folders that hold no note now."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name not in years and not entry.name.startswith(CACHE_TEMP_PREFIX):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def _mark_used(self) -> None:
        """The query's folder's time set to now (once): the least recently used go first."""
        if not self._used and self.folder is not None:
            self._used = True
            with contextlib.suppress(OSError):
                os.utime(self.folder)

    def _prune(self) -> None:
        """Make room for this query's folder: delete the least recently used of the others,
        so that at most ``MAX_QUERIES`` are kept."""
        assert self.folder is not None
        try:
            others = [e for e in os.scandir(self.folder.parent) if e.is_dir()]
            others.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
        except OSError:
            return
        for entry in others[MAX_QUERIES - 1 :]:
            with contextlib.suppress(OSError):
                shutil.rmtree(entry.path)
