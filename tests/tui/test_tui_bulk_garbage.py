"""A bulk change is written in a worker that pauses Python's cyclic garbage collector, which
pauses it for the whole process: the screen's own garbage (each paper shown leaves some) is
collected meanwhile, so the app's memory does not grow with the change's length (issue 20:
at 100,000 notes it reached 630 MB).

The change is held up by a real second process holding the library lock, released only
when the test says so: nothing depends on how fast the machine is."""

from __future__ import annotations

import asyncio
import gc
import time
import weakref

from papernotes.library.paper_rows import STATUS
from papernotes.tui.screens import mark_actions
from papernotes.tui.widgets.paper_list import PaperList
from tests.helpers import lock_held
from tests.tui_helpers import pilot_test, press, running


class Cyclic:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.itself = self


@pilot_test
async def test_garbage_made_on_screen_while_a_bulk_change_is_written_is_collected_before_it_ends(
    seed_library, tmp_path, monkeypatch
):
    monkeypatch.setattr(mark_actions, "COLLECT_EVERY_S", 0.05)
    deadline = time.monotonic() + 60
    with lock_held(seed_library, tmp_path) as (_, release):
        async with running(seed_library) as (app, pilot):
            marks = app.screen.marks
            await press(pilot, "V", "s", "down", "down", "enter")  # every row: read
            assert marks.writing
            while gc.isenabled():  # the worker paused the collector, waiting for the lock
                assert time.monotonic() < deadline, "the worker never paused the collector"
                await asyncio.sleep(0.01)
            await press(pilot, "down", "down", "up")  # papers shown while it waits
            garbage = Cyclic()
            freed = weakref.ref(garbage)
            del garbage
            collected_by = time.monotonic() + 5
            while freed() is not None and time.monotonic() < collected_by:
                await asyncio.sleep(0.02)
            assert marks.writing and not gc.isenabled()  # the change still waits for the lock
            assert freed() is None, "garbage piled up while the change was written"
            release.touch()
            while marks.writing:
                assert time.monotonic() < deadline, "the change never ended"
                await asyncio.sleep(0.02)
            await pilot.pause()
            rows = app.screen.query_one(PaperList).rows
            assert rows and {r[STATUS] for r in rows} == {"read"}
            assert gc.isenabled()
