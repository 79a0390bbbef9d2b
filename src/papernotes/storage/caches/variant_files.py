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
    """The variants a year folder has a file of, but for those named by their user (the
    chosen papers' summaries: ``library/chosen_blocks.py``); ``drop`` removes them all."""

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
        """Drop every variant's file of the folders ``years`` (whatever its variant)."""
        if self.folder is None:
            return
        wanted = set(years)
        if not wanted:
            return
        try:
            names = [e.name for e in os.scandir(self.folder)]
        except OSError:
            names = [f"{year}.{variant}" for year in wanted for variant in self.variants]
        for name in names:
            if name.rpartition(".")[0] in wanted and not name.startswith(CACHE_TEMP_PREFIX):
                with contextlib.suppress(OSError):
                    remove_checked(self.folder / name)

    def prune(self, prefix: str, keep: int, written: str) -> None:
        """Drop the files of the variants starting with ``prefix`` but the ``keep`` most
        recently written ones and ``written``: variants named by their user's options
        (``library/chosen_blocks.py``), never many."""
        if self.folder is None:
            return
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.partition(".")[2]]
            latest: dict[str, int] = {}
            for entry in entries:
                variant = entry.name.rpartition(".")[2]
                if variant.startswith(prefix) and variant != written:
                    when = entry.stat().st_mtime_ns
                    latest[variant] = max(latest.get(variant, 0), when)
        except OSError:
            return
        dropped = sorted(latest, key=latest.__getitem__, reverse=True)[max(keep - 1, 0) :]
        for entry in entries:
            if entry.name.rpartition(".")[2] in dropped:
                with contextlib.suppress(OSError):
                    remove_checked(Path(entry.path))

    def clear(self) -> None:
        """Drop every file."""
        self.drop(self.years())
