"""Crash safety: papernotes processes killed with SIGKILL at random moments lose nothing.

A driver adds and rewrites notes (big bodies, year changes) in a loop through the library
API; ``papernotes add`` and ``papernotes edit`` run through the command line. Each is
killed at a random moment, many times. Afterwards every note parses and holds its old or
its new content, no temporary file is taken for a note, and ``papernotes check`` passes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from papernotes.library import Library
from papernotes.model import Paper
from papernotes.storage import note_writes as store_module
from papernotes.storage.atomic import TEMP_PREFIX

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

BUDGET_SECONDS = 6.0  # the kill loop stops after this long (or MAX_ROUNDS), whichever first
MAX_ROUNDS = 80
STARTUP_REFERENCE_SECONDS = 0.15  # a library API start on an idle 2-core machine

DRIVER = textwrap.dedent(
    """
    import json, os, random, sys
    from dataclasses import replace
    from pathlib import Path

    from papernotes.errors import ConflictError
    from papernotes.library import Library
    from papernotes.model import Paper

    root, log, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)

    def record(event):
        # logged (and synced) before the write starts: the test then knows what may be on disk
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(event) + "\\n")
            handle.flush()
            os.fsync(handle.fileno())

    def content(gen):
        # notes and body carry the same generation: a torn file could not agree with itself
        size = rng.choice([10, 5_000, 300_000])
        return (f"gen {gen}",), f"gen {gen}\\n" + "内容 " * size

    while True:
        library = Library(root)
        notes = library.notes()
        if len(notes) < 3 or rng.random() < 0.25:
            title = f"Crash test paper {seed} {rng.randrange(10**9)}"
            record({"op": "add", "title": title})
            notes_, body = content(0)
            library.add(Paper(title=title, year=rng.choice([2020, 2021]), notes=notes_, body=body))
        else:
            note = rng.choice(notes)
            gen = int(note.paper.notes[0].split()[1]) + 1
            record({"op": "save", "title": note.paper.title, "gen": gen})
            notes_, body = content(gen)
            year = rng.choice([2020, 2021, note.paper.year])
            try:
                library.save(note, replace(note.paper, year=year, notes=notes_, body=body))
            except ConflictError:
                pass  # a killed `papernotes edit`'s editor finished meanwhile: refused, as promised
    """
)

EDITOR = textwrap.dedent(
    """
    # A scripted $EDITOR: bumps the generation in place, atomically, the way good editors save.
    import os, re, sys
    path = sys.argv[-1]
    text = open(path, encoding="utf-8").read()
    gen = int(re.search(r"^1\\. gen (\\d+)$", text, re.M).group(1)) + 1
    text = re.sub(r"gen \\d+", f"gen {gen}", text)
    with open(path + ".edit", "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(path + ".edit", path)
    """
)


def _papernotes(root: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "papernotes", "--notes", str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **kwargs,
    )


def _startup_seconds() -> float:
    """How long a Python process importing the library API takes to start right now."""
    began = time.monotonic()
    subprocess.run([sys.executable, "-c", "import papernotes.library.api"], check=True)
    return time.monotonic() - began


def _keep_killing(rounds: int, elapsed: float, root: Path) -> bool:
    """Within the budget; past it only while no note was written yet (a loaded machine)."""
    if rounds >= MAX_ROUNDS and any(root.glob("*/*.md")):
        return False
    if elapsed < BUDGET_SECONDS:
        return True
    return elapsed < 6 * BUDGET_SECONDS and not any(root.glob("*/*.md"))


def _kill_after(process: subprocess.Popen, delay: float) -> None:
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()


@pytest.mark.slow
def test_processes_killed_at_random_moments_leave_every_note_old_or_new(tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    log = tmp_path / "writes.jsonl"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    editor = tmp_path / "my editor" / "edit.py"  # a space in the path, on purpose
    editor.parent.mkdir()
    editor.write_text(EDITOR, encoding="utf-8")
    env = {**os.environ, "EDITOR": f"'{sys.executable}' '{editor}'"}
    rng = random.Random(20240501)

    # Kill delays are scaled by how long a papernotes process takes to start on this machine
    # now, so a loaded machine still kills them mid-write rather than before their first one.
    scale = max(1.0, _startup_seconds() / STARTUP_REFERENCE_SECONDS)
    started = time.monotonic()
    rounds = 0
    while _keep_killing(rounds, time.monotonic() - started, root):
        rounds += 1
        kind = rng.choice(["driver", "driver", "driver", "add", "edit"])
        if kind == "driver":
            process = subprocess.Popen(
                [sys.executable, str(driver), str(root), str(log), str(rounds)],
                stdout=subprocess.DEVNULL,
            )
            _kill_after(process, scale * rng.uniform(0.2, 0.9))
        elif kind == "add":
            title = f"CLI paper {rounds}"
            args = ["add", "--year", "2021", "--title", title, "--note", "gen 0"]
            _kill_after(_papernotes(root, *args), scale * rng.uniform(0.05, 0.6))
        else:
            notes = Library(root).notes()
            if notes:
                target = rng.choice(notes)
                process = _papernotes(root, "edit", target.path, env=env)
                _kill_after(process, scale * rng.uniform(0.05, 0.6))
    time.sleep(0.3)  # an editor orphaned by a kill finishes its (atomic) save

    # Every note parses, and no temporary file is taken for a note.
    library = Library(root)
    assert library.problems() == []
    notes = library.notes()
    assert notes, "the loop never got to write anything"
    assert not any(n.path.rsplit("/", 1)[-1].startswith(TEMP_PREFIX) for n in notes)

    # Each note is whole (its notes and body agree) and holds its old or its new content.
    started_gen: dict[str, int] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event["op"] == "save":
            started_gen[event["title"]] = max(started_gen.get(event["title"], 0), event["gen"])
    titles = [n.paper.title for n in notes]
    assert len(titles) == len(set(titles)), "a paper was left in two files"
    for note in notes:
        (first_note,) = note.paper.notes
        assert first_note.startswith("gen ")
        if note.paper.title.startswith("Crash test paper"):
            assert note.paper.body.split("\n", 1)[0] == first_note, f"{note.path} is torn"
            gen = int(first_note.split()[1])
            # the driver's own last write either landed or did not; edits only add to it
            assert gen >= started_gen.get(note.paper.title, 0) - 1, f"{note.path} went back"
        if note.paper.body:  # CLI-added papers too, once the driver has rewritten them
            assert note.paper.body.split("\n", 1)[0] == first_note, f"{note.path} is torn"

    # The command line agrees: check passes (and clears any temporary files left behind).
    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(root), "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    leftovers = [p for p in root.rglob(f"{TEMP_PREFIX}*")]
    assert leftovers == []


def test_a_leftover_temporary_file_is_never_a_note_and_check_clears_it(seed_library):
    note = Library(seed_library).notes()[0]
    year = seed_library / note.path.split("/")[0]
    stray = year / f"{TEMP_PREFIX}abc123.tmp"
    stray.write_text((seed_library / note.path).read_text(encoding="utf-8")[:50], encoding="utf-8")
    stray_md = year / f"{TEMP_PREFIX}looks-like-a-note.md"  # even named .md, a dot-file is no note
    stray_md.write_text("---\ntitle: x\nyear: 2021\n---\n", encoding="utf-8")
    root_stray = seed_library / f"{TEMP_PREFIX}layout.tmp"
    root_stray.write_text("sections: [", encoding="utf-8")

    library = Library(seed_library)
    assert len(library.notes()) == 8 and library.problems() == []

    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(seed_library), "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert f"removed {year.name}/{stray.name}" in result.stderr
    assert f"removed {root_stray.name}" in result.stderr
    assert not stray.exists() and not root_stray.exists()
    assert stray_md.exists()  # not ours (no .tmp suffix): left alone, and still not a note


def test_a_crash_while_a_note_changes_year_never_leaves_two_copies(empty_library, monkeypatch):
    library = Library(empty_library)
    note = library.add(Paper(title="Moving paper", year=2020, notes=("old",)))

    class CrashingMove:
        """``os`` for the store module only, dying on the rename that moves the note."""

        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def replace(*_args):
            raise KeyboardInterrupt  # stands in for a kill between the write and the move

    monkeypatch.setattr(store_module, "os", CrashingMove())
    with pytest.raises(KeyboardInterrupt):
        library.save(note, replace(note.paper, year=2021, notes=("new",)))
    monkeypatch.undo()
    notes = Library(empty_library).notes()
    assert [(n.paper.title, n.paper.notes) for n in notes] == [("Moving paper", ("new",))]


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux's /proc), [] where that cannot be read."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _wait_gone(pid: int, timeout: float) -> bool:
    """True once ``pid`` has exited (gone, or a zombie nobody reaped yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1]
        except OSError:
            return True
        if state.split()[0] in ("Z", "X"):
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="finds the writer process in /proc/PID/task/PID/children (Linux)",
)
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_an_import_killed_while_its_writer_process_works_leaves_whole_notes_only(tmp_path, stop):
    """Issue 20: a big import has a child process create its files. Killing the importer at
    any moment leaves every note whole; the child renames nothing, stops, and what is left
    besides notes is temporary files, which ``check`` clears; the import run again completes.
    Ctrl-C (SIGINT, which the child ignores) stops the import as it would without a child."""
    source = tmp_path / "in.bib"
    count = 4000  # long enough to be stopped mid-way on a fast machine (500 took 0.18 s)
    source.write_text(
        "".join(
            f"@article{{k{i},\n  title = {{Killed import paper {i}}},\n  year = {{20{10 + i % 3}}},"
            f"\n  journal = {{JMLR}},\n  abstract = {{{'words ' * 20}}}\n}}\n\n"
            for i in range(count)
        ),
        encoding="utf-8",
    )
    rng = random.Random(20)
    killed_with_child = 0
    for round_ in range(8):
        if killed_with_child >= 3:
            break
        root = tmp_path / f"notes-{round_}"
        process = _papernotes(root, "import", str(source))
        child: list[int] = []
        while process.poll() is None and not child:  # the child starts with the 64th note
            child = _children(process.pid)
        if not child:
            continue  # finished before we saw it (a fast machine): nothing to kill mid-way
        time.sleep(rng.uniform(0, 0.15))
        if process.poll() is not None:
            continue  # done already: nothing was killed
        process.send_signal(stop)
        returncode = process.wait()
        if returncode == 0:
            continue  # it ended between the poll and the signal: nothing was stopped
        # Ctrl-C handled says "Interrupted." and exits 130; one that lands as the interpreter
        # shuts down, after the import ended, ends it as SIGINT does (the shell shows 130 too)
        expected = (130, -signal.SIGINT) if stop == signal.SIGINT else (-signal.SIGKILL,)
        assert returncode in expected
        notes_at_kill = sorted(p.name for p in root.glob("*/*.md"))
        assert _wait_gone(child[0], 10), "the writer process outlived the importer"
        killed_with_child += 1
        assert sorted(p.name for p in root.glob("*/*.md")) == notes_at_kill  # none renamed
        library = Library(root)
        assert library.problems() == []
        assert all(n.paper.title.startswith("Killed import paper") for n in library.notes())
        checked = subprocess.run(
            [sys.executable, "-m", "papernotes", "--notes", str(root), "check"],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr
        assert not list(root.rglob(f"{TEMP_PREFIX}*"))
        if killed_with_child > 1:
            continue  # the import run again once is enough
        again = subprocess.run(
            [sys.executable, "-m", "papernotes", "--notes", str(root), "import", str(source)],
            capture_output=True,
            text=True,
        )
        assert again.returncode == 0, again.stderr
        assert len(Library(root).notes()) == count
    assert killed_with_child >= 2  # a round may end before its kill, not most of them
