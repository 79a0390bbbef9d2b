"""Atomic file replacement: a reader sees the old bytes or the new, never a mix."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TEMP_PREFIX = ".papernotes-"
TEMP_SUFFIX = ".tmp"


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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync and rename."""
    fd, tmp = new_temp_file(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8"))


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
