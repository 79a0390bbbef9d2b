"""Notes deleted or moved by another program while papernotes reads the folder: a read
command lists the folder again rather than warning "cannot read" about a file that is gone,
or leaving out a paper that was only renamed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from papernotes.library import Library
from papernotes.model import Paper
from papernotes.storage.store import NoteStore


@pytest.fixture
def three(empty_library):
    library = Library(empty_library)
    for title in ("Alpha paper", "Beta paper", "Gamma paper"):
        library.add(Paper(title=title, year=2020))
    return empty_library


def _meanwhile(monkeypatch, change) -> None:
    """Run ``change()`` once, right before the first note is read from its file."""
    real_read = NoteStore.read
    done = []

    def read(self, rel):
        if not done:
            done.append(rel)
            change()
        return real_read(self, rel)

    monkeypatch.setattr(NoteStore, "read", read)


def _gamma_goes_while_alpha_is_read(three, monkeypatch, change: str):
    """Delete or move (``change``) the note "Gamma paper" as "Alpha paper" is read from its
    file; the gamma note's old path."""
    gamma = three / "2020" / "gamma-paper.md"
    moved = three / "2020" / "gamma-moved.md"
    real_read = NoteStore.read

    def read(self, rel):
        if rel.endswith("alpha-paper.md") and gamma.exists():
            os.remove(gamma) if change == "delete" else os.rename(gamma, moved)
        return real_read(self, rel)

    monkeypatch.setattr(NoteStore, "read", read)
    return gamma


def _no_cache(monkeypatch) -> None:
    monkeypatch.setenv("PAPERNOTES_NO_CACHE", "1")  # every note read from its file


def test_a_note_deleted_while_the_folder_is_read_is_left_out_without_a_problem(three, monkeypatch):
    _no_cache(monkeypatch)
    _meanwhile(monkeypatch, lambda: os.remove(three / "2020" / "gamma-paper.md"))
    library = Library(three)
    titles = sorted(n.paper.title for n in library.notes())
    assert titles == ["Alpha paper", "Beta paper"]
    assert library.problems() == []


def test_a_note_moved_while_the_folder_is_read_is_found_under_its_new_name(three, monkeypatch):
    _no_cache(monkeypatch)
    old, new = three / "2020" / "gamma-paper.md", three / "2020" / "gamma-renamed.md"
    _meanwhile(monkeypatch, lambda: os.rename(old, new))
    library = Library(three)
    paths = sorted(n.path for n in library.notes())
    assert paths == ["2020/alpha-paper.md", "2020/beta-paper.md", "2020/gamma-renamed.md"]
    assert library.problems() == []


def test_a_symlink_leading_nowhere_is_still_a_note_that_cannot_be_read(three):
    (three / "2020" / "dangling.md").symlink_to(three / "nowhere.md")
    library = Library(three)
    assert len(library.notes()) == 3
    [problem] = library.problems()
    assert problem.path == "2020/dangling.md"
    assert problem.message.startswith("cannot read")


def test_notes_vanishing_at_every_listing_are_gone_after_a_few_listings(three, monkeypatch):
    """A folder that changes under every listing does not keep the load going round."""
    _no_cache(monkeypatch)
    listings = []
    real_scan = NoteStore.scan
    real_read = NoteStore.read

    def scan(self):
        listings.append(1)
        return real_scan(self)

    def read(self, rel):
        if rel.endswith("alpha-paper.md"):  # the first read of each listing
            for path in sorted((three / "2020").iterdir()):
                if path.name != "alpha-paper.md":
                    os.rename(path, path.with_name(f"x{path.name}"))  # a new name each time
                    break
        return real_read(self, rel)

    monkeypatch.setattr(NoteStore, "scan", scan)
    monkeypatch.setattr(NoteStore, "read", read)
    library = Library(three)
    library.notes()
    assert len(listings) <= 3
    assert library.problems() == []


def test_show_while_another_program_deletes_a_note_prints_no_warning(three, tmp_path):
    """End to end: ``show`` of one paper while the others are deleted one by one."""
    script = tmp_path / "deleting.py"
    script.write_text(
        "import os, sys\n"
        "from papernotes.storage.store import NoteStore\n"
        "root, real = sys.argv[1], NoteStore.read\n"
        "def read(self, rel):\n"
        "    gone = os.path.join(root, '2020', 'beta-paper.md')\n"
        "    if os.path.exists(gone) and rel != '2020/beta-paper.md':\n"
        "        os.remove(gone)\n"
        "    return real(self, rel)\n"
        "NoteStore.read = read\n"
        "from papernotes.cli.main import main\n"
        "sys.argv = ['papernotes', '--notes', root, 'show', 'Alpha paper']\n"
        "main()\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script), str(three)],
        capture_output=True,
        text=True,
        env={**os.environ, "PAPERNOTES_NO_CACHE": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "Alpha paper" in result.stdout
    assert result.stderr == ""
    assert not (three / "2020" / "beta-paper.md").exists()  # deleted during the read


@pytest.mark.parametrize("options", [(), ("--year", "2020"), ("--keys",)])
@pytest.mark.parametrize("change", ["delete", "move"])
def test_list_while_a_note_vanishes_shows_the_folder_as_it_is_now(
    three, monkeypatch, change, options
):
    """The kept rows and the kept text per folder read the notes that changed one by one:
    a note gone by then sends ``list`` to a load that lists the folder again."""
    from tests.helpers import run

    gamma = _gamma_goes_while_alpha_is_read(three, monkeypatch, change)
    result = run(three, "list", *options)  # the notes are new: every one is read
    assert result.exit_code == 0, result.output
    assert "cannot read" not in result.output
    assert not gamma.exists()
    listed = result.output
    assert ("gamma" in listed.lower()) == (change == "move"), listed
    assert "alpha" in listed.lower() and "beta" in listed.lower()
    monkeypatch.undo()  # the real read again
    assert run(three, "list", *options).output == listed  # as a run that saw no change


@pytest.mark.parametrize("query", ["paper", "gamma"])
@pytest.mark.parametrize("change", ["delete", "move"])
def test_search_while_a_note_vanishes_shows_the_folder_as_it_is_now(
    three, monkeypatch, change, query
):
    """The kept search forms read the notes that changed one by one: a note gone by then
    sends ``search`` to a load that lists the folder again."""
    from tests.helpers import run

    gamma = _gamma_goes_while_alpha_is_read(three, monkeypatch, change)
    result = run(three, "search", query)
    assert "cannot read" not in result.output
    assert not gamma.exists()
    found = result.output
    assert ("Gamma paper" in found) == (change == "move"), found
    assert result.exit_code == (0 if change == "move" or query == "paper" else 1)
    monkeypatch.undo()  # the real read again
    assert run(three, "search", query).output == found  # as a run that saw no change
