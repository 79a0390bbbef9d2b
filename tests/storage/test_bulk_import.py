"""An import writes its new notes in bulk: all of them, under their names, nothing left over."""

from __future__ import annotations

from dataclasses import replace

import pytest

from papernotes.library import Library
from papernotes.model import Paper
from papernotes.storage import batch as batch_module


def test_an_import_leaves_every_note_in_place_and_no_temporary_files(empty_library, monkeypatch):
    monkeypatch.setattr(batch_module, "COMMIT_EVERY", 7)  # several flushes, and a partial one
    doc = "# Paper\n\n### 2021\n\n" + "".join(f"- Same title\n  - V{i}\n\n" for i in range(2))
    doc += "".join(f"- Paper {i}: study\n  - ICLR\n\n" for i in range(20))
    report = Library(empty_library).import_markdown(doc, "doc.md")
    assert len(report.added) == 21 and len(report.skipped) == 1  # "Same title" twice
    files = sorted(p.name for p in (empty_library / "2021").iterdir())
    assert len(files) == 21 and all(name.endswith(".md") for name in files)
    library = Library(empty_library)
    assert library.problems() == [] and len(library.notes()) == 21
    assert len({n.slug for n in library.notes()}) == 21


def test_notes_written_before_a_failure_are_kept(empty_library):
    library = Library(empty_library)
    with pytest.raises(RuntimeError), library.store.batch():
        for i in range(3):
            library.store.create(Paper(title=f"Kept {i}", year=2020))
        raise RuntimeError("interrupted")
    assert sorted(p.name for p in (empty_library / "2020").iterdir()) == [
        "kept-0.md",
        "kept-1.md",
        "kept-2.md",
    ]


def test_a_note_still_pending_can_be_updated_in_the_same_batch(empty_library):
    library = Library(empty_library)
    with library.store.batch():
        note = library.store.create(Paper(title="Draft", year=2020))
        saved = library.store.update(note, replace(note.paper, venue="ACL"))
    assert "venue: ACL" in (empty_library / saved.path).read_text(encoding="utf-8")


def test_names_in_a_batch_are_chosen_as_without_one(empty_library):
    """A batch lists each folder once; notes already there, moved or deleted meanwhile count."""
    library = Library(empty_library)
    library.store.create(Paper(title="Same", year=2020))  # on disk before the batch
    with library.store.batch():
        first = library.store.create(Paper(title="Same", year=2020))
        second = library.store.create(Paper(title="Same", year=2020))
        moved = library.store.create(Paper(title="Same", year=2021))
        moved = library.store.update(moved, replace(moved.paper, year=2020))  # into 2020
        after_move = library.store.create(Paper(title="Same", year=2020))
        library.store.delete(first)
        after_delete = library.store.create(Paper(title="Same", year=2020))
        in_2021 = library.store.create(Paper(title="Same", year=2021))
    assert [first.path, second.path, moved.path, after_move.path, after_delete.path] == [
        "2020/same-2.md",
        "2020/same-3.md",
        "2020/same-4.md",
        "2020/same-5.md",
        "2020/same-2.md",
    ]
    assert in_2021.path == "2021/same.md"
    on_disk = sorted(p.name for p in (empty_library / "2020").iterdir())
    assert on_disk == ["same-2.md", "same-3.md", "same-4.md", "same-5.md", "same.md"]
