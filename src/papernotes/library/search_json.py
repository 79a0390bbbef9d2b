"""``search --json`` without every note and every year's search forms held at once (issue 20).

The papers a query finds, where it matched and in what order come from ``search``'s
answers, kept per year folder (``library/search_listing.py``: ``listed_lines``, with each
match's JSON as the printed part); each paper is written as its ``list --json`` text kept
per year folder (``found_texts``), so after an edit only the edited year is searched again
and only its changed notes rendered. Where those texts are not kept yet, the papers found
come from the search forms one year folder at a time (``found_paths``) and only the notes
found are built (``built_notes``), from the note cache by the digest their forms were made
from, else read from their files. At 100,000 notes ``search 蒸馏 --json`` held every note and
every year's forms (about 300 MB warm, 490 MB from an empty cache). The notes and hits, in
the library's order, are those ``Library.search`` and ``Library.hits`` give
(``tests/storage/test_search_listing.py`` compares the JSON with a run without caches).
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING

from papernotes.gc_pause import gc_paused
from papernotes.library.list_rows import ADDED, PATH, RAW_TITLE, YEAR
from papernotes.library.note_texts import READ_SHARE, ChosenTexts
from papernotes.library.order import ordered
from papernotes.library.search import Hit
from papernotes.library.search_listing import HIT, YearSearch, settled, year_ranges
from papernotes.library.text_blocks import MAX_READS, KeptOutput, Setup, kept_texts
from papernotes.model import Note, Problem
from papernotes.storage.caches.note_cache import Entry, slim_note
from papernotes.storage.caches.year_forms import KEY_SIZE, UNKNOWN
from papernotes.storage.note_format import NoteFormatError

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.note_folder import Scan

VARIANT = "json"
"""The text kept per year folder that holds each note's ``list --json`` item."""


FoundIn = tuple[list[str], list[int], str, bytes]
"""The papers found in one year's forms: their paths, their places among the forms' notes,
and the forms' joined digests and stat keys (``YearForms``)."""


class Found:
    """What a query found, nothing built yet: the problems a load reports, the scan it was
    made from, the notes found in the library's order (path, hit), and where each one's
    forms were (``found_in``: for ``digests`` and ``keys``, worked out only to build the
    notes)."""

    def __init__(
        self,
        problems: list[Problem],
        scan: Scan,
        ranked: list[tuple[str, Hit | None]],
        found_in: list[FoundIn],
    ) -> None:
        self.problems, self.scan, self.ranked = problems, scan, ranked
        self._found_in = found_in

    def digests(self) -> dict[str, str]:
        """The digest each found note's forms were made from, by path."""
        digests: dict[str, str] = {}
        for paths, places, joined, _ in self._found_in:
            every = joined.split("\n")
            digests.update(zip(paths, map(every.__getitem__, places), strict=True))
        return digests

    def keys(self) -> dict[str, bytes]:
        """The stat key each found note's forms were made for, by path."""
        size = KEY_SIZE
        return {
            path: keys[i * size : (i + 1) * size]
            for paths, places, _, keys in self._found_in
            for path, i in zip(paths, places, strict=True)
        }


def found_paths(library: Library, text: str, exact: bool) -> Found | None:
    """What the query ``text`` finds, from the kept forms a year at a time; None when forms
    are not kept (caching off), when a file cannot be stat-ed or a note went while it was
    searched (``Library.search`` then answers)."""
    store = library.store
    cache = store.caches().search_forms()
    if cache.folder is None:
        return None
    scan = store.scan()
    if not store.stat_notes(scan) or scan.keys is None:
        return None
    search = YearSearch(store, scan, cache, library.query(text, exact), library.folder)
    found: list[tuple[str, int, str, str, Hit | None]] = []
    found_in: list[FoundIn] = []
    done = set()
    with gc_paused():
        for start, end in year_ranges(scan.found):
            year = scan.found[start][:4]
            done.add(year)
            forms = search.current_forms(year, start, end)
            places, rows = (None, []) if search.vanished else search.found_places(year, forms)
            if search.vanished:  # a note deleted or moved meanwhile
                return None
            if rows:
                paths = [row[PATH] for row in rows]
                if places is None:  # (an exact query's): looked up
                    place = {path: i for i, path in enumerate(forms.paths)}
                    places = [place[path] for path in paths]
                found_in.append((paths, places, forms.joined_digests, forms.keys))
                found += [(r[PATH], r[YEAR], r[ADDED], r[RAW_TITLE], r[HIT]) for r in rows]
    problems, order = settled(library, scan, scan.keys, cache, done, search.unread)
    ranked = ordered(found, order, itemgetter(0), itemgetter(1), lambda r: (r[2], r[3].casefold()))
    return Found(problems, scan, [(r[0], r[4]) for r in ranked], found_in)


def built_notes(library: Library, found: Found) -> dict[str, Note] | None:
    """The notes ``found``, by path: from the note cache by the digest their forms were made
    from, else read from their files (and kept in the note cache for next time); None when
    one changed since its forms were made."""
    store, digests, keys = library.store, found.digests(), found.keys()
    with gc_paused():
        notes = store.kept_notes(digests)
        memo: dict[object, object] = {}  # the others, kept in the note cache for next time
        entries: dict[str, Entry] = {}
        for path, digest in digests.items():
            if path not in notes:
                try:
                    note = store.read(path)
                except (OSError, NoteFormatError):
                    return None
                if note.digest != digest:  # changed since its forms were made
                    return None
                notes[path], entry = slim_note(note, keys[path], memo)  # one copy held
                if entry is not None and keys[path] != UNKNOWN:  # (UNKNOWN: a racy file)
                    entries[path] = entry
        store.caches().notes.add_entries(store.caches().real_root, entries)
    return notes


def found_texts(  # noqa: PLR0913 - the papers found, and how their texts are made
    library: Library,
    scan: Scan,
    paths: list[str],
    at: list[int] | None,
    setup: Setup,
    joiner: bytes,
) -> ChosenTexts | None:
    """The ``list --json`` texts of the notes at ``paths`` (at ``at`` in ``scan``, when known)
    from the text kept per year folder, made from the scan the search read (``note_texts``:
    the changed folders made again); None when they are not kept, or a note read changed
    since the scan (then the notes are built: ``built_notes``)."""
    library._scan = scan
    most = max(MAX_READS, len(scan.found) // READ_SHARE)
    kept = kept_texts(library, VARIANT, setup, joiner, most)
    library._scan = None
    if not isinstance(kept, KeptOutput):
        return None
    texts = ChosenTexts(kept, paths, at)
    if texts.places is None or not library.store.read_as_scanned(scan):
        texts.close()  # (a note saved meanwhile, read for its match and for its text: the
        return None  # notes found are built, each from one read, as the caller does then)
    return texts
