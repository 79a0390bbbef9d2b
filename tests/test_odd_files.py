"""Odd things in and around the library folder: a FIFO named like a note, an unreadable
year folder, a read-only library, a full disk. Every command runs in a subprocess with a
timeout, so a regression that blocks fails instead of hanging the suite.

Tests run as root here, and root reads and writes through any permission bits (the
capabilities CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH). Commands that must meet a
permission check therefore run with those capabilities dropped (``setpriv``): root then
obeys the bits of the files it owns, as any user does. Where that is impossible the test
is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from papernotes.storage.caches.location import cache_path
from papernotes.storage.caches.search_answers import SearchAnswers
from papernotes.storage.caches.shards import SHARDS
from tests.helpers import folder_bytes, run_process

TIMEOUT = 60  # seconds: generous on a loaded machine; a blocked command never finishes
NO_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def papernotes(root: Path, *args: str, obey_permissions: bool = False, preexec_fn=None):
    """``papernotes --notes root ARGS`` in a child process; ``obey_permissions``: one that
    meets permission checks even when the tests run as root."""
    prefix = NO_OVERRIDE if obey_permissions and os.geteuid() == 0 else []
    return run_process(root, *args, prefix=tuple(prefix), preexec_fn=preexec_fn, timeout=TIMEOUT)


@pytest.fixture
def permissions_apply(tmp_path) -> None:
    """Skip unless a child process started by ``papernotes(..., obey_permissions=True)``
    is really refused a folder with mode 000."""
    probe = tmp_path / "probe"
    probe.mkdir(mode=0o000)
    try:
        command = [sys.executable, "-c", f"import os; os.listdir({str(probe)!r})"]
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root and setpriv is missing: permissions cannot apply")
            command = NO_OVERRIDE + command
        result = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        if result.returncode == 0:
            pytest.skip("this process reads folders of mode 000: permissions cannot be tested")
    finally:
        probe.chmod(0o755)


# -- a FIFO (or any non-regular file) named like a note ---------------------------------


@pytest.mark.slow
def test_a_fifo_named_like_a_note_blocks_no_command_and_rm_removes_it(seed_library):
    fifo = seed_library / "2021" / "fifo.md"
    os.mkfifo(fifo)
    warning = "warning: 2021/fifo.md: not a regular file; skipped"
    for args in (["list"], ["list", "--json"], ["show", "deberta"], ["search", "BERT"]):
        result = papernotes(seed_library, *args)
        assert result.returncode == 0 and result.stdout, (args, result.stderr)
        assert warning in result.stderr.splitlines()
    for args in (["export", "--md"], ["export", "--bib"]):
        result = papernotes(seed_library, *args)
        assert result.returncode == 0 and warning in result.stderr.splitlines()
    check = papernotes(seed_library, "check")
    assert check.returncode == 1
    assert check.stdout.splitlines() == ["2021/fifo.md: not a regular file; skipped"]
    removed = papernotes(seed_library, "rm", "--yes", "2021/fifo.md")
    assert removed.returncode == 0 and removed.stdout == "Removed 2021/fifo.md\n"
    assert not os.path.lexists(fifo)
    assert papernotes(seed_library, "check").returncode == 0


def test_editing_a_fifo_named_like_a_note_is_refused_without_starting_the_editor(
    seed_library, monkeypatch
):
    os.mkfifo(seed_library / "2021" / "fifo.md")
    monkeypatch.setenv("EDITOR", "cat")  # would wait forever on the FIFO if it were started
    result = papernotes(seed_library, "edit", "2021/fifo.md")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: 2021/fifo.md is not a regular file, so it is not opened; rm removes it."
    )


def test_a_fifo_named_document_yaml_blocks_nothing_and_is_reported(seed_library):
    (seed_library / "document.yaml").unlink()
    os.mkfifo(seed_library / "document.yaml")
    message = "document.yaml: cannot be read (not a regular file)"
    listed = papernotes(seed_library, "list")
    assert listed.returncode == 0 and f"warning: {message}" in listed.stderr
    exported = papernotes(seed_library, "export", "--md")
    assert (exported.returncode, exported.stderr) == (1, f"Error: {message}\n")


def test_a_fifo_named_like_a_note_does_not_block_the_tui_and_it_quits(seed_library):
    os.mkfifo(seed_library / "2021" / "fifo.md")
    script = textwrap.dedent(
        f"""
        import asyncio
        from papernotes.tui.start import build_app

        async def main():
            app = build_app({str(seed_library)!r})
            async with app.run_test(size=(120, 40)) as pilot:
                await app.workers.wait_for_complete()
                await pilot.pause()
                print(app.library.problems()[0])
                await pilot.press("q")
            print("quit")

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["2021/fifo.md: not a regular file; skipped", "quit"]


