"""What ``queue`` and ``stats`` worked out of each year folder's rows, so that after an edit
they work out only the edited folder again and join the others' as they were kept.

Beside the kept rows (``list_rows_cache.py``; ``<hash of the library's path>.summaries/``),
one file per year folder and variant (``2020.queue``, ``2020.stats``) holding the folder's
note paths (joined by NULs) and their stat keys (joined) when the summary was made, the
digest of the document order it was made with (``b""`` when it does not depend on it), the
problems of the notes that do not parse (path, line, message) and the summary itself
(``marshal`` data: ``library/queue_blocks.py`` and ``library/stats_blocks.py`` say what).
A summary is offered only for a folder whose paths and stat keys are the scan's
(``storage/block_listing.py``); the header is the kept rows' (the note cache's header and
the code stamp of every module), so a summary made by other code is never read.
``ListRowsCache.forget`` and ``clear`` drop the summaries with the rows they were made from.
A missing, damaged or other-code file reads as none.
"""

from __future__ import annotations

from pathlib import Path

from papernotes.storage.caches.variant_files import VariantFiles

SUMMARIES_FORMAT = 1
Kept = tuple[str, int, str]
"""A problem as kept: path, line, message."""
VARIANTS = ("queue", "stats")


class FolderSummary:
    """What a command worked out of one year folder's rows, and what it was made from."""

    __slots__ = ("paths", "keys", "order", "problems", "data")

    def __init__(
        self, paths: str, keys: bytes, order: bytes, problems: list[Kept], data: object
    ) -> None:
        self.paths, self.keys, self.order = paths, keys, order
        """The folder's note paths joined by NULs, their stat keys joined, and the digest of
        the document order the summary was made with (``b""``: made without it)."""
        self.problems, self.data = problems, data

    def parts(self) -> tuple[str, bytes, bytes, list[Kept], object]:
        return self.paths, self.keys, self.order, self.problems, self.data


class FolderSummariesCache(VariantFiles):
    """The kept summaries of one library (``folder`` None: caching is off); every method
    swallows cache trouble (a file that does not read holds no summary)."""

    variants = VARIANTS

    def __init__(self, folder: Path | None, real_root: str, header: bytes) -> None:
        own = f"summaries format {SUMMARIES_FORMAT}\n".encode()
        super().__init__(folder, real_root, header + own)

    def read(self, year: str, variant: str) -> FolderSummary | None:
        """The summary kept for the folder ``year`` in ``variant``; None when none reads."""
        parts = self.read_parts(year, variant)
        try:
            summary = FolderSummary(*parts)  # type: ignore[misc]
        except TypeError:  # None, or not the parts of a summary
            return None
        typed = (str, bytes, bytes, list)
        if not all(isinstance(v, t) for v, t in zip(summary.parts(), typed, strict=False)):
            return None
        return summary

    def write(self, year: str, variant: str, summary: FolderSummary) -> bool:
        """Keep ``summary`` for the folder ``year`` in ``variant``; False on any failure."""
        return self.write_parts(year, variant, summary.parts())
