"""Atomic file replacement: a reader sees the old bytes or the new, never a mix."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from papernotes.errors import InvalidInputError

TEMP_PREFIX = ".papernotes-"
TEMP_SUFFIX = ".tmp"
"""How the temporary file of an atomic write in progress is named (notes, the layout, arXiv
answers, exports); the library caches' is ``checked_file.CACHE_TEMP_PREFIX``."""


def new_temp_file(path: Path, mode: int | None = None) -> tuple[int, str]:
    """A temporary file beside ``path`` (``(fd, name)``) with the mode ``path`` has or would get.

    ``mkstemp`` creates files readable by their owner only, and ``os.replace`` keeps that
    mode: without this a shared ``refs.bib`` would turn private on its next export.
    ``mode`` skips finding it (``new_file_mode()`` for many new files in a row).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # not needed by read-only commands

    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            mode = new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    with contextlib.suppress(OSError):  # e.g. file systems without permissions
        os.fchmod(fd, mode)
    return fd, tmp


def new_file_mode() -> int:
    """The mode a new file gets: 0o666 less the process umask."""
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the system allows (threads!)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def refuse_read_only(path: Path, status: os.stat_result | None = None) -> None:
    """Raise when ``path`` exists but may not be written: a rename would replace even a
    read-only file (and root ignores modes), so the mode bits are checked explicitly."""
    if status is None:
        try:
            status = os.stat(path)
        except OSError:
            return
    if not status.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise InvalidInputError(
            f"{path} is read-only, so it was left as it is (nothing was written); make it "
            "writable (chmod u+w) to change it."
        )


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (or its pieces, each written as it comes) to ``path`` via a temporary
    file in the same folder, fsync and rename: an error while the pieces are made leaves
    ``path`` as it was. An existing read-only ``path`` is refused (``refuse_read_only``); an
    ``OSError`` (a full disk, a read-only folder) names ``path``, not the temporary file."""
    try:
        status = os.stat(path)
    except OSError:
        status = None
    if status is not None:
        refuse_read_only(path, status)
    try:
        fd, tmp = new_temp_file(path, status.st_mode & 0o7777 if status is not None else None)
    except OSError as exc:
        raise naming(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise naming(exc, path) from None
        raise
    fsync_dir(path.parent)


def naming(exc: OSError, path: Path) -> OSError:
    """``exc`` about ``path``: the file a user asked for, not a temporary one (a write error
    has no file name at all), so the message says which file could not be written."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def _write_all(handle: BinaryIO, data: bytes | Iterable[bytes]) -> None:
    if isinstance(data, bytes):
        handle.write(data)
        return
    for piece in data:
        handle.write(piece)


def write_named_file(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write a file the user named (``export -o``) without ever replacing what ``path`` is.

    A symlink is followed and its target replaced atomically; a device, FIFO or socket is
    written to as it is; a folder, a missing parent folder or a read-only file is an error.
    """
    try:
        status = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        status = None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise InvalidInputError(f"{path} is a folder; name a file to write (nothing was written).")
    if status is not None and not stat.S_ISREG(status.st_mode):
        try:
            with open(path, "wb") as stream:  # /dev/null, a terminal, a pipe: never replaced
                _write_all(stream, data)
        except OSError as exc:  # /dev/full: the error names the file written
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        return
    target = Path(os.path.realpath(path))
    if not target.parent.is_dir():
        raise InvalidInputError(
            f"Cannot write {path}: the folder {target.parent} does not exist "
            "(nothing was written; create it first)."
        )
    atomic_write(target, data)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
