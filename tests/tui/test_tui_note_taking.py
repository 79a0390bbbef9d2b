"""Taking notes while reading: the years panel, the add form's year, and the note editor."""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from textual._xterm_parser import XTermParser
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from papernotes.library import Library
from papernotes.library.paper_rows import YEAR
from papernotes.tui.screens.add_paper import AddPaperScreen
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.note_editor import NoteInput, NoteLineList
from papernotes.tui.widgets.paper_list import PaperList
from papernotes.tui.widgets.year_nav import YearNavigator
from tests.helpers import folder_bytes
from tests.tui_helpers import notifications, pilot_test, press, running, type_text

TINYBERT = "2020/tinybert.md"


def notes_on_disk(root, rel: str = TINYBERT) -> tuple[str, ...]:
    return Library(root).store.read(rel).paper.notes


async def open_notes(app, pilot, rel: str = TINYBERT) -> None:
    app.screen.query_one(PaperList).select_path(rel)
    await pilot.pause()
    await press(pilot, "n")


@pilot_test
async def test_y_focuses_the_years_panel_and_the_footer_says_so(seed_library):
    async with running(seed_library) as (app, pilot):
        assert isinstance(app.focused, PaperList)
        keys = {key.key: key for key in app.screen.query_one(Footer).query(FooterKey)}
        assert keys["y"].description == "Yr" and keys["y"].tooltip.startswith("Focus the years")
        await press(pilot, "y")
        assert isinstance(app.focused, YearNavigator)
        await press(pilot, "down", "down")  # All, 2023, 2021
        titles = {r[YEAR] for r in app.screen.query_one(PaperList).rows}
        assert titles == {2021}


@pilot_test
async def test_the_add_form_year_is_the_year_browsed_and_this_year_under_all(seed_library):
    async with running(seed_library) as (app, pilot):
        await press(pilot, "a")
        assert app.screen.query_one("#field-year").value == str(dt.date.today().year)
        await press(pilot, "escape")
        await press(pilot, "y", "down", "down", "down")  # from All: 2023, 2021, 2020
        await press(pilot, "a")
        assert isinstance(app.screen, AddPaperScreen)
        assert app.screen.query_one("#field-year").value == "2020"


@pilot_test
async def test_a_paper_saved_under_a_new_year_appears_in_the_years_panel(seed_library):
    async with running(seed_library) as (app, pilot):
        years = app.screen.query_one(YearNavigator)
        assert "2016" not in [label for label, _ in years.entries()]
        await press(pilot, "a")
        app.screen.query_one("#field-year").value = "2016"
        app.screen.query_one("#field-title").value = "A paper from 2016"
        await press(pilot, "ctrl+s")
        assert ("2016", 1) in years.entries()


@pilot_test
async def test_n_appends_two_notes_in_a_row_with_the_input_kept_open(seed_library):
    before = notes_on_disk(seed_library)
    async with running(seed_library) as (app, pilot):
        await open_notes(app, pilot)
        assert isinstance(app.focused, NoteInput)
        await type_text(pilot, "first thought")
        await press(pilot, "enter")
        assert isinstance(app.focused, NoteInput) and app.focused.value == ""
        await type_text(pilot, "second thought")
        await press(pilot, "enter")
        assert notes_on_disk(seed_library) == (*before, "first thought", "second thought")
        lines = app.screen.query_one(NoteLineList)
        assert str(lines.get_option_at_index(5).prompt) == "6. second thought"
        await press(pilot, "escape")
        assert not app.screen.query_one("#note-editor").display
        assert isinstance(app.focused, PaperList)
        assert "6. second thought" in app.screen.query_one(DetailView).source


@pilot_test
async def test_enter_on_a_selected_note_line_edits_it_in_place(seed_library):
    before = notes_on_disk(seed_library)
    async with running(seed_library) as (app, pilot):
        await open_notes(app, pilot)
        await press(pilot, "up", "up", "up")  # to the lines: note 4, then 3, then 2
        assert app.screen.query_one(NoteLineList).highlighted == 1
        await press(pilot, "enter")
        field = app.focused
        assert isinstance(field, NoteInput) and field.value == before[1]
        field.value = "预训练阶段：只蒸馏 transformer 层"
        await press(pilot, "enter")
        assert notes_on_disk(seed_library) == (before[0], field.value, *before[2:])
        assert isinstance(app.focused, NoteLineList)  # back on the edited line
        assert app.focused.highlighted == 1


