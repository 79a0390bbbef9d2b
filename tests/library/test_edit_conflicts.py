"""`papernotes edit` against other writers: the editor works on a copy, and its text is written
back only if the note is still as it was copied; otherwise it is kept aside, path printed.

The races use real processes. The scripted $EDITOR tells the test when it holds the copy and
waits for the test's signal before saving, so the other command runs exactly in between.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from papernotes.storage.edit_copy import edits_dir
from tests.helpers import folder_bytes

ADDED = "Added in the editor."

WAITING_EDITOR = textwrap.dedent(
    """
    import os, sys, time
    ready, go, path = sys.argv[1], sys.argv[2], sys.argv[3]
    text = open(path, encoding="utf-8").read()
    open(ready, "w").close()  # the test runs the other command now
    while not os.path.exists(go):
        time.sleep(0.005)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text + "\\nADDED\\n")
    """
).replace("ADDED", ADDED)


def papernotes(root: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(root), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        **kwargs,
    )


def edit_while(root: Path, tmp_path: Path, paper: str, *other: str):
    """Run ``papernotes edit paper``; while its editor is open, run ``papernotes *other``."""
    script = tmp_path / "waiting editor.py"
    script.write_text(WAITING_EDITOR, encoding="utf-8")
    ready, go = tmp_path / "ready", tmp_path / "go"
    env = {**os.environ, "EDITOR": f"'{sys.executable}' '{script}' '{ready}' '{go}'"}
    edit = subprocess.Popen(
        [sys.executable, "-m", "papernotes", "--notes", str(root), "edit", paper],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():  # waiting for the editor's signal, not for time to pass
        assert edit.poll() is None, edit.communicate()
        assert time.monotonic() < deadline, "the editor never started"
        time.sleep(0.01)
    meanwhile = papernotes(root, *other)
    go.touch()
    out, err = edit.communicate(timeout=60)
    return edit.returncode, out, err, meanwhile


def kept_file(stderr: str, what: str) -> Path:
    """The one-sentence error of a refused edit, and the file it names as keeping the text."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert what in lines[0] and "while you were editing it, so nothing was written" in lines[0]
    match = re.search(r"your edited text is kept in (.+)\.$", lines[0])
    assert match, lines[0]
    path = Path(match.group(1))
    assert path.is_file() and edits_dir() in path.parents  # the user's data folder
    assert ADDED in path.read_text(encoding="utf-8")
    return path


def library_text(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.glob("*/*.md")))


def test_an_edit_during_a_key_change_keeps_the_edited_text_aside_and_overwrites_nothing(
    seed_library, tmp_path
):
    code, _, err, key = edit_while(
        seed_library, tmp_path, "deberta", "key", "deberta", "he2021decoding"
    )
    assert key.returncode == 0, key.stderr
    assert code == 1
    kept = kept_file(err, "2021/deberta.md was changed on disk while")
    note = (seed_library / "2021" / "deberta.md").read_text(encoding="utf-8")
    assert "key: he2021decoding" in note  # the key change stays
    assert ADDED not in library_text(seed_library)
    assert "key: he2021deberta" in kept.read_text(encoding="utf-8")  # the copy as edited


def test_an_edit_during_rm_keeps_the_edited_text_aside_and_does_not_bring_the_note_back(
    seed_library, tmp_path
):
    code, _, err, removed = edit_while(seed_library, tmp_path, "nezha", "rm", "nezha", "--yes")
    assert removed.returncode == 0 and "Removed 2021/nezha.md" in removed.stdout
    assert code == 1
    kept_file(err, "2021/nezha.md was moved or removed while")
    assert not (seed_library / "2021" / "nezha.md").exists()
    assert ADDED not in library_text(seed_library)
    assert papernotes(seed_library, "show", "nezha").returncode == 1


def test_an_edit_during_an_import_that_moves_the_paper_leaves_it_in_one_file(
    seed_library, tmp_path
):
    document = tmp_path / "move.md"
    document.write_text(
        "### 2022\n\n- DEBERTA: DECODING-ENHANCED BERT WITH DISENTANGLED ATTENTION\n",
        encoding="utf-8",
    )
    code, _, err, imported = edit_while(seed_library, tmp_path, "deberta", "import", str(document))
    assert imported.returncode == 0 and "2022/deberta.md" in imported.stdout, imported.stderr
    assert code == 1
    kept_file(err, "2021/deberta.md was moved or removed while")
    copies = [p for p in seed_library.glob("*/*.md") if "'2006.03654'" in p.read_text("utf-8")]
    assert [p.relative_to(seed_library).as_posix() for p in copies] == ["2022/deberta.md"]
    assert ADDED not in library_text(seed_library)
    assert papernotes(seed_library, "check").returncode == 0


SAME_BYTES_EDITOR = (
    "import sys\np = sys.argv[-1]\ndata = open(p, 'rb').read()\nopen(p, 'wb').write(data)\n"
)


def test_an_unchanged_edit_writes_nothing(seed_library, tmp_path):
    script = tmp_path / "save.py"
    script.write_text(SAME_BYTES_EDITOR, encoding="utf-8")  # saves, as `:wq` does
    note = seed_library / "2021" / "deberta.md"
    os.utime(note, ns=(10**18, 10**18))  # 2001: any write would show in the mtime
    before, stat = folder_bytes(seed_library), note.stat()
    result = papernotes(
        seed_library, "edit", "deberta", env={**os.environ, "EDITOR": f"{sys.executable} {script}"}
    )
    assert result.returncode == 0, result.stderr
    after = note.stat()
    assert (after.st_mtime_ns, after.st_ino) == (stat.st_mtime_ns, stat.st_ino)
    assert result.stderr.strip() == "No changes to 2021/deberta.md; nothing was written."
    assert folder_bytes(seed_library) == before
    assert list(edits_dir().iterdir()) == []  # the copy is gone too


