"""The TUI on light rows (``library/paper_rows.py``): the list, the filter and a bulk change
work without a ``Note`` per paper; the detail view still shows the whole note."""

from __future__ import annotations

from papernotes.library.paper_rows import PATH, STATUS
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.paper_list import PaperList
from tests.tui_helpers import listed_titles, pilot_test, press, running, type_text


@pilot_test
async def test_the_detail_shows_the_whole_note_of_the_row_under_the_cursor_from_its_file_alone(
    seed_library,
):
    async with running(seed_library) as (app, pilot):
        await press(pilot, "down", "down")
        row = app.screen.query_one(PaperList).highlighted
        source = app.screen.query_one(DetailView).source
        note = app.library.note_at(str(row[PATH]))
        assert note.paper.notes and all(line in source for line in note.paper.notes)
        assert note.paper.title in source
        assert app.library._notes is None  # no note but the shown ones was built


@pilot_test
async def test_a_status_set_on_marked_rows_shows_in_their_glyphs_without_loading_every_note(
    seed_library,
):
    async with running(seed_library) as (app, pilot):
        await press(pilot, "slash")
        await type_text(pilot, "蒸馏")
        await press(pilot, "enter", "V", "s", "down", "down", "enter")  # read
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = app.screen.query_one(PaperList).rows
        assert len(rows) == 3 and {r[STATUS] for r in rows} == {"read"}
        assert app.library._notes is None
        await press(pilot, "escape", "escape", "slash")
        await type_text(pilot, "status:read 蒸餾")  # the filter sees the new status at once
        assert len(listed_titles(app)) == 3
