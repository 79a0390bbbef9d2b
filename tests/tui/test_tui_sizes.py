"""The terminal UI at every size, 80x24 first: the footer, the list's columns, the split."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from papernotes.model import Paper
from papernotes.tui.detail_markdown import paper_markdown
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.paper_list import PaperList, short_venue
from papernotes.tui.widgets.year_nav import YearNavigator
from tests.tui_helpers import pilot_test, press, running


def footer_keys(app) -> dict[str, FooterKey]:
    return {key.action: key for key in app.screen.query(FooterKey)}


@pytest.mark.parametrize("width", [60, 80, 120])
@pilot_test
async def test_the_footer_shows_help_and_quit_whole_at_60_80_and_120_columns(seed_library, width):
    async with running(seed_library, size=(width, 24)) as (app, _):
        keys = footer_keys(app)
        for action in ("help", "quit"):
            assert action in keys, f"no {action} key in the footer at {width} columns"
            region = keys[action].region
            assert region.width > len(keys[action].description)
            assert region.x >= 0 and region.right <= width
        regions = sorted((k.region.x, k.region.right) for k in keys.values())
        assert all(a[1] <= b[0] for a, b in zip(regions, regions[1:], strict=False))
        assert len(keys) > 2, "other keys fit beside ? and q"


@pytest.mark.slow
@pilot_test
async def test_list_columns_drop_arxiv_then_key_then_the_venue_shortens_as_it_narrows(
    seed_library,
):
    seen = []
    async with running(seed_library, size=(200, 40)) as (app, pilot):
        papers = app.screen.query_one(PaperList)
        for width in (250, 200, 120, 100, 90, 80, 70, 60):
            await pilot.resize_terminal(width, 40)
            await pilot.pause()
            seen.append((width, tuple(papers.shown_columns()), papers.venue_cells()))
    full = ("Title", "Venue", "Year", "Key", "arXiv")
    expected = [full, full[:4], full[:3]]
    layouts = [columns for _, columns, _ in seen]
    assert layouts[:3] == [full] * 3, "at 120 columns and more everything shows"
    # only ever fewer columns, in the stated order, then the venue shrinks
    steps = [expected.index(c) for c in layouts]
    assert steps == sorted(steps) and set(steps) == {0, 1, 2}, seen
    venue_widths = [v for _, _, v in seen]
    assert venue_widths == sorted(venue_widths, reverse=True) and venue_widths[-1] < 12, seen
    shrinks = next(w for w, _, v in seen if v < 12)
    assert all(c == full[:3] for w, c, _ in seen if w <= shrinks), "the venue shrinks last"
    assert all("arXiv" not in c for w, c, _ in seen if w < 100)


def test_a_venue_shrinks_to_its_short_name():
    assert short_venue("Findings of EMNLP 2021") == "EMNLP"
    assert short_venue("ICLR") == "ICLR"
    assert short_venue("Nature") == "Nature"
    assert short_venue("") == ""


@pilot_test
async def test_at_60_columns_the_list_shows_the_venue_short_and_titles_get_the_room(
    seed_library,
):
    async with running(seed_library, size=(60, 24)) as (app, _):
        papers = app.screen.query_one(PaperList)
        assert papers.shown_columns() == ["Title", "Venue", "Year"]
        assert papers.venue_cells() < 12
        assert papers.title_cells() >= 25


@pilot_test
async def test_at_80x24_the_list_shows_eight_papers_and_the_detail_eight_lines(seed_library):
    async with running(seed_library, size=(80, 24)) as (app, _):
        papers = app.screen.query_one(PaperList)
        assert papers.scrollable_content_region.height - 1 >= 8  # rows under the header
        assert app.screen.query_one(DetailView).scrollable_content_region.height >= 8
        titles = [papers.render_line(y).text for y in range(1, 9)]
        assert any("TinyBERT: Distilling BERT for Natural" in t for t in titles)


@pilot_test
async def test_on_a_short_terminal_the_notes_come_before_the_metadata(seed_library):
    async with running(seed_library, size=(80, 24)) as (app, _):
        source = app.screen.query_one(DetailView).source
        assert source.index("## Notes") < source.index("**Venue:**")
    async with running(seed_library, size=(120, 40)) as (app, _):
        source = app.screen.query_one(DetailView).source
        assert source.index("**Venue:**") < source.index("## Notes")


@pilot_test
async def test_the_maximise_key_shows_only_the_notes_pane_and_restores_the_layout(
    seed_library,
):
    async with running(seed_library, size=(80, 24)) as (app, pilot):
        detail = app.screen.query_one(DetailView)
        papers = app.screen.query_one(PaperList)
        before = detail.region
        await press(pilot, "z")
        assert not papers.display or papers.region.height == 0
        assert detail.region.height > before.height + 8 and detail.region.width > before.width
        await press(pilot, "z")
        assert papers.region.height > 0 and detail.region == before


@pilot_test
async def test_the_split_keys_move_the_split_between_list_and_notes(seed_library):
    async with running(seed_library, size=(80, 40)) as (app, pilot):
        papers = app.screen.query_one(PaperList)
        detail = app.screen.query_one(DetailView)
        list_rows, detail_rows = papers.region.height, detail.region.height
        await press(pilot, "plus")
        assert papers.region.height > list_rows and detail.region.height < detail_rows
        await press(pilot, "minus", "minus")
        assert papers.region.height < list_rows and detail.region.height > detail_rows


@pilot_test
async def test_the_years_key_hides_the_years_panel_and_gives_the_list_its_room(seed_library):
    async with running(seed_library, size=(80, 24)) as (app, pilot):
        papers = app.screen.query_one(PaperList)
        years = app.screen.query_one(YearNavigator)
        width = papers.region.width
        assert years.region.width <= 14, "the years panel narrows below 100 columns"
        await press(pilot, "Y")
        assert years.region.width == 0 and papers.region.width >= width + 14
        await press(pilot, "Y")
        assert years.region.width > 0 and papers.region.width == width


def _paper(**fields) -> Paper:
    base = dict(key="he2021debertav3", title="DeBERTaV3", year=2021, notes=("one",))
    return Paper(**{**base, **fields})


def test_the_arxiv_title_shows_only_when_it_differs_in_more_than_case_and_spacing():
    title = "DEBERTAV3: IMPROVING DEBERTA WITH GRADIENTDISENTANGLED EMBEDDING SHARING"
    same = "DeBERTaV3: Improving DeBERTa with Gradient-Disentangled  Embedding Sharing"
    assert "arXiv title" not in paper_markdown(_paper(title=title, arxiv_title=same))
    other = "DeBERTaV3: Improving DeBERTa using ELECTRA-Style Pre-Training"
    assert "arXiv title" in paper_markdown(_paper(title=title, arxiv_title=other))


def test_notes_first_puts_the_notes_after_the_title_and_before_the_metadata():
    paper = _paper(venue="ICLR", abstract="We improve.", authors=("He",))
    text = paper_markdown(paper, "2021/x.md", notes_first=True)
    assert text.index("# DeBERTaV3") < text.index("## Notes") < text.index("**Authors:**")
    assert text.index("## Notes") < text.index("## Abstract")
    text = paper_markdown(paper, "2021/x.md")
    assert text.index("## Abstract") < text.index("## Notes")
