"""A writer waiting for another papernotes's lock says so, and gives up after a timeout.

The lock is held by a real second process; it signals through a file once it holds the
lock and lets go only when the test says so, so nothing depends on timing but the waiter's
own timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import folder_bytes, lock_held


@pytest.fixture
def lock_holder(empty_library, tmp_path):
    """A second process holding the library lock until ``release`` exists."""
    with lock_held(empty_library, tmp_path) as (holder, release):
        yield holder, release


def papernotes(root: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "papernotes", "--notes", str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_a_writer_waiting_for_the_lock_names_the_holder_then_gives_up_writing_nothing(
    empty_library, lock_holder
):
    holder, _ = lock_holder
    before = folder_bytes(empty_library)
    waiter = papernotes(
        empty_library,
        *("add", "--year", "2020", "--title", "Waiting paper", "--note", "n"),
        env={"PAPERNOTES_LOCK_TIMEOUT": "2"},
    )
    out, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 1, err
    lines = err.splitlines()
    assert lines[0] == f"waiting for another papernotes (pid {holder.pid}) to finish …"
    assert lines[1].startswith(
        f"Error: Gave up after waiting 2 s for another papernotes (pid {holder.pid}) "
        "to finish writing to the library; this change was not made"
    )
    assert len(lines) == 2 and "Traceback" not in err and out == ""
    assert folder_bytes(empty_library) == before  # nothing written
    assert not list(empty_library.rglob("*.md"))


@pytest.mark.slow
def test_a_waiting_writer_goes_ahead_once_the_holder_lets_go(empty_library, lock_holder):
    holder, release = lock_holder
    waiter = papernotes(
        empty_library,
        *("--lock-timeout", "50", "add", "--year", "2020", "--title", "Patient", "--note", "n"),
    )
    first = waiter.stderr.readline()  # printed after a second of waiting
    assert first == f"waiting for another papernotes (pid {holder.pid}) to finish …\n"
    release.touch()
    out, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 0, err
    assert out.strip() == str(empty_library / "2020" / "patient.md")
    assert (empty_library / "2020" / "patient.md").is_file()


def test_a_writer_that_gets_the_lock_at_once_says_nothing_about_waiting(empty_library):
    waiter = papernotes(empty_library, "add", "--year", "2020", "--title", "Quick", "--note", "n")
    out, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 0 and err == ""
    assert out.strip() == str(empty_library / "2020" / "quick.md")
    assert "title: Quick" in (empty_library / "2020" / "quick.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "NaN"])
def test_a_bad_lock_timeout_is_a_usage_error(empty_library, value):
    waiter = papernotes(
        empty_library,
        "add",
        "--year",
        "2020",
        "--title",
        "X",
        env={"PAPERNOTES_LOCK_TIMEOUT": value},
    )
    _, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 2 and "PAPERNOTES_LOCK_TIMEOUT" in err


def test_a_symlink_as_the_holder_file_is_replaced_and_its_target_never_written(
    seed_library, tmp_path
):
    victim = tmp_path / "victim"
    victim.write_text("precious\n", encoding="utf-8")
    holder_file = seed_library / ".papernotes.holder.lock"
    holder_file.symlink_to(victim)
    writer = papernotes(seed_library, "key", "deberta", "x2021y")
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0 and err == "", err
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not holder_file.is_symlink() and holder_file.is_file()  # a regular one now
    assert holder_file.read_text(encoding="ascii").strip() == str(writer.pid)


@pytest.mark.parametrize("kind", ["fifo", "fifo-with-a-reader", "empty-folder"])
def test_a_non_regular_holder_file_never_blocks_a_writer_and_is_replaced(seed_library, kind):
    holder_file = seed_library / ".papernotes.holder.lock"
    reader = None
    if kind == "empty-folder":
        holder_file.mkdir()
    else:
        os.mkfifo(holder_file)
    if kind == "fifo-with-a-reader":
        reader = os.open(holder_file, os.O_RDONLY | os.O_NONBLOCK)
    try:
        writer = papernotes(seed_library, "--lock-timeout", "2", "key", "deberta", "x2021y")
        out, err = writer.communicate(timeout=60)  # the old code never returned (a FIFO)
    finally:
        if reader is not None:
            os.close(reader)
    assert writer.returncode == 0 and err == "", err
    assert out == "2021/deberta.md: key he2021deberta -> x2021y\n"
    assert holder_file.is_file() and not holder_file.is_symlink()
