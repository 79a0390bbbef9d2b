"""``export --bib`` of the whole library (or a year or tag of it) made and written one year
folder at a time: at 100,000 notes no note, entry or text of more than one folder is held
(the export that loads every note held them all: 600 to 900 MB).

The export orders its entries by paper year, then sort key (``write.ordered_by_facts``), so
when each year folder holds the exported papers of one year and no two folders the same
year, the text is each folder's entries ordered alone, folders oldest year first. Every
note's entry is kept per folder and variant (``storage/caches/bib_folders_cache.py``): a
first pass goes through the folders, taking a folder's kept facts while its paths and stat
keys are the scan's and otherwise reading its changed notes (parsed and rendered once, the
folder's entries kept anew at once: the cache is where they wait; ``bib_folder_facts.py``),
and keeps of each folder only its year, its problems and its papers without authors. Once
every folder is known to be exportable the text is written folder by folder from the kept
texts. Whether a paper without authors is labelled by its whole title depends on every
exported paper (``write.ordered_by_facts``): an entry kept with the other label is rendered
again before anything is written.

It gives up (None: the export loads the library, as before) wherever the result could
differ: a note that is not directly in a year folder, a file that cannot be read, a note with
an invalid key or arXiv id (refused by the loading export, with its message), an exported
paper without a key (the export gives it one and writes it), links under ``--with-notes``
(written as the linked papers' titles), a folder whose exported papers are of several years
or two folders of one year, two exported papers of a year with one sort key (the library's
order breaks that tie). ``document.yaml`` is checked by the caller (a problem of it is
reported by the loading export).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from papernotes.formats.bibtex.venues import VenueTable
from papernotes.library.bib_blocks import keep_folder_block
from papernotes.library.bib_folder_facts import (
    CHANGED,
    ChangedMeanwhile,
    FolderMaker,
    GiveUp,
    entry_spans,
)
from papernotes.model import Problem
from papernotes.storage.caches.bib_entries_cache import ExportFacts
from papernotes.storage.caches.bib_folders_cache import (
    BibFoldersCache,
    FolderEntry,
    FolderFacts,
)
from papernotes.storage.note_folder import year_groups
from papernotes.storage.store import NoteStore, Scan

TagMatch = Callable[[str], bool]


@dataclass
class _Folder:
    """What the first pass keeps of one year folder."""

    name: str
    start: int
    end: int
    token: bytes
    year: int | None = None
    """The year of its exported papers; None when it exports none."""
    chosen: list[int] | None = None
    """The exported entries (positions in its facts); None: every one."""
    held: tuple[FolderFacts, str] | None = None
    """Its facts and text when they could not be kept in the cache."""
    notes: bytes = b""
    """``notes_token`` of its facts: another export's facts of the same notes will do."""
    settled: bool = True
    """No stat key of its notes is too recent to trust."""
    chars: int = 0
    """At least as many as its exported entries' text has UTF-8 bytes (``len`` of the text,
    separators included, or the size of the kept text it is printed from whole)."""


@dataclass
class FolderExport:
    """The problems of an export, whether it exports nothing, whether every stat it relied on
    identified the bytes read (only then may its text be kept), and ``pieces`` to write its
    text."""

    problems: list[Problem]
    empty: bool
    settled: bool
    pieces: Callable[[], Iterator[str]] = lambda: iter(())
    """The text, one year folder at a time (each read, written and let go)."""
    chars: int = 0
    """At least as many as the text has UTF-8 bytes (``_Folder.chars``)."""


def folder_export(  # noqa: PLR0913
    store: NoteStore,
    scan: Scan,
    *,
    year: int | None,
    tag_match: TagMatch | None,
    with_notes: bool,
    ascii: bool,
    venues: VenueTable,
    keep_blocks: bool = False,
) -> FolderExport | None:
    """``export --bib`` of the notes ``scan`` lists (with their stat keys), of ``year``, with
    a tag ``tag_match`` accepts; None to load the library (see above). ``keep_blocks``: keep
    every folder's text for ``bib_blocks`` too (a default export)."""
    keys = scan.keys
    groups = year_groups(scan.found) if keys is not None else None
    if not groups or keys is None:
        return None
    cache = store.caches().bib_folders(store.list_output_cache().header())
    maker = FolderMaker(store, scan, cache, with_notes, ascii, venues)
    folders: list[_Folder] = []
    labels: Counter[str] = Counter()
    authorless: list[tuple[int, int, str, bool, str, str]] = []
    problems = list(scan.problems)
    try:
        for name, start, end in groups:
            facts, held = maker.facts(name, start, end)
            folder = _Folder(name, start, end, facts.token, held=held, notes=facts.notes)
            folder.settled = facts.keys == b"".join(keys[start:end])  # none kept as b""
            problems += [Problem(*p) for p in facts.problems]
            _choose(folder, facts.entries, year, tag_match, with_notes)
            folder.chars = _chars(facts, folder.chosen)
            if folder.chosen is None and held is None:  # its file's UTF-8 may be more
                folder.chars = max(folder.chars, cache.text_bytes(name, maker.variant))
            for i in range(len(facts.entries)) if folder.chosen is None else folder.chosen:
                rel, _, digest, facts_of, long, _ = facts.entries[i]
                if not facts_of[3]:
                    labels[facts_of[2]] += 1
                    authorless.append((len(folders), i, facts_of[2], long, digest, rel))
            folders.append(folder)
        shared = {label for label, count in labels.items() if count > 1}
        fixed = maker.labelled_anew(authorless, shared)
    except GiveUp:
        return None
    dated = sorted((f for f in folders if f.year is not None), key=lambda f: f.year or 0)
    if len({f.year for f in dated}) < len(dated):
        return None  # two folders of one year: their entries interleave
    made = FolderExport(problems, not dated, maker.settled and all(f.settled for f in folders))
    made.chars = sum(f.chars for f in dated) + max(len(dated) - 1, 0)

    def pieces() -> Iterator[str]:
        for number, folder in enumerate(dated):
            own = {i: t for (f, i), t in fixed.items() if folders[f] is folder}
            whole = folder.chosen is None and not own and not (keep_blocks and folder.settled)
            text = _whole_text(cache, folder, maker) if whole else None
            if text is not None:
                piece = text
            else:
                facts, text = _read(cache, folder, maker)
                piece = _piece(facts, text, folder.chosen, own)
            if keep_blocks and folder.settled:
                _keep_block(store, scan, folder, facts, text, own, shared, maker)
            if number:
                yield "\n"
            yield piece
        for folder in folders if keep_blocks else ():
            if folder.year is None and folder.settled:  # no entry: its block says so
                facts, text = _read(cache, folder, maker)
                _keep_block(store, scan, folder, facts, text, {}, shared, maker)

    made.pieces = pieces
    return made


