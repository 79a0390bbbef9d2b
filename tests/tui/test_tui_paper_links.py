"""Links between papers in the terminal UI: the detail view lists them, a click or ``g``
follows one, ``backspace`` goes back."""

from __future__ import annotations

import asyncio

import pytest

from papernotes.tui.screens.link_picker import LinkPicker
from papernotes.tui.start import build_app
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.paper_list import PaperList
from tests.helpers import run
from tests.tui_helpers import SIZE, pilot_test, press, ready, running


def linked_seed(root):
    """DeBERTaV3 links to DeBERTa; Mengzi links to RoBERTa and DeBERTa."""
    run(root, "note", "debertav3", "-q", "模型延续了[[deberta]]")
    run(root, "note", "mengzi", "-q", "用[[roberta]]初始化，比较[[2006.03654|DeBERTa]]")
    return root


def current_path(app) -> str:
    return app.screen.current.path


@pytest.mark.slow
@pilot_test
async def test_the_detail_view_lists_links_and_a_click_follows_one_and_backspace_returns(
    seed_library,
):
    async with running(linked_seed(seed_library)) as (app, pilot):
        assert current_path(app) == "2023/debertav3.md"  # the newest paper comes first
        detail = app.screen.query_one(DetailView)
        assert "Links to:" in detail.links_text and "DeBERTa" in detail.links_text
        assert detail.link_targets == ["2021/deberta.md"]
        await pilot.click("#detail-links", offset=(len("Links to: ") + 2, 0))
        await pilot.pause()
        assert current_path(app) == "2021/deberta.md"
        shown = app.screen.query_one(DetailView)
        assert "Linked from:" in shown.links_text
        assert set(shown.link_targets) == {"2023/debertav3.md", "2021/mengzi.md"}
        await press(pilot, "backspace")
        assert current_path(app) == "2023/debertav3.md"


@pytest.mark.slow
@pilot_test
async def test_g_follows_the_only_link_and_offers_a_choice_between_several(seed_library):
    async with running(linked_seed(seed_library)) as (app, pilot):
        await press(pilot, "g")
        assert current_path(app) == "2021/deberta.md"
        await press(pilot, "g")  # linked from DeBERTaV3 and Mengzi: a choice
        assert isinstance(app.screen, LinkPicker)
        labels = [str(o.prompt) for o in app.screen.query_one("#link-choices").options]
        assert [label[0] for label in labels] == ["←", "←"]
        chosen = next(i for i, label in enumerate(labels) if "Mengzi" in label)
        await press(pilot, *["down"] * chosen, "enter")
        assert current_path(app) == "2021/mengzi.md"
        await press(pilot, "alt+left")
        assert current_path(app) == "2021/deberta.md"
        await press(pilot, "backspace")
        assert current_path(app) == "2023/debertav3.md"


@pytest.mark.slow
@pilot_test
async def test_a_paper_without_links_shows_no_links_lines(seed_library):
    async with running(seed_library) as (app, pilot):
        detail = app.screen.query_one(DetailView)
        assert detail.links_text == "" and not detail.query_one("#detail-links").display


@pytest.mark.slow
@pilot_test
async def test_the_first_screen_is_drawn_before_every_note_is_scanned_for_links_to_it(
    seed_library,
):
    """The list and the first paper show without waiting for a scan of every note for
    ``[[links]]`` (a third of a second at 100,000 notes); the papers linking to it are
    added to its detail once the scan is done."""
    linked_seed(seed_library)
    run(seed_library, "note", "mengzi", "-q", "结构沿用[[debertav3]]")
    app = build_app(seed_library)
    async with app.run_test(size=SIZE) as pilot:
        papers = app.screen.query_one(PaperList)
        while not papers.rows:  # a look at every turn of the event loop
            await asyncio.sleep(0)
        detail = app.screen.query_one(DetailView)
        assert current_path(app) == "2023/debertav3.md"
        assert "Links to:" in detail.links_text and "Linked from:" not in detail.links_text
        await ready(app, pilot)
        assert "Linked from:" in detail.links_text and "Mengzi" in detail.links_text
        assert "2021/mengzi.md" in detail.link_targets
