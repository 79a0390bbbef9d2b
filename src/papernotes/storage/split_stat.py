"""The stat of every note file on two cores: the second half in a forked child.

At 100,000 notes, one stat per note is about a third of a read command after an edit. The
stat call is short, so Python threads spend their time handing the GIL over (two threads were
slower than one, measured); a child forked for it stats the second half while this process
stats the first, and sends the packed keys back through a pipe. Only where that is safe and
pays: Linux, a process with one thread (never the TUI), many files. Whatever goes wrong in
the child (a file it cannot stat, a signal, a short answer), this process stats that half
itself, so the keys and the ``OSError`` are exactly those of one pass.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

SPLIT_FROM = 10_000
"""Files from which a child is worth its fork (about 2 ms)."""

KEY_SIZE = 40
"""Bytes of one packed stat key (``note_cache._STAT``)."""

OnePass = Callable[[str, list[str]], list[bytes]]


def split_stat_keys(
    prefix: str, rels: list[str], one_pass: OnePass, split_from: int = SPLIT_FROM
) -> list[bytes]:
    """``one_pass(prefix, rels)``, the second half worked out by a child process when that
    is safe and there are ``split_from`` files or more."""
    if len(rels) < split_from or not sys.platform.startswith("linux"):
        return one_pass(prefix, rels)
    if threading.active_count() != 1:  # a fork copies one thread: another's locks stay held
        return one_pass(prefix, rels)
    half = len(rels) // 2
    child = _forked(prefix, rels[half:], one_pass)
    if child is None:
        return one_pass(prefix, rels)
    pid, answers = child
    try:
        first = one_pass(prefix, rels[:half])
        data = _read_all(answers)
    finally:
        os.close(answers)  # a child still writing gets EPIPE and exits
        _, status = os.waitpid(pid, 0)
    rest = len(rels) - half
    if status != 0 or len(data) != rest * KEY_SIZE:
        return first + one_pass(prefix, rels[half:])
    return first + [data[i : i + KEY_SIZE] for i in range(0, len(data), KEY_SIZE)]


def _forked(prefix: str, rels: list[str], one_pass: OnePass) -> tuple[int, int] | None:
    """A child stat-ing ``rels`` and writing their keys to a pipe: its pid and the pipe's
    reading end; None when no child could be made."""
    try:
        answers, into = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(answers)
        os.close(into)
        return None
    if pid == 0:  # pragma: no cover - the child; its exit status says how it went
        _child(prefix, rels, one_pass, answers, into)
    os.close(into)
    return pid, answers


def _child(prefix: str, rels: list[str], one_pass: OnePass, answers: int, into: int) -> None:
    """Stat, write, and leave without running anything of the parent's (no flush of its
    buffered output, no exit handlers, no cache writes): ``os._exit``."""
    code = 1
    try:
        import gc

        gc.disable()  # a collection would touch, and so copy, the parent's whole heap
        os.close(answers)
        view = memoryview(b"".join(one_pass(prefix, rels)))
        while view:
            view = view[os.write(into, view) :]
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the parent stats again; no output here
        pass
    finally:
        os._exit(code)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
