"""A folder is used as the library only when it is one: an unrelated ``notes/`` (a diary, a
vault) is never written to, whether it was found as ./notes, via $PAPERNOTES_DIR or --notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from papernotes.storage.library_folder import LIBRARY, MARKER_FILE, folder_kind
from tests.conftest import SEED_DOC, SHIPPED_NOTES
from tests.helpers import run


def every_file(root: Path) -> dict[str, bytes]:
    """Every file under ``root``, lock files included (a refused command writes none)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def diary() -> Path:
    """./notes in the working folder, holding someone's diary (year folders included)."""
    root = Path("notes")
    (root / "2020").mkdir(parents=True)
    (root / "2020" / "march.md").write_text("# Dear diary\n", encoding="utf-8")
    (root / "todo.txt").write_text("buy milk\n", encoding="utf-8")
    return root


def test_an_unrelated_notes_folder_is_never_used_and_init_is_suggested(diary):
    before = every_file(diary)
    for args in (
        ["add", "--year", "2020", "--title", "A paper", "--note", "n"],
        ["import", str(SEED_DOC)],
        ["list"],
        ["check"],
    ):
        result = run(None, *args)
        assert result.exit_code == 1, args
        message = result.stderr.strip()
        assert message.startswith("Error: notes is not a papernotes library"), message
        assert "'papernotes --notes notes init'" in message and len(message.splitlines()) == 1
    assert every_file(diary) == before  # no note, no lock file, no marker


def test_papernotes_dir_and_the_notes_option_get_the_same_protection(tmp_path, diary):
    before = every_file(diary)
    by_env = run(None, "add", "--year", "2020", "--title", "X", env={"PAPERNOTES_DIR": str(diary)})
    assert by_env.exit_code == 1 and "is not a papernotes library" in by_env.stderr
    by_option = run(diary, "import", str(SEED_DOC))
    assert by_option.exit_code == 1 and "is not a papernotes library" in by_option.stderr
    assert every_file(diary) == before


def test_init_makes_a_folder_with_other_files_a_library_and_leaves_them_alone(diary):
    before = every_file(diary)
    made = run(None, "init")
    assert made.exit_code == 0
    assert made.stdout.strip() == (
        "Made notes a papernotes library; the files in it are left as they are."
    )
    assert every_file(diary) == {**before, MARKER_FILE: (diary / MARKER_FILE).read_bytes()}
    added = run(None, "add", "--year", "2021", "--title", "Now it is mine", "--note", "n")
    assert added.exit_code == 0, added.stderr
    assert (diary / "2021" / "now-it-is-mine.md").is_file()
    assert run(None, "init").stdout.strip() == (
        "notes is already a papernotes library; nothing to do."
    )


def test_a_missing_or_empty_folder_becomes_a_library_on_import_or_add(tmp_path):
    missing = tmp_path / "new"
    assert run(missing, "import", str(SEED_DOC)).exit_code == 0
    assert folder_kind(missing) == LIBRARY and (missing / MARKER_FILE).is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(empty, "list").stderr.strip() == "No papers in the library yet."
    added = run(empty, "add", "--year", "2020", "--title", "First", "--note", "n")
    assert added.exit_code == 0, added.stderr
    assert run(empty, "list").stdout.startswith("2020")  # still a library after its first note


def test_a_folder_another_papernotes_is_marking_right_now_is_still_empty_for_add(tmp_path):
    """Two adds into an empty folder at once: one may see the other's half-written marker
    (its temporary file) or the lock holder's pid file, which are not someone else's files."""
    root = tmp_path / "racing"
    root.mkdir()
    (root / ".papernotes-marker1234.tmp").write_text("half", encoding="utf-8")
    (root / ".papernotes.holder.lock").write_text("4242", encoding="utf-8")
    added = run(root, "add", "--year", "2020", "--title", "Second", "--note", "n")
    assert added.exit_code == 0, added.stderr
    assert folder_kind(root) == LIBRARY


def test_a_library_made_before_the_marker_existed_is_still_a_library(tmp_path):
    """Such a library has no marker and no document.yaml, but has the lock file every
    papernotes write created."""
    root = tmp_path / "old"
    (root / "2020").mkdir(parents=True)
    note = "---\ntitle: Old\nyear: 2020\n---\n1. kept\n"
    (root / "2020" / "old.md").write_text(note, encoding="utf-8")
    (root / ".papernotes.lock").touch()
    result = run(root, "list")
    assert result.exit_code == 0 and "Old" in result.stdout


def test_the_shipped_notes_folder_is_a_library_found_as_dot_notes(monkeypatch):
    assert (SHIPPED_NOTES / MARKER_FILE).is_file() and (SHIPPED_NOTES / "document.yaml").is_file()
    monkeypatch.chdir(SHIPPED_NOTES.parent)
    result = run(None, "list", "--json")
    assert result.exit_code == 0 and "TinyBERT" in result.stdout
