"""A bulk change is written in a worker that pauses Python's cyclic garbage collector, which
pauses it for the whole process: the screen's own garbage (each paper shown leaves some) is
collected meanwhile, so the app's memory does not grow with the change's length (issue 20:
at 100,000 notes it reached 630 MB).

The change is held up by a real second process holding the library lock, released only
when the test says so: nothing depends on how fast the machine is."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import textwrap
import time
import weakref

from papernotes.library.paper_rows import STATUS
from papernotes.tui.screens import mark_actions
from papernotes.tui.widgets.paper_list import PaperList
from tests.tui_helpers import pilot_test, press, running

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    from papernotes.storage.store import NoteStore

    root, held, release = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    with NoteStore(root).locked():
        held.touch()
        deadline = time.monotonic() + 60  # never outlive a broken test
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    """
)


class Cyclic:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.itself = self


@pilot_test
async def test_garbage_made_on_screen_while_a_bulk_change_is_written_is_collected_before_it_ends(
    seed_library, tmp_path, monkeypatch
):
    monkeypatch.setattr(mark_actions, "COLLECT_EVERY_S", 0.05)
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    held, release = tmp_path / "held", tmp_path / "release"
    holder = subprocess.Popen([sys.executable, str(script), str(seed_library), held, release])
    try:
        deadline = time.monotonic() + 60
        while not held.exists():  # wait for the signal, not for time to pass
            assert holder.poll() is None, "the lock holder died"
            assert time.monotonic() < deadline, "the lock holder never took the lock"
            time.sleep(0.01)
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
    finally:
        release.touch()
        holder.wait(timeout=60)
