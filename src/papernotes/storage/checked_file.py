"""Cache files that are either read whole and intact or not at all.

A cache file is a header line (what wrote it: format and versions), a CRC-32 of the
payload, then the payload. A missing, torn, damaged or other-version file reads as None;
a write replaces the file atomically and reports failure instead of raising. Cache files
are never worth an error: the notes folder can always rebuild them.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from pathlib import Path

from papernotes.storage.regular_file import read_regular

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


def write_checked(path: Path, head: bytes, payload: bytes) -> bool:
    """Replace the file at ``path`` with ``head``, a checksum and ``payload``; False (and the
    old file left as it was) on any failure."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when a cache changed

        fd, tmp = tempfile.mkstemp(prefix=CACHE_TEMP_PREFIX, dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(head)
            handle.write(_CHECK.pack(zlib.crc32(payload)))
            handle.write(payload)
        # No fsync: a torn file after a crash fails the checksum and is rebuilt.
        os.replace(tmp, path)
        return True
    except BaseException as exc:  # Ctrl-C included: never leave the temporary file behind
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            return False
        raise


def remove_checked(path: Path) -> bool:
    """Remove a cache file; True when it is gone (or never was), False when it could not be."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True
