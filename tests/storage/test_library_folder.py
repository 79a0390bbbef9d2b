"""Telling a library from another folder while another papernotes is making it one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from papernotes.storage.library_folder import EMPTY, LIBRARY, OTHER, folder_kind, mark_library


def test_a_folder_marked_by_another_process_while_it_is_looked_at_is_a_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ``add`` at once into a new folder: the other one marks the folder and makes its
    year folder just as this one lists it. The folder is a library, not "other files"."""
    root = tmp_path / "notes"
    root.mkdir()
    listing = os.scandir

    def marked_meanwhile(path: Path):  # noqa: ANN202 (os.scandir's own iterator type)
        mark_library(root)
        (root / "2020").mkdir(exist_ok=True)
        return listing(path)

    monkeypatch.setattr(os, "scandir", marked_meanwhile)
    assert folder_kind(root) == LIBRARY


def test_a_folder_is_empty_other_or_a_library_by_what_it_holds(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    assert folder_kind(root) == EMPTY
    (root / "diary.md").write_text("mine")
    assert folder_kind(root) == OTHER
    mark_library(root)
    assert folder_kind(root) == LIBRARY
