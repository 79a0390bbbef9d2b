"""``export --bib``'s entries kept per note, so an export after an edit renders one entry.

An entry is the text ``render_entry`` makes from the note's paper, the venue table, the
options (``--with-notes``, ``--ascii``) and whether the paper is labelled by its whole title
(which the other papers decide: ``bibliography_order``). It is kept under the note's path
with the digest of the note's bytes and a digest of the venue table
(``storage/caches/bib_entries_cache.py``) and used only while both are the same. With
``--with-notes`` an entry whose notes hold ``[[key]]`` links depends on the linked papers'
titles: it is rendered every time and never kept. Each entry also keeps the note's stat key
and the facts an export needs of it (``export_facts``), so an export after an edit can work
without loading the notes (``library/bib_entries_export.py``).
"""

from __future__ import annotations

from papernotes.blake2 import blake2b
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.formats.bibtex.write import order_facts, ordered_by_facts, render_entry
from papernotes.library.paper_links import holds_links
from papernotes.model import Note, Paper
from papernotes.storage.caches.bib_entries_cache import (
    BibEntriesCache,
    ExportFacts,
    KeptEntries,
)


def venue_table_digest(venues: VenueTable) -> str:
    """A digest of every venue in ``venues`` (built-in and the user's, in order)."""
    return blake2b(repr(venues.venues).encode(), digest_size=16).hexdigest()


def export_facts(paper: Paper) -> ExportFacts:
    """What an export needs of ``paper`` besides its entry: its place in the order, whether
    it has a key (else the export gives it one), its year and tags (``--year``, ``--tag``),
    and whether it holds links (``--with-notes`` then writes the linked papers' titles)."""
    year, sort_key, label, has_authors = order_facts(paper)
    return (year, sort_key, label, has_authors, bool(paper.key), paper.tags, holds_links(paper))


def variant(with_notes: bool, ascii: bool, long_label: bool) -> str:
    """The name of an entry's text made with these options."""
    return f"{with_notes:d}{ascii:d}{long_label:d}"


class KeptBibEntries:
    """The kept entries of one library, read once; changed in memory, then ``save``d."""

    def __init__(self, cache: BibEntriesCache) -> None:
        self.cache = cache
        self.kept: KeptEntries = cache.read()
        self.changed: set[str] = set()

    def holds(self, note: Note) -> bool:
        """Whether an entry is kept for ``note`` as it is (same digest): such a note was
        exported before, so its key and arXiv id passed ``identifier_problems`` (whose
        module the cache header names) and need no second check."""
        entry = self.kept.get(note.path)
        return bool(note.digest) and entry is not None and entry[0] == note.digest

    def text(self, path: str, digest: str, table: str, name: str) -> str | None:
        """The kept text of variant ``name`` for the note at ``path`` with bytes ``digest``
        and venue table ``table``; None when there is none."""
        entry = self.kept.get(path)
        if entry is None or entry[0] != digest or entry[3] != table:
            return None
        return entry[4].get(name)

    def note_read(self, note: Note, stat_key: bytes, facts: ExportFacts | None = None) -> None:
        """Remember that ``note`` was read from a file with ``stat_key`` (``b""``: unknown),
        keeping its texts while its bytes are the same."""
        entry = self.kept.get(note.path)
        if entry is not None and entry[0] == note.digest:
            if entry[1] == stat_key:
                return
            self.kept[note.path] = (note.digest, stat_key, entry[2], entry[3], entry[4])
        else:
            facts = facts or export_facts(note.paper)
            self.kept[note.path] = (note.digest, stat_key, facts, "", {})
        self.changed.add(note.path)

    def keep_text(self, note: Note, table: str, name: str, text: str) -> None:
        """Keep ``text`` as variant ``name`` of ``note``'s entry (``note_read`` first)."""
        digest, stat_key, facts, kept_table, texts = self.kept[note.path]
        if kept_table != table:
            texts = {}
            self.kept[note.path] = (digest, stat_key, facts, table, texts)
        texts[name] = text
        self.changed.add(note.path)

    def keep_only(self, paths: set[str]) -> None:
        """Drop the entries of every note not in ``paths`` (gone, or no longer reading)."""
        for path in [path for path in self.kept if path not in paths]:
            del self.kept[path]
            self.changed.add(path)

    def save(self) -> None:
        if self.changed:
            self.cache.write(self.kept, self.changed)
            self.changed = set()

    def render(
        self,
        notes: list[Note],
        papers: list[Paper],
        *,
        with_notes: bool,
        ascii: bool,
        venues: VenueTable,
        all_paths: set[str],
        stat_keys: dict[str, bytes],
    ) -> str:
        """What ``render_bibliography(papers, ...)`` returns, each entry taken from the kept
        ones where the note (``notes[i]`` is the note of ``papers[i]``) and the venues are
        unchanged, the others rendered and kept. ``all_paths``: every note of the library
        (entries of notes that went are dropped; those of notes not exported now stay).
        ``stat_keys``: the stat key each note was read with, where it identifies the bytes."""
        table = venue_table_digest(venues)
        texts: list[str] = []
        facts = [export_facts(note.paper) for note in notes]
        for index, long_label in ordered_by_facts([fact[:4] for fact in facts]):
            note, paper = notes[index], papers[index]
            name = variant(with_notes, ascii, long_label)
            keepable = bool(note.digest) and paper is note.paper  # not rewritten by its links
            text = self.text(note.path, note.digest, table, name) if keepable else None
            if note.digest:
                self.note_read(note, stat_keys.get(note.path, b""), facts[index])
            if text is None:
                text = render_entry(
                    paper, with_notes=with_notes, ascii=ascii, venues=venues, long_label=long_label
                )
                if keepable:
                    self.keep_text(note, table, name, text)
            texts.append(text)
        self.keep_only(all_paths)
        self.save()
        return "\n".join(texts)
