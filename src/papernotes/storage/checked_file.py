"""Cache files that are either read whole and intact or not at all.

A cache file is a header line (what wrote it: format and versions), a CRC-32 of the
payload, then the payload. A missing, torn, damaged or other-version file reads as None;
a write replaces the file atomically and reports failure instead of raising. Cache files
are never worth an error: the notes folder can always rebuild them.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.storage.regular_file import read_regular

if TYPE_CHECKING:
    from mmap import mmap

_CHECK = struct.Struct("<I")
CACHE_TEMP_PREFIX = ".tmp-"
"""How the temporary file of a cache write in progress is named (a note's is
``atomic.TEMP_PREFIX``)."""


def read_checked(path: Path, head: bytes, leading: bytes = b"") -> memoryview | None:
    """The payload of the file at ``path`` if it starts with ``head`` and is intact; a FIFO or
    device in its place (even through a symlink) is not read, never waited on. A payload that
    does not start with ``leading`` is refused before the rest is read or checked (a kept
    output of another state: megabytes at 100,000 notes)."""
    start = len(head) + _CHECK.size

    def led(first: bytes) -> bool:  # else the rest of the file is not read
        return first.startswith(head) and first[start : start + len(leading)] == leading

    try:
        data = read_regular(path, led if leading else None)
    except OSError:
        return None
    if not data.startswith(head) or len(data) < start:
        return None
    if leading and data[start : start + len(leading)] != leading:
        return None
    payload = memoryview(data)[start:]
    if _CHECK.pack(zlib.crc32(payload)) != data[len(head) : start]:
        return None
    return payload


def checked_crc(path: Path, head: bytes) -> tuple[int, int] | None:
    """The CRC-32 and size of the payload of the file at ``path`` if it starts with ``head``
    and is intact (``read_checked``), without unpacking it; None when it is not."""
    payload = read_checked(path, head)
    if payload is None:
        return None
    whole = payload.obj  # the file's bytes: the checksum follows the header
    assert isinstance(whole, bytes)
    return _CHECK.unpack_from(whole, len(head))[0], len(payload)


def write_checked(path: Path, head: bytes, payload: bytes) -> bool:
    """Replace the file at ``path`` with ``head``, a checksum and ``payload``; False (and the
    old file left as it was) on any failure."""
    return write_checked_parts(path, head, [payload])


def write_checked_parts(path: Path, head: bytes, parts: list[bytes]) -> bool:
    """``write_checked`` of the payload ``parts`` joined, written without joining them."""
    check = 0
    for part in parts:
        check = zlib.crc32(part, check)
    return replace_cache_file(path, [head, _CHECK.pack(check), *parts]) is not None


class CheckedFileStream:
    """A checked file written in pieces (never held whole): ``add`` each, ``patch`` bytes
    written already (a length known only at the end), then ``finish`` checksums what was
    written and renames it over ``path``; ``discard`` drops it. Any failure leaves the old
    file as it was and makes ``finish`` return False."""

    def __init__(self, path: Path, head: bytes) -> None:
        self.path, self.start = path, len(head) + _CHECK.size
        self.tmp: str | None = None
        self.size = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = _new_temp_file(path.parent)
            self.file = os.fdopen(fd, "w+b")
            self.file.write(head + bytes(_CHECK.size))
        except OSError:
            self.discard()

    def add(self, data: bytes) -> None:
        if self.tmp is not None:
            try:
                self.file.write(data)
                self.size += len(data)
            except OSError:
                self.discard()

    def patch(self, at: int, data: bytes) -> None:
        """Write ``data`` over the payload's bytes from ``at`` on (written already)."""
        if self.tmp is not None:
            try:
                self.file.seek(self.start + at)
                self.file.write(data)
                self.file.seek(0, os.SEEK_END)
            except OSError:
                self.discard()

    def finish(self) -> bool:
        if self.tmp is None:
            return False
        try:
            crc, handle = 0, self.file
            handle.seek(self.start)
            while chunk := handle.read(2**16):
                crc = zlib.crc32(chunk, crc)
            handle.seek(self.start - _CHECK.size)
            handle.write(_CHECK.pack(crc))
            handle.close()
            os.replace(self.tmp, self.path)
            self.tmp = None
            return True
        except OSError:
            self.discard()
            return False

    def discard(self) -> None:
        if self.tmp is not None:
            with contextlib.suppress(OSError, AttributeError):
                self.file.close()
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
            self.tmp = None


OPEN_FILES_RENAME = os.name == "posix"
"""Where a file still open can be renamed (not Windows)."""


