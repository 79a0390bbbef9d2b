"""One cache file per year folder and variant (``2020.plain``, ``2020.queue``) in a folder of
the user cache, each behind a header and a checksum (``checked_file``), holding ``marshal``
data that names its library, year and variant: what ``list``'s text blocks and the
``queue``/``stats`` summaries keep (``list_blocks_cache.py``, ``folder_summaries_cache.py``).
``folder`` None: caching is off; every method swallows cache trouble (a file that does not
read holds nothing)."""

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


class VariantFiles:
    """The files of one library's cache folder, by year folder and variant."""

    variants: tuple[str, ...] = ()
    """Every variant a year folder may have a file of (``drop`` removes them all)."""

    def __init__(self, folder: Path | None, real_root: str, header: bytes) -> None:
        self.folder, self.real_root, self.header = folder, real_root, header

    def read_parts(self, year: str, variant: str) -> object | None:
        """The parts kept for the folder ``year`` in ``variant``; None when none read."""
        if self.folder is None:
            return None
        path = self.folder / f"{year}.{variant}"
        return read_variant_parts(path, self.header, self.real_root, year, variant)

    def write_parts(self, year: str, variant: str, parts: object) -> bool:
        """Keep ``parts`` for the folder ``year`` in ``variant``; False on any failure."""
        if self.folder is None:
            return False
        try:
            payload = marshal.dumps((self.real_root, year, variant, parts))  # type: ignore[arg-type]
        except (ValueError, TypeError):
            return False
        return write_checked(self.folder / f"{year}.{variant}", self.header, payload)

    def years(self) -> set[str]:
        """The year folders that have a file of any variant."""
        if self.folder is None:
            return set()
        try:
            names = [e.name for e in os.scandir(self.folder)]
        except OSError:
            return set()
        return {n.rpartition(".")[0] for n in names if not n.startswith(CACHE_TEMP_PREFIX)}

    def drop(self, years: Iterable[str]) -> None:
        """Drop every variant's file of the folders ``years``."""
        if self.folder is None:
            return
        for year in years:
            for variant in self.variants:
                with contextlib.suppress(OSError):
                    remove_checked(self.folder / f"{year}.{variant}")

    def clear(self) -> None:
        """Drop every file."""
        self.drop(self.years())
