"""Fixtures of the history tests: a git identity, and a library with history on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run


@pytest.fixture
def git_identity(monkeypatch):
    """Who commits, and no system or global git configuration of this machine."""
    for name, value in (
        ("GIT_AUTHOR_NAME", "Ada"),
        ("GIT_AUTHOR_EMAIL", "ada@example.org"),
        ("GIT_COMMITTER_NAME", "Ada"),
        ("GIT_COMMITTER_EMAIL", "ada@example.org"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_CONFIG_COUNT", "1"),
        ("GIT_CONFIG_KEY_0", "init.defaultBranch"),
        ("GIT_CONFIG_VALUE_0", "main"),
    ):
        monkeypatch.setenv(name, value)


@pytest.fixture
def git_library(tmp_path, git_identity) -> Path:
    """A new library with history on."""
    root = tmp_path / "notes"
    result = run(root, "init", "--git")
    assert result.exit_code == 0, result.output
    return root
