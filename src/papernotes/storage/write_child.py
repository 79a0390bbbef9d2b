"""The child process of ``temp_writer.py``: creates the temporary files of a bulk write.

Run as ``python -I -S write_child.py`` (standard library only, no site: it starts in a few
milliseconds). It reads records from stdin — ``W`` (mode, temporary path, bytes): create that
new file with ``O_EXCL`` and write it; ``S``: answer with how many ``W`` since the last ``S``
were written; ``E``: the end — and never renames anything: the parent gives the names. After
a failed ``W`` it writes no more (the parent writes the rest itself and reports the error).
When stdin ends without ``E`` (the parent was killed), it deletes the temporary files the
parent never heard of, so none could be renamed, and exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import sys

HEADER = struct.Struct("!IHI")  # mode, length of the path, length of the data
COUNT = struct.Struct("!Q")
FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
FLAGS |= getattr(os, "O_NOFOLLOW", 0)


def write_new(path: bytes, mode: int, data: bytes) -> None:
    """Create ``path`` (never an existing file) with ``mode`` and ``data``; on an error the
    file is removed again and the error raised."""
    fd = os.open(path, FLAGS, 0o600)
    try:
        with contextlib.suppress(OSError):  # e.g. file systems without permissions
            os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)


def serve(source: object, answer: int) -> bool:
    """Handle records from ``source`` (a binary reader) until ``E`` (True) or its end (False)."""
    read = source.read  # type: ignore[attr-defined]
    written = 0
    failed = False
    unconfirmed: list[bytes] = []  # written since the last S: the parent cannot rename them yet
    try:
        while True:
            tag = read(1)
            if tag == b"W":
                head = read(HEADER.size)
                if len(head) < HEADER.size:
                    break
                mode, path_size, data_size = HEADER.unpack(head)
                path = read(path_size)
                data = read(data_size)
                if len(path) < path_size or len(data) < data_size:
                    break
                if failed:
                    continue
                try:
                    write_new(path, mode, data)
                except OSError:
                    failed = True  # the rest is the parent's: it reports this one's error
                    continue
                unconfirmed.append(path)
                written += 1
            elif tag == b"S":
                os.write(answer, COUNT.pack(written))
                written = 0
                unconfirmed.clear()
            elif tag == b"E":
                return True
            else:
                break
    except OSError:  # the parent's end of a pipe closed: it was killed
        pass
    for path in unconfirmed:
        with contextlib.suppress(OSError):
            os.unlink(path)
    return False


def main() -> None:
    # Ctrl-C reaches the whole process group: the parent decides what to do, not this one
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with open(sys.stdin.fileno(), "rb", buffering=1 << 20, closefd=False) as source:
        serve(source, sys.stdout.fileno())


if __name__ == "__main__":
    main()
