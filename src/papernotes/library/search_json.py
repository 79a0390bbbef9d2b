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
from papernotes.library.order import ordered
from papernotes.library.search import Hit
from papernotes.library.search_listing import HIT, YearSearch, settled, year_ranges
from papernotes.model import Note, Problem
from papernotes.storage.caches.note_cache import Entry, slim_note
from papernotes.storage.caches.year_forms import UNKNOWN
from papernotes.storage.note_format import NoteFormatError

if TYPE_CHECKING:
    from papernotes.library.api import Library


def found_notes(
    library: Library, text: str, exact: bool
) -> tuple[list[Problem], list[tuple[Note, Hit | None]]] | None:
    """The problems a load reports and the notes the query ``text`` finds, in the library's
    order, each with where it matched; None when forms are not kept (caching off), when a
    file cannot be stat-ed, or when a note changed or went while it was searched
    (``Library.search`` then answers)."""
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
        store.caches().notes.add_entries(cache.real_root, entries)
    return problems, [(notes[path], hit) for path, _, _, _, hit in ranked]
