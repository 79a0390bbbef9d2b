"""The default ``export --bib`` (no ``--year``, ``--tag`` or ``--with-notes``) after an edit from
the text kept per year folder (``storage/caches/bib_blocks_cache.py``): only the edited
folder's changed notes are read and rendered, and the other folders' text is printed as it
was kept, without reading any folder's entries but the edited one's.

The export orders its entries by paper year, then sort key, so when each year folder holds
the papers of one year, and no two folders the same year, the whole text is each folder's
entries (ordered alone) joined oldest year first. An entry's text also depends on whether it
is labelled by its whole title, which the short titles of every paper without authors decide
(``write.ordered_by_facts``): each block keeps its own such titles, and a kept block is used
only while the titles it labelled by the whole title are still exactly the shared ones.
Whenever the result could differ from the entries path's (``bib_entries_export.py``) — a
folder never kept, a changed venue table, a folder holding several years or two folders one
year, two papers of a year with one sort key (the library's order breaks that tie), a paper
without a key, more than ``MAX_REMADE`` folders or ``MAX_READS`` notes changed — it gives up
(None) and the export takes that path, which keeps the blocks anew (``keep_blocks``).
"""

from __future__ import annotations

import marshal
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from papernotes.formats.bibtex.keys import identifier_problems
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.formats.bibtex.write import render_entry
from papernotes.library.bib_entries import export_facts, variant, venue_table_digest
from papernotes.model import Note, Problem
from papernotes.storage.caches.bib_blocks_cache import BibBlock, BibBlocksCache, BlockEntry
from papernotes.storage.caches.note_cache import is_racy
from papernotes.storage.note_folder import Group, year_groups
from papernotes.storage.note_format import NoteFormatError

if TYPE_CHECKING:
    from papernotes.storage.caches.bib_entries_cache import ExportFacts, KeptEntries
    from papernotes.storage.store import NoteStore, Scan

MAX_REMADE = 3
"""Folders made anew at most; past that the kept entries are the faster way."""
MAX_READS = 100
"""Notes read at most (as ``bib_entries_export.MAX_READS``)."""


def _cache(store: NoteStore) -> BibBlocksCache:
    return store.caches().bib_blocks(store.list_output_cache().header())


def blocks_export(
    store: NoteStore, scan: Scan, ascii: bool, venues: VenueTable
) -> tuple[list[Problem], list[str], bool] | None:
    """The problems and text of the default export of the notes ``scan`` lists (with their
    stat keys): the folders' texts, oldest year first, to be joined by newlines (written one
    by one, never joined, when long); and whether it may be kept for their state; None to
    take the entries path."""
    keys, found = scan.keys, scan.found
    groups = year_groups(found) if keys is not None else None
    if not groups or keys is None:
        return None
    cache, name = _cache(store), f"{ascii:d}"
    table = venue_table_digest(venues)
    read = _read_blocks(cache, name, table, groups, scan)
    if read is None:
        return None
    blocks, changed = read
    maker = _Remake(store, scan)
    remade: dict[str, list[_Entry]] = {}
    for folder, start, end in changed:
        entries = maker.entries(cache.entries(folder, name, blocks[folder]), start, end)
        if entries is None:
            return None
        remade[folder] = entries
    shared = _shared_labels(blocks, remade)
    for folder, block in blocks.items():
        if folder not in remade and _long_now(block.labels, shared) != block.long:
            return None
    for folder, start, end in changed:
        files = ("\0".join(found[start:end]), b"".join(keys[start:end]))
        made = _block(remade[folder], maker.problems[folder], files, table, shared, ascii, venues)
        if made is None:
            return None
        blocks[folder] = made
    texts = _ordered_texts(blocks.values())
    if texts is None:
        return None
    for folder, start, end in changed:
        if not any(is_racy(key, scan.started_ns) for key in keys[start:end]):
            cache.write(folder, name, blocks[folder])
    problems = list(scan.problems)
    for folder, _, _ in groups:
        problems += [Problem(*p) for p in blocks[folder].problems]
    return problems, texts, maker.settled


