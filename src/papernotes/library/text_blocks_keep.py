"""The blocks of ``list --json`` and ``export --md`` kept by their full path
(``library/text_blocks.py``): as the notes' texts are made in the library's order, each
year's are kept as its folder's block when that folder holds exactly that year's notes, so
the next output after an edit reads only what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.errors import FileFormatError
from papernotes.library.list_blocks import order_and_digest
from papernotes.library.text_block_entries import MadeNote, joined_entries
from papernotes.storage.caches.note_cache import is_racy
from papernotes.storage.caches.text_blocks_cache import TextBlock
from papernotes.storage.note_folder import CANNOT_READ, year_groups
from papernotes.storage.text_block_load import text_blocks

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.model import Note, Problem


class BlocksKeeper:
    """Keeps the blocks of ``variant`` in ``style`` of a library whose notes are loaded, fed
    every note with its text (``add``) in the library's order, then ``finish``-ed; ``on``
    False: nothing can be kept (``add`` need not be called)."""

    def __init__(self, library: Library, variant: str, style: str, joiner: bytes) -> None:
        self.variant, self.style, self.joiner = variant, style, joiner
        self.on = False
        self.year: int | None = None
        self.batch: list[tuple[Note, bytes | None, bool]] = []
        store = library.store
        self.cache = text_blocks(store)
        scan = store.loaded_scan
        if self.cache.folder is None or scan is None or scan.keys is None:
            return
        groups = year_groups(scan.found)
        try:
            digest = order_and_digest(library)[1]
        except FileFormatError:
            return
        if groups is None or digest is None:
            return
        self.scan, self.keys, self.digest = scan, scan.keys, digest
        self.spans = {folder: (start, end) for folder, start, end in groups}
        self.problems: dict[str, list[Problem]] = {}
        listing = set(scan.problems)  # said by every scan: never kept
        for problem in library.problems():
            if problem in listing:
                continue
            folder = problem.path.partition("/")[0]
            if problem.message.startswith(("cannot read", CANNOT_READ)):
                self.spans.pop(folder, None)  # kept, it would hide a file readable again
            self.problems.setdefault(folder, []).append(problem)
        self.on = True

    def add(self, note: Note, text: bytes | None, keepable: bool = True) -> None:
        """``note``'s ``text`` in the output (UTF-8; None: left out); not ``keepable``: its
        text depends on more than the note (its folder is not kept)."""
        if note.paper.year != self.year:
            self.flush()
            self.year = note.paper.year
        self.batch.append((note, text, keepable))

    def finish(self) -> None:
        self.flush()
        self.on = False

    def flush(self) -> None:
        """Keep the block of the year just ended when its notes are all of one folder and
        that folder's notes are all of this year (a note changed too recently is kept as one
        to read again)."""
        batch, self.batch = self.batch, []
        if not batch or not all(keepable for _, _, keepable in batch):
            return
        folder = batch[0][0].path.partition("/")[0]
        span, prefix = self.spans.get(folder), folder + "/"
        if span is None or not all(n.path.startswith(prefix) for n, _, _ in batch):
            return
        start, end = span
        problems = [p for p in self.problems.get(folder, []) if p.path.startswith(prefix)]
        if len(batch) + len(problems) != end - start:
            return  # another year's notes in the folder
        started, found = self.scan.started_ns, self.scan.found[start:end]
        racy = [is_racy(key, started) for key in self.keys[start:end]]
        if all(racy):
            return  # nothing settled: nothing worth keeping
        keys = {  # a note changed too recently: no key, read again next time
            rel: b"" if late else key
            for rel, key, late in zip(found, self.keys[start:end], racy, strict=True)
        }
        notes: list[MadeNote] = []
        for note, text, _ in batch:
            paper, key = note.paper, keys.get(note.path)
            if key is None:
                return
            notes.append((note.path, key, paper.year, paper.added, paper.title, text))
        entries, whole, shown, spans = joined_entries(notes, b"", self.joiner, found)
        block = TextBlock(
            "\0".join(self.scan.found[start:end]),
            b"" if any(racy) else b"".join(self.keys[start:end]),  # b"": never the scan's
            self.digest,
            self.style,
            (batch[0][0].paper.year,),
            shown,
            [(p.path, p.line, p.message) for p in problems],
            b"",
            0,
            entries,
            spans,
        )
        self.cache.write(folder, self.variant, block, whole)
