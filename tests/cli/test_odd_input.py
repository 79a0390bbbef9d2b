"""Odd input given to ``add`` and ``import``: a byte order mark, an endless stream, a
device named like a document, a library folder that does not exist yet."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from papernotes.storage.library_folder import LIBRARY, MARKER_FILE, folder_kind
from tests.helpers import run, run_process


def test_a_byte_order_mark_before_piped_notes_is_not_kept_in_the_first_note(empty_library):
    piped = "\ufeffnote one\nnote two\n".encode()
    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(empty_library)]
        + ["add", "--year", "2021", "--title", "Marked"],
        input=piped,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = (empty_library / "2021" / "marked.md").read_text(encoding="utf-8")
    assert "\ufeff" not in text and "\n1. note one\n2. note two\n" in text


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_import_of_a_device_named_like_a_document_is_refused_without_reading_it(
    empty_library, tmp_path
):
    for name in ("zero.md", "zero.bib"):
        (tmp_path / name).symlink_to("/dev/zero")
        result = run_process(empty_library, "import", str(tmp_path / name))
        assert (result.returncode, result.stderr) == (
            1,
            f"Error: {tmp_path / name} is not a regular file (a device, FIFO or socket), so "
            "it was not read; nothing was imported.\n",
        )
    assert not any(empty_library.glob("*/*.md"))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_endless_notes_on_standard_input_are_refused_not_read_until_memory_runs_out(
    empty_library,
):
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [sys.executable, "-m", "papernotes", "--notes", str(empty_library)]
            + ["add", "--year", "2021", "--title", "Endless"],
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert (result.returncode, result.stderr) == (
        1,
        "Error: Standard input is larger than 16 MB; nothing was written.\n",
    )
    assert not any(empty_library.glob("*/*.md"))


def test_add_into_a_missing_folder_makes_it_a_library(tmp_path):
    missing = tmp_path / "new" / "notes"
    added = run(missing, "add", "--year", "2020", "--title", "First", "--note", "n")
    assert added.exit_code == 0, added.stderr
    assert (missing / "2020" / "first.md").is_file()
    assert folder_kind(missing) == LIBRARY and (missing / MARKER_FILE).is_file()