def _shared_labels(blocks: dict[str, BibBlock], remade: dict[str, list[_Entry]]) -> set[str]:
    """The short titles of more than one paper without authors (``write.ordered_by_facts``):
    from the kept blocks, and from the entries of the folders made anew."""
    counts: Counter[str] = Counter()
    for folder, block in blocks.items():
        if folder not in remade:
            counts.update(block.authorless)
    for entries in remade.values():
        counts.update(e.facts[2] for e in entries if not e.facts[3])
    return {label for label, count in counts.items() if count > 1}


def _read_blocks(
    cache: BibBlocksCache, name: str, table: str, groups: list[Group], scan: Scan
) -> tuple[dict[str, BibBlock], list[Group]] | None:
    """Every folder's kept block and the folders whose notes changed since; None when a
    folder has none for venue table ``table`` or too many changed."""
    found, keys = scan.found, scan.keys or []
    blocks: dict[str, BibBlock] = {}
    changed: list[Group] = []
    for folder, start, end in groups:
        block = cache.read(folder, name)
        if block is None or block.table != table:
            return None
        blocks[folder] = block
        if block.keys != b"".join(keys[start:end]) or block.paths != "\0".join(found[start:end]):
            changed.append((folder, start, end))
    return (blocks, changed) if len(changed) <= MAX_REMADE else None


def keep_blocks(
    store: NoteStore,
    scan: Scan,
    kept: KeptEntries,
    ascii: bool,
    table: str,
    problems: Iterable[Problem],
) -> None:
    """Keep the block of every folder whose notes all have an entry in ``kept`` made from
    their file as it is now (or a problem in ``problems``: they do not parse), with venue
    table ``table``: what the default export just printed, per folder."""
    keys, found = scan.keys, scan.found
    groups = year_groups(found) if keys is not None else None
    if not groups or keys is None:
        return
    unread = {p.path: p for p in problems}
    counts = Counter(e[2][2] for rel in found if (e := kept.get(rel)) is not None and not e[2][3])
    shared = {label for label, count in counts.items() if count > 1}
    cache, name = _cache(store), f"{ascii:d}"
    for folder, start, end in groups:
        entries: list[_Entry] = []
        folder_problems: list[Problem] = []
        for rel, key in zip(found[start:end], keys[start:end], strict=True):
            entry = kept.get(rel)
            if is_racy(key, scan.started_ns):
                break
            if entry is None:
                if rel not in unread:
                    break
                folder_problems.append(unread[rel])
                continue
            digest, kept_key, facts, kept_table, texts = entry
            long = facts[2] in shared
            text = texts.get(variant(False, ascii, long))
            if kept_key != key or kept_table != table or text is None:
                break
            entries.append(_Entry(rel, key, digest, facts, long, text))
        else:
            files = ("\0".join(found[start:end]), b"".join(keys[start:end]))
            block = _block(entries, folder_problems, files, table, shared, ascii, None)
            if block is not None:
                cache.write(folder, name, block)


def keep_folder_block(  # noqa: PLR0913
    store: NoteStore,
    folder: str,
    entries: list[tuple[str, bytes, str, ExportFacts, bool, str]],
    problems: list[Problem],
    files: tuple[str, bytes],
    table: str,
    shared: set[str],
    ascii: bool,
) -> None:
    """Keep the block of ``folder`` made by an export one folder at a time
    (``library/bib_folders.py``): its ``entries`` (path, stat key, digest, facts, labelled by
    the whole title, text: every note of the folder that parses, rendered with venue table
    ``table``), the ``problems`` of the others, its ``files`` (paths and stat keys joined)."""
    made = [_Entry(*entry) for entry in entries]
    block = _block(made, problems, files, table, shared, ascii, None)
    if block is not None:
        _cache(store).write(folder, f"{ascii:d}", block)


class _Entry:
    """A note's entry in a folder made anew: kept (``text``) or to render (``note``)."""

    __slots__ = ("rel", "key", "digest", "facts", "long", "text", "note")

    def __init__(  # noqa: PLR0913
        self,
        rel: str,
        key: bytes,
        digest: str,
        facts: ExportFacts,
        long: bool,
        text: str,
        note: Note | None = None,
    ) -> None:
        self.rel, self.key, self.digest, self.facts = rel, key, digest, facts
        self.long, self.text, self.note = long, text, note


