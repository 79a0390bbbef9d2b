"""The facts of each year folder for ``bib_folders.folder_export``: taken from the cache
(``storage/caches/bib_folders_cache.py``) while the folder's paths and stat keys are the
scan's, else made from its notes (a note whose stat key is the kept one keeps its entry; the
others are read and rendered) and kept; a folder's text rendered again from its notes; and
why an export gives up (``GiveUp``: the library is loaded instead) or stops
(``ChangedMeanwhile``).
"""

from __future__ import annotations

from papernotes.errors import PapernotesError
from papernotes.formats.bibtex import write as bibtex_write
from papernotes.formats.bibtex.keys import identifier_problems
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.library.bib_entries import export_facts, venue_table_digest
from papernotes.model import Note
from papernotes.storage.caches.bib_folders_cache import BibFoldersCache, FolderEntry, FolderFacts
from papernotes.storage.caches.note_cache import is_racy
from papernotes.storage.note_format import NoteFormatError
from papernotes.storage.store import NoteStore, Scan


class GiveUp(Exception):
    """This export needs the whole library loaded."""


class ChangedMeanwhile(PapernotesError):
    """A folder's kept entries were replaced between the two passes (another export)."""


CHANGED = (
    "The kept entries of {folder}/ changed during the export (another export ran); nothing "
    "more was written: run it again."
)


def entry_spans(facts: FolderFacts) -> list[tuple[int, int]]:
    """Where each entry's text is in the folder's text (joined by newlines)."""
    spans, start = [], 0
    for entry in facts.entries:
        spans.append((start, entry[5]))
        start = entry[5] + 1
    return spans


class FolderMaker:
    """Takes each folder's kept facts, or makes them from its notes (and keeps them)."""

    def __init__(  # noqa: PLR0913
        self,
        store: NoteStore,
        scan: Scan,
        cache: BibFoldersCache,
        with_notes: bool,
        ascii: bool,
        venues: VenueTable,
    ) -> None:
        self.store, self.scan, self.cache = store, scan, cache
        self.with_notes, self.ascii, self.venues = with_notes, ascii, venues
        self.variant = f"{with_notes:d}{ascii:d}"
        self.table = venue_table_digest(venues)
        self.settled = True
        """Every note read now had a stat key that identifies its bytes."""

    def facts(
        self, name: str, start: int, end: int
    ) -> tuple[FolderFacts, tuple[FolderFacts, str] | None]:
        """The facts of the folder ``name`` (notes ``start:end`` of the scan), and them with
        its text when they could not be kept (else None: the cache holds them)."""
        assert self.scan.keys is not None
        paths = "\0".join(self.scan.found[start:end])
        keys = b"".join(self.scan.keys[start:end])
        kept = self.cache.read(name, self.variant)
        if kept is not None and (kept.paths, kept.keys, kept.table) == (paths, keys, self.table):
            return kept, None
        made, text = self._remake(name, kept, start, end)
        made.paths = paths
        if self.cache.write(name, self.variant, made, text):
            return made, None
        return made, (made, text)

    def _remake(
        self, name: str, kept: FolderFacts | None, start: int, end: int
    ) -> tuple[FolderFacts, str]:
        """The folder's facts and text made anew: a note whose stat key is the kept one keeps
        its entry, the others are read and rendered. A stat key too recent to identify the
        bytes read is kept as ``b""`` (never the scan's: the folder is made again next time)."""
        assert self.scan.keys is not None
        old: dict[str, int] = {}
        old_text = None
        if kept is not None and kept.table == self.table:
            old = {entry[0]: i for i, entry in enumerate(kept.entries)}
        spans = entry_spans(kept) if old and kept is not None else []
        made: list[tuple[FolderEntry, str]] = []
        problems: list[tuple[str, int, str]] = []
        keys: list[bytes] = []
        started = self.scan.started_ns
        for rel, key in zip(self.scan.found[start:end], self.scan.keys[start:end], strict=True):
            racy = is_racy(key, started)
            keys.append(b"" if racy else key)
            at = old.get(rel)
            if at is not None and kept is not None and kept.entries[at][1] == key and not racy:
                if old_text is None:
                    old_text = self.cache.text(name, self.variant, kept.token) or ""
                if old_text:
                    made.append((kept.entries[at], old_text[slice(*spans[at])]))
                    continue
            if racy:
                self.settled = False
            entry = self._read(rel, b"" if racy else key, problems)
            if entry is not None:
                made.append(entry)
        made.sort(key=lambda pair: pair[0][3][1])  # by sort key; equal ones in path order
        texts, entries, end_at = [], [], -1
        for (rel, key, digest, facts, long, _), text in made:
            end_at += 1 + len(text)
            entries.append((rel, key, digest, facts, long, end_at))
            texts.append(text)
        facts_made = FolderFacts("", b"".join(keys), self.table, problems, entries, b"", b"")
        return facts_made, "\n".join(texts)

    def _read(
        self, rel: str, key: bytes, problems: list[tuple[str, int, str]]
    ) -> tuple[FolderEntry, str] | None:
        """The entry of the note at ``rel``, rendered; None with its problem added when it
        does not parse."""
        try:
            note = self.store.read(rel)
        except NoteFormatError as exc:
            problems.append((rel, exc.line, exc.message))
            return None
        except OSError:
            raise GiveUp from None
        if identifier_problems(note.paper):
            raise GiveUp  # refused: said as a load-everything export says it
        facts = export_facts(note.paper)
        if self.with_notes and facts[6]:
            raise GiveUp  # links written as the linked papers' titles
        return (rel, key, note.digest, facts, False, 0), self._render(note, False)

    def text_again(self, facts: FolderFacts) -> str:
        """The text of a folder's ``facts`` rendered again from its notes, each as it was
        then (``ChangedMeanwhile`` when one changed since)."""
        texts = []
        for rel, _, digest, _, long, _ in facts.entries:
            try:
                note = self.store.read(rel)
            except (NoteFormatError, OSError):
                note = None
            if note is None or note.digest != digest:
                raise ChangedMeanwhile(CHANGED.format(folder=rel.partition("/")[0]))
            texts.append(self._render(note, long))
        return "\n".join(texts)

    def _render(self, note: Note, long: bool) -> str:
        return bibtex_write.render_entry(
            note.paper,
            with_notes=self.with_notes,
            ascii=self.ascii,
            venues=self.venues,
            long_label=long,
        )

    def labelled_anew(
        self, authorless: list[tuple[int, int, str, bool, str, str]], shared: set[str]
    ) -> dict[tuple[int, int], str]:
        """The texts of the exported papers without authors whose kept text has the other
        label (by short or whole title) than ``shared`` gives now, rendered again."""
        fixed: dict[tuple[int, int], str] = {}
        for folder, i, label, long, digest, rel in authorless:
            if (label in shared) == long:
                continue
            try:
                note = self.store.read(rel)
            except (NoteFormatError, OSError):
                raise GiveUp from None
            if note.digest != digest:
                raise GiveUp  # changed since its facts were made
            fixed[folder, i] = self._render(note, not long)
        return fixed
