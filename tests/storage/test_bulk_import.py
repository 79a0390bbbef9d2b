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


def test_a_bib_import_writes_its_new_notes_in_bulk_with_a_few_syncs(empty_library, monkeypatch):
    """Issue 20: a .bib import flushed two syncs per note (15 s for 10,000 entries)."""
    import os

    from papernotes.library.bibtex_ops import import_bibtex

    syncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (syncs.append(fd), real_fsync(fd))[1])
    bib = "".join(
        f"@article{{paper{i},\n  title = {{Bulk paper {i}}},\n  year = {{20{10 + i % 3}}},\n"
        f"  journal = {{JMLR}}\n}}\n\n"
        for i in range(40)
    )
    report = import_bibtex(Library(empty_library), bib, "in.bib")
    assert len(report.added) == 40 and not report.problems
    assert len(syncs) <= 6  # one per year folder (and the library folder), not 80
    library = Library(empty_library)
    assert library.problems() == [] and len(library.notes()) == 40
    assert not [p for p in empty_library.rglob(".papernotes-*")]


def test_a_bulk_write_never_reuses_an_existing_temporary_file_name(empty_library, monkeypatch):
    """Temporary names of a batch are a random token and a counter, created with O_EXCL: a
    file already holding that name (another writer's) is left alone and a new token drawn."""
    tokens = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(batch_module.secrets, "token_hex", lambda n: next(tokens))
    folder = empty_library / "2020"
    folder.mkdir()
    foreign = folder / ".papernotes-aaaa-1.tmp"
    foreign.write_bytes(b"someone else's write")
    library = Library(empty_library)
    with library.store.batch():
        note = library.store.create(Paper(title="Fresh", year=2020))
    assert foreign.read_bytes() == b"someone else's write"
    assert Library(empty_library).notes()[0].paper.title == "Fresh" and note.path == "2020/fresh.md"
    assert sorted(p.name for p in folder.iterdir()) == [".papernotes-aaaa-1.tmp", "fresh.md"]
