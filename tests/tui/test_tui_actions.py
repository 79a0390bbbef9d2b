"""Terminal UI actions that change notes: edit, status, tags, delete, reload, export, copy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from papernotes.tui.screens.confirm import ConfirmScreen
from papernotes.tui.screens.help_screen import HelpScreen
from papernotes.tui.screens.main_screen import MainScreen
from papernotes.tui.start import build_app
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.paper_list import PaperList
from tests.helpers import folder_bytes
from tests.tui_helpers import (
    SIZE,
    listed_titles,
    notifications,
    pilot_test,
    press,
    ready,
    running,
    type_text,
)

TINYBERT = "2020/tinybert.md"


async def select(app, pilot, path: str) -> None:
    assert app.screen.query_one(PaperList).select_path(path)
    await pilot.pause()


@pilot_test
async def test_editing_in_a_fake_editor_reloads_the_changed_note(
    seed_library, tmp_path, monkeypatch
):
    script = tmp_path / "append_note.py"
    script.write_text(
        "import sys\n"
        "with open(sys.argv[1], 'a', encoding='utf-8') as f:\n"
        "    f.write('5. 第五条笔记：编辑器里写的\\n')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, TINYBERT)
        await pilot.press("e")  # run_test cannot suspend: the editor runs without suspending
        await pilot.pause()
        assert notifications(app, "error") == []
        detail = app.screen.query_one(DetailView)
        assert "5. 第五条笔记：编辑器里写的" in detail.source
        note = next(n for n in app.library.notes() if n.path == TINYBERT)
        assert len(note.paper.notes) == 5
        # the reloaded note carries the new digest: a later save does not conflict
        await press(pilot, "s")
        assert notifications(app, "error") == []
        assert "status: reading" in (seed_library / TINYBERT).read_text(encoding="utf-8")


@pilot_test
async def test_a_failing_editor_is_a_notification_and_changes_nothing(seed_library):
    before = (seed_library / TINYBERT).read_bytes()
    async with running(seed_library) as (app, pilot):  # EDITOR=false from conftest
        await select(app, pilot, TINYBERT)
        await press(pilot, "e")
        assert any("exited with status 1" in m for m in notifications(app, "error"))
        assert isinstance(app.screen, MainScreen)
    assert (seed_library / TINYBERT).read_bytes() == before


@pytest.mark.slow
@pilot_test
async def test_an_edit_that_breaks_the_note_is_reported_and_the_file_kept(
    seed_library, tmp_path, monkeypatch
):
    script = tmp_path / "break.py"
    script.write_text(
        "import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write('---\\ntitle: [\\n')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, TINYBERT)
        await press(pilot, "e")
        errors = notifications(app, "error")
        assert len(errors) == 1 and errors[0].startswith(TINYBERT)
    assert (seed_library / TINYBERT).read_text(encoding="utf-8") == "---\ntitle: [\n"


def suspendable(app, monkeypatch) -> list[str]:
    """Let the headless app suspend as it does in a terminal (Textual's own ``suspend()`` runs),
    recording when it hands the terminal over and when it takes it back."""
    driver = app._driver
    handovers: list[str] = []
    monkeypatch.setattr(type(driver), "can_suspend", property(lambda self: True))
    monkeypatch.setattr(driver, "suspend_application_mode", lambda: handovers.append("suspend"))
    monkeypatch.setattr(driver, "resume_application_mode", lambda: handovers.append("resume"))
    return handovers


SAVES_THEN_FAILS = (
    "import sys\nopen(sys.argv[-1], 'a', encoding='utf-8').write('half typed\\n')\nsys.exit(1)\n"
)


@pytest.mark.slow
@pytest.mark.parametrize("editor", ["false", "/nonexistent/editor", "saves-then-fails"])
@pilot_test
async def test_the_tui_resumes_after_a_failing_editor_notifies_and_writes_nothing(
    seed_library, tmp_path, monkeypatch, editor
):
    if editor == "saves-then-fails":  # like vim's :w then :cq
        script = tmp_path / "fails.py"
        script.write_text(SAVES_THEN_FAILS, encoding="utf-8")
        editor = f"{sys.executable} {script}"
    monkeypatch.setenv("EDITOR", editor)
    before = folder_bytes(seed_library)
    async with running(seed_library) as (app, pilot):
        handovers = suspendable(app, monkeypatch)
        await select(app, pilot, TINYBERT)
        await press(pilot, "e")
        assert handovers == ["suspend", "resume"]  # the screen came back
        errors = notifications(app, "error")
        assert len(errors) == 1 and "nothing was changed" in errors[0], errors
        assert folder_bytes(seed_library) == before
        if "kept in" in errors[0]:  # what the failing editor saved is not lost
            kept = Path(errors[0].rsplit("kept in ", 1)[1].removesuffix("."))
            assert kept.read_text(encoding="utf-8").endswith("half typed\n")
        else:
            assert "fails.py" not in editor
        await press(pilot, "s")  # the app still answers keys
        assert "status: reading" in (seed_library / TINYBERT).read_text(encoding="utf-8")


OTHER_WRITER_EDITOR = """
import sys
note, copy = sys.argv[1], sys.argv[-1]
text = open(note, encoding="utf-8").read()  # another program changes the note meanwhile
open(note, "w", encoding="utf-8").write(text.replace("status: unread", "status: read"))
open(copy, "a", encoding="utf-8").write("\\nAdded in the editor.\\n")
"""


@pilot_test
async def test_a_tui_edit_of_a_note_changed_meanwhile_is_kept_aside_and_notified(
    seed_library, tmp_path, monkeypatch
):
    script = tmp_path / "other.py"
    script.write_text(OTHER_WRITER_EDITOR, encoding="utf-8")
    note = seed_library / TINYBERT
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script} {note}")
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, TINYBERT)
        await press(pilot, "e")
        errors = notifications(app, "error")
        assert len(errors) == 1 and errors[0].startswith(
            f"{TINYBERT} was changed on disk while you were editing it, so nothing was written"
        ), errors
        kept = Path(errors[0].rsplit("kept in ", 1)[1].removesuffix("."))
        assert "Added in the editor." in kept.read_text(encoding="utf-8")
    text = note.read_text(encoding="utf-8")
    assert "status: read" in text and "Added in the editor." not in text


@pilot_test
async def test_status_cycles_unread_reading_read_and_is_written(seed_library):
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, TINYBERT)
        for expected in ("reading", "read", "unread"):
            await press(pilot, "s")
            text = (seed_library / TINYBERT).read_text(encoding="utf-8")
            assert f"status: {expected}" in text
            assert f"**Status:** {expected}" in app.screen.query_one(DetailView).source
        # the saved paper keeps its place in the list
        assert app.screen.current.path == TINYBERT
        assert listed_titles(app)[5].startswith("TinyBERT")


@pytest.mark.slow
@pilot_test
async def test_tags_are_edited_in_a_dialog_and_saved(seed_library):
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, TINYBERT)
        await press(pilot, "t")
        await type_text(pilot, "蒸馏, distillation")
        await press(pilot, "enter")
        text = (seed_library / TINYBERT).read_text(encoding="utf-8")
        assert "tags:\n- 蒸馏\n- distillation\n" in text
        assert "**Tags:** 蒸馏, distillation" in app.screen.query_one(DetailView).source


@pytest.mark.slow
@pilot_test
async def test_a_note_changed_on_disk_is_not_overwritten(seed_library):
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, TINYBERT)
        path = seed_library / TINYBERT
        changed = path.read_text(encoding="utf-8") + "5. 另一个程序写的\n"
        path.write_text(changed, encoding="utf-8")
        await press(pilot, "s")
        assert any("changed on disk" in m for m in notifications(app, "error"))
        assert path.read_text(encoding="utf-8") == changed
        await pilot.press("r")  # reload picks the change up
        await ready(app, pilot)
        await select(app, pilot, TINYBERT)
        assert "另一个程序写的" in app.screen.query_one(DetailView).source


@pytest.mark.slow
@pilot_test
async def test_delete_asks_first_cancel_keeps_the_file_and_yes_removes_it(seed_library):
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, TINYBERT)
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmScreen)
        assert TINYBERT in app.screen.question
        await press(pilot, "n")
        assert isinstance(app.screen, MainScreen)
        assert (seed_library / TINYBERT).exists()
        await press(pilot, "d")
        await press(pilot, "y")
        assert not (seed_library / TINYBERT).exists()
        assert len(listed_titles(app)) == 7
        assert not any(t.startswith("TinyBERT") for t in listed_titles(app))


@pilot_test
async def test_a_malformed_note_is_a_warning_and_the_others_still_show(seed_library):
    (seed_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    async with running(seed_library) as (app, pilot):
        assert len(listed_titles(app)) == 8
        assert any("2020/broken.md" in m for m in notifications(app, "warning"))


@pilot_test
async def test_o_opens_the_arxiv_page_and_capital_o_the_code_url(seed_library):
    app = build_app(seed_library)
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await select(app, pilot, TINYBERT)
        await press(pilot, "o", "O")
    assert opened == [
        "https://arxiv.org/abs/1909.10351",
        "https://github.com/huawei-noah/Pretrained-Language-Model/tree/master/TinyBERT",
    ]


@pilot_test
async def test_a_code_link_that_is_not_http_is_never_opened(seed_library):
    path = seed_library / TINYBERT
    text = path.read_text(encoding="utf-8")
    code_line = next(line for line in text.splitlines() if line.startswith("code:"))
    path.write_text(text.replace(code_line, "code: file:///etc/passwd"), encoding="utf-8")
    app = build_app(seed_library)
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await select(app, pilot, TINYBERT)
        await press(pilot, "O")
        assert any("Not a web address" in m for m in notifications(app, "warning"))
    assert opened == []


@pytest.mark.slow
@pilot_test
async def test_c_copies_the_bibtex_entry_and_b_shows_it(seed_library):
    async with running(seed_library) as (app, pilot):
        await select(app, pilot, TINYBERT)
        await press(pilot, "c")
        assert app.clipboard.startswith("@")
        assert "eprint = {1909.10351}" in app.clipboard
        await press(pilot, "b")
        assert app.screen.query_one("#bibtex").text == app.clipboard


@pytest.mark.slow
@pilot_test
async def test_export_writes_markdown_to_the_typed_path(seed_library, tmp_path):
    target = tmp_path / "out" / "reading-notes.md"
    target.parent.mkdir()
    async with running(seed_library) as (app, pilot):
        await press(pilot, "x")
        app.screen.query_one("#path").value = str(target)
        await press(pilot, "enter")
    assert target.read_text(encoding="utf-8") == app.library.export_markdown()
    assert "TinyBERT" in target.read_text(encoding="utf-8")


@pytest.mark.slow
@pilot_test
async def test_export_bibtex_asks_before_replacing_a_file(seed_library, tmp_path):
    target = tmp_path / "refs.bib"
    target.write_text("keep me\n", encoding="utf-8")
    async with running(seed_library) as (app, pilot):
        await press(pilot, "x")
        await pilot.click("RadioButton:last-of-type")
        app.screen.query_one("#path").value = str(target)
        app.screen.query_one("#path").focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert target.read_text(encoding="utf-8") == "keep me\n"
        await press(pilot, "x")
        await pilot.click("RadioButton:last-of-type")
        app.screen.query_one("#path").value = str(target)
        app.screen.query_one("#path").focus()
        await press(pilot, "enter")
        await press(pilot, "y")
    text = target.read_text(encoding="utf-8")
    assert text.count("\n@") + text.startswith("@") == 8
    assert "eprint = {1909.10351}" in text


@pilot_test
async def test_help_lists_every_key_and_the_palette_offers_every_action(seed_library):
    from papernotes.tui.actions import ACTIONS
    from papernotes.tui.commands import PaperCommands

    async with running(seed_library) as (app, pilot):
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
        provider = PaperCommands(app.screen)
        names = [hit.text or str(hit.display) async for hit in provider.discover()]
        assert len(names) == len(ACTIONS)
        hits = [hit async for hit in provider.search("delete")]
        assert any("Delete" in str(hit.match_display) for hit in hits)


@pilot_test
async def test_every_footer_action_is_shown_in_the_footer_at_120_columns(seed_library):
    """All of them, whole and side by side, inside 120 columns (ctrl+p is on the help screen,
    and the keys marked ``footer=False`` too)."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from papernotes.tui.actions import ACTIONS

    app = build_app(seed_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = {key.key: key for key in footer.query(FooterKey)}
        assert [a.key for a in ACTIONS if a.footer and a.key not in keys] == []
        regions = sorted((k.region.x, k.region.right) for k in keys.values())
        assert all(a[1] <= b[0] for a, b in zip(regions, regions[1:], strict=False))
        assert all(k.region.width > len(k.description) for k in keys.values())
        assert regions[0][0] >= 0 and regions[-1][1] <= 120
