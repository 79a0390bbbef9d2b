"""Reading a file of the library only if it is a regular file.

A FIFO named ``x.md`` (or a device) would block ``open`` or ``read`` until some other
process writes to it, forever. Opening without blocking and checking the open file's type
with ``fstat`` closes that door even when the file is swapped after the folder was listed.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

NOT_REGULAR = "not a regular file"
_FIRST = 64 * 1024


class NotRegularFileError(OSError):
    """The path names a FIFO, a socket, a device or a folder: it was not read."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(errno.EINVAL, NOT_REGULAR, str(path))


def read_regular(path: str | Path, wanted: Callable[[bytes], bool] | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed); ``NotRegularFileError``
    for anything else, which is not read (and never waited on). ``wanted``: a test of the
    first 64 KiB; when it fails, only they are returned and the rest is never read (a kept
    output of another state is megabytes)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(path)
        if wanted is None:  # read to its end with no file object (a load reads 100,000)
            data = _read_to_end(fd, info.st_size)
            os.close(fd)
            return data
    except BaseException:
        os.close(fd)
        raise
    with open(fd, "rb") as handle:  # O_NONBLOCK changes nothing for a regular file
        first = handle.read(_FIRST)
        if len(first) < _FIRST or not wanted(first):
            return first
        return first + handle.read()


def _read_to_end(fd: int, size: int) -> bytes:
    """The bytes of the open regular file ``fd`` (``size`` at its ``fstat``) to its end, as
    ``read()`` of a file object gives them (it too reads until a read gives nothing)."""
    pieces = [os.read(fd, size + 1)]  # one byte more: a file grown since is read on
    while piece := os.read(fd, max(size, _FIRST)):
        pieces.append(piece)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)
