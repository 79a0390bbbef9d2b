"""The notes folder on disk: atomic writes, safe names, conflicts."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from papernotes.errors import ConflictError, InvalidInputError
from papernotes.library import Library
from papernotes.model import Paper
from papernotes.storage.slugs import slugify
from papernotes.storage.store import NoteStore


def test_an_interrupted_write_leaves_the_old_note_intact(empty_library, monkeypatch):
    library = Library(empty_library)
    note = library.add(Paper(title="Original", year=2020, notes=("keep me",)))
    before = (empty_library / note.path).read_bytes()

    def crash(*_args):
        raise OSError("simulated crash between the temporary file and the rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        library.save(note, replace(note.paper, notes=("lost?",)))
    assert (empty_library / note.path).read_bytes() == before
    assert sorted(p.name for p in (empty_library / "2020").iterdir()) == ["original.md"]


def test_a_traversal_title_stays_inside_the_library(empty_library):
    note = Library(empty_library).add(Paper(title="../../etc/passwd", year=2020))
    path = (empty_library / note.path).resolve()
    assert empty_library.resolve() in path.parents
    assert note.path == "2020/etc-passwd.md"


@pytest.mark.parametrize("rel", ["../x.md", "/etc/passwd", "2020/../../x.md", "2020//x.md", ""])
def test_paths_outside_the_library_are_refused(empty_library, rel):
    with pytest.raises(InvalidInputError):
        NoteStore(empty_library).path_of(rel)


def test_slugs_are_short_readable_and_safe():
    assert slugify("DEBERTA: DECODING-ENHANCED BERT WITH DISENTANGLED ATTENTION") == "deberta"
    assert slugify("Attention Is All You Need") == "attention-is-all-you-need"
    assert slugify("基于神经网络的中文分词模型研究") == "基于神经网络的中文分词模型研究"
    assert slugify("...") == "paper"
    assert slugify(".hidden") == "hidden"
    assert len(slugify("word " * 50)) <= 48


def test_slugs_are_unique_within_a_year(empty_library):
    library = Library(empty_library)
    first = library.add(Paper(title="BERT: one", year=2020))
    second = library.add(Paper(title="BERT: two", year=2020))
    other_year = library.add(Paper(title="BERT: three", year=2021))
    assert (first.path, second.path, other_year.path) == (
        "2020/bert.md",
        "2020/bert-2.md",
        "2021/bert.md",
    )


def test_a_note_changed_on_disk_is_not_overwritten(empty_library):
    library = Library(empty_library)
    note = library.add(Paper(title="Shared", year=2020))
    path = empty_library / note.path
    path.write_text(path.read_text(encoding="utf-8") + "\nedited by hand\n", encoding="utf-8")
    hand_edited = path.read_bytes()
    with pytest.raises(ConflictError, match="changed on disk"):
        library.save(note, replace(note.paper, venue="ICLR"))
    assert path.read_bytes() == hand_edited


def test_changing_the_year_moves_the_note(empty_library):
    library = Library(empty_library)
    note = library.add(Paper(title="Mover", year=2020))
    moved = library.save(note, replace(note.paper, year=2021))
    assert moved.path == "2021/mover.md"
    assert not (empty_library / "2020" / "mover.md").exists()
    assert Library(empty_library).find("mover").paper.year == 2021


def test_a_malformed_note_does_not_hide_the_rest(empty_library):
    library = Library(empty_library)
    library.add(Paper(title="Good", year=2020))
    (empty_library / "2020" / "bad.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    fresh = Library(empty_library)
    assert [n.paper.title for n in fresh.notes()] == ["Good"]
    assert [str(p).split(":")[0] for p in fresh.problems()] == ["2020/bad.md"]


def test_a_symlink_leading_outside_the_library_is_skipped_and_reported(empty_library, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Outside\nyear: 2020\n---\n", encoding="utf-8")
    (empty_library / "2020").mkdir()
    (empty_library / "2020" / "link.md").symlink_to(outside)
    library = Library(empty_library)
    assert library.notes() == []
    assert "outside the library" in str(library.problems()[0])


def test_replaced_files_keep_their_permissions_and_new_ones_follow_the_umask(
    empty_library, tmp_path
):
    from papernotes.storage.atomic import atomic_write

    shared = tmp_path / "refs.bib"
    shared.write_text("old\n", encoding="utf-8")
    shared.chmod(0o644)
    atomic_write(shared, b"new\n")
    assert shared.stat().st_mode & 0o777 == 0o644
    old_mask = os.umask(0o027)
    try:
        note = Library(empty_library).add(Paper(title="Permissions", year=2020))
    finally:
        os.umask(old_mask)
    assert (empty_library / note.path).stat().st_mode & 0o777 == 0o640
