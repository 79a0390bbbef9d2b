"""One load of a library through its note cache (``note_cache.py``): the entries read, the
files whose stat changed read and parsed, the shards rewritten when anything differed.

Also the first load of a large library, whose entries are made one shard at a time before
the notes are built from them (``NoteCacheLoad.fill``), and ``document.yaml``'s entry.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from pathlib import Path

from papernotes.blake2 import blake2b
from papernotes.gc_pause import gc_paused
from papernotes.model import Note, Problem
from papernotes.storage.caches.note_cache import (
    Entry,
    LayoutEntry,
    NoteCache,
    StatKey,
    is_gone,
    is_racy,
    marshallable,
    note_of,
    paper_from_fields,
    slim_note,
    stat_key,
)
from papernotes.storage.caches.shards import shard_of
from papernotes.storage.note_format import NoteFormatError
from papernotes.storage.regular_file import read_regular

FILL_FROM = 20_000
"""From this many notes, a load with no entry kept makes them shard by shard first
(``NoteCacheLoad.fill``)."""


class NoteCacheLoad:
    """One load of a library through its cache: unchanged files come from the snapshot,
    the rest are read and parsed, and the snapshot is rewritten when anything differed."""

    def __init__(
        self,
        cache: NoteCache,
        real_root: str,
        started_ns: int,
        verify: bool = False,
        entries: bool = True,
        layout: LayoutEntry | None = None,
    ) -> None:
        """``entries=False``: for ``document.yaml``'s entry alone (the notes' shards unread);
        ``layout``: that entry as this process saw it last (else read from the cache)."""
        self.cache = cache
        self.verify = verify
        """Read every file, and repair the entries that disagree with it (``check``)."""
        self.repaired: list[str] = []
        """With ``verify``: the notes whose entry had their stat but not their content."""
        self.real_root = real_root
        self.started_ns = started_ns  # before any stat: the reference for racy files
        self.shards = cache.shards(real_root)
        self.old: dict[str, Entry] = {}
        if entries:
            self.read_entries()
        self.old_layout = layout or cache.read_layout(real_root)
        self.fresh: dict[str, Entry] = {}
        self.stored: list[str] = []  # the paths whose entry in fresh is new or repaired
        self.layout_entry: LayoutEntry | None = None
        self.dirty = False
        self.keys: list[StatKey] = []  # of the notes, in the order they were found
        self.layout_key: StatKey | None = None
        self.stats_settled = True
        """Whether every stat seen identifies the content read (no racy or unreadable file):
        only then may the folder state of this load key a kept output."""
        self.shared: dict[object, object] = {}
        """The values of ``SHARED_FIELDS`` this load read, each once (``shared_values``)."""
        self.vanished: list[str] = []
        """Paths listed but gone when stat-ed or read (deleted or moved meanwhile): not
        problems; the caller lists the folder again (``NoteStore.load``)."""

    def read_entries(self) -> None:
        """Read the notes' entries: at construction, or later for a load made without them
        (``entries=False``), once ``document.yaml`` is read (``NoteStore.load``)."""
        with gc_paused():
            self.old = self.shards.read()

    def fill(
        self,
        found: list[str],
        prefix: str,
        read: Callable[[str], Note],
        known_keys: list[StatKey] | None = None,
        then_read: bool = True,
    ) -> None:
        """A first load of a large library (no entry kept yet, ``FILL_FROM`` notes or more):
        parse the notes of ``found`` one shard at a time, writing each shard as it is made,
        then read the entries, so the load that follows is a warm one. A cold load otherwise
        holds every note's new entry beside the notes until it writes them all (``show``
        that makes the name index at 100,000 notes: 267 MB, 246 MB warm). A file that is
        racy, unreadable or gone is left out: the load reads it as usual."""
        by_shard: dict[int, list[int]] = {}
        for i, rel in enumerate(found):
            by_shard.setdefault(shard_of(rel), []).append(i)
        with gc_paused():
            for members in by_shard.values():
                entries: dict[str, Entry] = {}
                for i in members:
                    rel = found[i]
                    try:
                        key = (
                            known_keys[i]
                            if known_keys is not None
                            else stat_key(os.stat(prefix + rel))
                        )
                        if is_racy(key, self.started_ns):
                            continue
                        _, entry = slim_note(read(rel), key, self.shared)  # as ``_read`` keeps it
                    except NoteFormatError as exc:
                        entry = (key, None, (exc.line, exc.message))
                    except OSError:
                        continue
                    if entry is not None:
                        entries[rel] = entry
                self.shards.add(entries)
                del entries
        if then_read:  # (``visit`` reads them a shard at a time)
            self.read_entries()

    def notes(
        self,
        found: list[str],
        prefix: str,
        read: Callable[[str], Note],
        known_keys: list[StatKey] | None = None,
        read_changed: Callable[[str, str], Note | None] | None = None,
        file_digests: Callable[[str, list[str]], list[bytes]] | None = None,
    ) -> tuple[list[Note], list[Problem]]:
        """The notes at the ``found`` paths (relative: the file is ``prefix + path``) and the
        problems of those that do not read. ``known_keys``: their stat keys taken already
        (``NoteStore.state``), else each is stat-ed here (by path: ``DirEntry.stat`` would
        keep a stat object per note). ``read_changed`` (``NoteStore.read_changed``): with
        ``verify``, a file whose bytes have its entry's digest is not parsed again, since its
        entry was made by parsing those very bytes (the header names the code).
        ``file_digests(prefix, rels)`` (``storage/file_digests.py``), with ``verify``,
        ``read_changed`` and ``known_keys``: the digests of the files whose entry has their
        stat key, read and hashed first on two cores; a file read with its entry's digest
        is that entry's note, any other goes through ``read_changed`` as before."""
        notes: list[Note] = []
        problems: list[Problem] = []
        old, fresh, keys = self.old, self.fresh, self.keys
        stat = os.stat
        read_first = self._read_first(found, prefix, known_keys, read_changed, file_digests)
        with gc_paused():  # tens of thousands of new objects, none of them garbage
            for i, rel in enumerate(found):
                if known_keys is not None:
                    key = known_keys[i]
                else:
                    try:
                        key = stat_key(stat(prefix + rel))  # before reading: an edit changes it
                    except OSError as exc:
                        self.stats_settled = False
                        if not self._gone(prefix + rel, rel, exc):
                            problems.append(Problem(rel, 1, f"cannot read: {exc.strerror or exc}"))
                        continue
                keys.append(key)
                cached = old.get(rel)
                if cached is None or cached[0] != key:
                    result = self._read(rel, key, read, prefix)
                    if result is None:
                        continue
                elif self.verify:
                    first = read_first.digest(i)
                    result = self._read(rel, key, read, prefix, cached, read_changed, first)
                    if result is None:
                        continue
                    if fresh.get(rel) is not cached:  # the file read differs from its entry
                        self.repaired.append(rel)
                        self.stored.append(rel)  # even if the file is too recent to keep now
                        self.dirty = True
                    elif cached[1] is not None and read_changed is None:  # the same: built
                        result = note_of(paper_from_fields(cached[2]), rel, cached[1])  # from the
                        # entry, so the fields are held once, as an unverified load does
                elif cached[1] is None:
                    fresh[rel] = cached
                    result = Problem(rel, cached[2][0], cached[2][1])
                else:
                    fresh[rel] = cached
                    result = note_of(paper_from_fields(cached[2]), rel, cached[1])
                if isinstance(result, Problem):
                    problems.append(result)
                else:
                    notes.append(result)
        return notes, problems

    def visit(
        self,
        found: list[str],
        prefix: str,
        read: Callable[[str], Note],
        keys: list[StatKey],
        take: Callable[[int, Note], None],
    ) -> list[tuple[int, Problem]] | None:
        """``notes`` (``keys``: every stat key taken), each note handed to ``take`` with its
        place in ``found`` as soon as it is made and kept by nobody here: the entries are read
        one shard at a time (never every note at once), in shard order. The problems with
        their places; None when a file vanished meanwhile (the caller loads as usual). New
        entries are added to their shard as soon as it is done; entries of notes gone are
        left (a full load drops them), since none is used for a file whose stat is not its
        own."""
        by_shard: dict[int, list[int]] = {}
        for i, rel in enumerate(found):
            by_shard.setdefault(shard_of(rel), []).append(i)
        problems: list[tuple[int, Problem]] = []
        with gc_paused():
            for index, members in sorted(by_shard.items()):
                old = self.shards.shard(index)
                for i in members:
                    rel, key = found[i], keys[i]
                    cached = old.get(rel)
                    result: Note | Problem | None
                    if cached is None or cached[0] != key:
                        result = self._read(rel, key, read, prefix)
                        if result is None:
                            return None
                    elif cached[1] is None:
                        result = Problem(rel, cached[2][0], cached[2][1])
                    else:
                        result = note_of(paper_from_fields(cached[2]), rel, cached[1])
                    if isinstance(result, Problem):
                        problems.append((i, result))
                    else:
                        take(i, result)
                del old
                if self.fresh:  # the entries ``_read`` made, added to their shard now (read
                    self.shards.add(self.fresh)  # again: another process may have written it)
                    self.fresh.clear()
        self.keys = keys
        self.stored.clear()
        self.dirty = False  # ``finish`` then writes ``document.yaml``'s entry alone
        return problems

    def _read_first(
        self,
        found: list[str],
        prefix: str,
        known_keys: list[StatKey] | None,
        read_changed: Callable[[str, str], Note | None] | None,
        file_digests: Callable[[str, list[str]], list[bytes]] | None,
    ) -> _ReadFirst:
        """The digests ``file_digests`` gives of the files whose entry holds a note and has
        their stat key, by their position in ``found`` (none unless ``verify``)."""
        if not (self.verify and read_changed and known_keys is not None and file_digests):
            return _ReadFirst([], [], 0)
        old = self.old
        some = [
            i
            for i, (rel, key) in enumerate(zip(found, known_keys, strict=True))
            if (entry := old.get(rel)) is not None and entry[0] == key and entry[1]
        ]
        return _ReadFirst(some, file_digests(prefix, [found[i] for i in some]), len(found))

    def _read(
        self,
        rel: str,
        key: StatKey,
        read: Callable[[str], Note],
        prefix: str,
        cached: Entry | None = None,
        read_changed: Callable[[str, str], Note | None] | None = None,
        first: bytes | None = None,
    ) -> Note | Problem | None:
        """The note at ``rel`` or its problem; None when the file is gone (``vanished``).
        ``cached``: its entry, kept as it is (nothing to write) when the file still reads
        as that entry says (``verify``); ``read_changed`` finds that from the bytes' digest
        alone when the entry holds a note (``first``: that digest, worked out already)."""
        if is_racy(key, self.started_ns):
            self.stats_settled = False
        try:
            if cached is not None and cached[1] is not None and read_changed is not None:
                known = cached[1]  # ``first``: its file's digest, read on two cores already
                same = first is not None and first[:32] == known.encode()
                changed = None if same else read_changed(rel, known)
                if changed is None:  # the bytes the entry was parsed from
                    self.fresh[rel] = cached
                    return note_of(paper_from_fields(cached[2]), rel, cached[1])
                note = changed
            else:
                note = read(rel)
        except NoteFormatError as exc:
            self._store(rel, (key, None, (exc.line, exc.message)), cached)
            return Problem(rel, exc.line, exc.message)
        except OSError as exc:  # not cached: may be passing trouble
            self.stats_settled = False
            if self._gone(prefix + rel, rel, exc):
                return None
            return Problem(rel, 1, f"cannot read: {exc.strerror or exc}")
        slim, entry = slim_note(note, key, self.shared)
        if entry is not None:
            self._store(rel, entry, cached)
        return slim

    def _gone(self, path: str, rel: str, exc: OSError) -> bool:
        """``is_gone``, the file noted in ``vanished`` when it is."""
        if not is_gone(path, exc):
            return False
        self.vanished.append(rel)
        return True

    def layout_data(self, path: Path, parse: Callable[[str], object]) -> LayoutEntry | None:
        """``(stat key, parsed YAML, digest)`` of ``document.yaml``, or None when absent or
        unreadable. With ``verify`` the file is read, and parsed only when its bytes are not
        those of the kept entry."""
        try:
            key = stat_key(os.stat(path))
        except OSError:
            return None
        self.layout_key = key
        if is_racy(key, self.started_ns):
            self.stats_settled = False
        old = self.old_layout
        if old is not None and old[0] == key and not self.verify:
            self.layout_entry = old
            return old
        try:
            raw = read_regular(path)
            raw_digest = blake2b(raw, digest_size=16).digest()
            if old is not None and old[0] == key and old[2] == raw_digest:
                self.layout_entry = old  # the bytes it was parsed from (``verify``)
                return old
            data = parse(raw.decode("utf-8"))
        except Exception:  # reported by the store when it loads the layout itself
            return None
        if not is_racy(key, self.started_ns) and marshallable(data):
            self.layout_entry = (key, data, raw_digest)
        return key, data, raw_digest

    def finish(self) -> None:
        """Rewrite the shards that no longer match the folder (an entry new, changed or gone)
        and the layout entry if it changed; never raises."""
        wrote = False
        if self.dirty or len(self.fresh) != len(self.old):
            with gc_paused():
                self.shards.write(self.fresh, self.stored)
            wrote = True
        if self.layout_entry != self.old_layout:
            self.cache.write_layout(self.real_root, self.layout_entry)
            wrote = True
        if wrote and not self.old:  # a first load: drop an older papernotes' cache file
            self.cache.remove_single_file(self.real_root)

    def _store(self, rel: str, entry: Entry, cached: Entry | None = None) -> None:
        if cached is not None and entry == cached:  # verified: the entry stands as it is
            self.fresh[rel] = cached
            return
        self.stored.append(rel)  # its old entry (if any) no longer stands, even if racy
        if not is_racy(entry[0], self.started_ns):
            self.fresh[rel] = entry
            self.dirty = True


class _ReadFirst:
    """The digests read first (``NoteCacheLoad._read_first``) by position in ``found``, held
    as one byte string and an array (100,000 notes: 4 MB, where a dictionary of byte strings
    took 12 MB beside every note)."""

    def __init__(self, positions: list[int], answers: list[bytes], count: int) -> None:
        self.size = len(answers[0]) if answers else 0
        self.joined = b"".join(answers)
        self.where = array("l", [-1]) * count
        for n, i in enumerate(positions):
            self.where[i] = n

    def digest(self, i: int) -> bytes | None:
        """The answer for the ``i``-th file found (its hex digest first), or None."""
        n = self.where[i] if i < len(self.where) else -1
        return None if n < 0 else self.joined[n * self.size : (n + 1) * self.size]
