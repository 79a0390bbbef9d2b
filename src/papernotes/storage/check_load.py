"""``check``'s quick read of a library (``library/check_run.py``): every note file still read
and hashed (on two cores), but only the files whose bytes differ from the last check's
parsed, and the note cache verified against the marks the last check kept of it
(``storage/caches/check_facts.py``) instead of unpacking every entry.

Anything out of the ordinary gives None, and ``check`` reads every note as it always did:
no state kept (or one that does not read), a file that cannot be read or changes while
read, a file whose bytes changed since the last check under the same stat, a note cache
shard damaged, an entry that has a file's stat but not its bytes (to be repaired), more
changed files than are worth parsing here, a batch of writes pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from papernotes.blake2 import blake2b
from papernotes.model import Note
from papernotes.storage.caches.check_facts import NO_MARK, CheckFactsCache, CheckState, Joined
from papernotes.storage.caches.note_cache import STAT_KEY_SIZE, any_racy, folder_state
from papernotes.storage.caches.note_cache_load import NoteCacheLoad
from papernotes.storage.check_entry_marks import CHUNK, entries_agree, entry_marks
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.file_digests import UNREAD_KEYED, keyed_digests
from papernotes.storage.layout_yaml import load_layout_yaml
from papernotes.storage.note_folder import stat_key_or_none
from papernotes.storage.note_format import NoteFormatError
from papernotes.storage.note_writes import digest
from papernotes.storage.regular_file import read_regular

if TYPE_CHECKING:
    from pathlib import Path

    from papernotes.storage.note_folder import Scan
    from papernotes.storage.store import NoteStore

MOST_CHANGED = 2000
"""More files changed than this since the last check: the note cache's entries parse them
faster (the full read), and the state kept is made again from it."""


class CheckLoad:
    """What the quick read saw: every path (scan order), its stat key and digest, the
    problem of each file that does not parse, the notes parsed now (their bytes changed),
    and what to keep for the next check."""

    def __init__(self, store: NoteStore, scan: Scan, keys: list[bytes], digests: list[bytes]):
        self.store, self.scan, self.keys, self.digests = store, scan, keys, digests
        self.rels = scan.found
        self.problems: dict[str, tuple[int, str]] = {}
        self.parsed: dict[str, Note] = {}
        """The notes whose bytes the last check did not see, parsed now."""
        self.parsed_data: dict[str, bytes] = {}
        """Their files' bytes (their links' lines are worked out from them)."""
        self.layout_part = b""
        self.shard_crcs: list[object] = []
        self.marks: bytes | list[bytes] = b""
        self.found_set: set[str] | None = None
        self.kept: CheckState | None = None
        """The state the last check kept (its output, what changed since)."""
        self.outputs: dict[str, dict[str, bytes | None]] = {"rows": {}, "ids": {}, "forms": {}}
        """The stat key of each year's file of kept rows (``list``'s and the identity rows)
        and search forms, once verified."""

    def state(self, output: tuple[Any, ...], delta: dict[str, Any]) -> tuple[Any, ...]:
        """The state to keep for this read, its ``output`` and the facts ``delta``
        (``CheckState``, its long byte strings ``Joined`` as they are written)."""
        joined = Joined(self.digests)
        marks = self.marks if isinstance(self.marks, bytes) else Joined(self.marks)
        kept = (self.rels, joined, self.problems, self.shard_crcs, marks, output, delta)
        return (*kept, dict(self.outputs), Joined(self.keys))

    def inputs_digest(self) -> bytes:
        """A digest of everything check's output is worked out from: each path and its
        bytes' digest (scan order), ``document.yaml``'s bytes, the scan's problems; worked
        out a thousand paths at a time (never every path joined)."""
        found = blake2b(digest_size=32)
        rels, digests = self.rels, self.digests
        for at in range(0, len(rels), 1024):
            names = "\0".join(rels[at : at + 1024]).encode("utf-8", "surrogatepass")
            for part in (names, b"".join(digests[at : at + 1024])):
                found.update(len(part).to_bytes(8, "little"))
                found.update(part)
        listed = repr([(p.path, p.line, p.message) for p in self.scan.problems])
        for part in (self.layout_part, listed.encode("utf-8", "surrogatepass")):
            found.update(len(part).to_bytes(8, "little"))
            found.update(part)
        found.update(len(rels).to_bytes(8, "little"))
        return found.digest()

    def note_digests(self) -> dict[str, str]:
        """Each note's digest by path (the files that parse)."""
        digests = dict(zip(self.rels, map(bytes.decode, self.digests), strict=True))
        for rel in self.problems:
            digests.pop(rel, None)
        return digests


