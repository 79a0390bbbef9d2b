"""Starting the terminal UI: the cyclic garbage collector is paused while the app starts
(``PapernotesApp.on_load``) and must run again once the library is read, or could not be."""

from __future__ import annotations

import gc
import shutil

import pytest

from papernotes.tui.app import build_app
from tests.tui_helpers import SIZE, listed_titles, notifications, pilot_test, running


@pytest.mark.slow
@pilot_test
async def test_the_garbage_collector_runs_again_once_the_library_is_read(seed_library):
    assert gc.isenabled()
    async with running(seed_library) as (app, _pilot):
        assert listed_titles(app)
        assert gc.isenabled()
    assert gc.isenabled()


@pytest.mark.slow
@pilot_test
async def test_a_library_that_cannot_be_read_is_notified_and_garbage_is_collected_again(
    seed_library,
):
    app = build_app(seed_library)
    shutil.rmtree(seed_library)  # gone between opening the library and reading it
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Cannot load the library" in n for n in notifications(app, "error"))
        assert gc.isenabled()
    assert gc.isenabled()


@pytest.mark.slow
@pilot_test
async def test_an_app_closed_at_once_leaves_the_garbage_collector_on(seed_library):
    app = build_app(seed_library)
    async with app.run_test(size=SIZE):
        app.exit()
    assert gc.isenabled()