def _choose(
    folder: _Folder,
    entries: list[FolderEntry],
    year: int | None,
    tag_match: TagMatch | None,
    with_notes: bool,
) -> None:
    """Note in ``folder`` which of its ``entries`` are exported and their year; ``GiveUp``
    when they cannot be written as the folder's own ordered text."""
    chosen = [i for i, entry in enumerate(entries) if _wanted(entry[3], year, tag_match)]
    facts = [entries[i][3] for i in chosen]
    if not facts:
        folder.chosen = chosen
        return
    if not all(fact[4] for fact in facts) or (with_notes and any(fact[6] for fact in facts)):
        raise GiveUp  # a key to assign, or links to write as titles
    if len({fact[0] for fact in facts}) > 1 or len({fact[1] for fact in facts}) < len(facts):
        raise GiveUp  # several years, or a tie the library's order breaks
    folder.year = facts[0][0]
    folder.chosen = None if len(chosen) == len(entries) else chosen


def _wanted(facts: ExportFacts, year: int | None, tag_match: TagMatch | None) -> bool:
    if year is not None and facts[0] != year:
        return False
    return tag_match is None or any(map(tag_match, facts[5]))


def _chars(facts: FolderFacts, chosen: list[int] | None) -> int:
    """The length of the text of a folder's exported entries (``chosen``; None: all), joined
    by newlines as ``_piece`` joins them (an entry re-labelled may differ by a few)."""
    if chosen is None:
        return facts.entries[-1][5] if facts.entries else 0  # where the last entry ends
    spans = entry_spans(facts)
    return sum(spans[i][1] - spans[i][0] for i in chosen) + max(len(chosen) - 1, 0)


def _whole_text(cache: BibFoldersCache, folder: _Folder, maker: FolderMaker) -> str | None:
    """The text of ``folder`` when it is printed whole, read alone: the text file carries the
    token of the facts the first pass saw (at 100,000 notes the facts read again would be
    0.15 s more); None when it does not (``_read`` then sorts it out)."""
    if folder.held is not None:
        return folder.held[1]
    return cache.text(folder.name, maker.variant, folder.token)


def _read(cache: BibFoldersCache, folder: _Folder, maker: FolderMaker) -> tuple[FolderFacts, str]:
    """The facts and text the first pass saw for ``folder``: a text file that does not read
    (damaged, removed) is made again from the notes, if they are still those of the facts."""
    if folder.held is not None:
        return folder.held
    facts = cache.read(folder.name, maker.variant)
    if facts is None or (facts.token != folder.token and facts.notes != folder.notes):
        raise ChangedMeanwhile(CHANGED.format(folder=folder.name))  # other notes' facts
    folder.token = facts.token  # another export's of the same notes (stat keys aside)
    text = cache.text(folder.name, maker.variant, folder.token)
    if text is None:
        text = maker.text_again(facts)
        cache.write(folder.name, maker.variant, facts, text)
    return facts, text


def _piece(facts: FolderFacts, text: str, chosen: list[int] | None, fixed: dict[int, str]) -> str:
    """The exported entries of a folder, in order, joined as the export joins them."""
    if chosen is None and not fixed:
        return text
    spans = entry_spans(facts)
    wanted = range(len(spans)) if chosen is None else chosen
    return "\n".join(fixed.get(i) or text[spans[i][0] : spans[i][1]] for i in wanted)


def _keep_block(  # noqa: PLR0913
    store: NoteStore,
    scan: Scan,
    folder: _Folder,
    facts: FolderFacts,
    text: str,
    fixed: dict[int, str],
    shared: set[str],
    maker: FolderMaker,
) -> None:
    """Keep the folder's text as ``bib_blocks`` does after a default export."""
    assert scan.keys is not None
    spans = entry_spans(facts)
    entries = [
        (rel, key, digest, facts_of, facts_of[2] in shared, fixed.get(i) or text[slice(*spans[i])])
        for i, (rel, key, digest, facts_of, _, _) in enumerate(facts.entries)
    ]
    files = (
        "\0".join(scan.found[folder.start : folder.end]),
        b"".join(scan.keys[folder.start : folder.end]),
    )
    problems = [Problem(*p) for p in facts.problems]
    table, ascii = maker.table, maker.ascii
    keep_folder_block(store, folder.name, entries, problems, files, table, shared, ascii)
