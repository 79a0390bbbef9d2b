"""A cache dict (note path -> entry) kept as many small files, so a change rewrites one of them.

The entries of a library are split by a hash of their path into ``SHARDS`` files in one folder
(``<folder>/00`` … ``<folder>/3f``), each a ``checked_file`` (header, CRC-32, then ``marshal``
data naming the library and the shard's number). A load reads every file there is; a write
replaces only the files whose entries changed, each atomically. A shard that is missing,
torn, damaged, a FIFO, or from other code reads as empty: its notes are read again and the
shard is rewritten. Each entry is validated by its own key (a stat, a digest) by the cache
that uses this, so a folder mixing shards written by different processes is still correct.
"""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from papernotes.storage.checked_file import (
    CACHE_TEMP_PREFIX,
    checked_crc,
    read_checked,
    remove_checked,
    write_checked,
)

SHARDS = 64
"""Enough that rewriting one after an edit costs little at 100,000 notes (about 1,600 notes,
1.3 MB each), few enough that a small library's load opens few files."""


def shard_of(path: str) -> int:
    """The shard the entry of ``path`` lives in."""
    return zlib.crc32(path.encode("utf-8", "surrogatepass")) % SHARDS


def shard_groups(paths: list[str], most: int) -> list[list[int]]:
    """The positions of ``paths`` in groups, each shard's paths in one group and each group
    of whole shards holding at most ``most`` paths where a shard allows, positions in
    order: asking for one group at a time reads every shard once and holds about ``most``
    entries (``most`` paths or fewer: one group, in their order)."""
    by_shard: dict[int, list[int]] = {}
    for i, path in enumerate(paths):
        by_shard.setdefault(shard_of(path), []).append(i)
    groups: list[list[int]] = []
    group: list[int] = []
    for shard in sorted(by_shard):
        if group and len(group) + len(by_shard[shard]) > most:
            groups.append(sorted(group))
            group = []
        group += by_shard[shard]
    if group:
        groups.append(sorted(group))
    return groups


def shared_strings(value: Any, memo: dict[str, str]) -> Any:
    """``value`` with each string equal to an earlier one replaced by that one (in dicts,
    tuples and lists): ``marshal`` writes a repeated object once, so loading makes one string
    for each author, venue, tag or date a shard repeats instead of one per note."""
    kind = type(value)
    if kind is str:
        return memo.setdefault(value, value)
    if kind is dict:
        return {k: shared_strings(v, memo) for k, v in value.items()}
    if kind is tuple:
        return tuple(shared_strings(v, memo) for v in value)
    if kind is list:
        return [shared_strings(v, memo) for v in value]
    return value