@pilot_test
async def test_delete_removes_the_selected_line_and_undo_puts_it_back(seed_library):
    before = notes_on_disk(seed_library)
    async with running(seed_library) as (app, pilot):
        await open_notes(app, pilot)
        await press(pilot, "up", "up")  # note 3
        await press(pilot, "delete")
        assert notes_on_disk(seed_library) == (*before[:2], before[3])
        assert any("Deleted note 3" in m and "Undo" in m for m in notifications(app))
        await press(pilot, "ctrl+z")
        assert notes_on_disk(seed_library) == before


@pilot_test
async def test_ctrl_up_and_ctrl_down_move_the_selected_line(seed_library):
    a, b, c, d = notes_on_disk(seed_library)
    async with running(seed_library) as (app, pilot):
        await open_notes(app, pilot)
        await press(pilot, "up")  # note 4
        await press(pilot, "ctrl+up", "ctrl+up")
        assert notes_on_disk(seed_library) == (a, d, b, c)
        assert app.screen.query_one(NoteLineList).highlighted == 1  # the moved line
        await press(pilot, "ctrl+down")
        assert notes_on_disk(seed_library) == (a, b, d, c)


@pilot_test
async def test_a_note_changed_on_disk_is_never_overwritten_and_a_reload_is_offered(seed_library):
    async with running(seed_library) as (app, pilot):
        await open_notes(app, pilot)
        path = seed_library / TINYBERT
        path.write_text(
            path.read_text(encoding="utf-8") + "5. written by another program\n", encoding="utf-8"
        )
        changed = folder_bytes(seed_library)
        await type_text(pilot, "mine")
        await press(pilot, "enter")
        assert folder_bytes(seed_library) == changed
        errors = notifications(app, "error")
        assert any("changed on disk" in m and "Reload" in m for m in errors)
        assert app.focused.value == "mine"  # what was typed is kept
        await press(pilot, "ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = app.screen.query_one(NoteLineList)
        assert str(lines.get_option_at_index(4).prompt) == "5. written by another program"
        await press(pilot, "enter")  # now it builds on what is on disk
    assert notes_on_disk(seed_library)[-2:] == ("written by another program", "mine")


@pilot_test
async def test_chinese_typed_into_the_note_input_is_stored_unchanged(seed_library):
    text = "蒸馏：教师模型→学生模型，損失＝ＫＬ散度（温度 T=2）"
    async with running(seed_library) as (app, pilot):
        await open_notes(app, pilot)
        field = app.focused
        start = field.cursor_screen_offset.x
        # the bytes a terminal receives when an input method commits the text, read by
        # Textual's own terminal parser (Pilot's press() drops full-width punctuation)
        for event in XTermParser().feed(text):
            app._driver.send_message(event)
        await pilot.pause()
        assert field.value == text
        assert field.cursor_screen_offset.x - start == cell_len(text)  # wide characters: 2 cells
        await press(pilot, "enter")
    assert notes_on_disk(seed_library)[-1] == text
    assert f"5. {text}\n" in (seed_library / TINYBERT).read_text(encoding="utf-8")


@pilot_test
async def test_clicking_undo_in_the_deletion_notification_puts_the_line_back(seed_library):
    from textual.widgets._toast import Toast

    from papernotes.tui.start import build_app

    before = notes_on_disk(seed_library)
    app = build_app(seed_library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:  # toasts drawn
        await app.workers.wait_for_complete()
        await pilot.pause()
        await open_notes(app, pilot)
        await press(pilot, "up", "up", "delete")  # note 3
        assert notes_on_disk(seed_library) == (*before[:2], before[3])
        await pilot.pause()
        toast = app.query(Toast).last()
        # the message starts after the toast's left border and padding, on its second row
        await pilot.click(toast, offset=(2 + len("Deleted note 3. ") + 1, 1))
        await pilot.pause()
        assert notes_on_disk(seed_library) == before
        assert notifications(app)[-1] == "Note 3 is back."
