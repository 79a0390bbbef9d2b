"""``search --json`` without every note and every year's search forms held at once (issue 20).

The papers a query finds and where it matched come from the search forms one year folder at
a time, as ``search`` prints them (``library/search_listing.py``: ``YearSearch``); only the
notes found are built, from the note cache by the digest their forms were made from (the
note cache's files read one at a time), else read from their files. At 100,000 notes
``search 蒸馏 --json`` held every note and every year's forms (about 300 MB warm, 490 MB
from an empty cache). The notes and hits, in the library's order, are those
``Library.search`` and ``Library.hits`` give (``tests/storage/test_search_listing.py``
compares the JSON with a run without caches).
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
from papernotes.storage.caches.year_forms import UNKNOWN
from papernotes.storage.note_format import NoteFormatError

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.note_folder import Scan

VARIANT = "json"
"""The text kept per year folder that holds each note's ``list --json`` item."""


class Found:
    """What a query found, nothing built yet: the problems a load reports, the scan it was
    made from, and the notes found in the library's order (path, hit), with the digest and
    stat key each one's forms were made from."""

    def __init__(
        self,
        problems: list[Problem],
        scan: Scan,
        ranked: list[tuple[str, Hit | None]],
        digests: dict[str, str],
        keys: dict[str, bytes],
    ) -> None:
        self.problems, self.scan, self.ranked = problems, scan, ranked
        self.digests, self.keys = digests, keys


def found_notes(
    library: Library, text: str, exact: bool
) -> tuple[list[Problem], list[tuple[Note, Hit | None]]] | None:
    """The problems a load reports and the notes the query ``text`` finds, in the library's
    order, each with where it matched; None when forms are not kept (caching off), when a
    file cannot be stat-ed, or when a note changed or went while it was searched
    (``Library.search`` then answers)."""
    found = found_paths(library, text, exact)
    notes = None if found is None else built_notes(library, found)
    if found is None or notes is None:
        return None
    return found.problems, [(notes[path], hit) for path, hit in found.ranked]


def found_paths(library: Library, text: str, exact: bool) -> Found | None:
    """What the query ``text`` finds, from the kept forms a year at a time; None as for
    ``found_notes``."""
    store = library.store
    cache = store.caches().search_forms()
    if cache.folder is None:
        return None
    scan = store.scan()
    if not store.stat_notes(scan) or scan.keys is None:
        return None
    search = YearSearch(store, scan, cache, library.query(text, exact), library.folder)
    found: list[tuple[str, int, str, str, Hit | None]] = []
    digests: dict[str, str] = {}
    keys: dict[str, bytes] = {}  # the stat key each found note's forms were made for
    done = set()
    with gc_paused():
        for start, end in year_ranges(scan.found):
            year = scan.found[start][:4]
            done.add(year)
            forms = search.current_forms(year, start, end)
            rows = [] if search.vanished else search.found_in(year, forms)
            if search.vanished:  # a note deleted or moved meanwhile
                return None
            if rows:
                place = {path: i for i, path in enumerate(forms.paths)}
                for row in rows:
                    digests[row[PATH]] = forms.digests[place[row[PATH]]]
                    keys[row[PATH]] = forms.key(place[row[PATH]])
                    found.append((row[PATH], row[YEAR], row[ADDED], row[RAW_TITLE], row[HIT]))
    problems, order = settled(library, scan, scan.keys, cache, done, search.unread)
    ranked = ordered(found, order, itemgetter(0), itemgetter(1), lambda r: (r[2], r[3].casefold()))
    return Found(problems, scan, [(path, hit) for path, _, _, _, hit in ranked], digests, keys)


def built_notes(library: Library, found: Found) -> dict[str, Note] | None:
    """The notes ``found``, by path: from the note cache by the digest their forms were made
    from, else read from their files (and kept in the note cache for next time); None when
    one changed since its forms were made."""
    store, digests, keys = library.store, found.digests, found.keys
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


def found_texts(library: Library, found: Found, setup: Setup, joiner: bytes) -> ChosenTexts | None:
    """The ``list --json`` texts of the notes ``found`` from the text kept per year folder,
    made from the scan the search read (``note_texts``: the changed folders made again);
    None when they are not kept (then the notes are built: ``built_notes``)."""
    library._scan = found.scan
    most = max(MAX_READS, len(found.scan.found) // READ_SHARE)
    kept = kept_texts(library, VARIANT, setup, joiner, most)
    library._scan = None
    if not isinstance(kept, KeptOutput):
        return None
    texts = ChosenTexts(kept, [path for path, _ in found.ranked])
    if texts.places is None:
        texts.close()
        return None
    return texts
