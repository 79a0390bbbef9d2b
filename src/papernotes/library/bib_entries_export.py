"""``export --bib`` without loading the library: from the text kept per year folder
(``bib_blocks.py``: the default export after an edit), else one year folder at a time from
every note's entry kept per folder (``bib_folders.py``: any export of the whole library,
the first one included), else from the kept entries of the whole library, reading only the
notes whose file changed (below; what is left to it: libraries whose year folders cannot be
written alone). ``document.yaml`` is checked first for all three: its stat key is the one
last seen loading without a problem, or there is none, or it parses now (the stat key is
then kept).

Each kept entry carries the stat key its note was read with and the facts the export needs
(``bib_entries.export_facts``), so a note whose file has that stat key is not read: its
facts place it and its text is kept. The notes whose stat differs (or that have no entry)
are read and rendered. Whenever the result could differ from what loading every note gives,
this gives up (returns None) and the export loads the library as before:

- too many notes to read (``MAX_READS``), a file that cannot be read, or one whose bytes
  differ from the kept ones though its stat does not;
- ``document.yaml`` with a problem (it would be reported; its order only matters for ties,
  below);
- a note to export without a key (the export gives it one and writes it), or with an
  invalid key or arXiv id (the export is refused), or with links under ``--with-notes``;
- two exported papers with the same year and sort key (a duplicate key): the library's
  order of notes, which needs the whole load, breaks that tie.

The problems reported are those of the listing, then those of the notes that do not read, in
path order: what a load reports when ``document.yaml`` loads cleanly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from papernotes.errors import FileFormatError
from papernotes.formats.bibtex.keys import identifier_problems
from papernotes.formats.bibtex.write import ordered_by_facts, render_entry
from papernotes.gc_pause import gc_paused
from papernotes.library.bib_entries import (
    KeptBibEntries,
    variant,
    venue_table_digest,
)
from papernotes.library.user_settings import venue_table
from papernotes.model import Note, Problem
from papernotes.storage.caches.bib_entries_cache import ExportFacts
from papernotes.storage.caches.note_cache import is_racy, stat_key
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.note_format import NoteFormatError
from papernotes.storage.store import NoteStore, Scan

MAX_READS = 100
"""Notes read here at most; past that, loading the library (mostly from the note cache) is
the faster way."""
TagMatch = Callable[[str], bool]
ABSENT = b"absent"
"""The layout stamp of a library without ``document.yaml``."""


class GiveUp(Exception):
    """This export needs the whole library loaded."""


@dataclass
class EntriesExport:
    """The problems and text of one export, and whether every stat it relied on identified
    the bytes read (only then may the text be kept for the folder's state). A text made one
    year folder at a time is written as it is made: ``pieces()`` gives it (``text`` is then
    empty); ``empty``: it exports nothing."""

    problems: list[Problem]
    text: str
    settled: bool = True
    pieces: Callable[[], Iterable[str]] | None = None
    empty: bool = False
    chars: int = 0
    """The length (``len``) of the text ``pieces()`` gives, where known (else 0)."""


def layout_stamp(store: NoteStore) -> bytes | None:
    """``document.yaml``'s stat key, ``ABSENT`` when there is none, None when it cannot be
    stat-ed."""
    try:
        return stat_key(os.stat(store.root / LAYOUT_FILE))
    except FileNotFoundError:
        return ABSENT
    except OSError:
        return None


def export_from_entries(
    store: NoteStore,
    scan: Scan,
    *,
    year: int | None,
    tag_match: TagMatch | None,
    with_notes: bool,
    ascii: bool,
) -> EntriesExport | None:
    """``export --bib`` of the notes ``scan`` lists (of ``year``, with a tag ``tag_match``
    accepts), made from the kept blocks, the entries kept per folder or the kept entries, in
    that order; None when it must load the library (see above). ``scan.keys`` must hold the
    files' stat keys (``NoteStore.state``)."""
    cache = store.caches().bib_entries()
    layout = layout_stamp(store)
    if scan.keys is None or layout is None:
        return None
    known = layout == cache.read_layout()
    if not known and not _layout_reads(store, layout, scan.started_ns):
        return None  # checked before the entries are read: its problem is reported by a load
    venues = venue_table()
    default = year is None and tag_match is None and not with_notes
    if default:
        from papernotes.library.bib_blocks import blocks_export

        blocks = blocks_export(store, scan, ascii, venues)  # the text kept per folder
        if blocks is not None:
            return _joined(*blocks)
    from papernotes.library.bib_folders import folder_export

    folders = folder_export(
        store,
        scan,
        year=year,
        tag_match=tag_match,
        with_notes=with_notes,
        ascii=ascii,
        venues=venues,
        keep_blocks=default,
    )
    if folders is not None:  # every note's entry kept per folder, written folder by folder
        fresh_layout = not known and layout != ABSENT and is_racy(layout, scan.started_ns)
        settled = folders.settled and not fresh_layout  # its problem could come unseen
        made = EntriesExport(folders.problems, "", settled, folders.pieces, folders.empty)
        made.chars = folders.chars
        return made
    with gc_paused():  # tens of thousands of kept values, no cycles (``gc_pause``)
        entries = KeptBibEntries(cache)
        try:
            return _export(store, scan, entries, year, tag_match, with_notes, ascii)
        except GiveUp:
            return None


def _export(  # noqa: PLR0913
    store: NoteStore,
    scan: Scan,
    entries: KeptBibEntries,
    year: int | None,
    tag_match: TagMatch | None,
    with_notes: bool,
    ascii: bool,
) -> EntriesExport:
    assert scan.keys is not None
    kept = entries.kept
    found = scan.found
    unknown = [
        (rel, key)
        for rel, key in zip(found, scan.keys, strict=True)
        if (entry := kept.get(rel)) is None or entry[1] != key
    ]
    if len(unknown) > MAX_READS:
        raise GiveUp
    reader = _Reader(store, scan)
    problems = list(scan.problems)  # then those of the notes that do not read, in path order
    fresh: dict[str, Note] = {}
    unread: set[str] = set()
    for rel, key in unknown:
        note = reader.read(rel, key, problems)
        if note is None:
            unread.add(rel)
            continue
        if identifier_problems(note.paper):
            raise GiveUp  # refused: said as a load-everything export says it
        fresh[rel] = note
        entries.note_read(note, key if not is_racy(key, scan.started_ns) else b"")
    readable = [rel for rel in found if rel not in unread] if unread else found
    entries.keep_only(set(readable))
    paths = readable
    if year is not None or tag_match is not None:
        paths = [rel for rel in paths if _wanted(kept[rel][2], year, tag_match)]
    chosen = [kept[rel] for rel in paths]
    facts = [entry[2] for entry in chosen]
    if not all(fact[4] for fact in facts) or (with_notes and any(fact[6] for fact in facts)):
        raise GiveUp  # a key to assign, or links to write as titles
    if len(set(fact[:2] for fact in facts)) != len(facts):
        raise GiveUp  # a tie (year and sort key) the library's order of notes breaks
    order = ordered_by_facts([fact[:4] for fact in facts])
    venues = venue_table()
    table = venue_table_digest(venues)
    names = (variant(with_notes, ascii, False), variant(with_notes, ascii, True))
    texts = []
    for index, long_label in order:
        entry = chosen[index]
        text = entry[4].get(names[long_label]) if entry[3] == table else None
        if text is None:
            rel = paths[index]
            note = fresh.get(rel) or reader.reread(rel, entry[0])
            text = render_entry(
                note.paper, with_notes=with_notes, ascii=ascii, venues=venues, long_label=long_label
            )
            entries.keep_text(note, table, names[long_label], text)
        texts.append(text)
    entries.save()
    if year is None and tag_match is None and not with_notes:
        from papernotes.library.bib_blocks import keep_blocks

        keep_blocks(store, scan, kept, ascii, table, [p for p in problems if p.path in unread])
    return EntriesExport(problems, "\n".join(texts), settled=reader.settled)


def _layout_reads(store: NoteStore, layout: bytes, started_ns: int) -> bool:
    """Whether ``document.yaml`` (stat key ``layout``) reads without a problem, kept as
    seen so when its stat identifies its bytes."""
    if layout == ABSENT:
        return True
    try:
        store.load_layout()
    except FileFormatError:
        return False
    if not is_racy(layout, started_ns):
        store.caches().bib_entries().write_layout(layout)
    return True


def _joined(problems: list[Problem], texts: list[str], settled: bool) -> EntriesExport:
    """The export of the folders' ``texts`` (oldest year first), written one by one (never
    joined: at 100,000 notes the whole text is 40 MB, twice that as a ``str``)."""

    def pieces() -> Iterator[str]:
        for number, text in enumerate(texts):
            if number:
                yield "\n"
            yield text

    chars = sum(map(len, texts)) + max(len(texts) - 1, 0)
    return EntriesExport(problems, "", settled, pieces, not texts, chars)


def _wanted(facts: ExportFacts, year: int | None, tag_match: TagMatch | None) -> bool:
    if year is not None and facts[0] != year:
        return False
    return tag_match is None or any(map(tag_match, facts[5]))


class _Reader:
    """Reads notes as a load does, counting them against ``MAX_READS``."""

    def __init__(self, store: NoteStore, scan: Scan) -> None:
        self.store, self.scan = store, scan
        self.reads = 0
        self.settled = True

    def read(self, rel: str, key: bytes, problems: list[Problem]) -> Note | None:
        """The note at ``rel`` (stat-ed as ``key``), or None with its problem added."""
        self.reads += 1
        if self.reads > MAX_READS:
            raise GiveUp
        if is_racy(key, self.scan.started_ns):
            self.settled = False
        try:
            return self.store.read(rel)
        except NoteFormatError as exc:
            problems.append(Problem(rel, exc.line, exc.message))
            return None
        except OSError:
            raise GiveUp from None

    def reread(self, rel: str, digest: str) -> Note:
        """The note at ``rel``, whose kept entry (bytes ``digest``) lacks a text wanted now."""
        self.reads += 1
        if self.reads > MAX_READS:
            raise GiveUp
        try:
            note = self.store.read(rel)
        except (NoteFormatError, OSError):
            raise GiveUp from None
        if note.digest != digest:  # changed though its stat did not: load it as a load does
            raise GiveUp
        return note
