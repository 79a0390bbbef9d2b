"""The text the default ``export --bib`` printed for each year folder, so that an export after an
edit renders only the edited folder's entries and reuses the other folders' text as it is.

One file per year folder and variant (``2020.0``, ``2020.1``: without and with ``--ascii``) in
``<hash of the library's path>.bibblocks/``, holding the folder's note paths (joined by NULs)
and their stat keys (joined) when the text was made, the venue table's digest, the paper years
of its entries, the short titles of its entries without authors, every short title and those
labelled by their whole title (``write.ordered_by_facts``: the other folders decide), the
problems of its notes that do not parse, the text (its entries in order, joined as the export
joins them) and the digest of its entries, which a second file (``2020.0.entries``, written
first) holds, read only to make the folder again: path -> stat key, digest, facts, whether
labelled by the whole title, text. ``library/bib_blocks.py`` uses a block only for a folder
whose paths and stat keys are the scan's; the header is the kept outputs' (the code stamp of
every module), so text made by other code is never printed. A missing, damaged or other-code
file reads as none; ``LibraryCaches.forget_outputs`` drops them all.
"""

from __future__ import annotations

import marshal
from pathlib import Path

from papernotes.blake2 import blake2b
from papernotes.storage.caches.bib_entries_cache import ExportFacts
from papernotes.storage.caches.location import cache_path
from papernotes.storage.checked_file import (
    clear_folder,
    read_checked,
    read_variant_parts,
    write_checked,
)

BLOCKS_FORMAT = 1
Kept = tuple[str, int, str]
"""A problem as kept: path, line, message."""
BlockEntry = tuple[bytes, str, ExportFacts, bool, str]
"""A note's stat key, digest, export facts, whether labelled by its whole title, text."""


class BibBlock:
    """The kept ``export --bib`` text of one year folder, and what it was made from."""

    __slots__ = (
        "paths",
        "keys",
        "table",
        "years",
        "authorless",
        "labels",
        "long",
        "problems",
        "text",
        "entries",
    )

    def __init__(  # noqa: PLR0913 - one parameter per part of the block
        self,
        paths: str,
        keys: bytes,
        table: str,
        years: tuple[int, ...],
        authorless: list[str],
        labels: str,
        long: list[str],
        problems: list[Kept],
        text: str,
        entries: bytes,
    ) -> None:
        self.paths, self.keys, self.table = paths, keys, table
        """The folder's note paths joined by NULs, their stat keys joined, and the digest of
        the venue table the entries were rendered with."""
        self.years, self.authorless = years, authorless
        """The distinct paper years of the entries, and the short titles of those without
        authors (one per entry)."""
        self.labels, self.long = labels, long
        """Every entry's short title (distinct, joined by newlines) and the ones labelled by
        their whole title, sorted."""
        self.problems, self.text = problems, text
        self.entries = entries
        """``marshal`` data: path -> ``BlockEntry`` (a block made now), or its BLAKE2b digest
        (a block read: the data is in the entries file, read by ``BibBlocksCache.entries``)."""

    def parts(
        self,
    ) -> tuple[str, bytes, str, tuple[int, ...], list[str], str, list[str], list[Kept], str, bytes]:
        return (
            self.paths,
            self.keys,
            self.table,
            self.years,
            self.authorless,
            self.labels,
            self.long,
            self.problems,
            self.text,
            self.entries,
        )


_TYPES = (str, bytes, str, tuple, list, str, list, list, str, bytes)


def _digest(data: bytes | memoryview) -> bytes:
    return blake2b(data, digest_size=16).digest()


class BibBlocksCache:
    """The kept ``export --bib`` blocks of one library (``folder`` None: caching is off);
    every method swallows cache trouble (a file that does not read holds no block)."""

    def __init__(self, folder: Path | None, real_root: str, header: bytes) -> None:
        self.folder, self.real_root = folder, real_root
        self.header = header + f"bib blocks format {BLOCKS_FORMAT}\n".encode()

    @classmethod
    def for_library(cls, real_root: str, header: bytes) -> BibBlocksCache:
        return cls(cache_path(real_root, ".bibblocks"), real_root, header)

    def read(self, year: str, variant: str) -> BibBlock | None:
        """The block kept for the folder ``year`` in ``variant``; None when none reads."""
        if self.folder is None:
            return None
        path = self.folder / f"{year}.{variant}"
        parts = read_variant_parts(path, self.header, self.real_root, year, variant)
        try:
            block = BibBlock(*parts)  # type: ignore[misc]
        except TypeError:  # None, or not the parts of a block
            return None
        if not all(isinstance(v, t) for v, t in zip(block.parts(), _TYPES, strict=True)):
            return None
        return block

    def entries(self, year: str, variant: str, block: BibBlock) -> dict[str, BlockEntry]:
        """The entries of ``block`` (read for the folder ``year`` in ``variant``) by path;
        empty when they do not read or are not the block's."""
        if self.folder is None:
            return {}
        payload = read_checked(self.folder / f"{year}.{variant}.entries", self.header)
        if payload is None or _digest(payload) != block.entries:
            return {}
        try:
            entries = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def write(self, year: str, variant: str, block: BibBlock) -> bool:
        """Keep ``block`` (made now: its entries' data in ``entries``) for the folder ``year``
        in ``variant``; False on any failure."""
        if self.folder is None:
            return False
        parts = (*block.parts()[:-1], _digest(block.entries))
        try:
            payload = marshal.dumps((self.real_root, year, variant, parts))
        except (ValueError, TypeError):
            return False
        base = self.folder / f"{year}.{variant}"
        return write_checked(
            base.with_name(base.name + ".entries"), self.header, block.entries
        ) and write_checked(base, self.header, payload)

    def clear(self) -> None:
        """Drop every block."""
        clear_folder(self.folder)
