"""One sentence per user error, worded once (``errors.user_message``) for the CLI and the TUI."""

from __future__ import annotations

from papernotes.errors import DuplicateError, user_message
from tests.helpers import run
from tests.tui_helpers import notifications, pilot_test, running


def test_user_message_words_user_errors_and_os_errors_and_leaves_bugs_alone():
    assert user_message(DuplicateError("It is there.")) == "It is there."
    denied = PermissionError(13, "Permission denied", "/x/notes.md")
    assert user_message(denied) == "Cannot access /x/notes.md: Permission denied."
    assert user_message(OSError("disk on fire")) == "Cannot access: disk on fire."
    assert user_message(ValueError("a bug")) is None


@pilot_test
async def test_the_cli_and_the_tui_word_a_failed_export_the_same(seed_library, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "out.md"  # under a regular file: the write fails with an OSError
    cli = run(seed_library, "export", "--md", "-o", str(target))
    assert cli.exit_code == 1
    async with running(seed_library) as (app, pilot):
        app.screen.note_actions.export_to("md", target)
        await pilot.pause()
        shown = notifications(app, "error")
    assert len(shown) == 1 and shown[0].startswith("Cannot access")
    assert cli.stderr == f"Error: {shown[0]}\n"


@pilot_test
async def test_the_add_form_words_a_failed_write_like_papernotes_add(seed_library):
    (seed_library / "2024").write_text("a file where the year folder would go")
    cli = run(seed_library, "add", "--year", "2024", "--title", "A new paper", "--note", "n")
    assert cli.exit_code == 1
    async with running(seed_library) as (app, pilot):
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#field-year").value = "2024"
        app.screen.query_one("#field-title").value = "A new paper"
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = notifications(app, "error")
    assert len(shown) == 1 and shown[0].startswith("Cannot access")
    assert cli.stderr == f"Error: {shown[0]}\n"
