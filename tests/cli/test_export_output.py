"""``export -o FILE`` writes what the user named without ever replacing what it is: a
symlink's target is written (atomically), ``-`` and the process's stdout are stdout, a
device or FIFO is written into, and a folder or missing parent is an error.

Special files are reached through symlinks made in the test's folder, so that even old code
that replaced its target would only ever replace that symlink, never the system's.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.helpers import run


def exported(root: Path) -> str:
    result = run(root, "export", "--md")
    assert result.exit_code == 0
    return result.stdout


def test_export_o_through_a_symlink_replaces_its_target_and_keeps_the_link(seed_library, tmp_path):
    target = tmp_path / "real" / "doc.md"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o640)
    link = tmp_path / "doc-link.md"
    link.symlink_to(target)
    result = run(seed_library, "export", "--md", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == exported(seed_library)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # replaced with the same mode


def test_export_o_through_a_dangling_symlink_creates_its_target(seed_library, tmp_path):
    link = tmp_path / "refs.bib"
    link.symlink_to(tmp_path / "elsewhere.bib")
    assert run(seed_library, "export", "--bib", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and (tmp_path / "elsewhere.bib").read_text().startswith("@")


def test_export_o_dash_is_standard_output(seed_library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(seed_library, "export", "--md", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout == exported(seed_library)
    assert not (tmp_path / "-").exists()


def test_export_o_to_this_process_stdout_writes_to_it_instead_of_replacing_it(
    seed_library, tmp_path
):
    stdout_link = tmp_path / "stdout"  # what /dev/stdout is: a link to /proc/self/fd/1
    stdout_link.symlink_to("/proc/self/fd/1")
    done = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(seed_library)]
        + ["export", "--md", "-o", str(stdout_link)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == exported(seed_library)
    assert stdout_link.is_symlink() and os.readlink(stdout_link) == "/proc/self/fd/1"


def test_export_o_into_a_missing_folder_is_an_error_and_creates_nothing(seed_library, tmp_path):
    result = run(seed_library, "export", "--md", "-o", str(tmp_path / "no" / "such" / "doc.md"))
    assert result.exit_code == 1
    assert f"the folder {tmp_path / 'no' / 'such'} does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


def test_export_o_onto_a_folder_is_refused(seed_library, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(seed_library, "export", "--md", "-o", str(folder))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_export_o_onto_a_device_writes_into_it_without_replacing_it(seed_library, tmp_path):
    null_link = tmp_path / "null"
    null_link.symlink_to("/dev/null")
    result = run(seed_library, "export", "--md", "-o", str(null_link))
    assert result.exit_code == 0, result.stderr
    assert null_link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_export_o_onto_a_fifo_writes_into_it_without_replacing_it(seed_library, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    result = run(seed_library, "export", "--md", "-o", str(fifo))
    received, _ = reader.communicate(timeout=60)
    assert result.exit_code == 0, result.stderr
    assert received == exported(seed_library)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_o_onto_a_read_only_file_is_refused(seed_library, tmp_path):
    target = tmp_path / "frozen.md"
    target.write_text("keep me\n", encoding="utf-8")
    os.chmod(target, 0o444)
    result = run(seed_library, "export", "--md", "-o", str(target))
    assert result.exit_code == 1 and "is read-only" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_export_o_onto_any_path_inside_the_library_is_refused_and_writes_nothing(
    seed_library, tmp_path
):
    from tests.helpers import folder_bytes

    (tmp_path / "year-link").symlink_to(seed_library / "2021")
    before = folder_bytes(seed_library)
    lock = (seed_library / ".papernotes.lock").exists()
    for name in (
        seed_library / "2021" / "nezha.md",
        seed_library / "document.yaml",
        seed_library / ".papernotes.lock",
        seed_library / "2021" / "new.md",
        tmp_path / "year-link" / "nezha.md",  # inside once symlinks are resolved
        seed_library,
    ):
        for fmt in ("--md", "--bib"):
            result = run(seed_library, "export", fmt, "-o", str(name))
            assert result.exit_code == 1
            assert result.stderr.startswith(f"Error: {name} is ")
            assert result.stderr.endswith(
                f" {seed_library}; an export is written outside it (nothing was written).\n"
            )
    assert folder_bytes(seed_library) == before
    assert (seed_library / ".papernotes.lock").exists() == lock
    assert not (seed_library / "2021" / "new.md").exists()


def test_export_o_onto_a_full_device_names_it(seed_library, tmp_path):
    if not os.path.exists("/dev/full"):
        import pytest

        pytest.skip("no /dev/full here")
    full = tmp_path / "full"
    full.symlink_to("/dev/full")
    result = run(seed_library, "export", "--md", "-o", str(full))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: Cannot access {full}: No space left on device.\n",
    )


def test_export_o_with_a_trailing_slash_never_writes_the_file_of_that_name(seed_library, tmp_path):
    real = tmp_path / "real.bib"
    real.write_text("mine\n", encoding="utf-8")
    result = run(seed_library, "export", "--bib", "-o", f"{real}/")
    assert result.exit_code == 1 and result.stderr == (
        f"Error: Cannot write {real}/: a name ending in '/' is a folder, and there is no such "
        "folder (nothing was written).\n"
    )
    assert real.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "real.bib" / "").is_dir()


def test_export_with_standard_output_closed_is_one_clear_error(seed_library):
    for args in (["-o", "-"], []):
        result = subprocess.run(
            [sys.executable, "-m", "papernotes", "--notes", str(seed_library), "export", "--md"]
            + args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            close_fds=True,
            pass_fds=(),
            preexec_fn=lambda: os.close(1),
            check=False,
            timeout=60,
        )
        assert (result.returncode, result.stderr) == (
            1,
            "Error: Standard output is closed; nothing was written (use -o FILE).\n",
        )
