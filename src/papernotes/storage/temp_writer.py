"""A child process creating a bulk write's temporary files while this one works on.

Creating a file costs this disk about 0.1-0.2 ms of system time, and a 10,000-note import
creates 10,000: done here, that time adds to the parsing and rendering; done by a child
process (``write_child.py``) on the other core, it overlaps them. (A thread overlaps little:
each ``os.open``/``os.write``/``os.close`` must take the GIL back from the computing thread.)
The child only creates temporary files; ``batch.PendingWrites`` syncs and renames them, and
only those the child said it wrote.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from papernotes.storage.write_child import COUNT, HEADER

FLUSH_AT = 1 << 14  # bytes gathered before they go down the pipe: a few notes, so neither
# the child waits long for work nor ``written()`` for the child to write the last ones
PIPE_SIZE = 1 << 20  # asked of the kernel for the pipe, so the child is rarely starved


class TempFileWriter:
    """One child process creating temporary files; ``written()`` waits for it."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        assert process.stdin is not None and process.stdout is not None
        self._send_fd = process.stdin.fileno()
        self._answer_fd = process.stdout.fileno()
        self._buffer = bytearray()
        self.broken = False  # the child died or its pipe broke: it wrote what it wrote

    @classmethod
    def start(cls) -> TempFileWriter | None:
        """A new child, or None where one cannot run (not POSIX, no interpreter to start: a
        frozen program's executable is not Python). The caller then writes the files itself."""
        if os.name != "posix" or not sys.executable or getattr(sys, "frozen", False):
            return None
        script = Path(__file__).with_name("write_child.py")
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", "-S", str(script)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        except OSError:
            return None
        writer = cls(process)
        import fcntl  # POSIX: checked above

        set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
        if set_size is not None:
            with contextlib.suppress(OSError):
                fcntl.fcntl(writer._send_fd, set_size, PIPE_SIZE)
        return writer

    def write(self, tmp: str, mode: int, data: bytes) -> None:
        """Have the child create ``tmp`` (a new file) holding ``data`` with ``mode``."""
        path = os.fsencode(tmp)
        buffer = self._buffer
        mark = len(buffer)
        try:
            buffer += b"W"
            buffer += HEADER.pack(mode, len(path), len(data))
            buffer += path
            buffer += data
        except BaseException:  # Ctrl-C between the pieces: a part record would have the
            del buffer[mark:]  # child wait for bytes that never come, and this one for it
            self.broken = True
            raise
        if len(buffer) >= FLUSH_AT:
            self._flush()

    def written(self) -> int:
        """How many of the files asked since the last call the child wrote, in order: fewer
        than asked when one failed (the child writes none after it) or the child died."""
        self._buffer += b"S"
        self._flush()
        answer = b""
        while not self.broken and len(answer) < COUNT.size:
            try:
                chunk = os.read(self._answer_fd, COUNT.size - len(answer))
            except OSError:
                chunk = b""
            if not chunk:
                self.broken = True
            answer += chunk
        return -1 if self.broken else int(COUNT.unpack(answer)[0])

    def close(self) -> None:
        """End the child and wait for it: once this returns it writes nothing more."""
        if not self.broken:
            self._buffer += b"E"
            self._flush()
        if self.broken:
            with contextlib.suppress(OSError):
                self._process.kill()
        for pipe in (self._process.stdin, self._process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]
        self._process.wait()

    def _flush(self) -> None:
        data = bytes(self._buffer)
        self._buffer.clear()
        sent = 0
        try:
            while sent < len(data) and not self.broken:
                sent += os.write(self._send_fd, data[sent:] if sent else data)
        except OSError:  # BrokenPipeError: the child died
            self.broken = True
        except BaseException:  # Ctrl-C mid-record: the child would read what follows amiss
            self.broken = True
            raise
