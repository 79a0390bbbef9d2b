"""Cache files whose big byte strings are mapped from the page cache instead of read and
unmarshalled: ``checked_file``'s header and CRC-32, then a small part and the big sections.

Layout: the header line, the CRC-32 of everything after it, the small part's length and each
section's length (``<Q`` each, after their count), the small part, then each section at the
next multiple of ``ALIGN`` bytes from the file's start (zeros between). A reader checks the
header, the lengths against the file's size and the checksum over the whole file (unless
given the stat key it was found intact with: ``intact_files``), then maps each section on
its own: a section reads like ``bytes`` (``find``, slices, ``len``) without
being copied. At 100,000 notes the search forms are 130 MB: read and unmarshalled they
cost a search about 0.06 s besides their checksum, mapped almost nothing.

A mapping stays valid while its file is replaced: every cache write renames a new file over
the old one (``checked_file.write_checked``), so a mapped section never changes under its
reader. Only a program truncating a cache file in place while a search reads it (or, on
a network file system, another machine replacing it) could make that search fail. Where
mapping is not how files are best read (not POSIX: there a mapped file cannot be
replaced), the sections are read into ``bytes`` instead.
"""

from __future__ import annotations

import mmap
import os
import stat
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

from papernotes.storage.caches.note_cache import StatKey, stat_key
from papernotes.storage.checked_file import OPEN_FILES_RENAME, replace_cache_file

ALIGN = mmap.ALLOCATIONGRANULARITY
"""A section starts at a multiple of this (a mapping's offset must be one)."""
_CHECK = struct.Struct("<I")
_LENGTH = struct.Struct("<Q")
_TWO_LENGTHS = struct.Struct("<QQ")
_MAPPING = OPEN_FILES_RENAME  # where a mapped file can be replaced

Section = bytes | mmap.mmap
"""A section as read: mapped (``mmap``, read-only), or ``bytes`` where files are not mapped."""
Writable = bytes | mmap.mmap | memoryview
"""A section to write: any bytes-like object."""
Parts = tuple[bytes, list[Section]]
"""A file's small part and its sections."""


def layout(head: bytes, small: int, sections: Sequence[int]) -> tuple[int, list[int], int]:
    """Where the small part and each section (of those lengths) start in a file with
    ``head``, and the file's size."""
    at = len(head) + _CHECK.size + _LENGTH.size * (2 + len(sections))
    small_at = at
    at += small
    starts = []
    for length in sections:
        at = -(-at // ALIGN) * ALIGN if length else at
        starts.append(at)
        at += length
    return small_at, starts, at


def write_mapped(
    path: Path, head: bytes, small: bytes, sections: Sequence[Writable]
) -> StatKey | None:
    """Replace the file at ``path`` with ``head``, a checksum, ``small`` and ``sections``
    (see the module's docstring): the new file's stat key (``b""`` where files are not
    mapped), or None (and the old file left as it was) on any failure."""
    lengths = [len(s) for s in sections]
    small_at, starts, _ = layout(head, len(small), lengths)
    table = _LENGTH.pack(len(small)) + _LENGTH.pack(len(sections))
    table += b"".join(map(_LENGTH.pack, lengths))
    parts: list[Writable] = [table, small]
    at = small_at + len(small)
    for start, section in zip(starts, sections, strict=True):
        parts += [bytes(start - at), section]
        at = start + len(section)
    check = 0
    for part in parts:
        check = zlib.crc32(part, check)
    status = replace_cache_file(path, [head, _CHECK.pack(check), *parts])
    if status is None:
        return None
    return stat_key(status) if isinstance(status, os.stat_result) else b""


def read_mapped(
    path: Path, head: bytes, count: int, intact: StatKey | None = None
) -> tuple[Parts, StatKey] | None:
    """The small part and the ``count`` sections of the file at ``path`` if it starts with
    ``head``, has that many sections and is intact, and the file's stat key; a FIFO or
    device in its place (even through a symlink) is never opened for reading, never waited
    on. ``intact``: a stat key the file was found intact with (``intact_files``): with
    it, its checksum is not checked again."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            return None
        size, key = status.st_size, stat_key(status)
        first = _read_at(fd, len(head) + _CHECK.size + 2 * _LENGTH.size, 0)
        if not first.startswith(head) or len(first) != len(head) + _CHECK.size + 16:
            return None
        small, number = _TWO_LENGTHS.unpack_from(first, len(head) + _CHECK.size)
        if number != count:
            return None
        table = _read_at(fd, _LENGTH.size * count, len(first))
        if len(table) != _LENGTH.size * count:
            return None
        lengths = [_LENGTH.unpack_from(table, i * _LENGTH.size)[0] for i in range(count)]
        small_at, starts, end = layout(head, small, lengths)
        if end != size:
            return None
        spans = [(small_at, small), *zip(starts, lengths, strict=True)]
        check_at = None if key == intact and _MAPPING else len(head)
        parts = (_mapped if _MAPPING else _read)(fd, size, check_at, spans)
        return None if parts is None else (parts, key)
    except (OSError, ValueError, OverflowError):
        return None
    finally:
        os.close(fd)


Span = tuple[int, int]
"""Where a part of the file starts, and its length."""


def _mapped(fd: int, size: int, check_at: int | None, spans: list[Span]) -> Parts | None:
    """The parts at ``spans`` (the small part first) of the file open at ``fd``, each section
    mapped, if the checksum at ``check_at`` is that of everything after it (None: known)."""
    populate = getattr(mmap, "MAP_POPULATE", 0)  # map every page now: no fault per page
    flags = mmap.MAP_SHARED | populate
    (small_at, small), *sections = spans
    if check_at is None:
        part = _read_at(fd, small, small_at)
        if len(part) != small:
            return None
    else:
        whole = mmap.mmap(fd, size, flags=flags, prot=mmap.PROT_READ)
        try:
            with memoryview(whole) as view:
                check = zlib.crc32(view[check_at + 4 :])
                if _CHECK.unpack_from(view, check_at)[0] != check:
                    return None
                part = bytes(view[small_at : small_at + small])
        finally:
            whole.close()
    mapped: list[Section] = [
        mmap.mmap(fd, length, flags=flags, prot=mmap.PROT_READ, offset=start) if length else b""
        for start, length in sections
    ]
    return part, mapped


def _read(fd: int, size: int, check_at: int | None, spans: list[Span]) -> Parts | None:
    """``_mapped`` with every part read into ``bytes``."""
    data = _read_at(fd, size, 0)
    if len(data) != size:
        return None
    assert check_at is not None  # (read files are always checked)
    if _CHECK.unpack_from(data, check_at)[0] != zlib.crc32(memoryview(data)[check_at + 4 :]):
        return None
    (small_at, small), *sections = spans
    read: list[Section] = [data[start : start + length] for start, length in sections]
    return data[small_at : small_at + small], read


def _read_at(fd: int, length: int, at: int) -> bytes:
    """Up to ``length`` bytes of the file open at ``fd`` from byte ``at`` (fewer at its end)."""
    os.lseek(fd, at, os.SEEK_SET)
    chunks, got = [], 0
    while got < length:
        chunk = os.read(fd, length - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
