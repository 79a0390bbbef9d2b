"""``papernotes sync`` between two clones of one library (two machines) and a bare remote:
independent changes merge by themselves, a field changed on both sides stops the sync until
``--continue`` or ``--abort``, and failures are one sentence with nothing lost."""

from __future__ import annotations

import shlex
import shutil
import subprocess

import pytest
import yaml

from tests.helpers import run
from tests.history.git_helpers import (
    add,
    git,
    library_files,
    machines,
    subject,
    synced,
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")


def doc(*titles: str) -> str:
    return "# Paper\n\n### 2021\n\n" + "".join(f"- {t}\n  - ICLR\n" for t in titles)


def set_field(root, name, old, new):
    note = root / "2021" / "shared-paper.md"
    text = note.read_text()
    assert old in text
    note.write_text(text.replace(old, new))


def test_two_machines_adding_papers_in_the_same_year_both_end_with_the_union(
    tmp_path, git_identity
):
    _, a, b = machines(tmp_path)
    (tmp_path / "a.md").write_text(doc("FROM MACHINE A", "SECOND FROM A"))
    (tmp_path / "b.md").write_text(doc("FROM MACHINE B"))
    assert run(a, "import", str(tmp_path / "a.md")).exit_code == 0
    assert run(b, "import", str(tmp_path / "b.md")).exit_code == 0
    synced(a)
    synced(b)
    synced(a)
    notes = ["2021/from-machine-a.md", "2021/from-machine-b.md", "2021/second-from-a.md"]
    for machine in (a, b):
        assert [p for p in notes if (machine / p).exists()] == notes
        order = yaml.safe_load((machine / "document.yaml").read_text())["order"]
        assert order.index("2021/from-machine-a.md") < order.index("2021/second-from-a.md")
        assert "2021/from-machine-b.md" in order
        assert git(machine, "status", "--porcelain") == ""
    assert library_files(a) == library_files(b)


def test_two_machines_editing_different_fields_of_one_paper_are_merged(tmp_path, git_identity):
    _, a, b = machines(tmp_path)
    synced(b)
    set_field(a, "status", "status: unread", "status: read")
    assert run(b, "note", "shared", "noted on machine B").exit_code == 0
    synced(a)  # the hand edit is committed and pushed
    assert subject(a) == "edit by hand: shared2021paper"
    synced(b)
    text = (b / "2021" / "shared-paper.md").read_text()
    assert "status: read" in text and "1. noted on machine B" in text
    synced(a)
    assert (a / "2021" / "shared-paper.md").read_text() == text


def test_notes_added_on_both_machines_are_both_kept(tmp_path, git_identity):
    _, a, b = machines(tmp_path)
    synced(b)
    assert run(a, "note", "shared", "from A").exit_code == 0
    assert run(b, "note", "shared", "from B").exit_code == 0
    synced(a)
    synced(b)
    text = (b / "2021" / "shared-paper.md").read_text()
    assert "from A" in text and "from B" in text  # this machine's first, then the remote's


def conflicted(tmp_path):
    _, a, b = machines(tmp_path)
    synced(b)
    set_field(a, "status", "status: unread", "status: read")
    set_field(b, "status", "status: unread", "status: reading")
    assert run(b, "commit").exit_code == 0
    synced(a)
    return a, b


def test_the_same_field_changed_on_both_machines_stops_the_sync_naming_paper_and_field(
    tmp_path, git_identity
):
    _, b = conflicted(tmp_path)
    head = git(b, "rev-parse", "HEAD")
    result = run(b, "sync")
    assert result.exit_code == 1
    assert "2021/shared-paper.md: status" in result.output
    assert git(b, "rev-parse", "HEAD") == head  # nothing committed
    problems = run(b, "check").output
    assert "2021/shared-paper.md:" in problems and "conflict markers" in problems
    written = run(b, "add", "--year", "2021", "--title", "During The Conflict")
    assert written.exit_code == 1 and "sync --continue" in written.output


def test_sync_abort_puts_everything_back_as_before_the_sync(tmp_path, git_identity):
    _, b = conflicted(tmp_path)
    before = library_files(b)
    head = git(b, "rev-parse", "HEAD")
    assert run(b, "sync").exit_code == 1
    result = run(b, "sync", "--abort")
    assert result.exit_code == 0, result.output
    assert library_files(b) == before
    assert git(b, "rev-parse", "HEAD") == head


def test_sync_continue_after_fixing_the_conflict_finishes_and_pushes(tmp_path, git_identity):
    a, b = conflicted(tmp_path)
    assert run(b, "sync").exit_code == 1
    refused = run(b, "sync", "--continue")
    assert refused.exit_code == 1 and "2021/shared-paper.md:" in refused.output
    note = b / "2021" / "shared-paper.md"
    lines = note.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("<<<<<<<"))
    end = next(i for i, line in enumerate(lines) if line.startswith(">>>>>>>"))
    note.write_text("".join(lines[:start] + ["status: reading\n"] + lines[end + 1 :]))
    result = run(b, "sync", "--continue")
    assert result.exit_code == 0, result.output
    assert "changes pushed" in result.output
    synced(a)
    assert "status: reading" in (a / "2021" / "shared-paper.md").read_text()
    assert git(b, "status", "--porcelain") == ""