# -- unreadable folders, read-only libraries ----------------------------------------------


def test_an_unreadable_year_folder_is_reported_and_the_rest_of_the_library_loads(
    seed_library, permissions_apply
):
    everything = papernotes(seed_library, "list").stdout.splitlines()
    assert any(line.startswith("2020") for line in everything)
    (seed_library / "2020").chmod(0o000)
    try:
        listed = papernotes(seed_library, "list", obey_permissions=True)
        check = papernotes(seed_library, "check", obey_permissions=True)
    finally:
        (seed_library / "2020").chmod(0o755)
    message = "2020: cannot read this folder (Permission denied); skipped"
    assert listed.returncode == 0 and listed.stderr == f"warning: {message}\n"
    keys = [line.split()[:2] for line in listed.stdout.splitlines()]  # year and key
    assert keys == [line.split()[:2] for line in everything if line[:4] != "2020"]
    assert len(keys) < len(everything)
    assert (check.returncode, check.stdout) == (1, f"{message}\n")


def test_a_year_folder_the_user_can_no_longer_read_is_reported_though_its_stat_is_kept(
    seed_library, permissions_apply, trusting_cache, monkeypatch
):
    """The kept listing (storage/caches/folder_listing.py) holds a folder read with rights
    this run no longer has (here: root's override; for a user, a group left): its stat is
    the same, yet the scan reports it as a run without caches does."""
    from papernotes.storage.store import NoteStore

    (seed_library / "2020").chmod(0o000)
    try:
        assert "2020/tinybert.md" in NoteStore(seed_library).scan().found  # kept, as root
        listed = papernotes(seed_library, "list", obey_permissions=True)
        monkeypatch.setenv("PAPERNOTES_NO_CACHE", "1")
        uncached = papernotes(seed_library, "list", obey_permissions=True)
    finally:
        (seed_library / "2020").chmod(0o755)
    message = "2020: cannot read this folder (Permission denied); skipped"
    assert listed.stderr == f"warning: {message}\n"
    assert (listed.returncode, listed.stdout) == (uncached.returncode, uncached.stdout)


def test_a_read_only_library_passes_check_without_creating_the_lock_file(
    seed_library, permissions_apply
):
    (seed_library / "2021" / ".papernotes-left-by-a-crash.tmp").write_bytes(b"")
    folders = [seed_library, *(p for p in seed_library.rglob("*") if p.is_dir())]
    files = [p for p in seed_library.rglob("*") if p.is_file()]
    for path in files:
        path.chmod(0o444)
    for path in folders:
        path.chmod(0o555)
    try:
        result = papernotes(seed_library, "check", obey_permissions=True)
        listed = papernotes(seed_library, "list", obey_permissions=True)
    finally:
        for path in folders:
            path.chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(" notes, no problems.\n") and result.stderr == ""
    assert listed.returncode == 0 and listed.stdout and listed.stderr == ""
    assert not (seed_library / ".papernotes.lock").exists()
    assert (seed_library / "2021" / ".papernotes-left-by-a-crash.tmp").exists()  # harmless


# -- a full disk ---------------------------------------------------------------------------


