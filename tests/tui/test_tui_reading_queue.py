"""The reading queue in the terminal UI: marks, bulk status/priority/rating/tags, the glyph
column, field filters, the Queue entry and the stats view."""

from __future__ import annotations

import json

import pytest

from papernotes.tui.screens.confirm import ConfirmScreen
from papernotes.tui.screens.queue_dialogs import ChoiceScreen, StatsScreen, TagChangeScreen
from papernotes.tui.start import build_app
from papernotes.tui.widgets.paper_list import PaperList
from papernotes.tui.widgets.year_nav import YearNavigator
from tests.helpers import run
from tests.tui_helpers import SIZE, listed_titles, pilot_test, press, running, type_text

pytestmark = pytest.mark.slow


def papers(root) -> dict[str, dict]:
    return {p["path"]: p for p in json.loads(run(root, "list", "--json").stdout)}


def short(titles: list[str]) -> list[str]:
    return [t.split(":")[0].casefold() for t in titles]


async def filter_by(pilot, text: str) -> None:
    await press(pilot, "slash")
    await type_text(pilot, text)
    await press(pilot, "enter")


@pilot_test
async def test_marks_survive_a_filter_and_a_sort_and_esc_clears_them(seed_library):
    async with running(seed_library) as (app, pilot):
        listing = app.screen.query_one(PaperList)
        assert listing.select_path("2020/tinybert.md")
        await press(pilot, "space")
        assert listing.select_path("2021/mengzi.md")
        await press(pilot, "space")
        assert listing.marked == {"2020/tinybert.md", "2021/mengzi.md"}
        await filter_by(pilot, "robustly")
        assert short(listed_titles(app)) == ["roberta"]
        assert listing.marked == {"2020/tinybert.md", "2021/mengzi.md"}
        await press(pilot, "escape")  # in the list: clears the marks, not the filter
        assert listing.marked == set()
        assert short(listed_titles(app)) == ["roberta"]
        await press(pilot, "escape")  # no marks left: clears the filter
        assert len(listed_titles(app)) == 8
        await press(pilot, "space", "space")
        await press(pilot, "S")
        assert len(listing.marked) == 2


@pilot_test
async def test_s_on_rows_marked_before_a_filter_sets_the_chosen_status_on_all_of_them(
    seed_library,
):
    async with running(seed_library) as (app, pilot):
        listing = app.screen.query_one(PaperList)
        assert listing.select_path("2020/tinybert.md")
        await press(pilot, "space")
        await filter_by(pilot, "robustly")
        await press(pilot, "space")  # roberta, the one row listed now
        await press(pilot, "s")
        assert isinstance(app.screen, ChoiceScreen)
        assert "2 papers" in app.screen.question
        await press(pilot, "down", "down", "enter")  # unread, reading, read
        await app.workers.wait_for_complete()
        await pilot.pause()
    stored = papers(seed_library)
    assert stored["2020/tinybert.md"]["status"] == "read"
    assert stored["2019/roberta.md"]["status"] == "read"
    assert stored["2019/roberta.md"]["read_on"]
    assert [p["status"] for p in stored.values()].count("read") == 2


@pilot_test
async def test_v_marks_every_row_of_the_filter_and_p_sets_their_priority(seed_library):
    async with running(seed_library) as (app, pilot):
        await filter_by(pilot, "year:2020..2021")
        assert len(listed_titles(app)) == 5
        await press(pilot, "V")
        await press(pilot, "p")
        assert isinstance(app.screen, ChoiceScreen)
        await press(pilot, "enter")  # high, the first choice
        await app.workers.wait_for_complete()
        await pilot.pause()
    stored = papers(seed_library)
    high = sorted(path for path, p in stored.items() if p["priority"] == "high")
    assert high == sorted(p for p in stored if p.startswith(("2020/", "2021/")))


