"""The years of a search worked out on two cores, the later ones by a forked child
(``library/search_split.py``): the answers are always those of one pass in this process,
whatever becomes of the child, and ``search`` prints what a run without caches prints."""

from __future__ import annotations

import marshal
import os
import signal
import sys

import pytest

from papernotes.library import search_split
from papernotes.library.search_split import worked_out
from tests.helpers import forks_of, run
from tests.library.test_search_hits import MANY_PATTERN_QUERIES, QUERIES, TRICKY_NOTES, note_text

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="splits on Linux")


@pytest.fixture
def tricky_library(seed_library):
    """``test_search_hits``' library: heteronyms, touching matches, a note not folded one
    character for one, in three year folders."""
    for path, fields in TRICKY_NOTES.items():
        file = seed_library / path
        file.parent.mkdir(exist_ok=True)
        file.write_text(note_text(*fields), encoding="utf-8")
    return seed_library


def _squared(item: int) -> tuple[int, int]:
    return item, item * item


def _worked_out(work, items=range(10), weights=None):
    items = list(items)
    return worked_out(items, weights or [1] * len(items), work, marshal.dumps, marshal.loads, 2)


def test_answers_worked_out_by_a_child_are_those_of_one_pass_in_order(monkeypatch):
    forks = forks_of(monkeypatch)
    parent = os.getpid()
    by = {}

    def work(item: int) -> tuple[int, int]:
        by[item] = os.getpid()  # (the child's record stays in the child)
        return _squared(item)

    assert _worked_out(work) == [_squared(i) for i in range(10)]
    assert len(forks) == 1  # the old search worked out every year in this process
    assert sorted(by) == [0, 1, 2, 3, 4] and set(by.values()) == {parent}


def test_the_child_takes_the_later_items_holding_about_half_of_the_weight(monkeypatch):
    forks = forks_of(monkeypatch)
    here = []

    def work(item: int) -> tuple[int, int]:
        here.append(item)
        return _squared(item)

    assert _worked_out(work, range(4), [10, 1, 1, 1]) == [_squared(i) for i in range(4)]
    assert forks and here == [0]  # the first item is most of the work
    forks.clear()
    here.clear()
    assert _worked_out(work, range(3), [1, 1, 1]) == [_squared(i) for i in range(3)]
    assert forks and here == [0, 1]
    forks.clear()
    here.clear()  # under the threshold: no child at all
    assert worked_out([1, 2], [1, 1], work, marshal.dumps, marshal.loads, 3) == [(1, 1), (2, 4)]
    assert forks == [] and here == [1, 2]


def test_a_child_killed_before_it_answers_leaves_its_items_to_this_process():
    parent = os.getpid()

    def dying_in_a_child(item: int) -> tuple[int, int]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return _squared(item)

    assert _worked_out(dying_in_a_child) == [_squared(i) for i in range(10)]


def test_an_item_the_child_cannot_work_out_or_carry_back_is_worked_out_here():
    parent = os.getpid()

    def failing_in_a_child(item: int) -> tuple[int, int] | None:
        if os.getpid() != parent and item == 7:
            return None  # (as a note gone when the child reads it)
        return _squared(item)

    assert _worked_out(failing_in_a_child) == [_squared(i) for i in range(10)]

    def unreadable(data: bytes) -> tuple[int, int] | None:
        item, square = marshal.loads(data)
        return None if item == 8 else (item, square)

    items = list(range(10))
    got = worked_out(items, [1] * 10, _squared, marshal.dumps, unreadable, 2)
    assert got == [_squared(i) for i in items]


def test_none_from_any_item_gives_none_as_one_pass_stopping_there_and_the_child_is_reaped():
    for stop in (2, 8):  # in this process's items, in the child's

        def work(item: int, stop: int = stop) -> tuple[int, int] | None:
            return None if item == stop else _squared(item)

        assert _worked_out(work) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind


@pytest.mark.parametrize("colour", [False, True])
def test_a_search_split_over_two_processes_prints_what_a_run_without_caches_prints(
    tricky_library, trusting_cache, monkeypatch, colour
):
    """With the threshold lowered, a new query forks a child for the later year folders
    (their forms as kept: a year whose notes changed is worked out at once, before); the
    same query again reads the answers kept from both."""
    colours = ["--color", "always"] if colour else []
    no_cache = {"PAPERNOTES_NO_CACHE": "1"}
    queries = dict.fromkeys([*QUERIES, *MANY_PATTERN_QUERIES])
    expected = {q: run(tricky_library, *colours, "search", q, env=no_cache) for q in queries}
    assert run(tricky_library, "search", "keeps the forms and spellings").exit_code == 1
    monkeypatch.setattr(search_split, "SPLIT_FROM", 1)
    forks = forks_of(monkeypatch)
    for query, want in expected.items():
        for _ in range(2):  # worked out, then kept
            got = run(tricky_library, *colours, "search", query)
            assert (got.exit_code, got.stdout, got.stderr) == (
                want.exit_code,
                want.stdout,
                want.stderr,
            ), query
    assert len(forks) == len(expected)  # each query once: its second run reads answers
    exact = [
        run(tricky_library, *colours, "search", "BERT", "--exact", env=e) for e in (None, no_cache)
    ]
    assert exact[0].stdout == exact[1].stdout and exact[0].exit_code == 0