def replace_cache_file(
    path: Path, parts: Iterable[bytes | memoryview | mmap]
) -> os.stat_result | bool | None:
    """Replace the cache file at ``path`` with ``parts``, through a temporary file renamed over
    it; None (and the old file left as it was) on any failure. Else the new file's stat taken
    after the rename where an open file can be renamed (what a reader will see), True where
    not. No fsync: a torn file after a crash fails its checksum and is rebuilt."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _new_temp_file(path.parent)
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
            handle.flush()
            if not OPEN_FILES_RENAME:
                handle.close()
            os.replace(tmp, path)
            tmp = None
            # the stat of the file written, renamed (the name may be another's by now)
            return os.fstat(handle.fileno()) if OPEN_FILES_RENAME else True
    except BaseException as exc:  # Ctrl-C included: never leave the temporary file behind
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            return None
        raise


_TEMP_FLAGS = (
    os.O_RDWR
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _new_temp_file(folder: Path) -> tuple[int, str]:
    """A new file in ``folder`` named ``CACHE_TEMP_PREFIX`` and random letters, open for
    writing, mode 0600: what ``tempfile.mkstemp`` makes, without importing ``tempfile``
    (with ``shutil``, ``random`` and the compression modules: 4 to 8 ms, in every command
    that keeps a cache)."""
    for _ in range(100):
        name = os.path.join(folder, CACHE_TEMP_PREFIX + os.urandom(8).hex())
        try:
            return os.open(name, _TEMP_FLAGS, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def remove_checked(path: Path) -> bool:
    """Remove a cache file; True when it is gone (or never was), False when it could not be."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def read_variant_parts(
    path: Path, head: bytes, real_root: str, year: str, variant: str
) -> object | None:
    """The parts kept at ``path`` for the folder ``year`` of the library ``real_root`` in
    ``variant`` (``marshal``: root, year, variant, parts); None when the file does not read
    or names another library, year or variant (a text block of ``list`` or ``export``)."""
    payload = read_checked(path, head)
    if payload is None:
        return None
    try:
        root, kept_year, kept_variant, parts = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return parts if (root, kept_year, kept_variant) == (real_root, year, variant) else None


def clear_folder(folder: Path | None) -> None:
    """Remove every cache file of ``folder`` (another process's temporary files stay)."""
    if folder is None:
        return
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not entry.name.startswith(CACHE_TEMP_PREFIX):
                remove_checked(Path(entry.path))


class CheckedSpan:
    """A checked file's payload after its ``leading`` bytes, verified and held open, to be
    read in pieces later (``pieces``): the file renamed over meanwhile changes nothing, and
    nothing of it is in memory until then."""

    def __init__(self, fd: int, start: int, length: int, key: bytes = b"") -> None:
        self.fd, self.start, self.length, self.key = fd, start, length, key

    def pieces(self, size: int = 2**20) -> Iterator[bytes]:
        """The payload in pieces of ``size`` bytes; the file is closed after the last."""
        try:
            at, end = self.start, self.start + self.length
            while at < end:
                piece = os.pread(self.fd, min(size, end - at), at)
                if not piece:
                    raise OSError(f"a kept file ended {end - at} bytes early")
                yield piece
                at += len(piece)
        finally:
            self.close()

    def read(self, start: int, end: int) -> bytes:
        """The payload's bytes ``start:end`` (of the checked part, in ``0..length``), read
        now from the file held open; ``OSError`` when it ends early or was closed."""
        if not 0 <= start <= end <= self.length:
            raise OSError(f"{start}:{end} is outside a kept text of {self.length} bytes")
        data = os.pread(self.fd, end - start, self.start + start)
        if len(data) != end - start:
            raise OSError(f"a kept file ended {end - start - len(data)} bytes early")
        return data

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self.fd = -1


def open_checked(
    path: Path, head: bytes, leading: bytes, length: int, intact: bytes | None = None
) -> CheckedSpan | None:
    """``read_checked``'s checks of the file at ``path`` (``head``, then a payload of
    ``leading`` and ``length`` bytes more, its checksum right), reading it a piece at a time
    (megabytes, never held); None when they fail. The file stays open for ``pieces``; its
    stat key is the span's ``key``. ``intact``: a stat key the file was found intact with
    in this boot (``caches/intact_files.py``): with it, the checksum is not read again."""
    from papernotes.storage.caches.note_cache import stat_key  # (it imports this module)

    start = len(head) + _CHECK.size
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError("not a regular file")
        if status.st_size != start + len(leading) + length:
            raise OSError("not the kept length")
        first = os.pread(fd, start + len(leading), 0)
        if first[: len(head)] != head or first[start:] != leading:
            raise OSError("not the kept file")
        key = stat_key(status)
        crc = zlib.crc32(leading)
        at, end = start + len(leading), status.st_size
        if key == intact:
            at = end  # checked in this boot, and not written since
            crc = _CHECK.unpack_from(first, len(head))[0]
        while at < end:
            piece = os.pread(fd, min(2**20, end - at), at)
            if not piece:
                raise OSError("ended early")
            crc = zlib.crc32(piece, crc)
            at += len(piece)
        if _CHECK.pack(crc) != first[len(head) : start]:
            raise OSError("damaged")
    except OSError:
        os.close(fd)
        return None
    return CheckedSpan(fd, start + len(leading), length, key)
