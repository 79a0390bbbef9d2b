"""The TUI filter speaks Chinese: traditional, full-width and pinyin queries list the papers
the simplified query lists, and the matches are marked in the list and the detail view."""

from __future__ import annotations

from textual import events

from papernotes.library import Library
from papernotes.library.paper_rows import TITLE, PaperRows
from papernotes.tui.paper_filter import PaperFilter
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.filter_bar import FilterInput
from papernotes.tui.widgets.paper_list import PaperList
from tests.tui_helpers import (
    count_text,
    listed_titles,
    pilot_test,
    press,
    running,
    search_prepared,
    type_text,
)


async def filtered(app, pilot, query: str) -> list[str]:
    """Type ``query`` into a cleared filter, key by key, and return the listed titles."""
    await press(pilot, "escape")
    await press(pilot, "slash")
    await type_text(pilot, query)
    await pilot.pause()
    return listed_titles(app)


@pilot_test
async def test_the_filter_lists_the_same_papers_for_every_spelling_of_a_query(seed_library):
    async with running(seed_library) as (app, pilot):
        simplified = await filtered(app, pilot, "蒸馏")
        assert len(simplified) == 3 and count_text(app).startswith("3 of 8")
        for query in ("蒸餾", "zhengliu", "zheng liu"):
            assert await filtered(app, pilot, query) == simplified, query
        bert = await filtered(app, pilot, "bert")
        assert await filtered(app, pilot, "ＢＥＲＴ") == bert


@pilot_test
async def test_typing_pinyin_key_by_key_widens_the_list_where_the_syllables_complete(seed_library):
    async with running(seed_library) as (app, pilot):
        assert await filtered(app, pilot, "zhengl") == []  # no text has it, not yet pinyin
        await type_text(pilot, "iu")  # now zhengliu: a pinyin word, the list widens again
        await pilot.pause()
        assert len(listed_titles(app)) == 3


def marked_texts(papers: PaperList, row: int) -> list[str]:
    """The text of the list row's segments drawn reversed (the filter's mark)."""
    return [seg.text for seg in papers.render_line(row) if seg.style and seg.style.reverse]


@pilot_test
async def test_the_list_marks_the_match_in_each_title(seed_library):
    async with running(seed_library) as (app, pilot):
        titles = await filtered(app, pilot, "ｔｉｎｙ")
        assert [t.split(":")[0] for t in titles] == ["TinyBERT"]
        papers = app.screen.query_one(PaperList)
        assert marked_texts(papers, 1) == ["Tiny"]
        await press(pilot, "escape")
        assert marked_texts(papers, 1) == []  # no filter, no mark


@pilot_test
async def test_the_detail_view_marks_the_chinese_a_pinyin_filter_matched(seed_library):
    async with running(seed_library) as (app, pilot):
        assert len(await filtered(app, pilot, "tuilisudu")) == 1
        source = app.screen.query_one(DetailView).source
        assert "`推理速度`" in source
        assert source.count("`") == 2
        await filtered(app, pilot, "蒸餾")
        source = app.screen.query_one(DetailView).source
        assert "`蒸馏`" in source and "蒸餾" not in source  # the note's own characters


@pilot_test
async def test_the_command_palette_finds_papers_by_every_spelling_and_opens_one(seed_library):
    from papernotes.tui.commands import PaperFinder

    async with running(seed_library) as (app, pilot):
        finder = PaperFinder(app.screen)
        found = {}
        for query in ("蒸馏", "蒸餾", "zhengliu"):
            found[query] = [hit async for hit in finder.search(query)]
        titles = {q: [h.text for h in hits] for q, hits in found.items()}
        assert len(titles["蒸馏"]) == 3 and titles["蒸餾"] == titles["zhengliu"] == titles["蒸馏"]
        wide = [hit async for hit in finder.search("ＴｉｎｙＢＥＲＴ")]
        assert [h.text.split(":")[0] for h in wide] == ["TinyBERT"]
        assert wide[0].match_display.spans  # the match is marked in the title
        await press(pilot, "slash")
        await type_text(pilot, "两阶段")  # TinyBERT only
        await pilot.pause()
        albert = next(h for h in found["zhengliu"] if h.text.startswith("ALBERT"))
        albert.command()
        await pilot.pause()
        assert app.screen.current.paper.title.startswith("ALBERT")
        assert app.screen.query_one("#filter").value == ""


def fresh_titles(root, query: str) -> list[str]:
    """What a filter of ``query`` lists on rows read anew (nothing kept from other words)."""
    rows = PaperRows(Library.open(root))
    rows.load()
    return [str(rows.rows[i][TITLE]) for i in PaperFilter(query=query).apply(rows)]


@pilot_test
async def test_keys_typed_deleted_and_pasted_in_the_box_list_what_a_fresh_filter_lists(
    seed_library,
):
    async with running(seed_library) as (app, pilot):
        await search_prepared(app, pilot)
        box = app.screen.query_one(FilterInput)
        await press(pilot, "slash")
        clear = ["escape", "slash"]
        steps = [*"bert", "backspace", "backspace", *clear, "蒸", "paste:馏", "backspace"]
        steps += ["paste:餾", *clear, "paste:zhengl", "i", "u", "x", "backspace", *clear]
        steps += ["paste:ＴＩＮＹ", "backspace", "space", *"bert"]
        sizes = []
        for step in steps:
            if step.startswith("paste:"):
                box.post_message(events.Paste(step.removeprefix("paste:")))
                await pilot.pause()
            else:
                await press(pilot, step)
            assert listed_titles(app) == fresh_titles(seed_library, box.value), box.value
            sizes.append(len(listed_titles(app)))
        assert box.value == "ＴＩＮ bert"  # every step reached the box
        assert sizes[8:12] == [3, 3, 3, 3] and sizes[14:19] == [0, 0, 3, 0, 3]  # 蒸, zhengliu


@pilot_test
async def test_the_list_follows_the_box_before_anything_else_runs(seed_library):
    async with running(seed_library) as (app, pilot):
        box = app.screen.query_one(FilterInput)
        box.value = "蒸馏"  # no await: no message handled, no redraw in between
        assert len(listed_titles(app)) == 3 and count_text(app).startswith("3 of 8")
