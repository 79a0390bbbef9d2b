"""``check``'s quick read (``storage/check_load.py``): the note cache's entry of each note
(its stat key and digest, as a mark) from the marks the last check kept where the shard is
unchanged, and whether every entry having a file's stat key has that file's bytes.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

from papernotes.storage.caches.check_facts import MARK_SIZE, NO_MARK, problem_mark
from papernotes.storage.caches.note_cache import STAT_KEY_SIZE
from papernotes.storage.caches.shards import shard_of

if TYPE_CHECKING:
    from papernotes.storage.check_load import CheckLoad
    from papernotes.storage.store import NoteStore

CHUNK = 1024
"""Marks compared at once (most agree: a chunk equal as a whole is not looked into)."""


def entry_marks(
    store: NoteStore,
    load: CheckLoad,
    crcs: list[tuple[int, int] | None] | None,
    kept: tuple[list[object], bytes],
    where: dict[str, int] | None,
) -> bytes | None:
    """The note cache's entry of each path (its stat key and digest: ``MARK_SIZE`` bytes
    each, joined), from the marks kept (``kept``: with the shards' checksums they were read
    under) where its shard is the one they were read from, else from the shard (``crcs``:
    each shard's checksum now); None when a shard does not read intact."""
    if crcs is None:
        return None
    shards = store.caches().notes.shards(str(store._real_root))
    kept_crcs, kept_marks = kept
    load.shard_crcs = list(crcs)
    rels = load.rels
    if where is None:
        marks = bytearray(kept_marks)
        new_rels: list[int] = []
    else:
        assert where is not None
        marks = bytearray(NO_MARK * len(rels))
        new_rels = []
        for i, rel in enumerate(rels):
            at = where.get(rel)
            if at is None:
                new_rels.append(i)
            else:
                marks[MARK_SIZE * i : MARK_SIZE * (i + 1)] = kept_marks[
                    MARK_SIZE * at : MARK_SIZE * (at + 1)
                ]
    stale = {i for i, crc in enumerate(crcs) if len(kept_crcs) != len(crcs) or kept_crcs[i] != crc}
    stale |= {shard_of(rels[i]) for i in new_rels}  # never seen: its entry is read
    if not stale:
        return bytes(marks)
    by_shard: dict[int, list[int]] = {}
    for i, rel in enumerate(rels):
        index = shard_of(rel)
        if index in stale:
            by_shard.setdefault(index, []).append(i)
    for index, members in by_shard.items():
        entries = shards.shard(index) if crcs[index] is not None else {}
        if crcs[index] is not None and not entries:
            return None  # intact but not this library's shard: the full read rewrites it
        for i in members:
            entry = entries.get(rels[i])
            if entry is None:
                mark = NO_MARK
            elif entry[1] is None:
                mark = entry[0] + problem_mark(*entry[2])
            else:
                mark = entry[0] + entry[1].encode()
            marks[MARK_SIZE * i : MARK_SIZE * (i + 1)] = mark
    return bytes(marks)


def entries_agree(load: CheckLoad, marks: bytes) -> bool:
    """Whether no entry of the note cache has its file's stat key but other content (an
    entry of another stat is merely old: a load reads its file)."""
    problems = load.problems
    now = bytearray(b"".join(chain.from_iterable(zip(load.keys, load.digests, strict=True))))
    if problems:  # (a few files)
        for i, rel in enumerate(load.rels):
            if rel in problems:
                now[MARK_SIZE * i + STAT_KEY_SIZE : MARK_SIZE * (i + 1)] = problem_mark(
                    *problems[rel]
                )
    step = MARK_SIZE * CHUNK
    for start in range(0, len(now), step):
        if now[start : start + step] == marks[start : start + step]:
            continue  # (most: every entry made from its file as it is)
        for at in range(start, min(start + step, len(now)), MARK_SIZE):
            mark = marks[at : at + MARK_SIZE]
            if (
                mark[:STAT_KEY_SIZE] == now[at : at + STAT_KEY_SIZE]
                and mark != now[at : at + MARK_SIZE]
            ):
                return False
    return True