def check_load(store: NoteStore, kept: CheckFactsCache) -> CheckLoad | None:
    """The quick read (see the module), or None when ``check`` must read every note."""
    cache = store.caches().notes
    if store._batch is not None or cache.folder is None:
        return None
    if kept.state_path is None or not kept.state_path.exists():
        return None
    scan = store.scan()
    real_root = str(store._real_root)
    layout_load = NoteCacheLoad(cache, real_root, scan.started_ns, verify=True, entries=False)
    shards = cache.shards(real_root)
    read: dict[str, Any] = {}

    def meanwhile() -> None:  # while the child hashes its part of the files
        read["state"] = kept.read_state()
        store._layout_data = layout_load.layout_data(store.root / LAYOUT_FILE, load_layout_yaml)
        read["crcs"] = shards.crcs()

    answers = keyed_digests(scan.prefix, scan.found, meanwhile)  # each file's stat and digest
    state = read["state"]
    if UNREAD_KEYED in answers or state is None:
        return None
    kept_rels, kept_digests, kept_problems, kept_crcs, kept_marks, _, _, more, kept_keys = state
    keys = [answer[:STAT_KEY_SIZE] for answer in answers]
    scan.keys = keys
    load = CheckLoad(
        store, scan, keys, [answer[STAT_KEY_SIZE : STAT_KEY_SIZE + 32] for answer in answers]
    )
    load.kept = state
    layout_part = _layout_part(store)
    if layout_part is None:
        return None
    load.layout_part = layout_part
    rels = load.rels
    aligned = kept_rels == rels
    where = None if aligned else {rel: i for i, rel in enumerate(kept_rels)}
    changed = changed_positions(load.digests, kept_digests, where, rels)
    if len(changed) > MOST_CHANGED or _in_place(load, changed, kept_keys, where):
        return None
    for i in changed:
        if not _parse(load, i):
            return None
    changed_rels = {rels[i] for i in changed}
    for rel, problem in kept_problems.items():  # the files that did not parse, unchanged
        if rel not in changed_rels and (aligned or rel in where_now(load)):
            load.problems[rel] = problem
    marks = entry_marks(store, load, read["crcs"], (kept_crcs, kept_marks), where)
    if marks is None or not entries_agree(load, marks):
        return None
    load.marks = marks
    layout_load.finish()  # document.yaml's entry, if its bytes changed
    _after(store, load, layout_load.layout_key, more)
    return load


def _in_place(
    load: CheckLoad, changed: list[int], kept_keys: bytes, where: dict[str, int] | None
) -> bool:
    """Whether a file's bytes changed since the last check though its stat did not (an
    ``mmap`` write on tmpfs): a copy made of it since, in any cache, is then suspect, and
    the full read verifies them all."""
    size = STAT_KEY_SIZE
    for i in changed:
        at = i if where is None else where.get(load.rels[i])
        if at is not None and kept_keys[size * at : size * (at + 1)] == load.keys[i]:
            return True
    return False


def where_now(load: CheckLoad) -> set[str]:
    """The paths found now, as a set (made once)."""
    if load.found_set is None:
        load.found_set = set(load.rels)
    return load.found_set


def full_read_state(store: NoteStore, note_digests: dict[str, str]) -> CheckLoad | None:
    """What to keep after a full read of every note (``NoteStore.load(from_disk=True)``) that
    gave notes of these digests (by path): each other file found is parsed again for its
    problem; the note cache's marks are left to the next check (no shard is known to it).
    None when a file found is neither (gone, unreadable) or changed meanwhile."""
    scan = store.loaded_scan
    if scan is None or scan.keys is None or store._batch is not None:
        return None
    digests = []
    others = []
    for i, rel in enumerate(scan.found):
        known = note_digests.get(rel)
        if known is None:
            others.append(i)
            digests.append(b"")
        else:
            digests.append(known.encode())
    load = CheckLoad(store, scan, scan.keys, digests)
    for i in others:
        rel = scan.found[i]
        try:
            data = read_regular(scan.prefix + rel)
        except OSError:
            return None
        load.digests[i] = digest(data).encode()
        if not _parse(load, i) or rel in load.parsed:
            return None  # it reads now: changed since the full read
    layout_part = _layout_part(store)
    if layout_part is None:
        return None
    load.layout_part = layout_part
    load.shard_crcs = []  # the note cache's marks are read by the next check (its shards
    load.marks = [NO_MARK] * len(load.rels)  # unpacked once more here: 15 MB more)
    caches = store.caches()  # the rows and forms the full read verified (and dropped)
    kinds = ("rows", caches.list_rows()), ("ids", caches.identity_rows())
    for name, cache in (*kinds, ("forms", caches.search_forms())):
        load.outputs[name] = _file_keys(cache.folder, cache.years())
    return load