@pilot_test
async def test_a_rating_key_asks_once_for_marked_rows_and_not_for_one(seed_library):
    async with running(seed_library) as (app, pilot):
        listing = app.screen.query_one(PaperList)
        assert listing.select_path("2019/xlnet.md")
        await press(pilot, "4")  # one row, not marked: no question
        assert not isinstance(app.screen, ConfirmScreen)
        assert papers(seed_library)["2019/xlnet.md"]["rating"] == 4
        assert listing.select_path("2020/tinybert.md")
        await press(pilot, "space", "space")  # tinybert and the next row, roberta
        await press(pilot, "5")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")  # no: nothing written
        assert all(p["rating"] in (0, 4) for p in papers(seed_library).values())
        await press(pilot, "5", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    stored = papers(seed_library)
    assert stored["2020/tinybert.md"]["rating"] == stored["2019/roberta.md"]["rating"] == 5
    assert sorted(p["rating"] for p in stored.values()) == [0] * 5 + [4, 5, 5]


@pilot_test
async def test_t_on_marked_rows_adds_and_removes_tags(seed_library):
    run(seed_library, "set", "tinybert", "albert", "--tag", "+todo")
    async with running(seed_library) as (app, pilot):
        await filter_by(pilot, "year:2020")
        await press(pilot, "V", "t")
        assert isinstance(app.screen, TagChangeScreen)
        await type_text(pilot, "+蒸馏 -todo")
        await press(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    stored = papers(seed_library)
    for path in ("2020/tinybert.md", "2020/albert.md"):
        assert "蒸馏" in stored[path]["tags"] and "todo" not in stored[path]["tags"]


@pilot_test
async def test_the_filter_bar_takes_field_filters_mixed_with_words(seed_library):
    run(seed_library, "set", "tinybert", "albert", "--status", "read")
    run(seed_library, "set", "tinybert", "--priority", "high", "--tag", "蒸馏")
    async with running(seed_library) as (app, pilot):
        await filter_by(pilot, "status:read")
        assert sorted(short(listed_titles(app))) == ["albert", "tinybert"]
        await press(pilot, "escape", "escape")
        await filter_by(pilot, "priority:high tag:蒸餾")  # traditional: folded like search
        assert short(listed_titles(app)) == ["tinybert"]
        await press(pilot, "escape", "escape")
        await filter_by(pilot, "status:unread year:2019..2021 robustly")
        assert short(listed_titles(app)) == ["roberta"]
        await press(pilot, "escape", "escape")
        await filter_by(pilot, "status:read robustly")
        assert listed_titles(app) == []


@pilot_test
async def test_the_queue_entry_lists_the_queue_and_the_glyphs_show_status_and_priority(
    seed_library,
):
    run(seed_library, "set", "deberta", "--status", "read")
    run(seed_library, "set", "xlnet", "--status", "reading", "--priority", "low")
    async with running(seed_library) as (app, pilot):
        years = app.screen.query_one(YearNavigator)
        assert years.entries()[-1] == ("Queue", 7)
        years.focus()
        await press(pilot, "end")
        titles = short(listed_titles(app))
        assert titles[0] == "xlnet" and "deberta" not in titles and len(titles) == 7
        listing = app.screen.query_one(PaperList)
        listing.focus()
        await press(pilot, "home", "space")
        assert listing.marked == {"2019/xlnet.md"}
        row = listing.render_line(1).text
        assert row.startswith(" •◐↓ XLNet")


@pilot_test
async def test_a_bulk_change_of_many_rows_runs_in_a_worker_and_keeps_the_ui_answering(
    seed_library,
):
    async with running(seed_library) as (app, pilot):
        screen = app.screen
        await press(pilot, "V", "s")
        await press(pilot, "down", "enter")  # reading
        # the change runs in a thread: the screen still takes keys while it writes
        await press(pilot, "slash")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.marks.writing is False
    assert {p["status"] for p in papers(seed_library).values()} == {"reading"}


@pilot_test
async def test_i_opens_the_stats_view(seed_library):
    async with running(seed_library) as (app, pilot):
        await press(pilot, "i")
        assert isinstance(app.screen, StatsScreen)
        assert "Papers by year" in app.screen.text and "8 papers" in app.screen.text
        await press(pilot, "escape")
        assert not isinstance(app.screen, StatsScreen)


def test_list_snapshot_with_the_glyph_column_and_a_marked_row(seed_library, snap_compare):
    run(seed_library, "set", "deberta", "albert", "--status", "read")
    run(seed_library, "set", "xlnet", "--status", "reading", "--priority", "high")
    run(seed_library, "set", "mengzi", "--priority", "medium")
    run(seed_library, "set", "nezha", "--priority", "low")

    async def mark_two(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        listing = pilot.app.screen.query_one(PaperList)
        listing.select_path("2021/mengzi.md")
        await pilot.press("space")
        listing.select_path("2019/xlnet.md")
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(build_app(seed_library), terminal_size=SIZE, run_before=mark_two)


def test_stats_view_snapshot(seed_library, snap_compare):
    run(seed_library, "set", "deberta", "albert", "--status", "read", "--tag", "+蒸馏")
    for rel, day in (("2021/deberta.md", "2024-03-05"), ("2020/albert.md", "2024-05-01")):
        note = seed_library / rel
        lines = [
            f"read_on: '{day}'" if line.startswith("read_on:") else line
            for line in note.read_text(encoding="utf-8").split("\n")
        ]
        note.write_text("\n".join(lines), encoding="utf-8")

    async def open_stats(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()

    assert snap_compare(build_app(seed_library), terminal_size=SIZE, run_before=open_stats)