def test_a_hand_edit_is_picked_up_by_sync(tmp_path, git_identity):
    _, a, b = machines(tmp_path)
    set_field(a, "venue", "venue: ''", "venue: ICLR")
    output = synced(a)
    assert "2021/shared-paper.md" in output
    synced(b)
    assert "venue: ICLR" in (b / "2021" / "shared-paper.md").read_text()


def test_sync_without_a_remote_says_so_in_one_sentence(tmp_path, git_identity):
    root = tmp_path / "notes"
    assert run(root, "init", "--git").exit_code == 0
    result = run(root, "sync")
    assert result.exit_code == 1
    assert "has no remote to sync with" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_an_unreachable_remote_is_one_sentence_and_keeps_the_commits(tmp_path, git_identity):
    remote, a, _ = machines(tmp_path)
    add(a, "Made Offline")
    remote.rename(tmp_path / "gone.git")
    result = run(a, "sync")
    assert result.exit_code == 1
    assert "Could not fetch from the remote 'origin'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert subject(a).startswith("add made2021offline")


def test_a_rejected_push_is_one_sentence_and_never_forced(tmp_path, git_identity):
    remote, a, b = machines(tmp_path)
    add(a, "Pushed First")
    synced(a)
    add(b, "Pushed Second")
    # a remote that refuses every push, as a protected branch would
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    head = git(remote, "rev-parse", "HEAD")
    result = run(b, "sync")
    assert result.exit_code == 1
    assert "refused the push" in result.output
    assert git(remote, "rev-parse", "HEAD") == head
    assert (b / "2021" / "pushed-second.md").exists() and (b / "2021" / "pushed-first.md").exists()