def test_an_edit_with_no_other_writer_is_written_and_its_copy_removed(seed_library, tmp_path):
    script = tmp_path / "append.py"
    script.write_text(
        f"import sys\nopen(sys.argv[-1], 'a', encoding='utf-8').write('\\n{ADDED}\\n')\n",
        encoding="utf-8",
    )
    result = papernotes(
        seed_library, "edit", "deberta", env={**os.environ, "EDITOR": f"{sys.executable} {script}"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(seed_library / "2021" / "deberta.md")
    assert ADDED in (seed_library / "2021" / "deberta.md").read_text(encoding="utf-8")
    assert list(edits_dir().iterdir()) == []


@pytest.mark.parametrize("editor", ["false", "/nonexistent/editor"])
def test_a_failing_editor_writes_nothing_and_leaves_no_copy(seed_library, editor):
    before = folder_bytes(seed_library)
    result = papernotes(seed_library, "edit", "deberta", env={**os.environ, "EDITOR": editor})
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "nothing was changed" in result.stderr
    assert folder_bytes(seed_library) == before
    assert list(edits_dir().iterdir()) == []


def test_an_edit_that_cannot_be_written_keeps_the_edited_text_and_names_it(
    seed_library, tmp_path, monkeypatch
):
    from papernotes.storage import note_writes as store
    from tests.helpers import run

    def full_disk(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "atomic_write", full_disk)
    script = tmp_path / "append.py"
    script.write_text(
        f"import sys\nopen(sys.argv[-1], 'a', encoding='utf-8').write('\\n{ADDED}\\n')\n",
        encoding="utf-8",
    )
    before = folder_bytes(seed_library)
    result = run(seed_library, "edit", "deberta", env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith("Error: Cannot write ") and "No space left on device" in message
    kept = Path(message.rsplit("kept in ", 1)[1].removesuffix("."))
    assert ADDED in kept.read_text(encoding="utf-8")
    assert folder_bytes(seed_library) == before


def test_an_edit_of_a_read_only_note_is_refused_and_keeps_the_edited_text(seed_library, tmp_path):
    script = tmp_path / "append.py"
    script.write_text(
        f"import sys\nopen(sys.argv[-1], 'a', encoding='utf-8').write('\\n{ADDED}\\n')\n",
        encoding="utf-8",
    )
    note = seed_library / "2021" / "deberta.md"
    note.chmod(0o444)
    before = folder_bytes(seed_library)
    result = papernotes(
        seed_library, "edit", "deberta", env={**os.environ, "EDITOR": f"{sys.executable} {script}"}
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "read-only" in lines[0], lines
    kept = Path(lines[0].rsplit("kept in ", 1)[1].removesuffix("."))
    assert ADDED in kept.read_text(encoding="utf-8")
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize(
    "replace",
    ["os.mkfifo(p)", "os.symlink(secret, p)"],
    ids=["fifo", "symlink"],
)
def test_an_editor_that_replaces_the_copy_with_a_fifo_or_a_symlink_changes_nothing(
    seed_library, tmp_path, replace
):
    secret = tmp_path / "secret"
    secret.write_text("---\ntitle: Secret\nyear: 2021\n---\n1. private\n", encoding="utf-8")
    script = tmp_path / "replace.py"
    script.write_text(
        f"import os, sys\nsecret = {str(secret)!r}\np = sys.argv[-1]\nos.unlink(p)\n{replace}\n",
        encoding="utf-8",
    )
    before = folder_bytes(seed_library)
    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(seed_library), "edit", "nezha"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,  # the old code waited on the FIFO forever
        env={**os.environ, "EDITOR": f"{sys.executable} {script}"},
        check=False,
    )
    (line,) = result.stderr.splitlines()
    assert result.returncode == 1 and line.startswith("Error: The edited copy ")
    assert line.endswith(" cannot be read (not a regular file); 2021/nezha.md was not changed.")
    assert folder_bytes(seed_library) == before


def test_an_edit_that_takes_another_papers_key_or_leaves_its_year_folder_is_warned_about(
    seed_library, tmp_path
):
    script = tmp_path / "rekey.py"
    script.write_text(
        "import re, sys\np = sys.argv[-1]\ntext = open(p, encoding='utf-8').read()\n"
        "text = re.sub(r'(?m)^key: .*$', 'key: lan2020albert', text)\n"
        "text = re.sub(r'(?m)^year: .*$', 'year: 2019', text)\n"
        "open(p, 'w', encoding='utf-8').write(text)\n",
        encoding="utf-8",
    )
    result = papernotes(
        seed_library, "edit", "nezha", env={**os.environ, "EDITOR": f"{sys.executable} {script}"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: 2021/nezha.md: year 2019 is not its folder's (2021); the note stays where it "
        "is (the edit is written as it is)",
        "warning: 2021/nezha.md: key 'lan2020albert' is also used by 2020/albert.md (the edit "
        "is written as it is)",
    ]
    assert "key: lan2020albert" in (seed_library / "2021" / "nezha.md").read_text("utf-8")
