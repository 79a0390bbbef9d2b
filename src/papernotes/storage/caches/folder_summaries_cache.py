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

import contextlib
import marshal
import os
from collections.abc import Iterable
from pathlib import Path

from papernotes.storage.checked_file import (
    CACHE_TEMP_PREFIX,
    read_variant_parts,
    remove_checked,
    write_checked,
)

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


class FolderSummariesCache:
    """The kept summaries of one library (``folder`` None: caching is off); every method
    swallows cache trouble (a file that does not read holds no summary)."""

    def __init__(self, folder: Path | None, real_root: str, header: bytes) -> None:
        self.folder, self.real_root = folder, real_root
        self.header = header + f"summaries format {SUMMARIES_FORMAT}\n".encode()

    def read(self, year: str, variant: str) -> FolderSummary | None:
        """The summary kept for the folder ``year`` in ``variant``; None when none reads."""
        if self.folder is None:
            return None
        path = self.folder / f"{year}.{variant}"
        parts = read_variant_parts(path, self.header, self.real_root, year, variant)
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
        if self.folder is None:
            return False
        try:
            payload = marshal.dumps((self.real_root, year, variant, summary.parts()))  # type: ignore[arg-type]
        except (ValueError, TypeError):
            return False
        return write_checked(self.folder / f"{year}.{variant}", self.header, payload)

    def years(self) -> set[str]:
        """The year folders that have a summary of any variant."""
        if self.folder is None:
            return set()
        try:
            names = [e.name for e in os.scandir(self.folder)]
        except OSError:
            return set()
        return {n.rpartition(".")[0] for n in names if not n.startswith(CACHE_TEMP_PREFIX)}

    def drop(self, years: Iterable[str]) -> None:
        """Drop every variant's summary of the folders ``years``."""
        if self.folder is None:
            return
        for year in years:
            for variant in VARIANTS:
                with contextlib.suppress(OSError):
                    remove_checked(self.folder / f"{year}.{variant}")

    def clear(self) -> None:
        """Drop every summary."""
        self.drop(self.years())
