"""gc_paused: the collector is off inside the block and back as it was after it."""

from __future__ import annotations

import gc

import pytest

from papernotes.gc_pause import gc_paused


def test_the_collector_is_paused_in_the_block_and_what_is_kept_is_frozen_after_it():
    gc.unfreeze()  # what an earlier test froze, so that the count below is this block's
    try:
        with gc_paused(freeze=True):
            assert not gc.isenabled()
            kept = [[i] for i in range(1000)]  # lists: always tracked by the collector
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()


def test_a_failing_block_freezes_nothing_and_turns_the_collector_back_on():
    frozen = gc.get_freeze_count()
    with pytest.raises(OSError), gc_paused(freeze=True):
        raise OSError("the notes folder went away")
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
