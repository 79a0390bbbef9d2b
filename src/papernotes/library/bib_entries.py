"""``export --bib``'s entries kept per note, so an export after an edit renders one entry.

An entry is the text ``render_entry`` makes from the note's paper, the venue table, the
options (``--with-notes``, ``--ascii``) and whether the paper is labelled by its whole title
(which the other papers decide: ``bibliography_order``). It is kept under the note's path
with the digest of the note's bytes and a digest of the venue table
(``storage/caches/bib_entries_cache.py``) and used only while both are the same. With
``--with-notes`` an entry whose notes hold ``[[key]]`` links depends on the linked papers'
titles: it is rendered every time and never kept.
"""

from __future__ import annotations

from hashlib import blake2b

from papernotes.formats.bibtex.venues import VenueTable
from papernotes.formats.bibtex.write import bibliography_order, render_entry
from papernotes.model import Note, Paper
from papernotes.storage.caches.bib_entries_cache import BibEntriesCache, KeptEntries


def venue_table_digest(venues: VenueTable) -> str:
    """A digest of every venue in ``venues`` (built-in and the user's, in order)."""
    return blake2b(repr(venues.venues).encode(), digest_size=16).hexdigest()


class KeptBibEntries:
    """The kept entries of one library, read once; ``render`` uses and updates them."""

    def __init__(self, cache: BibEntriesCache) -> None:
        self.cache = cache
        self.kept: KeptEntries = cache.read()

    def holds(self, note: Note) -> bool:
        """Whether an entry is kept for ``note`` as it is (same digest): such a note was
        exported before, so its key and arXiv id passed ``identifier_problems`` (whose
        module the cache header names) and need no second check."""
        entry = self.kept.get(note.path)
        return bool(note.digest) and entry is not None and entry[0] == note.digest

    def render(
        self,
        notes: list[Note],
        papers: list[Paper],
        *,
        with_notes: bool,
        ascii: bool,
        venues: VenueTable,
        all_paths: set[str],
    ) -> str:
        """What ``render_bibliography(papers, ...)`` returns, each entry taken from the kept
        ones where the note (``notes[i]`` is the note of ``papers[i]``) and the venues are
        unchanged, the others rendered and kept. ``all_paths``: every note of the library
        (entries of notes that went are dropped; those of notes not exported now stay)."""
        kept = self.kept
        table = venue_table_digest(venues)
        changed: set[str] = set()
        texts: list[str] = []
        for index, long_label in bibliography_order(papers):
            note, paper = notes[index], papers[index]
            variant = f"{with_notes:d}{ascii:d}{long_label:d}"
            keepable = bool(note.digest) and paper is note.paper  # not rewritten by its links
            entry = kept.get(note.path) if keepable else None
            same = entry is not None and entry[0] == note.digest and entry[1] == table
            text = entry[2].get(variant) if entry is not None and same else None
            if text is None:
                text = render_entry(
                    paper, with_notes=with_notes, ascii=ascii, venues=venues, long_label=long_label
                )
                if keepable:
                    if entry is None or not same:
                        entry = kept[note.path] = (note.digest, table, {})
                    entry[2][variant] = text
                    changed.add(note.path)
            texts.append(text)
        gone = [path for path in kept if path not in all_paths]
        for path in gone:
            del kept[path]
        if changed or gone:
            self.cache.write(kept, changed)
        return "\n".join(texts)
