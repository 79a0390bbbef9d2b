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


@pytest.mark.parametrize(
    "title", ["CON", "nul: a short name", "Aux", "PRN", "COM1", "com9", "LPT1", "Com¹", "lpt0"]
)
def test_slugs_never_become_windows_reserved_names(empty_library, title):
    slug = slugify(title)
    assert slug not in {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {
        f"lpt{n}" for n in range(10)
    }
    assert slug.endswith("-paper")
    note = Library(empty_library).add(Paper(title=title, year=2020))
    assert note.path == f"2020/{slug}.md"
    assert slugify("Console") == "console" and slugify("con man") == "con-man"  # only exact names


def read_only(path) -> None:
    path.chmod(0o444)  # tests run as root, which ignores this: papernotes must check it


def test_a_read_only_note_is_never_rewritten_moved_or_deleted(empty_library):
    library = Library(empty_library)
    note = library.add(Paper(title="Frozen", year=2020, notes=("keep",)))
    path = empty_library / note.path
    read_only(path)
    before = path.read_bytes()
    for change in (
        lambda: library.save(note, replace(note.paper, notes=("changed",))),
        lambda: library.save(note, replace(note.paper, year=2021)),
        lambda: library.remove(note),
        lambda: library.store.delete_file(note.path),
    ):
        with pytest.raises(InvalidInputError, match="is read-only"):
            change()
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o444
    assert not (empty_library / "2021").exists()
    layout = empty_library / "document.yaml"
    library.store.save_layout(library.layout())
    read_only(layout)
    with pytest.raises(InvalidInputError, match="is read-only"):
        library.store.save_layout(library.layout())


def test_the_cli_refuses_to_change_a_read_only_note_with_one_sentence(seed_library):
    from tests.helpers import run

    path = seed_library / "2020" / "tinybert.md"
    read_only(path)
    before = path.read_bytes()
    title = "TinyBERT: Distilling BERT for Natural Language Understanding"
    update = run(seed_library, "add", "--year", "2020", "--title", title, "--tag", "kd", "--update")
    assert update.exit_code == 1
    assert update.stderr.strip() == (
        f"Error: {path} is read-only, so it was left as it is (nothing was written); "
        "make it writable (chmod u+w) to change it."
    )
    removed = run(seed_library, "rm", "tinybert", "--yes")
    assert removed.exit_code == 1 and "is read-only" in removed.stderr
    assert path.read_bytes() == before
