"""The add-paper form: saving writes the note, failures keep what was typed."""

from __future__ import annotations

import pytest

from papernotes.tui.screens.add_paper import AddPaperScreen
from papernotes.tui.screens.main_screen import MainScreen
from papernotes.tui.widgets.paper_list import PaperList
from tests.tui_helpers import (
    notifications,
    pilot_test,
    press,
    running,
    type_text,
)

TYPED = {
    "year": "2024",
    "title": "知识蒸馏: A Survey",
    "venue": "ACL",
    "code": "https://github.com/example/kd",
    "arxiv": "2401.01234",
    "tags": "蒸馏, survey",
}


async def fill_form(app, pilot, typed: tuple[str, ...] = (), with_notes: bool = True) -> None:
    """Fill the form: the ``typed`` fields key by key as a user would, the rest set directly
    (each key press costs the test tens of milliseconds)."""
    screen = app.screen
    for name, value in TYPED.items():
        field = screen.query_one(f"#field-{name}")
        if name in typed:
            field.focus()
            await type_text(pilot, value)
        else:
            field.value = value
    if with_notes:
        screen.query_one("#field-notes").focus()
        await type_text(pilot, "第一条笔记")
        await pilot.press("enter")
        await type_text(pilot, "2. note")
    await pilot.pause()


@pytest.mark.slow
@pilot_test
async def test_adding_through_the_form_writes_the_note_file_with_the_typed_fields(seed_library):
    async with running(seed_library) as (app, pilot):
        await press(pilot, "a")
        assert isinstance(app.screen, AddPaperScreen)
        assert app.focused.id == "field-year"
        await fill_form(app, pilot, typed=("year", "title"))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        assert app.screen.current.paper.title == TYPED["title"]
    files = list((seed_library / "2024").glob("*.md"))
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("---\n")
    for line in (
        "title: '知识蒸馏: A Survey'",
        "year: 2024",
        "venue: ACL",
        "code: https://github.com/example/kd",
        "arxiv: '2401.01234'",
        "tags:\n- 蒸馏\n- survey\n",
        "status: unread",
    ):
        assert line in text
    assert text.endswith("---\n1. 第一条笔记\n2. note\n")


@pytest.mark.slow
@pilot_test
async def test_an_invalid_form_is_not_saved_and_keeps_its_fields(seed_library):
    async with running(seed_library) as (app, pilot):
        await press(pilot, "a")
        await fill_form(app, pilot)
        app.screen.query_one("#field-code").value = "javascript:alert(1)"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AddPaperScreen)
        assert any("http(s)" in m for m in notifications(app, "error"))
        assert app.focused.id == "field-code"
        assert app.screen.values()["title"] == TYPED["title"]
    assert not (seed_library / "2024").exists()


@pilot_test
async def test_a_duplicate_is_refused_and_the_form_stays_open(seed_library):
    async with running(seed_library) as (app, pilot):
        await press(pilot, "a")
        app.screen.query_one("#field-year").value = "2020"
        app.screen.query_one("#field-title").value = "TinyBERT: Distilling BERT for NLU"
        app.screen.query_one("#field-arxiv").value = "1909.10351"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AddPaperScreen)
        assert any("already in the library" in m for m in notifications(app, "error"))
    assert sorted(p.name for p in (seed_library / "2020").iterdir()) == ["albert.md", "tinybert.md"]


@pytest.mark.slow
@pilot_test
async def test_esc_keeps_the_typed_fields_for_the_next_add(seed_library):
    async with running(seed_library) as (app, pilot):
        await press(pilot, "a")
        await fill_form(app, pilot, with_notes=False)
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
        await press(pilot, "a")
        values = app.screen.values()
        assert {k: values[k] for k in TYPED} == TYPED


@pytest.mark.slow
@pilot_test
async def test_a_503_from_arxiv_keeps_the_typed_form_and_shows_an_error(seed_library, fake_arxiv):
    fake_arxiv.fail(503)
    async with running(seed_library) as (app, pilot):
        await press(pilot, "a")
        await fill_form(app, pilot)
        typed = app.screen.values()
        await pilot.click("#fetch")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake_arxiv.id_requests()[0] == ["2401.01234"]
        errors = notifications(app, "error")
        assert len(errors) == 1 and "503" in errors[0]
        assert isinstance(app.screen, AddPaperScreen)
        assert app.screen.values() == typed
        assert not app.screen.query_one("#fetch").disabled
    assert not (seed_library / "2024").exists()


