"""Waiting for the library lock: a bounded wait, and who holds the lock while we wait.

The lock itself is ``NoteStore.locked()``. The holder writes its pid to a file beside the
lock once it holds it, so a waiting process can name it. Nothing here prints: a waiter is
told through ``LockWait.on_wait`` and the CLI or TUI says it in its own way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.errors import LockTimeoutError

if TYPE_CHECKING:
    from filelock import BaseFileLock

HOLDER_FILE = ".papernotes.holder.lock"  # the pid of the process holding .papernotes.lock
DEFAULT_LOCK_TIMEOUT = 30.0


class LockWait:
    """How long a writer waits for the lock, and whom it tells once it has waited a while.

    A plain class, not a dataclass: every command imports it, and building a dataclass costs
    most of a millisecond at each start."""

    __slots__ = ("timeout", "notice_after", "on_wait")

    def __init__(
        self,
        timeout: float = DEFAULT_LOCK_TIMEOUT,
        notice_after: float = 1.0,
        on_wait: Callable[[int | None], None] | None = None,
    ) -> None:
        self.timeout = timeout  # seconds before giving up
        self.notice_after = notice_after  # seconds of waiting before on_wait is called (once)
        self.on_wait = on_wait  # gets the holder's pid, if known


@contextlib.contextmanager
def holding(lock: BaseFileLock, root: Path, wait: LockWait) -> Iterator[None]:
    """Hold ``lock`` (a ``filelock.FileLock``) within ``wait.timeout``, else raise
    ``LockTimeoutError``; records this process as the holder while it holds the lock."""
    from filelock import Timeout

    first = min(wait.notice_after, wait.timeout)
    try:
        lock.acquire(timeout=first)
    except Timeout:
        if wait.on_wait is not None and wait.timeout > first:
            wait.on_wait(holder_pid(root))
        try:
            lock.acquire(timeout=max(wait.timeout - first, 0))
        except Timeout:
            raise LockTimeoutError(_gave_up(holder_pid(root), wait.timeout)) from None
    try:
        _record_holder(root)
        yield
    finally:
        lock.release()


def holder_pid(root: Path) -> int | None:
    """The pid the lock's holder recorded (None when unknown). Read without following a
    symlink and without waiting on a FIFO: the file is inside the library, anyone may swap it."""
    try:
        fd = os.open(root / HOLDER_FILE, os.O_RDONLY | _NO_FOLLOW_NO_WAIT)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        text = os.read(fd, 32).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)
    return int(text) if text.isdigit() and len(text) < 16 else None


_NO_FOLLOW_NO_WAIT = os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _record_holder(root: Path) -> None:
    """Write this process's pid beside the lock (the lock file itself is truncated by
    every process trying to take it, so it cannot carry the pid). Called holding the lock,
    so the holder file is this process's to replace: a symlink, a FIFO or any other
    non-regular file in its place is removed (the link itself, never its target) and a
    regular file made instead; nothing is ever written through a link or waited on."""
    path = root / HOLDER_FILE
    with contextlib.suppress(OSError):
        fd = _open_regular(path)
        if fd is None:  # something else is there: removed, then made anew (never followed)
            _remove_odd(path)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW_NO_WAIT, 0o666)
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        finally:
            os.close(fd)


def _open_regular(path: Path) -> int | None:
    """``path`` opened for writing if it is (or is created as) a regular file, else None:
    a symlink fails with ELOOP, a FIFO without a reader with ENXIO, a folder with EISDIR."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | _NO_FOLLOW_NO_WAIT, 0o666)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR, errno.EMLINK):
            return None
        raise
    if stat.S_ISREG(os.fstat(fd).st_mode):
        return fd
    os.close(fd)  # a FIFO that had a reader, a device...
    return None


def _remove_odd(path: Path) -> None:
    """Remove what is at ``path`` without following it: a link, a FIFO, an empty folder."""
    try:
        os.unlink(path)
    except IsADirectoryError:
        os.rmdir(path)  # a folder holding files stays: OSError, and no pid is recorded
    except PermissionError:  # Linux says EISDIR for unlink(folder); some systems EPERM
        if not path.is_dir():
            raise
        os.rmdir(path)


def _gave_up(pid: int | None, timeout: float) -> str:
    who = f"another papernotes (pid {pid})" if pid else "another papernotes"
    return (
        f"Gave up after waiting {timeout:g} s for {who} to finish writing to the library; "
        "this change was not made (try again, or wait longer with --lock-timeout SECONDS "
        "or $PAPERNOTES_LOCK_TIMEOUT)."
    )