class _Remake:
    """Reads the changed notes of the folders made anew, counting them against
    ``MAX_READS``."""

    def __init__(self, store: NoteStore, scan: Scan) -> None:
        self.store, self.scan = store, scan
        self.reads = 0
        self.settled = True
        self.problems: dict[str, list[Problem]] = {}

    def entries(self, old: dict[str, BlockEntry], start: int, end: int) -> list[_Entry] | None:
        """The entries of the notes ``start:end`` of the scan: kept where the stat key is the
        one kept, else read; None to give up."""
        assert self.scan.keys is not None
        found, keys = self.scan.found[start:end], self.scan.keys[start:end]
        folder = found[0].partition("/")[0]
        problems = self.problems.setdefault(folder, [])
        entries: list[_Entry] = []
        for rel, key in zip(found, keys, strict=True):
            kept = old.get(rel)
            if kept is not None and kept[0] == key:
                entries.append(_Entry(rel, key, kept[1], kept[2], kept[3], kept[4]))
                continue
            self.reads += 1
            if self.reads > MAX_READS:
                return None
            if is_racy(key, self.scan.started_ns):
                self.settled = False
            try:
                note = self.store.read(rel)
            except NoteFormatError as exc:
                problems.append(Problem(rel, exc.line, exc.message))
                continue
            except OSError:
                return None
            if identifier_problems(note.paper):
                return None  # refused: said as a load-everything export says it
            facts = export_facts(note.paper)
            entries.append(_Entry(rel, key, note.digest, facts, False, "", note))
        return entries


def _block(  # noqa: PLR0913
    entries: list[_Entry],
    problems: list[Problem],
    files: tuple[str, bytes],
    table: str,
    shared: set[str],
    ascii: bool,
    venues: VenueTable | None,
) -> BibBlock | None:
    """The block of a folder's ``entries`` (in path order) and the ``problems`` of its notes
    that do not parse, whose ``files`` are its paths and stat keys (joined), rendering the
    entries read now with ``venues``; None when the folder cannot have one (see above)."""
    years = {e.facts[0] for e in entries}
    sort_keys = {e.facts[1] for e in entries}
    labels = {e.facts[2] for e in entries}
    if len(years) > 1 or len(sort_keys) < len(entries) or any("\n" in x for x in labels):
        return None
    if not all(e.facts[4] for e in entries):
        return None  # a key to assign: the export writes it
    entries = sorted(entries, key=lambda e: e.facts[1])
    for entry in entries:
        long = entry.facts[2] in shared
        if entry.note is not None:
            assert venues is not None
            entry.text = render_entry(
                entry.note.paper, with_notes=False, ascii=ascii, venues=venues, long_label=long
            )
        elif long != entry.long:
            return None  # labelled otherwise now: the entries path renders it again
        entry.long = long
    kept = {e.rel: (e.key, e.digest, e.facts, e.long, e.text) for e in entries}
    return BibBlock(
        *files,
        table,
        tuple(years),
        [e.facts[2] for e in entries if not e.facts[3]],
        "\n".join(sorted(labels)),
        sorted(labels & shared),
        [(p.path, p.line, p.message) for p in problems],
        "\n".join(e.text for e in entries),
        marshal.dumps(kept),
    )


def _long_now(labels: str, shared: set[str]) -> list[str]:
    """The short titles among ``labels`` (joined by newlines) labelled by the whole title now."""
    if not shared:
        return []
    return sorted(shared.intersection(labels.split("\n")))


def _ordered_texts(blocks: Iterable[BibBlock]) -> list[str] | None:
    """The blocks' texts oldest year first (the whole text joins them by newlines); None
    when a block holds several years or two blocks one year."""
    dated = [b for b in blocks if b.years]
    if any(len(b.years) > 1 for b in dated) or len({b.years for b in dated}) < len(dated):
        return None
    dated.sort(key=lambda b: b.years)
    return [b.text for b in dated]
