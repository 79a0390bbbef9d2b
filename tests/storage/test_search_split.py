"""A new search split with a forked child (``library/search_split.py``): the child works out
and keeps the later years' answers while this process searches the earlier ones, and the
output is always what one process (and a run without caches) prints, whatever happens to
the child."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from papernotes.library import search_listing, search_split
from tests.storage.test_cache_shards import edit_as_a_person
from tests.storage.test_search_listing import searched

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="splits on Linux")


@pytest.fixture
def worked_out(monkeypatch) -> list[str]:
    """The years whose papers this process worked out from their forms."""
    years: list[str] = []
    real = search_listing.YearSearch.found_in

    def counted(self, year, forms):
        years.append(year)
        return real(self, year, forms)

    monkeypatch.setattr(search_listing.YearSearch, "found_in", counted)
    return years


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """The children forked from now on (their pids), a split made from one note on."""
    monkeypatch.setattr(search_split, "SPLIT_FROM", 1)
    made: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return made


@pytest.mark.parametrize("query", ["zhengliu", "蒸馏", "tuili sudu", "bert 蒸馏", "zzzz"])
def test_a_new_search_leaves_the_later_years_to_a_child_and_prints_what_one_process_does(
    seed_library,
    trusting_cache,
    forks,
    worked_out,
    query,
):
    for colour in (False, True):
        forks.clear()
        worked_out.clear()
        result = searched(seed_library, query, colour=colour)
        assert len(forks) == 1, "no child searched the later years"
        assert worked_out == ["2019", "2020"]  # here: 2021 and 2023 came from the child
        assert result == searched(seed_library, query, cache=False, colour=colour)
    note = seed_library / "2021" / "deberta.md"  # a later year's, kept by the child
    edit_as_a_person(note, note.read_text(encoding="utf-8") + "\n推理速度 zzzz\n")
    forks.clear()
    worked_out.clear()
    assert searched(seed_library, query) == searched(seed_library, query, cache=False)
    assert forks == [] and worked_out == ["2021"]  # a repeated query reads its answers


def test_a_child_killed_or_failing_leaves_its_years_to_this_process(
    seed_library,
    trusting_cache,
    forks,
    worked_out,
    monkeypatch,
):
    parent = os.getpid()
    real = search_listing.YearSearch.answer_years

    def dying(self, *args):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, *args)

    monkeypatch.setattr(search_listing.YearSearch, "answer_years", dying)
    for query in ("zhengliu", "蒸馏"):
        worked_out.clear()
        result = searched(seed_library, query)
        assert forks and worked_out == ["2019", "2020", "2021", "2023"]
        assert result == searched(seed_library, query, cache=False)
    monkeypatch.setattr(search_listing.YearSearch, "answer_years", real)
    monkeypatch.setattr(search_listing.YearSearch, "found_in", lambda *args: 1 / 0)
    forks.clear()
    with pytest.raises(ZeroDivisionError):  # the child fails too: this process raises
        searched(seed_library, "changdu")
    assert len(forks) == 1
