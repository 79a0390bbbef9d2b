"""Text that is not UTF-8 — an argument, piped stdin, what the editor saved — is one sentence
naming it and the byte offset, and nothing is written (real processes: real argv bytes)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from papernotes.storage.edit_copy import edits_dir
from tests.helpers import folder_bytes


def papernotes(root: Path, *args: str | bytes, **kwargs) -> subprocess.CompletedProcess:
    if "input" not in kwargs:
        kwargs.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(root), *args],
        capture_output=True,
        timeout=60,
        **kwargs,
    )


def one_sentence(result: subprocess.CompletedProcess) -> str:
    """The only line of stderr, after a failure that printed nothing on stdout."""
    assert result.returncode == 1, result.stderr
    assert result.stdout == b""
    lines = result.stderr.decode("utf-8").strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: ")
    return lines[0].removeprefix("Error: ")


ADD = ("add", "--year", "2020")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            (*ADD, "--title", b"\xfftitle", "--note", "x"),
            "--title is not valid UTF-8 at byte 0 (0xff)",
        ),
        (
            (*ADD, "--title", "BERT 中文".encode() + b"\xe9", "--note", "x"),
            "--title is not valid UTF-8 at byte 11 (0xe9)",
        ),
        (
            (*ADD, "--title", "T", "--note", b"caf\xe9"),
            "--note is not valid UTF-8 at byte 3 (0xe9)",
        ),
        (
            (*ADD, "--title", "T", "--note", "ok", "--note", b"\xc3("),
            "--note (value 2) is not valid UTF-8 at byte 0 (0xc3)",
        ),
        ((*ADD, "--title", "T", "--tag", b"ml\xfe"), "--tag is not valid UTF-8 at byte 2 (0xfe)"),
        (("key", "deberta", b"he\xff"), "NEW_KEY is not valid UTF-8 at byte 2 (0xff)"),
    ],
    ids=["title", "title-after-chinese", "note", "second-note", "tag", "key"],
)
def test_an_argument_that_is_not_utf8_is_named_with_its_byte_offset_and_nothing_written(
    seed_library, args, expected
):
    before = folder_bytes(seed_library)
    message = one_sentence(papernotes(seed_library, *args))
    assert message == f"{expected}; nothing was changed."
    assert folder_bytes(seed_library) == before


def test_piped_notes_that_are_not_utf8_are_named_with_the_byte_offset_and_nothing_written(
    seed_library,
):
    before = folder_bytes(seed_library)
    result = papernotes(seed_library, *ADD, "--title", "Latin-1 notes", input=b"ok\ncaf\xe9\n")
    assert one_sentence(result) == (
        "Standard input is not valid UTF-8 at byte 6 (0xe9); nothing was written."
    )
    assert folder_bytes(seed_library) == before


LATIN1_EDITOR = (
    "import sys\nopen(sys.argv[-1], 'ab').write('\\nLatin-1 from the editor: café\\n'"
    ".encode('latin-1'))\n"
)


def test_latin1_text_saved_from_the_editor_is_not_written_and_kept_with_its_offset(
    seed_library, tmp_path
):
    script = tmp_path / "latin1.py"
    script.write_text(LATIN1_EDITOR, encoding="utf-8")
    note = seed_library / "2021" / "deberta.md"
    before, original = folder_bytes(seed_library), note.read_bytes()
    env = {**os.environ, "EDITOR": f"{sys.executable} {script}"}
    message = one_sentence(papernotes(seed_library, "edit", "deberta", env=env))
    offset = len(original) + len(b"\nLatin-1 from the editor: caf")
    kept = next(edits_dir().glob("*/2021/deberta.md"))
    assert message == (
        f"{kept} is not valid UTF-8 at byte {offset} (0xe9), so 2021/deberta.md was not "
        "changed; your edited text is kept in that file."
    )
    assert kept.read_bytes()[offset] == 0xE9
    assert folder_bytes(seed_library) == before


def test_latin1_notes_typed_in_the_editor_for_add_are_not_written_and_kept(seed_library, tmp_path):
    script = tmp_path / "latin1.py"
    script.write_text(LATIN1_EDITOR, encoding="utf-8")
    env = {**os.environ, "EDITOR": f"{sys.executable} {script}"}
    before = folder_bytes(seed_library)
    leader, terminal = pty.openpty()  # a terminal on stdin: add asks the editor for notes
    try:
        result = papernotes(seed_library, *ADD, "--title", "Typed", env=env, stdin=terminal)
    finally:
        os.close(terminal)
        os.close(leader)
    message = one_sentence(result)
    kept = next(edits_dir().glob("*/notes.md"))
    assert message.startswith(f"{kept} is not valid UTF-8 at byte ")
    assert message.endswith("; nothing was written, and your notes are kept in that file.")
    assert "Latin-1 from the editor: caf\xe9".encode("latin-1") in kept.read_bytes()
    assert folder_bytes(seed_library) == before
