"""History in git: one commit of exactly the changed files per write, the log, undo and
redo, hand edits, and clean errors when git cannot commit. Real git, temporary folders."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.helpers import run
from tests.history.git_helpers import (
    add,
    count,
    files_of,
    git,
    library_files,
    subject,
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")

DOC = """# Paper

### 2021

- ALPHA: THE FIRST PAPER
  - ICLR
- BETA: THE SECOND PAPER
  - ACL
"""


def test_init_git_makes_a_repository_with_the_setting_gitignore_and_merge_drivers(git_library):
    root = git_library
    assert (root / ".git").is_dir()
    assert "git: true" in (root / ".papernotes.yaml").read_text()
    assert ".papernotes.lock" in (root / ".gitignore").read_text().splitlines()
    assert "merge=papernotes-note" in (root / ".gitattributes").read_text()
    assert "merge-driver note" in git(root, "config", "merge.papernotes-note.driver")
    assert git(root, "status", "--porcelain") == ""  # the lock files are ignored


def test_every_write_makes_one_commit_of_exactly_the_files_it_changed(git_library):
    root = git_library
    before = count(root)
    add(root, "DeBERTa: Decoding-enhanced BERT with Disentangled Attention")
    assert count(root) == before + 1
    assert files_of(root) == ["2021/deberta.md"]
    assert subject(root).startswith("add deberta2021decoding: DeBERTa: Decoding-enhanced BERT")
    assert run(root, "key", "deberta", "he2021deberta").exit_code == 0
    assert subject(root) == "key deberta2021decoding -> he2021deberta"
    assert files_of(root) == ["2021/deberta.md"]
    assert run(root, "note", "deberta", "a reading note").exit_code == 0
    assert subject(root).startswith("note he2021deberta")
    assert run(root, "rm", "--yes", "deberta").exit_code == 0
    assert subject(root).startswith("rm he2021deberta")
    assert count(root) == before + 4
    assert git(root, "status", "--porcelain") == ""


def test_an_import_is_one_commit_named_for_the_file_with_its_counts(git_library, tmp_path):
    doc = tmp_path / "reading-notes.md"
    doc.write_text(DOC, encoding="utf-8")
    before = count(git_library)
    assert run(git_library, "import", str(doc)).exit_code == 0
    assert count(git_library) == before + 1
    assert subject(git_library) == "import reading-notes.md: 2 added, 0 updated"
    assert files_of(git_library) == ["2021/alpha.md", "2021/beta.md", "document.yaml"]


def test_a_bulk_set_is_one_commit_of_the_notes_it_changed(git_library):
    """``set`` on several notes writes them in one batch: they are committed like any other
    write (they were left uncommitted, so ``undo`` skipped them)."""
    add(git_library, "Alpha", 2021)
    add(git_library, "Beta", 2021)
    before = count(git_library)
    result = run(git_library, "set", "alpha", "beta", "--status", "read")
    assert result.exit_code == 0, result.output
    assert count(git_library) == before + 1
    assert files_of(git_library) == ["2021/alpha.md", "2021/beta.md"]
    assert git(git_library, "status", "--porcelain") == ""


def test_an_import_stopped_by_a_note_it_cannot_write_is_not_described_as_complete(
    git_library, tmp_path
):
    """The writer process reports a note it could not write only at the end of the import;
    the commit of what was written must not claim every entry was added."""
    import resource

    entries = "".join(
        f"@article{{p{i},\n  title = {{Paper {i}}},\n  year = {{2020}},\n  journal = {{JMLR}}"
        + (f",\n  abstract = {{{'long ' * 40_000}}}" if i == 100 else "")
        + "\n}\n\n"
        for i in range(150)
    )
    source = tmp_path / "in.bib"
    source.write_text(entries, encoding="utf-8")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))
    try:
        result = run(git_library, "import", str(source))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert result.exit_code != 0 and "2020/paper-100.md" in result.output
    assert "150 added" not in subject(git_library)
    assert len(files_of(git_library)) == 100  # the notes before it, committed


def test_the_users_unrelated_staged_and_unstaged_files_are_not_committed(tmp_path, git_identity):
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README.md").write_text("project\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "start")
    root = repo / "reading" / "notes"  # the library is a sub-folder of a larger repository
    assert run(root, "init", "--git").exit_code == 0
    assert not (root / ".git").exists()
    (repo / "staged.txt").write_text("mine, staged\n")
    git(repo, "add", "staged.txt")
    (repo / "README.md").write_text("project, edited\n")
    add(root, "A Paper Of Mine")
    assert files_of(repo) == ["reading/notes/2021/a-paper-of-mine.md"]
    status = git(repo, "status", "--porcelain").splitlines()
    assert sorted(status) == [" M README.md", "A  staged.txt"]  # still the user's, as they were


def test_log_shows_changes_newest_first_and_a_papers_own_history_as_json(git_library):
    add(git_library, "First Paper")
    add(git_library, "Second Paper")
    assert run(git_library, "note", "first", "noted").exit_code == 0
    lines = run(git_library, "log").output.splitlines()
    assert "note first2021paper" in lines[0] and "add second2021paper" in lines[1]
    assert "Ada" in lines[0]
    data = json.loads(run(git_library, "log", "first", "--json").output)
    assert [entry["message"].split(":")[0] for entry in data] == [
        "note first2021paper",
        "add first2021paper",
    ]
    assert data[0]["author"] == "Ada" and data[0]["change"] == "note"


def test_undo_after_import_key_and_rm_puts_the_files_back_and_redo_reapplies(git_library, tmp_path):
    root = git_library
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    empty = library_files(root)
    assert run(root, "import", str(doc)).exit_code == 0
    imported = library_files(root)
    assert run(root, "key", "alpha", "alpha2021").exit_code == 0
    keyed = library_files(root)
    assert run(root, "rm", "--yes", "beta").exit_code == 0
    assert run(root, "undo").exit_code == 0  # the rm
    assert library_files(root) == keyed
    assert run(root, "undo").exit_code == 0  # the key
    assert library_files(root) == imported
    assert run(root, "undo").exit_code == 0  # the import
    assert library_files(root) == empty
    assert subject(root) == "undo: import doc.md: 2 added, 0 updated"
    assert run(root, "redo").exit_code == 0
    assert library_files(root) == imported
    assert run(root, "redo").exit_code == 0
    assert library_files(root) == keyed
    assert git(root, "status", "--porcelain") == ""
    assert "alpha2021" in run(root, "list").output


def test_undo_refuses_naming_the_file_changed_since_and_changes_nothing(git_library):
    add(git_library, "Edited By Hand")
    note = git_library / "2021" / "edited-by-hand.md"
    note.write_text(note.read_text() + "\nmy own words\n")
    before = library_files(git_library)
    result = run(git_library, "undo")
    assert result.exit_code == 1
    assert "2021/edited-by-hand.md changed since" in result.output
    assert library_files(git_library) == before


def test_redo_after_a_new_change_has_nothing_to_redo(git_library):
    add(git_library, "One")
    assert run(git_library, "undo").exit_code == 0
    add(git_library, "Two")
    result = run(git_library, "redo")
    assert result.exit_code == 1 and "no papernotes change to redo" in result.output


def test_a_hand_edit_is_committed_by_commit_with_the_paper_named(git_library):
    add(git_library, "Hand Edited")
    note = git_library / "2021" / "hand-edited.md"
    note.write_text(note.read_text().replace("status: unread", "status: read"))
    result = run(git_library, "commit")
    assert result.exit_code == 0, result.output
    assert subject(git_library) == "edit by hand: hand2021edited"
    assert files_of(git_library) == ["2021/hand-edited.md"]
    assert run(git_library, "commit").output.strip() == "Nothing to commit."


def test_git_missing_from_path_gives_one_sentence_and_writes_nothing(git_library, tmp_path):
    before = library_files(git_library)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = run(git_library, "add", "--year", "2021", "--title", "T", env={"PATH": str(empty)})
    assert result.exit_code == 1
    assert result.output.startswith("Error: git is not installed")
    assert len(result.output.strip().splitlines()) == 1
    assert library_files(git_library) == before


def test_no_git_identity_gives_one_sentence_and_writes_nothing(git_library, monkeypatch):
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.useConfigOnly")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "true")
    before = library_files(git_library)
    result = run(git_library, "add", "--year", "2021", "--title", "T")
    assert result.exit_code == 1
    assert (
        "git does not know who you are" in result.output and "nothing was written" in result.output
    )
    assert library_files(git_library) == before


def test_git_off_stops_committing_and_is_itself_committed(git_library):
    assert run(git_library, "git", "off").exit_code == 0
    assert subject(git_library) == "turn history off"
    before = count(git_library)
    add(git_library, "Not Committed")
    assert count(git_library) == before
    assert "history: off" in run(git_library, "git", "status").output
    assert run(git_library, "git", "on").exit_code == 0
    assert files_of(git_library) == [".papernotes.yaml", "2021/not-committed.md"]


def test_git_on_for_an_existing_library_commits_its_notes(tmp_path, git_identity):
    root = tmp_path / "notes"
    add(root, "Before History")
    result = run(root, "git", "on")
    assert result.exit_code == 0, result.output
    tracked = git(root, "ls-files").split()
    assert "2021/before-history.md" in tracked and ".papernotes.lock" not in tracked
    assert subprocess.run(["git", "-C", str(root), "diff", "--quiet", "HEAD"]).returncode == 0


def test_a_status_or_tag_change_is_committed_with_what_changed(git_library):
    from papernotes.library import Library

    add(git_library, "Tagged Paper", 2021, "--tag", "old")
    library = Library(git_library)
    note = library.find("tagged")
    from dataclasses import replace

    note = library.save(note, replace(note.paper, status="read"))
    assert subject(git_library) == "status tagged2021paper: read"
    library.save(note, replace(note.paper, tags=("nlp",)))
    assert subject(git_library) == "tags tagged2021paper: +nlp -old"
    assert files_of(git_library) == ["2021/tagged-paper.md"]


def test_an_edit_in_the_editor_is_one_commit_named_edit_key(git_library, tmp_path, monkeypatch):
    import sys

    add(git_library, "Edited Paper")
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\nopen(sys.argv[1], 'a', encoding='utf-8').write('1. edited\\n')\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    result = run(git_library, "edit", "edited")
    assert result.exit_code == 0, result.output
    assert subject(git_library) == "edit edited2021paper"
    assert files_of(git_library) == ["2021/edited-paper.md"]


def test_the_log_of_a_removed_paper_is_found_by_its_path(git_library):
    add(git_library, "Gone Paper")
    assert run(git_library, "rm", "--yes", "gone").exit_code == 0
    lines = run(git_library, "log", "2021/gone-paper.md").output.splitlines()
    assert [line.split("  ")[-1].split(":")[0] for line in lines] == [
        "rm gone2021paper",
        "add gone2021paper",
    ]


def test_papernotes_processes_adding_at_once_each_make_one_commit_of_their_own_note(git_library):
    import os
    import sys

    before = count(git_library)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "papernotes",
                "--notes",
                str(git_library),
                "add",
                "--year",
                "2021",
                "--title",
                f"Concurrent Paper {i}",
                "--note",
                "n",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ,
        )  # fmt: skip
        for i in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert count(git_library) == before + 3
    for rev in range(3):
        changed = files_of(git_library, f"HEAD~{rev}")
        assert len(changed) == 1 and changed[0].startswith("2021/concurrent-paper-")
    assert git(git_library, "status", "--porcelain") == ""


def test_git_off_works_without_git_on_path(git_library, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = run(git_library, "git", "off", env={"PATH": str(empty)})
    assert result.exit_code == 0, result.output
    written = run(
        git_library, "add", "--year", "2021", "--title", "No Git", env={"PATH": str(empty)}
    )
    assert written.exit_code == 0, written.output
    assert (git_library / "2021" / "no-git.md").exists()


def test_link_is_one_commit_of_the_linked_note(fake_arxiv, seed_library, git_identity):
    from papernotes.library import Library
    from papernotes.model import ARXIV_FIELDS

    library = Library.open(seed_library)
    note = library.find("tinybert")
    blank = {name: type(getattr(note.paper, name))() for name in ARXIV_FIELDS}
    from dataclasses import replace

    library.save(note, replace(note.paper, **blank))  # the arXiv facts gone, the id kept
    assert run(seed_library, "git", "on").exit_code == 0
    before = count(seed_library)
    result = run(seed_library, "link", "tinybert")
    assert result.exit_code == 0, result.output
    assert count(seed_library) == before + 1
    assert subject(seed_library).startswith("link ") and "to arXiv" in subject(seed_library)
    assert files_of(seed_library) == ["2020/tinybert.md"]


def test_the_log_of_a_paper_names_it_from_the_kept_name_index_not_every_note(
    git_library, trusting_cache, monkeypatch
):
    """``log PAPER`` named its paper over every note (1.3 s at 100,000 notes): now as
    ``show`` does, from the kept name index and the one note, with the same answer (a
    part of a title, or a removed paper's path, still goes over every note)."""
    from papernotes.storage.caches import location as cache_location
    from papernotes.storage.store import NoteStore
    from tests.helpers import calls_of

    add(git_library, "First Paper")
    assert run(git_library, "note", "first", "noted").exit_code == 0
    run(git_library, "show", "first-paper")  # keeps the name index
    off = {cache_location.DISABLE_ENV: "1"}
    expected = run(git_library, "log", "first-paper", "--json", env=off).output
    loads = calls_of(monkeypatch, NoteStore, "load")
    assert run(git_library, "log", "first-paper", "--json").output == expected
    assert len(json.loads(expected)) == 2 and loads == []
