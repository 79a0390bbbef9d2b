"""The TUI with history on: ``u`` undoes the last change, ``h`` shows the paper's history."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.helpers import run
from tests.tui_helpers import notifications, pilot_test, press, running

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")


@pilot_test
async def test_u_undoes_the_last_change_and_h_shows_the_papers_history(tmp_path, monkeypatch):
    for name, value in (
        ("GIT_AUTHOR_NAME", "Ada"),
        ("GIT_AUTHOR_EMAIL", "ada@example.org"),
        ("GIT_COMMITTER_NAME", "Ada"),
        ("GIT_COMMITTER_EMAIL", "ada@example.org"),
    ):
        monkeypatch.setenv(name, value)
    root = tmp_path / "notes"
    assert run(root, "init", "--git").exit_code == 0
    assert run(root, "add", "--year", "2021", "--title", "Undone Paper").exit_code == 0
    note = root / "2021" / "undone-paper.md"
    before = note.read_text(encoding="utf-8")
    async with running(root) as (app, pilot):
        await press(pilot, "s")
        assert "status: reading" in note.read_text(encoding="utf-8")
        await press(pilot, "h")
        shown = notifications(app)
        assert any("status undone2021paper: reading" in text for text in shown), shown
        await press(pilot, "u")
        assert notifications(app, "error") == []
    assert note.read_text(encoding="utf-8") == before
    subject = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%s"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert subject == "undo: status undone2021paper: reading"