def file_size_limit(limit: int):
    """For the child: files cannot grow past ``limit`` bytes. A write past it fails with
    EFBIG ("File too large") as a write to a full disk fails with ENOSPC, at the same place."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_note_that_cannot_be_written_for_lack_of_space_is_named_and_leaves_nothing(
    empty_library,
):
    (empty_library / "2021").mkdir()
    args = ["add", "--year", "2021", "--title", "Too Long", "--note", "x" * 20_000]
    result = papernotes(empty_library, *args, preexec_fn=file_size_limit(10_000))
    target = empty_library / "2021" / "too-long.md"
    (line,) = result.stderr.splitlines()  # one sentence naming the file, never a traceback
    assert result.returncode == 1 and line.startswith("Error: ")
    assert f"{target}: File too large" in line
    assert list((empty_library / "2021").iterdir()) == []  # no note, no temporary file


@pytest.mark.slow
def test_a_big_import_into_a_read_only_year_folder_names_its_first_note_and_keeps_those_before(
    empty_library, tmp_path, permissions_apply
):
    """Issue 20: a big import has a child process create its files; a folder it may not write
    in stops the import as one write at a time would: the first note that cannot be written
    is named, the notes before it are in place, none after it, and no temporary file is left."""
    from papernotes.library import Library

    (empty_library / "2011").mkdir(mode=0o555)  # entries 100 on go there: the child's turn
    source = tmp_path / "in.bib"
    source.write_text(
        "".join(
            f"@article{{k{i},\n  title = {{Folder paper {i}}},\n"
            f"  year = {{{2010 if i < 100 else 2011}}},\n  journal = {{JMLR}}\n}}\n\n"
            for i in range(200)
        ),
        encoding="utf-8",
    )
    result = papernotes(empty_library, "import", str(source), obey_permissions=True)
    (line,) = result.stderr.splitlines()  # one sentence naming the note, never a traceback
    assert result.returncode == 1 and line.startswith("Error: "), result.stderr
    assert f"{empty_library / '2011' / 'folder-paper-100.md'}: Permission denied" in line
    (empty_library / "2011").chmod(0o755)
    kept = {n.paper.title for n in Library(empty_library).notes()}
    assert kept == {f"Folder paper {i}" for i in range(100)}
    assert not list(empty_library.rglob(".papernotes-*"))


def test_an_export_that_cannot_be_written_for_lack_of_space_names_the_output_file(
    seed_library, tmp_path
):
    output = tmp_path / "out" / "reading-notes.md"
    output.parent.mkdir()
    args = ["export", "--md", "-o", str(output)]
    result = papernotes(seed_library, *args, preexec_fn=file_size_limit(4096))
    (line,) = result.stderr.splitlines()  # one sentence naming the file, never a traceback
    assert result.returncode == 1 and line.startswith("Error: ")
    assert f"{output}: File too large" in line
    assert list(output.parent.iterdir()) == []


# -- symlink loops ------------------------------------------------------------------------


def test_a_symlink_loop_named_like_a_note_or_a_year_is_skipped_and_rm_removes_the_link(
    seed_library,
):
    (seed_library / "2021" / "loop.md").symlink_to("loop.md")
    (seed_library / "2022").symlink_to("2022")
    loop = "2021/loop.md: cannot read this file (Too many levels of symbolic links); skipped"
    year = "2022: cannot read this folder (Too many levels of symbolic links); skipped"
    listed = papernotes(seed_library, "list")
    assert listed.returncode == 0 and "deberta" in listed.stdout, listed.stderr
    assert sorted(listed.stderr.splitlines()) == [f"warning: {loop}", f"warning: {year}"]
    check = papernotes(seed_library, "check")
    assert check.returncode == 1 and sorted(check.stdout.splitlines()) == [loop, year]
    removed = papernotes(seed_library, "rm", "--yes", "2021/loop.md")
    assert removed.returncode == 0 and removed.stdout == "Removed 2021/loop.md\n"
    assert not os.path.lexists(seed_library / "2021" / "loop.md")
    assert os.path.islink(seed_library / "2022")  # only the named link is removed


# -- writes whose uniqueness check cannot see the whole library ----------------------------

ALBERT = "ALBERT: A LITE BERT FOR SELF-SUPERVISED LEARNING OF LANGUAGE REPRESENTATIONS"


def unseen_refusal(what: str) -> str:
    return (
        f"Error: {what}, so whether this paper, key or title is already in the library cannot "
        "be checked and nothing was written; fix or remove it ('papernotes check' lists the "
        "problems).\n"
    )


def test_an_unreadable_year_folder_refuses_writes_that_could_duplicate_what_it_holds(
    seed_library, permissions_apply, tmp_path
):
    bib = tmp_path / "albert.bib"
    bib.write_text(f"@misc{{x, title={{{ALBERT}}}, year={{2020}}}}\n", encoding="utf-8")
    before = folder_bytes(seed_library)
    (seed_library / "2020").chmod(0o000)
    try:
        results = [
            papernotes(seed_library, *args, obey_permissions=True)
            for args in (
                ["key", "deberta", "lan2020albert"],
                ["add", "--year", "2021", "--title", ALBERT, "--note", "dup"],
                ["import", str(bib)],
            )
        ]
        listed = papernotes(seed_library, "list", obey_permissions=True)
    finally:
        (seed_library / "2020").chmod(0o755)
    for result in results:
        assert (result.returncode, result.stderr) == (1, unseen_refusal("2020 cannot be read"))
    assert listed.returncode == 0 and listed.stdout  # reading still works
    assert folder_bytes(seed_library) == before
    assert papernotes(seed_library, "check").returncode == 0  # no duplicate was made


def test_a_note_that_does_not_parse_refuses_writes_that_could_duplicate_it(seed_library):
    nezha = seed_library / "2021" / "nezha.md"
    nezha.write_text(nezha.read_text(encoding="utf-8").replace("title: ", "title: [", 1))
    before = folder_bytes(seed_library)
    keyed = papernotes(seed_library, "key", "deberta", "wei2021nezha")
    added = papernotes(seed_library, "add", "--year", "2021", "--title", "Other", "--note", "n")
    refusal = unseen_refusal("2021/nezha.md does not read as a note")
    for result in (keyed, added):
        assert (result.returncode, result.stderr.splitlines()[-1] + "\n") == (1, refusal)
    assert folder_bytes(seed_library) == before
    removed = papernotes(seed_library, "rm", "--yes", "deberta")  # removing takes no name
    assert removed.returncode == 0, removed.stderr


def test_a_folder_named_like_a_note_is_removed_by_rm_only_when_empty(seed_library):
    empty, full = seed_library / "2021" / "empty.md", seed_library / "2021" / "full.md"
    empty.mkdir()
    full.mkdir()
    (full / "keep.txt").write_text("mine\n", encoding="utf-8")
    removed = papernotes(seed_library, "rm", "--yes", "2021/empty.md")
    assert removed.returncode == 0 and removed.stdout == "Removed 2021/empty.md\n"
    assert not empty.exists()
    refused = papernotes(seed_library, "rm", "--yes", "2021/full.md")
    assert refused.returncode == 1 and refused.stderr.splitlines()[-1] == (
        "Error: 2021/full.md is a folder holding files, so it was left as it is; "
        "remove or rename it yourself."
    )
    assert (full / "keep.txt").read_text(encoding="utf-8") == "mine\n"


def test_fifos_and_devices_in_place_of_the_cache_files_block_no_command(seed_library):
    """The cache files live outside the library, but are read by every command: a FIFO (or
    a symlink to ``/dev/zero``) in place of one is not read, and never waited on."""
    root = os.path.realpath(seed_library)
    shards = [f"{i:02x}" for i in range(SHARDS)]
    years = sorted(p.name for p in seed_library.iterdir() if p.name.isdigit())
    queries = [SearchAnswers.for_query(root, "plain\0\0" + q, b"") for q in ("bert", "zhengliu")]
    answers = [  # the kept answers of the searches below (plain: printed to a pipe)
        f"{query.folder.name}/{year}" for query in queries if query.folder for year in years
    ]
    odd_places = [  # (kind, cache folder, None for the folder itself, else the files in it)
        ("fifo", ".notes", None),
        ("zero", ".search", None),
        ("fifo", ".notes", [*shards, "layout"]),
        ("zero", ".notes", [*shards, "layout"]),
        ("fifo", ".search", years),
        ("fifo", ".rows", None),
        ("zero", ".rows", years),
        ("zero", ".spelled", None),
        ("fifo", ".spelled", years),
        ("fifo", ".answers", None),
        ("zero", ".answers", answers),
        ("fifo", ".answers", answers),
    ]
    for kind, suffix, names in odd_places:
        for other in (".notes", ".search", ".rows", ".spelled", ".answers"):
            folder = cache_path(root, other)
            assert folder is not None
            folder.parent.mkdir(parents=True, exist_ok=True)
            if os.path.isdir(folder) and not os.path.islink(folder):
                shutil.rmtree(folder)
            elif os.path.lexists(folder):
                folder.unlink()
        folder = cache_path(root, suffix)
        assert folder is not None
        if names is not None:
            folder.mkdir()
        for path in [folder] if names is None else [folder / name for name in names]:
            path.parent.mkdir(exist_ok=True)
            if kind == "fifo":
                os.mkfifo(path)
            else:
                path.symlink_to("/dev/zero")
        for args in (["list"], ["show", "albert"], ["search", "bert"], ["search", "zhengliu"]):
            result = papernotes(seed_library, *args)
            assert result.returncode == 0 and result.stdout, (kind, suffix, args, result.stderr)
        searched = papernotes(seed_library, "search", "蒸餾", "--json")
        assert len(json.loads(searched.stdout)) == 3
