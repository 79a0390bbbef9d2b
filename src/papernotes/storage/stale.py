"""Cached copies of a note that its file no longer matches, though its stat is unchanged.

The caches trust a file whose stat is unchanged (``cache.py``), and a write that keeps size,
times and inode (an ``mmap`` write on tmpfs) goes unseen. When a fresh read of the file shows
it (a write re-reading its note under the lock, ``check`` reading every note), the cached
copies are dropped: the library cache's entry, and every kept ``list`` output.
"""

from __future__ import annotations

from papernotes.storage.cache import LibraryCache


def forget_cached(real_root: str, rels: list[str]) -> None:
    """Drop the library cache's entries for ``rels`` and every kept view of the library."""
    from papernotes.storage.views import ViewCache  # not imported by commands that never list

    if rels:
        LibraryCache.for_library(real_root).forget(real_root, rels)
    ViewCache.for_library(real_root).clear()
