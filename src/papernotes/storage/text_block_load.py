"""``list --json`` and ``export --md`` through the text kept per year folder
(``caches/text_blocks_cache.py``): the year folders of a scan with their kept blocks, the
notes that changed read, and the store told afterwards what a ``load`` would have told it,
for the library layer (``library/text_blocks.py``) to check, order and render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.model import Note, Problem
from papernotes.storage.caches.note_cache import is_racy
from papernotes.storage.caches.text_blocks_cache import TextBlock, TextBlocksCache
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.note_folder import Group, stat_key_or_none, year_groups
from papernotes.storage.row_listing import load_layout, scan_keys

if TYPE_CHECKING:
    from papernotes.storage.caches.note_cache import StatKey
    from papernotes.storage.note_folder import Scan
    from papernotes.storage.store import NoteStore


def text_blocks(store: NoteStore) -> TextBlocksCache:
    """The kept text blocks, under the kept outputs' header (the code stamp)."""
    return TextBlocksCache.for_library(store.caches().real_root, store.list_output_cache().header())


class TextBlocksLoad:
    """One ``list --json`` or ``export --md`` of ``scan`` (stat keys ``keys``) in ``variant``
    through the kept blocks: ``groups`` are its year folders."""

    def __init__(
        self, store: NoteStore, scan: Scan, keys: list[StatKey], groups: list[Group], variant: str
    ) -> None:
        self.store, self.scan, self.keys, self.groups = store, scan, keys, groups
        self.variant = variant
        self.cache = text_blocks(store)
        self.layout, self.layout_data = load_layout(
            store, store.caches().real_root, scan.started_ns
        )
        # Library.layout() reads the layout data held by the store: hold it now.
        store.remember_load(scan, keys, self.layout, self.layout_data, [], settled=False)
        self.settled = True
        """False once a note read now changed too recently (the racy rule)."""

    def files(self, start: int, end: int) -> tuple[str, bytes]:
        """The paths (joined by NULs) and stat keys (joined) of the notes ``start:end``."""
        return "\0".join(self.scan.found[start:end]), b"".join(self.keys[start:end])

    def block(self, folder: str) -> TextBlock | None:
        return self.cache.read(folder, self.variant)

    def read(self, index: int) -> Note:
        """The note at ``index`` of the scan read now (``NoteFormatError``, ``OSError``)."""
        if is_racy(self.keys[index], self.scan.started_ns):
            self.settled = False
        return self.store.read(self.scan.found[index])

    def settled_key(self, key: StatKey) -> bytes:
        """``key``, or none (read again next time) when its note changed too recently."""
        return b"" if is_racy(key, self.scan.started_ns) else key

    def racy(self, start: int, end: int) -> bool:
        """Whether a note of ``start:end`` changed too recently to keep a text made of it."""
        return any(is_racy(key, self.scan.started_ns) for key in self.keys[start:end])

    def keep(self, folder: str, block: TextBlock, text: bytes) -> None:
        self.cache.write(folder, self.variant, block, text)

    def finish(self, unread: list[Problem]) -> None:
        """Tell the store what a load would have (``unread``: the notes that do not parse,
        in scan order)."""
        layout_now = stat_key_or_none(self.store.root / LAYOUT_FILE)
        settled = self.settled and self.layout.stats_settled
        settled = settled and layout_now == self.layout.layout_key
        self.store.remember_load(
            self.scan, self.keys, self.layout, self.layout_data, unread, settled
        )


def text_blocks_load(store: NoteStore, scan: Scan, variant: str) -> TextBlocksLoad | None:
    """The load of ``scan`` through the kept blocks; None when caching is off, a file cannot
    be stat-ed or the notes are not in year folders of their own."""
    if text_blocks(store).folder is None:
        return None
    groups = year_groups(scan.found)
    if groups is None:
        return None
    keys = scan_keys(scan)
    if keys is None:
        return None
    return TextBlocksLoad(store, scan, keys, groups, variant)