class ShardedEntries:
    """The shard files of one cache in ``folder`` (None: caching is off); every method
    swallows cache trouble (a shard that does not read is empty, a write that fails is
    skipped)."""

    def __init__(self, folder: Path | None, head: bytes, real_root: str) -> None:
        self.folder = folder
        self.head = head
        self.real_root = real_root
        self.read_keys: list[set[str]] = [set() for _ in range(SHARDS)]
        """The paths each shard held when read (a shard whose path went must be rewritten)."""

    def read(self) -> dict[str, Any]:
        """Every entry of every shard that reads."""
        entries: dict[str, Any] = {}
        if self.folder is None:
            return entries
        try:
            names = [e.name for e in os.scandir(self.folder)]
        except OSError:
            return entries
        for name in names:
            if len(name) != 2 or name.startswith(CACHE_TEMP_PREFIX):
                continue
            try:
                index = int(name, 16)
            except ValueError:
                continue
            if index >= SHARDS or name != f"{index:02x}":
                continue
            shard = self._read_shard(index)
            if shard:
                entries.update(shard)
                self.read_keys[index] = set(shard)
        return entries

    def entries_of(self, paths: Iterable[str]) -> dict[str, Any]:
        """The entries of ``paths`` there are, read a shard at a time (only the shards
        holding them, each let go before the next: never every entry at once)."""
        wanted: dict[int, list[str]] = {}
        for path in paths:
            wanted.setdefault(shard_of(path), []).append(path)
        found: dict[str, Any] = {}
        if self.folder is None:
            return found
        for index, in_shard in sorted(wanted.items()):
            shard = self._read_shard(index) or {}
            for path in in_shard:
                if path in shard:
                    found[path] = shard[path]
            del shard
        return found

    def shard(self, index: int) -> dict[str, Any]:
        """The entries of shard ``index`` (none when it does not read)."""
        if self.folder is None:
            return {}
        return self._read_shard(index) or {}

    def crcs(self) -> list[tuple[int, int] | None] | None:
        """Each shard file's checksum and size (None: no file, an empty shard), every file
        read whole and checked but none unpacked (``check``: 45 MB at 100,000 notes, 40 ms);
        None when a file does not read intact (damaged, torn, a FIFO)."""
        if self.folder is None:
            return None
        try:
            names = {e.name for e in os.scandir(self.folder)}
        except FileNotFoundError:
            names = set()
        except OSError:
            return None
        found: list[tuple[int, int] | None] = []
        for index in range(SHARDS):
            name = f"{index:02x}"
            if name not in names:
                found.append(None)
                continue
            crc = checked_crc(self.folder / name, self.head)
            if crc is None:
                return None
            found.append(crc)
        return found

    def _read_shard(self, index: int) -> dict[str, Any] | None:
        assert self.folder is not None
        payload = read_checked(self.folder / f"{index:02x}", self.head)
        if payload is None:
            return None
        try:
            root, kept_index, shard = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        if root != self.real_root or kept_index != index or not isinstance(shard, dict):
            return None
        return shard

    def changed_shards(
        self, entries: dict[str, Any], changed: Iterable[str]
    ) -> dict[int, list[str]]:
        """The shards to rewrite so that they hold exactly ``entries``, each with the paths of
        ``changed`` in it, given that the entries of ``changed`` may differ from what was read
        and every other entry is as read."""
        dirty: dict[int, list[str]] = {}
        for path in changed:
            dirty.setdefault(shard_of(path), []).append(path)
        for index, keys in enumerate(self.read_keys):
            if index not in dirty and any(path not in entries for path in keys):
                dirty[index] = []
        return dirty

    def write(self, entries: dict[str, Any], changed: Iterable[str]) -> bool:
        """Make the shards hold exactly ``entries``, rewriting only those that differ (see
        ``changed_shards``); False when some could not be written. One shard's dict is made
        at a time (a first load at 100,000 notes writes them all: no set of every path, no
        dict of every entry besides ``entries``)."""
        if self.folder is None:
            return False
        dirty = self.changed_shards(entries, changed)
        ok = True
        for index in sorted(dirty):
            shard = {path: entries[path] for path in self.read_keys[index] if path in entries}
            for path in dirty[index]:
                if path in entries:
                    shard[path] = entries[path]
            ok = self._write_shard(index, shard) and ok
            self.read_keys[index] = set(shard)
        return ok

    def add(self, entries: dict[str, Any]) -> bool:
        """Add ``entries`` to the shards they belong in, each shard read and written back
        alone, its other entries kept as they are; False when some could not be written."""
        if self.folder is None:
            return False
        by_shard: dict[int, dict[str, Any]] = {}
        for path, entry in entries.items():
            by_shard.setdefault(shard_of(path), {})[path] = entry
        ok = True
        for index, added in sorted(by_shard.items()):
            shard = self._read_shard(index) or {}
            shard.update(added)
            ok = self._write_shard(index, shard) and ok
        return ok

    def _write_shard(self, index: int, shard: dict[str, Any]) -> bool:
        assert self.folder is not None
        path = self.folder / f"{index:02x}"
        if not shard:  # no file is an empty shard
            return remove_checked(path)
        try:
            payload = marshal.dumps((self.real_root, index, shared_strings(shard, {})))
        except (ValueError, TypeError):
            return False
        return write_checked(path, self.head, payload)
