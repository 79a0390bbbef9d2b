"""Two writers on one library: nothing lost, no shared key or file, conflicts refused clearly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace

import pytest

from papernotes.errors import ConflictError, DuplicateError
from papernotes.library import Library
from papernotes.model import Paper
from tests.fake_arxiv import FakePaper

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    from papernotes.errors import DuplicateError
    from papernotes.library import Library
    from papernotes.model import Paper

    root, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    while not go.exists():  # both writers start together
        time.sleep(0.005)
    library = Library(root)
    library.notes()  # read the folder first, as a long-running TUI would have
    for i in range(25):
        for title in (
            f"BERT: shared paper {i}",          # both add it: one wins, one is told it exists
            f"BERT: written by {name} {i}",     # same slug base and same key base as the rest
        ):
            paper = Paper(title=title, year=2021, authors=("Jacob Devlin",), notes=(f"by {name}",))
            try:
                library.add(paper)
            except DuplicateError:
                print("duplicate", title, flush=True)
    """
)


@pytest.mark.slow
def test_two_processes_adding_at_once_lose_nothing_and_share_no_key_or_file(tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(root), name, str(go)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("alice", "bob")
    ]
    go.touch()
    outputs = [w.communicate(timeout=120)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs

    notes = Library(root).notes()
    titles = sorted(n.paper.title for n in notes)
    expected = sorted(
        [f"BERT: shared paper {i}" for i in range(25)]
        + [f"BERT: written by {name} {i}" for name in ("alice", "bob") for i in range(25)]
    )
    assert titles == expected  # every paper once: nothing lost, nothing doubled
    keys = [n.paper.key for n in notes]
    assert all(keys) and len({k.casefold() for k in keys}) == len(keys)
    assert len({n.path for n in notes}) == len(notes)
    assert sum(o.count("duplicate") for o in outputs) == 25  # each shared paper refused once
    assert Library(root).check() == []


@pytest.mark.slow
def test_command_line_adds_running_at_once_get_distinct_files_and_keys(tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "papernotes",
                "--notes",
                str(root),
                "add",
                "--year",
                "2021",
                "--title",
                f"Attention: variant {i}",
                "--note",
                "n",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(6)
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 6, errors
    notes = Library(root).notes()
    assert len(notes) == 6
    assert len({n.path for n in notes}) == 6 and len({n.paper.key for n in notes}) == 6


def _two_views(root):
    """The same note as read by two programs (say the TUI and the CLI)."""
    first, second = Library(root), Library(root)
    return first, first.find("2006.03654"), second, second.find("2006.03654")


def test_the_second_writer_of_a_note_gets_a_conflict_not_a_silent_overwrite(seed_library):
    tui, tui_note, cli, cli_note = _two_views(seed_library)
    cli.save(cli_note, replace(cli_note.paper, notes=("from the CLI",)))
    with pytest.raises(ConflictError, match="changed on disk since it was read"):
        tui.save(tui_note, replace(tui_note.paper, notes=("from the TUI",)))
    assert Library(seed_library).find("2006.03654").paper.notes == ("from the CLI",)


def test_removing_or_moving_a_note_another_writer_changed_is_refused(seed_library):
    tui, tui_note, cli, cli_note = _two_views(seed_library)
    moved = cli.save(cli_note, replace(cli_note.paper, year=2022))
    with pytest.raises(ConflictError, match="moved or deleted"):
        tui.save(tui_note, replace(tui_note.paper, notes=("lost?",)))
    with pytest.raises(ConflictError):
        tui.remove(tui_note)
    assert Library(seed_library).find("2006.03654").path == moved.path


def test_a_note_edited_in_the_editor_meanwhile_is_not_overwritten(seed_library, tmp_path):
    tui, tui_note, _, _ = _two_views(seed_library)
    editor = tmp_path / "edit.py"
    editor.write_text(
        "import sys\np = sys.argv[-1]\nt = open(p, encoding='utf-8').read()\n"
        "open(p, 'w', encoding='utf-8').write(t + '\\nAdded in the editor.\\n')\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "papernotes",
            "--notes",
            str(seed_library),
            "edit",
            "2006.03654",
        ],
        env={**os.environ, "EDITOR": f"{sys.executable} {editor}"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with pytest.raises(ConflictError):
        tui.save(tui_note, replace(tui_note.paper, status="read"))
    assert "Added in the editor." in Library(seed_library).find("2006.03654").paper.body


RACER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    import click

    from papernotes.arxiv import client as arxiv_client
    from papernotes.cli.main import cli

    arxiv_client.DEFAULT_POLITENESS = arxiv_client.Politeness(interval=0.0, backoff=0.0)
    folder, me, other, rounds = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    for i in range(rounds):
        (folder / f"{me}-{i}").touch()
        while not (folder / f"{other}-{i}").exists():  # both start each round together
            time.sleep(0.001)
        try:  # one papernotes command, as if typed: it reads the library, then writes
            cli.main([a.format(i=i) for a in sys.argv[5:]], "papernotes", standalone_mode=False)
        except click.ClickException as exc:
            print(i, "refused", exc.message, flush=True)
    """
)


def race(tmp_path, rounds: int, first: list[str], second: list[str]) -> list[list[str]]:
    """Two processes each run their command ``rounds`` times (``{i}`` is the round), both
    starting each round together; every line they printed, per process."""
    script, folder = tmp_path / "racer.py", tmp_path / "rounds"
    script.write_text(RACER, encoding="utf-8")
    folder.mkdir()
    racers = [
        subprocess.Popen(
            [sys.executable, str(script), str(folder), me, other, str(rounds), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me, other, command in (("a", "b", first), ("b", "a", second))
    ]
    outputs = [r.communicate(timeout=120) for r in racers]
    assert [r.returncode for r in racers] == [0, 0], outputs
    return [out.splitlines() for out, _ in outputs]


def test_two_key_commands_at_once_never_give_two_papers_one_key(seed_library, tmp_path):
    rounds = 10
    notes = ["--notes", str(seed_library)]
    said = race(
        tmp_path, rounds, [*notes, "key", "albert", "k{i}"], [*notes, "key", "tinybert", "k{i}"]
    )
    lines = said[0] + said[1]
    for i in range(rounds):
        given = [line for line in lines if line.endswith(f" -> k{i}")]
        refused = [line for line in lines if line.startswith(f"{i} refused")]
        assert len(given) == 1 and len(refused) == 1, (i, said)
        assert f"The key 'k{i}' is already used by 2020/" in refused[0]
    keys = [n.paper.key.casefold() for n in Library(seed_library).notes()]
    assert len(set(keys)) == len(keys) and Library(seed_library).check() == []


def test_two_link_arxiv_commands_at_once_never_give_two_notes_one_id(
    seed_library, tmp_path, fake_arxiv
):
    rounds = 5
    for i in range(rounds):
        fake_arxiv.add(FakePaper(f"2101.0010{i}", f"Raced paper {i}", ("A. Author",), "2021-01-05"))
    notes = ["--notes", str(seed_library)]
    said = race(
        tmp_path,
        rounds,
        [*notes, "link", "albert", "--arxiv", "2101.0010{i}", "--yes"],
        [*notes, "link", "tinybert", "--arxiv", "2101.0010{i}", "--yes"],
    )
    lines = said[0] + said[1]
    for i in range(rounds):
        linked = [line for line in lines if line.startswith("linked ") and f"2101.0010{i}" in line]
        held = f"arXiv 2101.0010{i} is already the id of 2020/"
        refused = [line for line in lines if held in line]
        assert len(linked) == 1 and len(refused) == 1, (i, said)
    ids = [n.paper.arxiv for n in Library(seed_library).notes()]
    assert len(set(ids)) == len(ids) and Library(seed_library).check() == []


def test_add_with_update_checks_under_the_lock_that_the_paper_is_one_note(seed_library):
    """What ``add --arxiv --update`` checks before its request is checked again when it
    writes: another program may have given the id to a note meanwhile."""
    library = Library(seed_library)
    v3 = library.find("debertav3").paper
    before = {n.path: n.paper for n in Library(seed_library).notes()}
    # DeBERTaV3's title with ALBERT's id, as if ALBERT was linked after the first check
    paper = Paper(title=v3.title, year=v3.year, arxiv="1909.11942")
    with pytest.raises(DuplicateError, match="2020/albert.md"):
        library.add(paper, update=True)
    assert {n.path: n.paper for n in Library(seed_library).notes()} == before