def test_sync_with_git_missing_is_one_sentence(tmp_path, git_identity):
    _, a, _ = machines(tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = run(a, "sync", env={"PATH": str(empty)})
    assert result.exit_code == 1 and result.output.startswith("Error: git is not installed")
    assert subprocess.run(["git", "-C", str(a), "status"], capture_output=True).returncode == 0


def test_a_key_taken_on_both_machines_is_reported_after_the_sync_merges_it(tmp_path, git_identity):
    _, a, b = machines(tmp_path)
    add(a, "Other Paper", 2021)
    synced(a)
    synced(b)
    assert run(a, "key", "shared", "same2021").exit_code == 0
    assert run(b, "key", "other", "same2021").exit_code == 0
    synced(a)
    result = run(b, "sync")
    assert result.exit_code == 0, result.output
    assert "after the merge: 2021/" in result.stderr and "same2021" in result.stderr
    assert "Fix these" in result.stderr


def _with_a_latin1_line(tmp_path):
    """Two machines sharing a note whose free text holds bytes that are not UTF-8 (a hand
    edit in Latin-1), committed and synced to both."""
    _, a, b = machines(tmp_path)
    note = a / "2021" / "shared-paper.md"
    note.write_bytes(note.read_bytes() + b"\ncaf\xe9 au lait (Latin-1)\n")
    assert run(a, "commit").exit_code == 0
    synced(a)
    synced(b)
    return a, b


def test_the_merge_driver_never_changes_bytes_that_are_not_utf8(tmp_path, git_identity):
    a, b = _with_a_latin1_line(tmp_path)
    for machine, old, new in (
        (a, b"status: unread", b"status: read"),
        (b, b"venue: ''", b"venue: ICLR"),
    ):
        note = machine / "2021" / "shared-paper.md"
        note.write_bytes(note.read_bytes().replace(old, new))
        assert run(machine, "commit").exit_code == 0
    synced(a)
    synced(b)  # both changes merge, line by line
    merged = (b / "2021" / "shared-paper.md").read_bytes()
    assert b"status: read" in merged and b"venue: ICLR" in merged
    assert b"caf\xe9 au lait" in merged and "\ufffd".encode() not in merged
    synced(a)
    assert (a / "2021" / "shared-paper.md").read_bytes() == merged


def test_a_conflict_in_a_note_that_is_not_utf8_stops_the_sync_and_keeps_its_bytes(
    tmp_path, git_identity
):
    a, b = _with_a_latin1_line(tmp_path)
    for machine, status in ((a, b"read"), (b, b"reading")):
        note = machine / "2021" / "shared-paper.md"
        note.write_bytes(note.read_bytes().replace(b"status: unread", b"status: " + status))
        assert run(machine, "commit").exit_code == 0
    synced(a)
    result = run(b, "sync")
    assert result.exit_code == 1 and "2021/shared-paper.md" in result.output
    assert "Traceback" not in result.output
    stopped = (b / "2021" / "shared-paper.md").read_bytes()
    assert b"<<<<<<<" in stopped and b"caf\xe9 au lait" in stopped
    assert "\ufffd".encode() not in stopped


def _library_in_a_bigger_repository(tmp_path):
    """A bare remote, and two clones of a repository holding a README.md and, in notes/, a
    library with history on (machine A pushed a new paper since B cloned)."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    top_a = tmp_path / "a"
    top_a.mkdir()
    git(top_a, "init", "-q")
    (top_a / "README.md").write_text("my project\n")
    git(top_a, "add", "README.md")
    git(top_a, "commit", "-q", "-m", "first")
    git(top_a, "remote", "add", "origin", str(remote))
    assert run(top_a / "notes", "init", "--git").exit_code == 0
    add(top_a / "notes", "Shared Paper")
    synced(top_a / "notes")
    top_b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(remote), str(top_b))
    add(top_a / "notes", "From A")
    synced(top_a / "notes")
    return top_a, top_b


def test_a_merge_refused_for_the_users_staged_files_says_which_and_how_to_unstage(
    tmp_path, git_identity
):
    _, top_b = _library_in_a_bigger_repository(tmp_path)
    add(top_b / "notes", "From B")  # so the merge is a real one, not a fast-forward
    (top_b / "README.md").write_text("staged, not committed\n")
    git(top_b, "add", "README.md")
    head = git(top_b, "rev-parse", "HEAD")
    result = run(top_b / "notes", "sync")
    assert result.exit_code == 1
    assert result.output == (
        "Error: The sync could not merge the changes from origin/main because README.md in "
        f"{top_b} has changes staged in git but not committed (papernotes never commits your "
        "other files): commit it, or unstage it "
        f"(git -C {top_b} restore --staged -- README.md), then run 'papernotes sync' again "
        "(nothing was merged).\n"
    )
    assert git(top_b, "rev-parse", "HEAD") == head
    assert git(top_b, "status", "--porcelain") == "M  README.md\n"  # still staged, as it was
    git(top_b, "restore", "--staged", "--", "README.md")  # as the sentence says
    git(top_b, "checkout", "--", "README.md")
    assert run(top_b / "notes", "sync").exit_code == 0
    assert (top_b / "notes" / "2021" / "from-a.md").exists()


def test_a_merge_refused_for_several_staged_files_names_each_and_its_command_unstages_them(
    tmp_path, git_identity
):
    _, top_b = _library_in_a_bigger_repository(tmp_path)
    add(top_b / "notes", "From B")  # so the merge is a real one, not a fast-forward
    for name in ("one.txt", "a b.txt", "b.txt"):
        (top_b / name).write_text("staged, not committed\n")
        git(top_b, "add", name)
    result = run(top_b / "notes", "sync")
    assert result.exit_code == 1
    command = f"git -C {top_b} restore --staged -- 'a b.txt' b.txt one.txt"
    assert result.output == (
        "Error: The sync could not merge the changes from origin/main because 'a b.txt', b.txt "
        f"and one.txt in {top_b} have changes staged in git but not committed (papernotes "
        f"never commits your other files): commit them, or unstage them ({command}), then run "
        "'papernotes sync' again (nothing was merged).\n"
    )
    subprocess.run(shlex.split(command), check=True)  # the command as printed works
    assert git(top_b, "diff", "--cached", "--name-only") == ""
    assert run(top_b / "notes", "sync").exit_code == 0


@pytest.mark.parametrize("removed_on", ["the remote", "this machine"])
def test_a_note_removed_on_one_side_and_changed_on_the_other_says_how_to_keep_or_remove_it(
    tmp_path, git_identity, removed_on
):
    _, a, b = machines(tmp_path)
    synced(b)
    remover, editor = (a, b) if removed_on == "the remote" else (b, a)
    assert run(remover, "rm", "shared", "--yes").exit_code == 0
    assert run(editor, "note", "shared", "noted before the removal arrived").exit_code == 0
    first, second = (remover, editor) if removed_on == "the remote" else (editor, remover)
    synced(first)
    result = run(second, "sync")
    assert result.exit_code == 1
    what = (
        "changed here, removed on the remote"
        if removed_on == "the remote"
        else "removed here, changed on the remote"
    )
    assert result.output == (
        "Error: The sync stopped on conflicts, nothing was committed or pushed: "
        f"2021/shared-paper.md: {what}; the changed version of a note removed on the other "
        "side is in its file: leave it to keep the note, or delete the file to remove it; then "
        "run 'papernotes sync --continue' (or 'papernotes sync --abort' to put everything back "
        "as it was before the sync).\n"
    )
    note = second / "2021" / "shared-paper.md"
    assert "noted before the removal arrived" in note.read_text()
    note.unlink()  # as the sentence says: delete the file to remove the note
    assert run(second, "sync", "--continue").exit_code == 0
    synced(first)
    assert not (first / "2021" / "shared-paper.md").exists()


def test_a_merge_refused_for_an_untracked_file_the_remote_adds_names_it(tmp_path, git_identity):
    top_a, top_b = _library_in_a_bigger_repository(tmp_path)
    (top_a / "todo.txt").write_text("committed on A\n")
    git(top_a, "add", "todo.txt")
    git(top_a, "commit", "-q", "-m", "todo")
    synced(top_a / "notes")  # pushes the whole branch
    add(top_b / "notes", "From B")
    (top_b / "todo.txt").write_text("B's own, never added to git\n")
    result = run(top_b / "notes", "sync")
    assert result.exit_code == 1
    assert result.output == (
        "Error: The sync could not merge the changes from origin/main because it adds "
        f"todo.txt, which is in {top_b} but not tracked by git: move it away, then run "
        "'papernotes sync' again (nothing was merged).\n"
    )
    assert (top_b / "todo.txt").read_text() == "B's own, never added to git\n"


def _edited_on_both_sides(tmp_path, first: bytes):
    """Two machines whose note 2021/nul.md starts with ``first`` (holding a NUL byte) and
    then six lines; A changed its last line, then B its second: B's sync merges."""
    _, a, b = machines(tmp_path)
    synced(b)
    lines = b"".join(b"L%d\n" % n for n in range(1, 7))
    note = first + b"1. first note\n\n" + lines
    (a / "2021" / "nul.md").write_bytes(note)
    assert run(a, "commit").exit_code == 0
    synced(a)
    synced(b)
    for machine, old, new in ((a, b"L6\n", b"L6 A\n"), (b, b"L2\n", b"L2 B\n")):
        path = machine / "2021" / "nul.md"
        path.write_bytes(path.read_bytes().replace(old, new))
    synced(a)
    return a, b


FRONT = b"---\ntitle: 'Nul Paper'\nyear: 2021\nkey: nul2021\n---\n"


@pytest.mark.parametrize(
    "first",
    [FRONT + b"caf\xe9 \x00\n", b"---\ntitle: 'Nul\x00 Paper'\nyear: 2021\n---\n"],
    ids=["latin1-and-nul", "utf8-nul-in-front-matter"],
)
def test_a_note_holding_a_nul_byte_stops_the_sync_kept_as_this_machines_version_never_emptied(
    tmp_path, git_identity, first
):
    a, b = _edited_on_both_sides(tmp_path, first)
    note = b / "2021" / "nul.md"
    mine = note.read_bytes()
    assert run(b, "commit").exit_code == 0
    head = git(b, "rev-parse", "HEAD")
    result = run(b, "sync")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert note.read_bytes() == mine  # byte for byte, as the commit wrote it: never emptied
    shown = f"git -C {b} show MERGE_HEAD:./2021/nul.md"
    assert result.output.startswith(
        "Error: The sync stopped on conflicts, nothing was committed or pushed: 2021/nul.md: "
        "it holds a NUL byte, which git cannot merge line by line, so the file is this "
        "machine's version, unchanged, without the remote's changes "
        f"({shown} shows the remote's version); copy the remote's changes you want into each "
        "file holding a NUL byte (and remove the byte); then run 'papernotes sync --continue'"
    ), result.output
    assert git(b, "rev-parse", "HEAD") == head
    assert run(b, "sync", "--continue").exit_code == 0  # keeps this machine's version
    remote_copy = subprocess.run(
        ["git", "-C", str(b), "show", "origin/HEAD:2021/nul.md"], capture_output=True, check=True
    ).stdout
    assert remote_copy == mine


def test_sync_continue_refuses_to_commit_a_note_emptied_or_no_longer_a_note(tmp_path, git_identity):
    _, b = conflicted(tmp_path)
    note = b / "2021" / "shared-paper.md"
    head = git(b, "rev-parse", "HEAD")
    assert run(b, "sync").exit_code == 1
    for broken, why in (
        (b"", "is empty, but this machine's and the remote's versions both have text"),
        (b"status: read\n", "no longer reads as a note (line 1: a note must start with '---'"),
    ):
        note.write_bytes(broken)
        result = run(b, "sync", "--continue")
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.output.startswith(f"Error: 2021/shared-paper.md {why}"), result.output
        assert "nothing was committed" in result.output
        assert git(b, "rev-parse", "HEAD") == head
        assert git(b, "rev-parse", "-q", "--verify", "MERGE_HEAD").strip()
