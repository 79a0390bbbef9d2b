"""The years a search works out, on two cores: the later ones in a forked child.

A new query at 100,000 notes finds tens of thousands of papers, and each is matched, placed
and printed in Python: most of the search's time, spent one year folder at a time, each
year on its own. So when there are many notes to search, a child forked for it works out
the later years while this process works out the first ones, and sends its answers back
through a pipe, marshalled. Only where that is safe (Linux, a process with one thread, as
``storage/split_stat.py``). Whatever goes wrong in the child (an answer it could not work
out, a signal, a short answer), this process works out those years itself, so the answers
are exactly those of one pass.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Sequence
from typing import TypeVar

from papernotes.storage.split_stat import child_output, fork_is_safe, forked_child

T = TypeVar("T")
R = TypeVar("R")

SPLIT_FROM = 20_000
"""Notes to search from which a child is worth its fork and its answers' trip back."""


def worked_out(  # noqa: PLR0913 - the items, their work, and how an answer travels
    items: Sequence[T],
    weights: Sequence[int],
    work: Callable[[T], R | None],
    dump: Callable[[R], bytes],
    load: Callable[[bytes], R | None],
    split_from: int | None = None,
) -> list[R] | None:
    """``work(item)`` for each of ``items`` in order, the later ones (about half of the
    ``weights``) in a forked child when the weights add up to ``split_from`` (default
    ``SPLIT_FROM``) or more; None as soon as one gives None (as one pass would stop there).
    ``dump`` and ``load`` carry an answer from the child (``load``: None for one that does
    not read). An item the child did not answer is worked out here."""
    half = _split_at(weights, SPLIT_FROM if split_from is None else split_from)
    child = _forked(items[half:], work, dump) if half < len(items) else None
    if child is None:
        half = len(items)
    answers: list[R] = []
    try:
        for item in items[:half]:
            answer = work(item)
            if answer is None:
                return None
            answers.append(answer)
    finally:
        kept = None if child is None else _answers(*child, len(items) - half, load)
    for item, answer in zip(items[half:], kept or [None] * (len(items) - half), strict=True):
        got = answer if answer is not None else work(item)
        if got is None:
            return None
        answers.append(got)
    return answers


def _split_at(weights: Sequence[int], split_from: int) -> int:
    """Where the child's items begin: about half of the weight, or none (``len``) when the
    weights are under ``split_from`` or no child may be forked."""
    total = sum(weights)
    if total < split_from or not fork_is_safe():
        return len(weights)
    done = 0
    for i, weight in enumerate(weights):
        done += weight
        if 2 * done >= total:
            return i + 1
    return len(weights)


def _forked(
    items: Sequence[T], work: Callable[[T], R | None], dump: Callable[[R], bytes]
) -> tuple[int, int] | None:
    """A child working out ``items`` and writing their answers to a pipe: its pid and the
    pipe's reading end; None when no child could be made."""

    def made() -> bytes:
        done = []
        for item in items:
            answer = work(item)
            if answer is None:
                raise LookupError("an item gives no answer: the parent works them out")
            done.append(dump(answer))
        return marshal.dumps(done)

    return forked_child(made)


def _answers(
    pid: int, answers: int, count: int, load: Callable[[bytes], R | None]
) -> list[R | None] | None:
    """The ``count`` answers the child ``pid`` wrote to the pipe ``answers``, once it ended
    (each None that does not ``load``); None when it failed."""
    data = child_output(pid, answers)
    if data is None:
        return None
    try:
        done = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    del data
    if not isinstance(done, list) or len(done) != count:
        return None
    read: list[R | None] = []
    for i, one in enumerate(done):  # each answer's bytes let go once it is read
        read.append(load(one) if isinstance(one, bytes) else None)
        done[i] = None
    return read
