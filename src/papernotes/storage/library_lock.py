"""Waiting for the library lock: a bounded wait, and who holds the lock while we wait.

The lock itself is ``NoteStore.locked()``. The holder writes its pid to a file beside the
lock once it holds it, so a waiting process can name it. Nothing here prints: a waiter is
told through ``LockWait.on_wait`` and the CLI or TUI says it in its own way.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.errors import LockTimeoutError
from papernotes.storage.regular_file import read_regular

if TYPE_CHECKING:
    from filelock import BaseFileLock

HOLDER_FILE = ".papernotes.holder.lock"  # the pid of the process holding .papernotes.lock
DEFAULT_LOCK_TIMEOUT = 30.0


@dataclass(frozen=True)
class LockWait:
    """How long a writer waits for the lock, and whom it tells once it has waited a while."""

    timeout: float = DEFAULT_LOCK_TIMEOUT  # seconds before giving up
    notice_after: float = 1.0  # seconds of waiting before on_wait is called (once)
    on_wait: Callable[[int | None], None] | None = None  # gets the holder's pid, if known


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
    """The pid the lock's holder recorded (None when unknown)."""
    try:
        text = read_regular(root / HOLDER_FILE).decode("ascii").strip()  # a FIFO never blocks
        return int(text) if text.isdigit() else None
    except (OSError, UnicodeDecodeError):
        return None


def _record_holder(root: Path) -> None:
    """Write this process's pid beside the lock (the lock file itself is truncated by
    every process trying to take it, so it cannot carry the pid)."""
    with contextlib.suppress(OSError):
        fd = os.open(root / HOLDER_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        finally:
            os.close(fd)


def _gave_up(pid: int | None, timeout: float) -> str:
    who = f"another papernotes (pid {pid})" if pid else "another papernotes"
    return (
        f"Gave up after waiting {timeout:g} s for {who} to finish writing to the library; "
        "this change was not made (try again, or wait longer with --lock-timeout SECONDS "
        "or $PAPERNOTES_LOCK_TIMEOUT)."
    )
