"""Snapshots of the terminal UI at 120x40 and at the sizes people use, 80x24 first
(``pytest --snapshot-update`` rewrites them).

The seed notes' ``added`` dates are never shown in these views, so the pictures do not
change when the shipped library is regenerated on another day.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from papernotes.tui.start import build_app
from papernotes.tui.widgets.paper_list import PaperList
from tests.tui_helpers import SIZE, type_text


async def loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_snapshot(seed_library, snap_compare):
    assert snap_compare(build_app(seed_library), terminal_size=SIZE, run_before=loaded)


@pytest.mark.slow
def test_detail_view_snapshot_of_tinybert(seed_library, snap_compare):
    async def choose_tinybert(pilot) -> None:
        await loaded(pilot)
        pilot.app.screen.query_one(PaperList).select_path("2020/tinybert.md")
        await pilot.pause()
        pilot.app.screen.query_one("#detail").focus()
        await pilot.pause()

    assert snap_compare(build_app(seed_library), terminal_size=SIZE, run_before=choose_tinybert)


@pytest.mark.slow
def test_filtered_list_snapshot(seed_library, snap_compare):
    async def filter_distillation(pilot) -> None:
        await loaded(pilot)
        await pilot.press("slash")
        await type_text(pilot, "蒸馏")
        await pilot.pause()

    assert snap_compare(build_app(seed_library), terminal_size=SIZE, run_before=filter_distillation)


@pytest.mark.slow
def test_add_form_snapshot(seed_library, snap_compare):
    async def open_form(pilot) -> None:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "2024")
        pilot.app.screen.query_one("#field-title").focus()
        await type_text(pilot, "知识蒸馏 Survey")
        await pilot.pause()

    assert snap_compare(build_app(seed_library), terminal_size=SIZE, run_before=open_form)


def test_detail_view_snapshot_with_the_note_input_open(seed_library, snap_compare):
    async def take_notes_on_tinybert(pilot) -> None:
        await loaded(pilot)
        pilot.app.screen.query_one(PaperList).select_path("2020/tinybert.md")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "只蒸馏注意力")
        await pilot.pause()

    assert snap_compare(
        build_app(seed_library), terminal_size=SIZE, run_before=take_notes_on_tinybert
    )


def test_detail_view_snapshot_with_a_pinyin_filter_match_marked(seed_library, snap_compare):
    async def filter_liangjieduan(pilot) -> None:
        await loaded(pilot)
        await pilot.press("slash")
        await type_text(pilot, "liangjieduan")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(build_app(seed_library), terminal_size=SIZE, run_before=filter_liangjieduan)


# The main screen and the detail view at the sizes people open terminals at (80x24 first);
# the README shows the 80x24 and 120x35 pictures.
SIZES = [(80, 24), (100, 30), (120, 35), (200, 60)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_main_screen_at_size(seed_library, snap_compare, size):
    assert snap_compare(build_app(seed_library), terminal_size=size, run_before=loaded)


async def show_tinybert(pilot) -> None:
    await loaded(pilot)
    pilot.app.screen.query_one(PaperList).select_path("2020/tinybert.md")
    await pilot.pause()


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_detail_view_at_size(seed_library, snap_compare, size):
    assert snap_compare(build_app(seed_library), terminal_size=size, run_before=show_tinybert)


@pytest.fixture(scope="module")
def generated_library(tmp_path_factory) -> Path:
    """A 1,000-paper library from ``bench/generate.py`` (the same bytes every run)."""
    out = tmp_path_factory.mktemp("generated")
    script = Path(__file__).resolve().parents[2] / "bench" / "generate.py"
    done = subprocess.run(
        [sys.executable, str(script), "--n", "1000", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out / "notes"


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_main_screen_of_a_generated_library_at_size(generated_library, snap_compare, size):
    assert snap_compare(build_app(generated_library), terminal_size=size, run_before=loaded)


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_detail_view_of_a_generated_library_at_size(generated_library, snap_compare, size):
    async def tenth_paper_maximised(pilot) -> None:
        await loaded(pilot)
        await pilot.press(*["down"] * 9, "z")
        await pilot.pause()

    app = build_app(generated_library)
    assert snap_compare(app, terminal_size=size, run_before=tenth_paper_maximised)
