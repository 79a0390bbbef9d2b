"""History where git's view of the library is partial: ignored or uncommitted notes,
symlinks, leftovers of a killed git, merges keeping one side. Real git, temporary folders."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.helpers import run
from tests.history.git_helpers import add, files_of, git, machines, subject, synced

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")


def test_git_on_refuses_in_one_sentence_when_the_repository_ignores_the_library(
    tmp_path, git_identity
):
    parent = tmp_path / "parent"
    parent.mkdir()
    git(parent, "init", "-q")
    (parent / ".gitignore").write_text("notes/\n")
    root = parent / "notes"
    add(root, "Ignored Paper")
    before = sorted(p.name for p in root.iterdir())
    result = run(root, "git", "on")
    assert result.exit_code == 1
    assert "ignores the library's files" in result.output
    assert "2021/ignored-paper.md" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in root.iterdir()) == before  # no settings, no .gitignore


def test_undo_of_a_tag_change_never_deletes_a_note_git_had_no_earlier_version_of(git_library):
    add(git_library, "Uncommitted Paper")
    note = git_library / "2021" / "uncommitted-paper.md"
    git(git_library, "rm", "-q", "--cached", "2021/uncommitted-paper.md")
    git(git_library, "commit", "-q", "-m", "stop tracking by hand")
    assert run(git_library, "set", "uncommitted", "--tag", "q").exit_code == 0
    assert subject(git_library).startswith("tags ")
    text = note.read_bytes()
    result = run(git_library, "undo")
    assert result.exit_code == 1
    assert "would delete 2021/uncommitted-paper.md" in result.output
    assert note.read_bytes() == text


def test_undo_of_a_key_change_refuses_to_delete_a_git_ignored_note(git_library):
    add(git_library, "Hidden Paper", 2019)
    note = git_library / "2019" / "hidden-paper.md"
    git(git_library, "rm", "-q", "--cached", "2019/hidden-paper.md")
    with (git_library / ".gitignore").open("a") as handle:
        handle.write("2019/\n")
    git(git_library, "commit", "-q", "-am", "ignore 2019 by hand")
    assert run(git_library, "key", "hidden", "other2019hidden").exit_code == 0
    text = note.read_bytes()
    result = run(git_library, "undo")
    assert result.exit_code == 1
    assert "would delete 2019/hidden-paper.md" in result.output
    assert note.read_bytes() == text


def test_a_symlink_is_committed_as_its_target_path_never_the_file_it_points_to(
    git_library, tmp_path
):
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret\n")
    (git_library / "2021").mkdir(exist_ok=True)
    (git_library / "2021" / "link.md").symlink_to(secret)
    assert run(git_library, "commit").exit_code == 0
    assert "2021/link.md" in files_of(git_library)
    assert git(git_library, "cat-file", "-p", "HEAD:2021/link.md") == str(secret)
    mode = git(git_library, "ls-tree", "HEAD", "2021/link.md").split()[0]
    assert mode == "120000"


def test_a_killed_merges_temp_files_are_ignored_and_never_committed_as_hand_edits(git_library):
    assert ".merge_file_*" in (git_library / ".gitignore").read_text().splitlines()
    (git_library / "2021").mkdir(exist_ok=True)
    (git_library / "2021" / ".merge_file_a1b2c3").write_text("half a merge\n")
    (git_library / ".merge_file_d4e5f6").write_text("half a merge\n")
    ignore = git_library / ".gitignore"  # as an older library's .gitignore, without the line
    ignore.write_text(ignore.read_text().replace(".merge_file_*\n", ""))
    assert run(git_library, "commit").exit_code == 0
    assert files_of(git_library) == [".gitignore"]
    tracked = git(git_library, "ls-files").split()
    assert not [p for p in tracked if ".merge_file_" in p]


def test_a_stale_index_lock_stops_sync_with_a_sentence_naming_it(tmp_path, git_identity):
    _, a, b = machines(tmp_path)
    assert run(b, "set", "shared", "--tag", "from-b").exit_code == 0
    synced(b)
    assert run(a, "set", "shared", "--status", "read").exit_code == 0
    lock = a / ".git" / "index.lock"
    lock.write_text("")
    result = run(a, "sync")
    assert result.exit_code == 1
    assert "another git process seems to be running, or one was killed" in result.output
    assert f"remove {lock} if no git is running" in result.output
    assert len(result.output.strip().splitlines()) == 1
    lock.unlink()  # then the next sync merges both changes
    synced(a)
    text = (a / "2021" / "shared-paper.md").read_text()
    assert "from-b" in text and "status: read" in text


def test_log_shows_a_local_change_a_merge_dropped_and_undo_then_refuses_naming_the_file(
    tmp_path, git_identity
):
    _, a, b = machines(tmp_path)
    assert run(a, "set", "shared", "--tag", "local").exit_code == 0
    synced(a)
    # machine B merges A's change keeping its own value (as a conflict resolved for B would)
    git(b, "fetch", "-q", "origin")
    git(b, "merge", "-q", "--no-ff", "-s", "ours", "-m", "keep mine", "origin/main")
    git(b, "push", "-q", "origin", "HEAD:main")
    synced(a)
    assert "local" not in (a / "2021" / "shared-paper.md").read_text()
    result = run(a, "log")
    assert result.exit_code == 0
    assert "tags shared2021paper: +local" in result.output
    # undo picks the newest papernotes change in the whole history (here A's tag change),
    # and refuses since the merge changed its file
    result = run(a, "undo")
    assert result.exit_code == 1
    assert "2021/shared-paper.md changed since" in result.output
    assert subprocess.run(["git", "-C", str(a), "diff", "--quiet", "HEAD"]).returncode == 0