def _layout_part(store: NoteStore) -> bytes | None:
    """What ``document.yaml`` is now, for the inputs' digest: the digest of its bytes
    (``L``), or ``-`` when there is none; None when it cannot be read."""
    seen = store._layout_data
    if seen is not None:
        return b"L" + seen[2]
    try:
        data = read_regular(store.root / LAYOUT_FILE)
    except FileNotFoundError:
        return b"-"
    except OSError:
        return None
    return b"B" + digest(data).encode()


def changed_positions(
    digests: list[bytes], kept: bytes, where: dict[str, int] | None, rels: list[str]
) -> list[int]:
    """The positions of the paths ``rels`` whose digest (``digests``) is not the one kept
    for them (``kept``: 32 bytes each, in the kept order; ``where``: each kept path's place
    in it, None when it is ``rels``' order)."""
    if where is None:
        joined = b"".join(digests)
        step = 32 * CHUNK
        found = []
        for start in range(0, len(joined), step):
            if joined[start : start + step] != kept[start : start + step]:
                first = start // 32
                found += [
                    i
                    for i in range(first, min(first + CHUNK, len(digests)))
                    if digests[i] != kept[32 * i : 32 * i + 32]
                ]
        return found
    assert where is not None
    found = []
    for i, (rel, d) in enumerate(zip(rels, digests, strict=True)):
        at = where.get(rel)
        if at is None or kept[32 * at : 32 * at + 32] != d:
            found.append(i)
    return found


def _parse(load: CheckLoad, i: int) -> bool:
    """Parse the file at position ``i`` (its bytes changed); False when it cannot be read
    or its bytes are no longer those hashed."""
    rel = load.rels[i]
    try:
        data = read_regular(load.scan.prefix + rel)
    except OSError:
        return False
    data_digest = digest(data)
    if data_digest.encode() != load.digests[i]:
        return False
    from papernotes.storage.store import _note_of

    try:
        load.parsed[rel] = _note_of(rel, data, data_digest)
        load.parsed_data[rel] = data
    except NoteFormatError as exc:
        load.problems[rel] = (exc.line, exc.message)
    return True


def _after(
    store: NoteStore, load: CheckLoad, layout_key: bytes | None, kept: dict[str, Any]
) -> None:
    """What a full read of every note leaves besides the notes: the kept rows and search
    forms made from other bytes than the files' dropped, the name index's stamp settled.
    Only the files of rows and forms written since the last check are looked at: the others
    agreed with every file then, and no file changed in place since (``_in_place``), so a
    row of a file changed since has another stat key than the file's, and is never used."""
    caches = store.caches()
    digests: dict[str, str] | None = None
    kinds = ("rows", caches.list_rows()), ("ids", caches.identity_rows())
    for name, cache in (*kinds, ("forms", caches.search_forms())):
        before = _file_keys(cache.folder, cache.years())
        known = kept.get(name, {})
        years = [year for year, key in before.items() if key is None or known.get(year) != key]
        if years:
            if digests is None:
                digests = load.note_digests()
            cache.forget_disagreeing(digests, years)
            before = _file_keys(cache.folder, cache.years())
        load.outputs[name] = before

    def state_now() -> bytes | None:  # (asked only when a stamp is kept)
        keys = load.keys if layout_key is None else [*load.keys, layout_key]
        if any_racy(keys, load.scan.started_ns):
            return None
        return folder_state(load.rels, load.keys, layout_key, load.scan.problems)

    caches.names_stamp().settle(state_now)


def _file_keys(folder: Path | None, years: set[str]) -> dict[str, bytes | None]:
    """The stat key of each year's file in ``folder`` (None: it cannot be stat-ed)."""
    if folder is None:
        return {}
    return {year: stat_key_or_none(folder / year) for year in sorted(years)}
