"""The text the default ``list`` printed for each year folder, so that ``list`` after an edit
renders only the edited year's lines and reuses the other years' text as it is.

Beside the kept rows (``list_rows_cache.py``; ``<hash of the library's path>.blocks/``), one
file per year folder and variant (``2020.plain``, ``2020.colour``) holding the folder's note
paths (joined by NULs) and their stat keys (joined) when the text was made, the digest of the
document order it was ordered by, the name column's width it was rendered with and the
widest name among its rows, the paper years of its rows, the problems of the notes that do
not parse (path, line, message) and the text itself (its lines joined by newlines). A block
is used only for a folder whose paths and stat keys are the scan's, with the same document
order and name column (``library/list_blocks.py`` checks those two); the header is the kept
rows' (the note cache's header and the code stamp of every module), so text rendered by
other code is never printed. ``ListRowsCache.forget`` and ``clear`` drop the blocks with the
rows they were made from. A missing, damaged or other-code file reads as none.
"""

from __future__ import annotations

from pathlib import Path

from papernotes.storage.caches.variant_files import VariantFiles

BLOCKS_FORMAT = 1
Kept = tuple[str, int, str]
"""A problem as kept: path, line, message."""
VARIANTS = ("plain", "colour")
"""The texts kept: without and with colour (``list`` to a terminal)."""


class YearBlock:
    """The kept ``list`` text of one year folder, and what it was made from."""

    __slots__ = ("paths", "keys", "order", "column", "widest", "years", "problems", "text")

    def __init__(  # noqa: PLR0913 - one parameter per part of the block
        self,
        paths: str,
        keys: bytes,
        order: bytes,
        column: int,
        widest: int,
        years: tuple[int, ...],
        problems: list[Kept],
        text: str,
    ) -> None:
        self.paths, self.keys, self.order = paths, keys, order
        """The folder's note paths joined by NULs, their stat keys joined, and the digest of
        the document order the rows were ordered by."""
        self.column, self.widest, self.years = column, widest, years
        """The name column's width the text was rendered with, the widest name of its rows,
        and the distinct paper years of its rows (none when every note failed to parse)."""
        self.problems, self.text = problems, text

    def parts(self) -> tuple[str, bytes, bytes, int, int, tuple[int, ...], list[Kept], str]:
        return (
            self.paths,
            self.keys,
            self.order,
            self.column,
            self.widest,
            self.years,
            self.problems,
            self.text,
        )


class ListBlocksCache(VariantFiles):
    """The kept ``list`` text blocks of one library (``folder`` None: caching is off); every
    method swallows cache trouble (a file that does not read holds no block)."""

    variants = VARIANTS

    def __init__(self, folder: Path | None, real_root: str, header: bytes) -> None:
        super().__init__(folder, real_root, header + f"blocks format {BLOCKS_FORMAT}\n".encode())

    def read(self, year: str, variant: str) -> YearBlock | None:
        """The block kept for the folder ``year`` in ``variant``; None when none reads."""
        parts = self.read_parts(year, variant)
        try:
            block = YearBlock(*parts)  # type: ignore[misc]
        except TypeError:  # None, or not the parts of a block
            return None
        typed = (str, bytes, bytes, int, int, tuple, list, str)
        if not all(isinstance(v, t) for v, t in zip(block.parts(), typed, strict=True)):
            return None
        return block

    def write(self, year: str, variant: str, block: YearBlock) -> bool:
        """Keep ``block`` for the folder ``year`` in ``variant``; False on any failure."""
        return self.write_parts(year, variant, block.parts())
