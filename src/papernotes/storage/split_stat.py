"""The stat of every note file on two cores: the second half in a forked child.

At 100,000 notes, one stat per note is about a third of a read command after an edit. The
stat call is short, so Python threads spend their time handing the GIL over (two threads were
slower than one, measured); a child forked for it stats the second half while this process
stats the first, and sends the packed keys back through a pipe. Only where that is safe and
pays: Linux, a process with one thread, many files. The TUI begins the whole stat in a child
before Textual starts its threads (``started_stat_keys``) and collects it from the thread
that loads the rows. Whatever goes wrong in the child (a file it cannot stat, a signal, a
short answer), this process stats those files itself, so the keys and the ``OSError`` are
exactly those of one pass.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

SPLIT_FROM = 20_000
"""Files from which a child is worth its fork (about 2 ms)."""

KEY_SIZE = 40
"""Bytes of one packed stat key (``note_cache._STAT``)."""

OnePass = Callable[[str, list[str]], list[bytes]]


def split_stat_keys(
    prefix: str,
    rels: list[str],
    one_pass: OnePass,
    split_from: int | None = None,
    size: int = KEY_SIZE,
    share: float = 0.5,
    meanwhile: Callable[[], object] | None = None,
) -> list[bytes]:
    """``one_pass(prefix, rels)``, the second half worked out by a child process when that
    is safe and worth it (``_may_fork``); each answer ``size`` bytes. ``share``: the part
    this process works out; ``meanwhile``: called once this process has done its part,
    while the child may still work (or after the one pass)."""
    if not _may_fork(len(rels), split_from):
        answers = one_pass(prefix, rels)
        if meanwhile is not None:
            meanwhile()
        return answers
    half = int(len(rels) * share)
    child = _forked(prefix, rels[half:], one_pass)
    if child is None:
        answers = one_pass(prefix, rels)
        if meanwhile is not None:
            meanwhile()
        return answers
    try:
        first = one_pass(prefix, rels[:half])
        if meanwhile is not None:
            meanwhile()
    finally:
        rest = _answer(*child, len(rels) - half, size)  # read even on an error: child ends
    return first + (rest if rest is not None else one_pass(prefix, rels[half:]))


def started_stat_keys(
    prefix: str, rels: list[str], one_pass: OnePass, split_from: int | None = None
) -> Callable[[], list[bytes]]:
    """``one_pass(prefix, rels)`` begun now by a child process, when that is safe and worth
    it (``_may_fork``), for a program about to start threads (the TUI): the
    function returned gives the keys, from any thread, at once if the child is done (made
    in this process, when no child could be or it failed)."""
    if not _may_fork(len(rels), split_from):
        return lambda: one_pass(prefix, rels)
    child = _forked(prefix, rels, one_pass)
    if child is None:
        return lambda: one_pass(prefix, rels)
    return lambda: _answer(*child, len(rels)) or one_pass(prefix, rels)


def _may_fork(files: int, split_from: int | None) -> bool:
    """Whether a child is worth making (``split_from`` files, default ``SPLIT_FROM``) and
    safe (``fork_is_safe``)."""
    return files >= (SPLIT_FROM if split_from is None else split_from) and fork_is_safe()


def fork_is_safe() -> bool:
    """Linux, one thread only (a fork copies the calling thread alone: another's locks
    would stay held in the child)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _forked(prefix: str, rels: list[str], one_pass: OnePass) -> tuple[int, int] | None:
    """A child stat-ing ``rels`` and writing their keys to a pipe: its pid and the pipe's
    reading end; None when no child could be made."""
    return forked_child(lambda: b"".join(one_pass(prefix, rels)))


def forked_child(make: Callable[[], bytes]) -> tuple[int, int] | None:
    """A child process writing ``make()`` to a new pipe and leaving (status 1 when ``make``
    raised): its pid and the pipe's reading end, for ``child_output``; None when no pipe or
    child could be made."""
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
        _child(make, answers, into)
    os.close(into)
    return pid, answers


def _child(make: Callable[[], bytes], answers: int, into: int) -> None:
    """Make, write, and leave without running anything of the parent's (no flush of its
    buffered output, no exit handlers, no cache writes): ``os._exit``."""
    code = 1
    try:
        import gc

        gc.disable()  # a collection would touch, and so copy, the parent's whole heap
        os.close(answers)
        view = memoryview(make())
        while view:
            view = view[os.write(into, view) :]
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the parent does the work; no output here
        pass
    finally:
        os._exit(code)


def child_output(pid: int, answers: int) -> bytes | None:
    """What the child ``pid`` (``forked_child``) wrote to the pipe ``answers``, once it
    ended; None when it failed."""
    chunks = []
    try:
        while chunk := os.read(answers, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(answers)  # a child still writing gets EPIPE and exits
        _, status = os.waitpid(pid, 0)
    return b"".join(chunks) if status == 0 else None


def _answer(pid: int, answers: int, count: int, size: int = KEY_SIZE) -> list[bytes] | None:
    """The ``count`` keys (``size`` bytes each) the child ``pid`` wrote to the pipe
    ``answers``, once it ended; None when it failed (then this process stats them)."""
    data = child_output(pid, answers)
    if data is None or len(data) != count * size:
        return None
    return [data[i : i + size] for i in range(0, len(data), size)]
