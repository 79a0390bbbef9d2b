"""The TUI's papers as light rows: what the list shows, filters and sorts by, without a
``Note`` per paper (at 100,000 notes the notes alone take ~190 MB and 1.7 s to load).

The rows are ``list``'s kept rows (``library/list_rows.py``: path, year, title, venue, key,
tags, status, priority, rating, arXiv id, digest…), in the library's order. A full note is
built only for the paper shown or acted on (``Library.note_at``). Each row's folded search
text is the kept search form of its note (``storage/caches/search_forms_cache.py``) as UTF-8
bytes, used only for the same digest; a filter keystroke is a ``bytes`` ``in`` per row (only
the rows listed before when the query grows). Pinyin queries match one string holding only
the Chinese characters of every note (``HanText``) with a regular expression of character
classes (the characters of the library read as each syllable): pinyin is read character by
character, so this finds exactly what the pinyin spellings that ``search`` keeps find,
without holding them. The answers equal ``Library.search`` and ``PaperFilter`` on notes
(``tests/library/test_paper_rows.py``).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from operator import itemgetter
from typing import TYPE_CHECKING

from papernotes.library.field_filters import FieldFilter
from papernotes.library.han_text import HanText
from papernotes.library.list_rows import (
    ADDED,
    ARXIV,
    DIGEST,
    KEY,
    PATH,
    PRIORITY,
    RATING,
    RAW_TITLE,
    STATUS,
    TAGS,
    VENUE,
    YEAR,
    Row,
    rows_of,
    sorted_rows,
)
from papernotes.library.reading_queue import QUEUE_STATUSES, priority_rank
from papernotes.library.row_matching import RowMatcher
from papernotes.library.row_texts import RowTexts
from papernotes.model import Note, Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library

__all__ = [
    "ARXIV",
    "DIGEST",
    "KEY",
    "PATH",
    "PRIORITY",
    "RATING",
    "STATUS",
    "TITLE",
    "VENUE",
    "YEAR",
]
TITLE = RAW_TITLE
FOLD_AT_ONCE = 64
"""Up to this many rows without a folded text (notes changed since the last load) are folded
from their notes; more, and the kept search forms are read first."""
STATUS_ORDER = {"reading": 0, "unread": 1, "read": 2}


def slug(row: Row) -> str:
    return str(row[PATH]).rsplit("/", 1)[-1].removesuffix(".md")


class PaperRows:
    """Every paper of a library as a row, in the library's order, with its folded text."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.rows: list[Row] = []
        self.texts = RowTexts(0)
        """Each row's folded search text (``search.haystack`` as UTF-8), None until known."""
        self.problems: list[Problem] = []
        self._han: HanText | None = None
        self._positions: dict[int, dict[str, int]] | None = None
        """Year -> path -> position of that year's rows, made on the first write of a note
        of that year (every row's: 8 MB at 100,000 notes, for a change of a few years)."""
        self._stale = False  # a write added, removed or moved a note: read the rows again
        self._seen = False  # writes were seen and made to the rows in place
        library._rows = self  # told of this program's writes (``held_notes``)
        self._filling = threading.Lock()
        """Held while texts are filled or pinyin gathered (the TUI does it in a worker
        thread; a keystroke meanwhile waits for it instead of doing it twice)."""
        self._by_year = True  # the rows are newest year first (the library's order is)
        self.matcher = RowMatcher(self)
        """Finds the rows a filter's words match, keeping what the last words found."""

    # -- reading -------------------------------------------------------------

    def load(self) -> None:
        """Read the rows again (the kept rows where a file did not change); the folded text
        of a note whose digest did not change is kept."""
        library = self.library
        rows = library.list_rows()
        if rows is None:  # rows not kept (no cache) or the notes are in memory already
            rows = rows_of(library.notes())
            problems = library.problems()
        else:
            problems = list(library._listed or ())
        library.store.forget_last_load()  # the folder's listing and layout, not needed
        old = self.texts
        known = {r[PATH]: (r[DIGEST], i) for i, r in enumerate(self.rows) if old.known(i)}
        texts = RowTexts(len(rows), old.blob if known else None)
        if known:  # read again after a change (none at the start: 100,000 looks saved)
            for i, row in enumerate(rows):
                held = known.get(row[PATH])
                if held is not None and held[0] == row[DIGEST]:
                    texts.share(i, old, held[1])
        self.rows, self.texts, self.problems = rows, texts, problems
        self.matcher.forget()
        self._han = self._positions = None
        self._stale = self._seen = False
        years = list(map(itemgetter(YEAR), rows))
        self._by_year = years == sorted(years, reverse=True)  # a sort of sorted data is quick

    def refresh(self) -> None:
        """After a change of the library: the rows as they are when every write since the
        last look was made to them in place (a save keeping its note's path), else read
        again (an add, a removal, a move, a change this program did not write: an undo, an
        edit in the editor)."""
        if self._stale or not self._seen:
            self.load()
        self._seen = False

    def noted(self, old: Note | None, new: Note | None) -> None:
        """This program wrote ``new`` over ``old`` (None: added or removed): the row of a
        note saved at the same path is made again in place, with its folded text kept when
        the searched fields did not change (a status, priority or rating change)."""
        from papernotes.library.list_rows import list_row
        from papernotes.library.search import text_of
        from papernotes.library.search_hits import encoded

        if old is None or new is None or old.path != new.path:
            self._stale = True
            return
        if self._positions is None:
            self._positions = {}
        year = new.paper.year
        positions = self._positions.get(year)
        if positions is None:
            rows = self.rows
            of_year = [i for i, r in enumerate(rows) if r[YEAR] == year]
            positions = self._positions[year] = {str(rows[i][PATH]): i for i in of_year}
        at = positions.get(new.path, -1)
        if at < 0:  # not listed, or listed under another year
            self._stale = True
            return
        if self.texts.known(at) and text_of(old.paper) != text_of(new.paper):
            text = encoded(self.library.folder.fold(text_of(new.paper)))
            self.matcher.forget()  # what the last words found may have changed
            self.texts[at] = text
            han = self._han
            if han is not None and not han.update(at, text):
                self._han = None  # a character new to the library: gathered again
        made = (b"", *list_row(new))  # the row's values that did not change kept, not the
        kept = self.rows[at]  # note's new copies: a status set on 10,000 rows adds no strings
        self.rows[at] = tuple(a if a == b else b for a, b in zip(kept, made, strict=True))
        self._seen = True

    def prepare(self) -> None:
        """Everything a keystroke needs, made ahead: every row's folded text, the Chinese
        characters for pinyin, and the converter loaded (its first use takes 0.1 s)."""
        self.fill_texts()
        self.han_text()
        self.library.folder.fold("預")

    def fill_texts(self, fold_missing: bool = True) -> None:
        """Know every row's folded text: the kept search forms for the same digest, the
        others folded from their notes (read one at a time) when ``fold_missing``."""
        with self._filling:
            self._fill_texts(fold_missing)

    def _fill_texts(self, fold_missing: bool) -> None:
        rows, texts = self.rows, self.texts
        missing = texts.missing()
        if not missing:
            return
        if len(missing) > FOLD_AT_ONCE:  # else folding them costs less than reading all
            self._kept_texts(missing)
        if not fold_missing:
            return
        still = texts.missing()
        if len(still) > FOLD_AT_ONCE and len(still) * 8 > len(rows):
            self._fold_from_notes(still)  # no forms kept yet (a first start)
        for i in still:
            if not texts.known(i):
                texts[i] = self._folded(rows[i])

    def _kept_texts(self, missing: list[int]) -> None:
        """The folded texts of ``missing`` from the kept search forms of the same digest,
        read a year at a time (the rows of a year are together, in the library's order, so
        the texts are laid out in row order): only the folded bytes are held, never every
        year's forms at once."""
        rows, texts = self.rows, self.texts
        by_year: dict[str, list[int]] = {}
        for i in missing:  # in row order: the years in the order their rows come
            by_year.setdefault(str(rows[i][PATH]).partition("/")[0], []).append(i)
        cache = self.library.store.caches().search_forms()
        for year, wanted in by_year.items():
            forms = cache.read_year(year)
            if forms is None:
                continue
            place = {path: j for j, path in enumerate(forms.paths)}
            for i in wanted:
                j = place.get(str(rows[i][PATH]))
                if j is not None and forms.digests[j] == rows[i][DIGEST]:
                    texts[i] = forms.folded_of(j)
            del forms, place

    def _fold_from_notes(self, missing: list[int]) -> None:
        """Fold the texts of ``missing`` from every note loaded at once and keep the new
        forms for the next start (``Library.keep_search_forms``); the notes and forms are
        let go afterwards (the rows do without them)."""
        from papernotes.library.search_hits import encoded

        library = self.library
        held = library._notes is not None
        by_path = {n.path: n for n in library.notes()}
        for i in missing:
            note = by_path.get(str(self.rows[i][PATH]))
            if note is not None and note.digest == self.rows[i][DIGEST]:
                self.texts[i] = encoded(library.haystack(note))
        library.keep_search_forms()
        del by_path
        if not held:
            library.reload()
            library._forms = None

    def _folded(self, row: Row) -> bytes:
        from papernotes.library.search import text_of
        from papernotes.library.search_hits import encoded

        try:
            note = self.library.note_at(str(row[PATH]))
        except Exception:  # gone or unreadable since it was listed: matches nothing
            return b""
        return encoded(self.library.folder.fold(text_of(note.paper)))

    def han_text(self) -> HanText:
        """The Chinese characters of every row's text, for pinyin queries (made once)."""
        self.fill_texts()
        with self._filling:
            han, texts = self._han, self.texts
            if han is None:
                han = HanText(texts, self.library.folder)
                if self.texts is texts:  # not read again meanwhile
                    self._han = han
            return han

    # -- what the list shows -------------------------------------------------

    def year_counts(self) -> list[tuple[int, int]]:
        """``(year, count)`` pairs, newest year first."""
        return sorted(Counter(map(itemgetter(YEAR), self.rows)).items(), reverse=True)

    def queued(self) -> int:
        return sum(1 for r in self.rows if r[STATUS] in QUEUE_STATUSES)

    def selection(self, year: int | None, queue: bool) -> Sequence[int]:
        """The rows of ``year`` (None: all) or of the reading queue in queue order, as
        positions in ``rows`` (``reading_queue.queue_notes``'s order for the queue)."""
        rows = self.rows
        if queue:
            waiting = [i for i, r in enumerate(rows) if r[STATUS] in QUEUE_STATUSES]
            return sorted(
                waiting,
                key=lambda i: (
                    QUEUE_STATUSES.index(rows[i][STATUS]),
                    priority_rank(rows[i][PRIORITY]),
                    not rows[i][ADDED],
                    rows[i][ADDED],
                    rows[i][RAW_TITLE].casefold(),
                ),
            )
        if year is None:  # a range: no int object per row (4 MB at 100,000 rows)
            return range(len(rows))
        return [i for i, r in enumerate(rows) if r[YEAR] == year]

    def kept(self, field_filter: FieldFilter, chosen: Sequence[int]) -> Sequence[int]:
        """The rows of ``chosen`` that ``field_filter`` lets through (``FieldFilter.keep``)."""
        if not field_filter:
            return chosen
        fold = self.library.folder.fold
        tags = [fold(t) for t in field_filter.tags]
        rows, f = self.rows, field_filter
        return [
            i
            for i in chosen
            if (not f.statuses or rows[i][STATUS] in f.statuses)
            and (not f.priorities or rows[i][PRIORITY] in f.priorities)
            and (not f.years or any(lo <= rows[i][YEAR] <= hi for lo, hi in f.years))
            and rows[i][RATING] >= f.rating_min
            and (not tags or any(fold(t) in tags for t in rows[i][TAGS]))
        ]

    def matching(self, words: str, chosen: Sequence[int]) -> Sequence[int]:
        """The rows of ``chosen`` whose paper ``words`` finds, as ``Library.search`` finds
        notes (folded text, traditional = simplified, pinyin), in the order of ``chosen``
        (``library/row_matching.py``: the rows found for the last words are kept)."""
        from papernotes.library.search import terms

        raw = terms(words)
        return self.matcher.matching(raw, chosen) if raw else chosen

    def sorted(self, chosen: Sequence[int], sort: str) -> Sequence[int]:
        """``chosen`` in the order ``sort`` names (``PaperFilter``'s sorts): year newest
        first in library order, title A to Z, added newest first, status reading, unread,
        read, priority high first and rating best first (none last)."""
        rows = self.rows
        if sort == "year":
            if self._by_year:  # ``chosen`` is in the rows' order (``selection``'s), newest first
                return chosen
            return sorted(chosen, key=lambda i: rows[i][YEAR], reverse=True)
        if sort == "status":
            return sorted(chosen, key=lambda i: STATUS_ORDER.get(rows[i][STATUS], 3))
        if sort == "title":
            return sorted(chosen, key=lambda i: rows[i][RAW_TITLE].casefold())
        if sort == "added":
            return sorted(chosen, key=lambda i: rows[i][ADDED], reverse=True)
        place = {id(rows[i]): i for i in chosen}
        return [place[id(r)] for r in sorted_rows([rows[i] for i in chosen], sort)]

    def position(self, path: str) -> int:
        """The position of the row at ``path``, -1 if there is none."""
        return next((i for i, r in enumerate(self.rows) if r[PATH] == path), -1)

    def listed(self, note: Note) -> Note | None:
        """``note`` as the rows list it: itself when its digest is the row's, else its file
        read now (saved meanwhile) but with the row's digest, so that a write over a file
        changed since the rows were read is refused; None when it is not listed."""
        at = self.position(note.path)
        if at < 0:
            return None
        digest = str(self.rows[at][DIGEST])
        if digest == note.digest:
            return note
        try:
            fresh = self.library.note_at(note.path)
        except Exception:  # removed or unreadable meanwhile
            return None
        return fresh if fresh.digest == digest else replace(fresh, digest=digest)

    def notes_at(self, chosen: Iterable[int]) -> list[Note]:
        """The notes of the rows ``chosen`` (each read now), skipping any that went."""
        found = []
        for i in chosen:
            try:
                found.append(self.library.note_at(str(self.rows[i][PATH])))
            except Exception:  # removed or unreadable since it was listed
                continue
        return found


def note_at(library: Library, rel: str) -> Note:
    """The note at ``rel``: the one held in memory, else read from its file alone (a
    ``NoteFormatError`` if it does not parse, ``OSError`` if it went)."""
    held = library._notes
    if held is not None:
        if library._slots is None:
            library._slots = {n.path: i for i, n in enumerate(held)}
        slot = library._slots.get(rel)
        if slot is not None and slot < len(held) and held[slot].path == rel:
            return held[slot]
    return library.store.read(rel)
