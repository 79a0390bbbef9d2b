"""The TUI's "Find published version" (v): a worker, a confirmation, the source shown."""

from __future__ import annotations

import pytest

from papernotes.library import Library
from papernotes.tui.screens.confirm import ConfirmScreen
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.paper_list import PaperList
from tests.helpers import folder_bytes
from tests.tui_helpers import notifications, pilot_test, press, running

pytestmark = pytest.mark.slow


async def select(app, pilot, path: str) -> None:
    assert app.screen.query_one(PaperList).select_path(path)
    await pilot.pause()


@pilot_test
async def test_v_fills_the_venue_in_a_worker_and_the_detail_view_names_the_source(
    seed_library, fake_scholarly
):
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, "2019/xlnet.md")
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert notifications(app, "error") == []
        assert "Published: NeurIPS 2019 (dblp)." in notifications(app)
        detail = app.screen.query_one(DetailView).source
        assert "**Venue source:** DBLP" in detail
        assert "Advances in Neural Information Processing Systems 32 (NeurIPS 2019)" in detail
    assert Library(seed_library).find("yang2019xlnet").paper.venue == "NeurIPS"


@pilot_test
async def test_a_different_venue_is_changed_only_after_the_user_confirms(
    seed_library, fake_scholarly
):
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, "2020/tinybert.md")
        before = folder_bytes(seed_library)
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "'EMNLP'" in app.screen.question and "Findings of EMNLP 2020" in app.screen.question
        await press(pilot, "n")
        assert folder_bytes(seed_library) == before
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await press(pilot, "y")
        assert notifications(app, "error") == []
    tinybert = Library(seed_library).find("jiao2020tinybert").paper
    assert (tinybert.venue, tinybert.pages) == ("Findings of EMNLP", "4163-4174")


@pilot_test
async def test_a_failed_lookup_is_a_notification_and_writes_nothing(seed_library, fake_scholarly):
    fake_scholarly.fail("s2", 503)
    before = folder_bytes(seed_library)
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, "2019/xlnet.md")
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Semantic Scholar answered HTTP 503" in m for m in notifications(app, "error"))
    assert folder_bytes(seed_library) == before


@pilot_test
async def test_v_on_marked_rows_looks_every_marked_paper_up(seed_library, fake_scholarly):
    async with running(seed_library) as (app, pilot):
        listing = app.screen.query_one(PaperList)
        for path in ("2019/xlnet.md", "2020/albert.md"):
            assert listing.select_path(path)
            await press(pilot, "space")
        assert listing.select_path("2021/nezha.md")  # the cursor elsewhere: marks win
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert notifications(app, "error") == []
        assert any("2 papers" in text for text in notifications(app))
    library = Library(seed_library)
    assert library.find("yang2019xlnet").paper.venue == "NeurIPS"
    assert library.find("lan2020albert").paper.venue_source
    assert not library.find("wei2021nezha").paper.venue_source
