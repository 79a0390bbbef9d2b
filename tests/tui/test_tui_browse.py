"""The terminal UI on the seed library: years, the list, filtering and the detail view."""

from __future__ import annotations

import pytest

from papernotes.library.paper_rows import YEAR
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.paper_list import PaperList
from papernotes.tui.widgets.year_nav import YearNavigator
from tests.tui_helpers import (
    count_text,
    listed_titles,
    pilot_test,
    press,
    running,
    type_text,
    widget_text,
)


def short(titles: list[str]) -> list[str]:
    return [t.split(":")[0].casefold() for t in titles]


@pytest.mark.slow
@pilot_test
async def test_the_navigator_lists_years_newest_first_with_their_counts(seed_library):
    async with running(seed_library) as (app, pilot):
        entries = app.screen.query_one(YearNavigator).entries()
        assert entries == [
            ("All", 8), ("2023", 1), ("2021", 3), ("2020", 2), ("2019", 2), ("Queue", 8)
        ]  # fmt: skip
        assert len(listed_titles(app)) == 8
        assert count_text(app).startswith("8 of 8")


@pytest.mark.slow
@pilot_test
async def test_choosing_2020_lists_albert_and_tinybert(seed_library):
    async with running(seed_library) as (app, pilot):
        app.screen.query_one(YearNavigator).focus()
        await pilot.press("down", "down", "down")  # All -> 2023 -> 2021 -> 2020
        await pilot.pause()
        assert sorted(short(listed_titles(app))) == ["albert", "tinybert"]
        assert count_text(app).startswith("2 of 2")


@pilot_test
async def test_filtering_by_a_chinese_word_keeps_the_three_distillation_papers(seed_library):
    async with running(seed_library) as (app, pilot):
        await pilot.press("slash")
        assert app.focused.id == "filter"
        await type_text(pilot, "蒸馏")
        await pilot.pause()
        assert sorted(short(listed_titles(app))) == ["albert", "mengzi", "tinybert"]
        assert count_text(app).startswith("3 of 8")


@pilot_test
async def test_keys_typed_at_once_after_slash_go_into_the_filter_not_to_the_list(seed_library):
    """``/zheng`` arriving in one burst (typed fast, or pasted): the letters used to reach the
    list, whose ``e`` opened the editor; a ``/`` typed in the filter is text."""
    from textual import events

    async with running(seed_library) as (app, pilot):
        for key, character in [("slash", "/"), *((c, c) for c in "zhengliu")]:
            app.post_message(events.Key(key, character))  # all queued before any is handled
        await pilot.pause()
        await pilot.pause()
        assert app.focused.id == "filter"
        assert app.screen.query_one("#filter").value == "zhengliu"
        assert sorted(short(listed_titles(app))) == ["albert", "mengzi", "tinybert"]
        app.post_message(events.Key("slash", "/"))
        await pilot.pause()
        assert app.screen.query_one("#filter").value == "zhengliu/"


@pytest.mark.slow
@pilot_test
async def test_a_longer_chinese_phrase_leaves_tinybert_alone_and_esc_clears(seed_library):
    async with running(seed_library) as (app, pilot):
        await pilot.press("slash")
        await type_text(pilot, "两阶段")
        await pilot.pause()
        assert short(listed_titles(app)) == ["tinybert"]
        assert count_text(app).startswith("1 of 8")
        await press(pilot, "escape")
        assert len(listed_titles(app)) == 8
        assert app.screen.query_one("#filter").value == ""
        assert isinstance(app.focused, PaperList)


@pytest.mark.slow
@pilot_test
async def test_the_filter_matches_authors_and_venue_and_combines_with_the_year(seed_library):
    async with running(seed_library) as (app, pilot):
        await pilot.press("slash")
        await type_text(pilot, "zettlemoyer")  # an author of RoBERTa and XLNet? only RoBERTa
        await pilot.pause()
        assert short(listed_titles(app)) == ["roberta"]
        app.screen.query_one("#filter").value = "iclr"
        await pilot.pause()
        assert sorted(short(listed_titles(app))) == ["albert", "deberta", "debertav3"]
        app.screen.query_one(YearNavigator).highlighted = 2  # 2021
        await pilot.pause()
        assert short(listed_titles(app)) == ["deberta"]
        assert count_text(app).startswith("1 of 3")


@pytest.mark.slow
@pilot_test
async def test_tinybert_detail_view_shows_its_four_numbered_notes(seed_library):
    async with running(seed_library) as (app, pilot):
        await pilot.press("slash")
        await type_text(pilot, "tinybert")
        await press(pilot, "enter")
        detail = app.screen.query_one(DetailView)
        assert detail.source.startswith("# `TinyBERT`: Distilling BERT")  # the filter's match
        plain = detail.source.replace("`", "")
        numbered = [line for line in plain.splitlines() if line[:1].isdigit()]
        assert len(numbered) == 4
        assert numbered[0].startswith("1. 提出了一个两阶段")
        assert numbered[3].startswith("4. 4-layers的tinybert")
        assert "Xiaoqi Jiao" in detail.source
        assert "https://arxiv.org/abs/1909.10351" in detail.source
        shown = widget_text(app.screen.query_one("#detail-body"))
        assert all(line.split(". ", 1)[1][:8] in shown for line in numbered)


@pilot_test
async def test_moving_the_cursor_changes_the_detail_view(seed_library):
    async with running(seed_library) as (app, pilot):
        detail = app.screen.query_one(DetailView)
        first = detail.source
        await press(pilot, "down")
        assert detail.source != first
        assert app.screen.query_one(PaperList).cursor == 1


@pilot_test
async def test_sorting_cycles_through_year_title_and_date_added(seed_library):
    async with running(seed_library) as (app, pilot):
        years = [r[YEAR] for r in app.screen.query_one(PaperList).rows]
        assert years == sorted(years, reverse=True)
        await press(pilot, "S")
        titles = listed_titles(app)
        assert titles == sorted(titles, key=str.casefold)
        assert "by title" in count_text(app)
        await press(pilot, "S")
        assert "by date added" in count_text(app)
