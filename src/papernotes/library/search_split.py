"""A new search on two cores: the years of the later part of the notes searched by a forked
child, which keeps their forms and printed papers in the caches (``search_answers``) and
exits; this process searches the earlier years meanwhile, then takes the child's years from
the kept answers, as a search repeated after an edit takes its unchanged years.

At 100,000 notes, matching, placing and printing the ~50,000 papers a new query finds is
about half of its time. The child writes only caches that a search checks before using
(an answer is used only with forms holding its token, forms only for files with their stat
keys: ``library/search_listing.py``), so whatever happens to it (killed, failing, slower),
this process works out what it lacks itself and prints what one process would have.
Only where that is safe and pays (``split_stat``'s rules: Linux, one thread, many notes) and
when the query has no kept answers for most years (a repeated query reads them instead).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable

from papernotes.storage.split_stat import may_fork

SPLIT_FROM = 20_000
"""Notes from which a new search is worth a child (its fork: a few milliseconds)."""
CHILD_SHARE = 0.55
"""The part of the notes the child searches: this process reads the child's answers too."""

Years = list[tuple[str, int, int]]
"""Year folders, each with where its notes are in the scan."""


def later_years(years: Years, kept: int, notes: int) -> int:
    """Where in ``years`` the child's part starts (``len(years)``: no child is worth it),
    given how many year folders the query ``kept`` an answer for and how many ``notes``."""
    if kept * 2 >= len(years) or not may_fork(notes, SPLIT_FROM):
        return len(years)
    for at, (_, start, _) in enumerate(years):
        if start >= notes * (1 - CHILD_SHARE):
            return at
    return len(years)


def started_child(work: Callable[[], None]) -> int | None:
    """A forked child doing ``work`` (its output: cache files) and exiting without running
    anything of this process's (no flush of buffered output, no exit handlers): its pid, or
    None when no child could be made."""
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # pragma: no cover - the child; this process checks what it kept
        code = 1
        try:
            import gc

            gc.disable()  # a collection would touch, and so copy, the parent's whole heap
            work()
            code = 0
        except BaseException:  # noqa: BLE001, S110 - the parent works out what is missing
            pass
        finally:
            os._exit(code)
    return pid


def ended(pid: int | None) -> None:
    """Wait for the child ``pid`` (if any) to end."""
    if pid is not None:
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