@pytest.mark.slow
@pilot_test
async def test_fetch_fills_the_empty_fields_and_saving_keeps_arxivs_metadata(
    empty_library, fake_arxiv
):
    async with running(empty_library) as (app, pilot):
        await press(pilot, "a")
        app.screen.query_one("#field-venue").value = "ICLR"
        app.screen.query_one("#field-arxiv").focus()
        await type_text(pilot, "https://arxiv.org/abs/2006.03654v2")
        await pilot.press("ctrl+f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        values = app.screen.values()
        assert values["title"].startswith("DeBERTa: Decoding-enhanced BERT")
        assert values["year"] == "2020"
        assert values["venue"] == "ICLR"  # typed fields are never overwritten
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
    text = (empty_library / "2020" / "deberta.md").read_text(encoding="utf-8")
    assert "venue: ICLR" in text and "arxiv: '2006.03654'" in text
    assert "- Pengcheng He" in text and "abstract:" in text


@pilot_test
async def test_l_links_a_note_to_arxiv_by_its_title_in_a_worker(empty_library, fake_arxiv):
    from papernotes.library import Library
    from papernotes.model import Paper

    title = "TinyBERT: Distilling BERT for Natural Language Understanding"
    Library(empty_library).add(Paper(title=title, year=2020, notes=("两阶段蒸馏",)))
    async with running(empty_library) as (app, pilot):
        await pilot.press("l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert notifications(app, "error") == []
        assert app.screen.current.paper.arxiv == "1909.10351"
    text = (empty_library / "2020" / "tinybert.md").read_text(encoding="utf-8")
    assert "arxiv: '1909.10351'" in text and "- Xiaoqi Jiao" in text
    assert text.endswith("1. 两阶段蒸馏\n")


@pilot_test
async def test_l_reports_an_unreachable_arxiv_and_writes_nothing(seed_library, fake_arxiv):
    fake_arxiv.close()  # connections refused
    before = (seed_library / "2020" / "tinybert.md").read_bytes()
    async with running(seed_library) as (app, pilot):
        assert app.screen.query_one(PaperList).select_path("2020/tinybert.md")
        await pilot.press("l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(notifications(app, "error")) == 1
    assert (seed_library / "2020" / "tinybert.md").read_bytes() == before


async def _hold_link(app, pilot, fake_arxiv) -> None:
    """Press ``l`` with arXiv's answer held back; return once the request has arrived."""
    fake_arxiv.fail("hold", times=1)
    await pilot.press("l")
    for _ in range(200):
        if fake_arxiv.requests:
            return
        await pilot.pause(0.02)
    raise AssertionError("the link request never reached the fake arXiv")


def _unlinked_tinybert(library_root) -> None:
    from papernotes.library import Library
    from papernotes.model import Paper

    title = "TinyBERT: Distilling BERT for Natural Language Understanding"
    Library(library_root).add(Paper(title=title, year=2020, arxiv="1909.10351", notes=("n",)))


@pilot_test
async def test_changing_the_status_while_l_looks_up_arxiv_keeps_both(empty_library, fake_arxiv):
    _unlinked_tinybert(empty_library)
    async with running(empty_library) as (app, pilot):
        await _hold_link(app, pilot, fake_arxiv)
        await pilot.press("s")  # the user's own change while the lookup runs
        await pilot.pause()
        fake_arxiv.release()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert notifications(app, "error") == []
        assert app.screen.current.paper.authors[0] == "Xiaoqi Jiao"
    text = (empty_library / "2020" / "tinybert.md").read_text(encoding="utf-8")
    assert "status: reading" in text and "- Xiaoqi Jiao" in text and "abstract:" in text


@pilot_test
async def test_a_note_changed_by_another_program_during_l_is_not_overwritten(
    empty_library, fake_arxiv
):
    _unlinked_tinybert(empty_library)
    path = empty_library / "2020" / "tinybert.md"
    async with running(empty_library) as (app, pilot):
        await _hold_link(app, pilot, fake_arxiv)
        outside = path.read_text(encoding="utf-8").replace("1. n\n", "1. written elsewhere\n")
        path.write_text(outside, encoding="utf-8")
        fake_arxiv.release()
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = notifications(app, "error")
        assert len(errors) == 1 and "changed on disk" in errors[0]
    assert path.read_text(encoding="utf-8") == outside


@pilot_test
async def test_the_form_refuses_an_arxiv_id_in_use_in_the_words_of_add_arxiv(seed_library):
    """One rule for both UIs (``library/arxiv_add.py``): the id is what is refused, under
    another title too, with the sentence ``add --arxiv`` prints."""
    from tests.helpers import run

    cli = run(seed_library, "add", "--arxiv", "1909.10351", "--title", "Other", "--year", "2021")
    assert cli.exit_code == 1
    async with running(seed_library) as (app, pilot):
        await press(pilot, "a")
        app.screen.query_one("#field-year").value = "2021"
        app.screen.query_one("#field-title").value = "Some other title"
        app.screen.query_one("#field-arxiv").value = "https://arxiv.org/abs/1909.10351v2"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AddPaperScreen)
        said = "arXiv 1909.10351 is already in the library as 2020/tinybert.md"
        assert notifications(app, "error") == [f"{said}."]
    assert f"{said}; use --update to change it." in cli.stderr
