"""Starting the terminal UI: the cyclic garbage collector is paused while the app starts
(``PapernotesApp.on_load``) and must run again once the library is read, or could not be."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import textwrap

import pytest

from papernotes.tui.start import build_app
from tests.tui_helpers import (
    SIZE,
    listed_titles,
    notifications,
    pilot_test,
    running,
    search_prepared,
)


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


@pytest.mark.slow
@pilot_test
async def test_once_the_list_is_shown_every_note_is_ready_for_the_filter_when_its_forms_were_kept(
    seed_library,
):
    """The second start reads the search forms the first one kept; the folded text of every
    row is still made ready after the list is shown (with the Chinese characters for pinyin
    queries), so the first keystroke scans bytes only, and no note but the shown one is
    built for it."""
    async with running(seed_library) as (app, pilot):
        assert await search_prepared(app, pilot)
    async with running(seed_library) as (app, pilot):
        rows = app.screen.rows
        assert rows.rows
        assert await search_prepared(app, pilot)
        assert app.library._notes is None  # the rows did it all, without every note


def test_the_notes_stat_is_begun_before_textual_is_imported(seed_library):
    """``build_app`` (what ``papernotes tui`` runs) lists the notes and begins their stat in a
    forked child before Textual is imported: the stat then runs on the other core while
    Textual loads, and a fork is safe only before Textual starts its threads."""
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from papernotes.library import Library
        from papernotes.tui.start import build_app

        seen = []
        scan_ahead = Library.scan_ahead

        def noted(self):
            seen.append("textual" in sys.modules)
            scan_ahead(self)

        Library.scan_ahead = noted
        imported_first = "textual" in sys.modules
        app = build_app(Path(sys.argv[1]))
        app.library.list_rows()  # the child's keys are collected
        print(imported_first, seen, type(app).__name__)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(seed_library)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "[False]", "PapernotesApp"]
