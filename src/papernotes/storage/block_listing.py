"""The default ``list`` through the text kept per year folder (``caches/list_blocks_cache.py``):
the blocks of the folders whose notes did not change, and the rows
(``row_listing.py``) of the others, for the library layer (``library/list_blocks.py``) to
order and render.

A block is offered only for a folder whose note paths and stat keys are exactly the scan's;
whether its document order and name column still hold is the library layer's to check. The
store afterwards knows what a ``load`` would have told it, as after a load of rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from papernotes.gc_pause import gc_paused
from papernotes.model import Problem
from papernotes.storage.caches.folder_summaries_cache import FolderSummary
from papernotes.storage.caches.list_blocks_cache import YearBlock
from papernotes.storage.caches.list_rows_cache import UNKNOWN
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.note_folder import stat_key_or_none
from papernotes.storage.row_listing import (
    RowsLoad,
    load_layout,
    make_missing_rows,
    scan_keys,
    too_many_missing,
)

if TYPE_CHECKING:
    from papernotes.storage.caches.list_rows_cache import Row, RowMaker
    from papernotes.storage.note_folder import Scan
    from papernotes.storage.store import NoteStore


def year_end(found: list[str], start: int) -> int:
    """Where the notes of the year folder of ``found[start]`` end (a folder's notes are
    together in scan order)."""
    prefix = found[start].partition("/")[0] + "/"
    end = start + 1
    while end < len(found) and found[end].startswith(prefix):
        end += 1
    return end


class BlocksLoad:
    """One default ``list`` of ``scan`` in ``variant`` (``plain``, ``colour``): ``kept`` holds
    the blocks of the folders whose files are all as they were; ``rows`` gives the others'.
    With ``summaries``, the same for what ``queue`` or ``stats`` (the ``variant``) kept of
    each folder (``caches/folder_summaries_cache.py``) instead of ``list``'s text."""

    def __init__(
        self,
        store: NoteStore,
        scan: Scan,
        keys: list[bytes],
        variant: str,
        summaries: bool = False,
    ) -> None:
        self.store, self.scan, self.keys, self.variant = store, scan, keys, variant
        self.rows_cache = store.caches().list_rows()
        self.blocks: Any = self.rows_cache.summaries() if summaries else self.rows_cache.blocks()
        self.groups: list[tuple[str, int, int]] = []  # each year folder, its range of found
        self.kept: dict[str, Any] = {}  # YearBlock, or FolderSummary with summaries
        self.unsettled: set[str] = set()  # folders with a file too fresh or unreadable
        found = scan.found
        start = 0
        while start < len(found):
            year = found[start].partition("/")[0]
            block = self.blocks.read(year, variant)
            end = -1
            if block is not None:  # the same paths as kept, and no more of this year after them
                end = start + block.paths.count("\0") + 1
                if "\0".join(found[start:end]) != block.paths or (
                    end < len(found) and found[end].startswith(year + "/")
                ):
                    end = -1
                elif block.keys == b"".join(keys[start:end]):
                    self.kept[year] = block
            if end < 0:
                end = year_end(found, start)
            self.groups.append((year, start, end))
            start = end
        self.layout, self.layout_data = load_layout(
            store, self.rows_cache.real_root, scan.started_ns
        )
        # Library.layout() reads the layout data held by the store: hold it now.
        store.remember_load(scan, keys, self.layout, self.layout_data, [], settled=False)

    def rows(
        self, years: list[str], row_of: RowMaker
    ) -> dict[str, tuple[list[Row], list[Problem]]] | None:
        """The rows (scan order) and problems of the folders ``years``, from the kept rows
        where a file did not change (the others read, parsed and kept); None when so many
        are missing that loading every note costs less (``row_listing.too_many_missing``)."""
        ranges = [(year, start, end) for year, start, end in self.groups if year in years]
        found, keys = self.scan.found, self.keys
        some_found = [rel for _, start, end in ranges for rel in found[start:end]]
        some_keys = [key for _, start, end in ranges for key in keys[start:end]]
        with gc_paused():
            load = RowsLoad(self.rows_cache, some_found, some_keys, every_year=False)
        if too_many_missing(self.store, load, len(found)):
            return None
        racy, _, vanished = make_missing_rows(self.store, self.scan.started_ns, load, row_of)
        if vanished:  # deleted or moved meanwhile: the full path lists the folder again
            return None
        load.write(racy)
        got: dict[str, tuple[list[Row], list[Problem]]] = {}
        for year, (start, end) in load.groups.items():
            made: list[Row] = load.rows[start:end]  # type: ignore[assignment]  # all made now
            if any(i in racy for i in range(start, end)) or any(r[0] == UNKNOWN for r in made):
                self.unsettled.add(year)
            notes = [row for row in made if row[1] is not None]
            problems = [
                Problem(rel, row[2][0], row[2][1])
                for rel, row in zip(some_found[start:end], made, strict=True)
                if row[1] is None
            ]
            got[year] = notes, problems
        return got

    def block(  # noqa: PLR0913 - the parts of a block
        self,
        year: str,
        order: bytes,
        column: int,
        widest: int,
        years: tuple[int, ...],
        problems: list[Problem],
        text: str,
    ) -> YearBlock:
        """A block for the folder ``year`` as the scan found it."""
        paths, keys = self.folder_state(year)
        kept = [(p.path, p.line, p.message) for p in problems]
        return YearBlock(paths, keys, order, column, widest, years, kept, text)

    def summary(
        self, year: str, order: bytes, problems: list[Problem], data: object
    ) -> FolderSummary:
        """A summary (``data``) of the folder ``year`` as the scan found it."""
        paths, keys = self.folder_state(year)
        kept = [(p.path, p.line, p.message) for p in problems]
        return FolderSummary(paths, keys, order, kept, data)

    def folder_state(self, year: str) -> tuple[str, bytes]:
        """The paths (joined by NULs) and stat keys (joined) of the folder ``year``."""
        start, end = next((s, e) for y, s, e in self.groups if y == year)
        return "\0".join(self.scan.found[start:end]), b"".join(self.keys[start:end])

    def keep(self, made: dict[str, Any]) -> None:
        """Write the blocks ``made`` whose files all settled (the racy rule, readable)."""
        for year, block in made.items():
            if year not in self.unsettled:
                self.blocks.write(year, self.variant, block)

    def finish(self, made: dict[str, Any], unread: list[Problem]) -> None:
        """Keep the blocks ``made`` and drop those of folders gone; tell the store what a
        load would have (``unread``: the notes that do not parse, in scan order)."""
        self.keep(made)
        now = {year for year, _, _ in self.groups}
        self.blocks.drop(self.blocks.years() - now)
        for year in self.rows_cache.years() - now:
            self.rows_cache.remove(year)
        # As NoteStore.load_layout: document.yaml changed since it was stat-ed (the order
        # may come from the new file) leaves no state to keep the output for.
        layout_now = stat_key_or_none(self.store.root / LAYOUT_FILE)
        settled = not self.unsettled and self.layout.stats_settled
        settled = settled and layout_now == self.layout.layout_key
        self.store.remember_load(
            self.scan, self.keys, self.layout, self.layout_data, unread, settled
        )


def blocks_load(
    store: NoteStore, scan: Scan, variant: str, summaries: bool = False
) -> BlocksLoad | None:
    """The kept blocks (or ``summaries``) of ``scan`` (``BlocksLoad``); None when caching is
    off or a file cannot be stat-ed (a full load reports it)."""
    if store.caches().list_rows().folder is None:
        return None
    keys = scan_keys(scan)
    if keys is None:
        return None
    return BlocksLoad(store, scan, keys, variant, summaries)
