"""The merges git runs during a sync (``library/three_way.py``), on texts: a note by field,
``document.yaml`` by order and section; and ``check`` finding conflict markers."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from papernotes.library.three_way import merge_document, merge_list, merge_note
from papernotes.model import DocumentLayout, LinkItem, Paper, Section
from papernotes.storage.document_file import parse_layout, render_layout
from papernotes.storage.note_format import parse_note, render_note
from tests.helpers import run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")
BASE = Paper(title="A Paper", year=2021, key="a2021paper", tags=("nlp",), notes=("first",))


def by_lines(base: str, ours: str, theirs: str) -> str | None:
    from papernotes.history.git import merge_text

    text, clean = merge_text(base, ours, theirs)
    return text if clean else None


def merged(ours: Paper, theirs: Paper, base: Paper = BASE):
    return merge_note(render_note(base), render_note(ours), render_note(theirs), by_lines)


def test_merge_list_keeps_both_sides_additions_in_place_and_applies_removals():
    assert merge_list(["a", "b", "c"], ["a", "x", "b", "c"], ["a", "c", "y"]) == [
        "a",
        "x",
        "c",
        "y",
    ]


def test_fields_changed_on_one_side_each_are_both_taken():
    result = merged(replace(BASE, status="read"), replace(BASE, venue="ICLR"))
    assert result is not None and not result.conflicts
    paper = parse_note(result.text)
    assert (paper.status, paper.venue) == ("read", "ICLR")


def test_tags_and_notes_added_on_both_sides_are_all_kept():
    ours = replace(BASE, tags=("nlp", "mine"), notes=("first", "ours"))
    theirs = replace(BASE, tags=(), notes=("first", "theirs"))
    paper = parse_note(merged(ours, theirs).text)
    assert paper.tags == ("mine",)  # nlp was removed there, mine added here
    assert paper.notes == ("first", "ours", "theirs")


def test_one_field_changed_differently_on_both_sides_is_a_conflict_around_that_field_only():
    result = merged(replace(BASE, status="read", venue="ACL"), replace(BASE, status="reading"))
    assert result.conflicts == ("status",)
    lines = result.text.splitlines()
    start = lines.index("<<<<<<< this machine")
    assert lines[start + 1 : start + 5] == [
        "status: read",
        "=======",
        "status: reading",
        ">>>>>>> the remote",
    ]
    assert "venue: ACL" in lines


def test_document_orders_of_both_sides_and_a_section_added_on_each_are_kept():
    section = Section(title="Repo", level=1, items=(LinkItem(label="x", url="https://x.org"),))
    base = DocumentLayout(sections=(section,), order=("2021/a.md",))
    ours = replace(base, order=("2021/a.md", "2021/b.md"),
                   sections=(section, Section(title="Mine", level=1)))  # fmt: skip
    theirs = replace(base, order=("2021/c.md", "2021/a.md"),
                     sections=(section, Section(title="Theirs", level=1)))  # fmt: skip
    result = merge_document(*(render_layout(x) for x in (base, ours, theirs)))
    assert result is not None and not result.conflicts
    layout = parse_layout(result.text)
    assert layout.order == ("2021/c.md", "2021/a.md", "2021/b.md")
    assert [s.title for s in layout.sections] == ["Repo", "Mine", "Theirs"]


def test_a_section_changed_differently_on_both_sides_is_a_conflict():
    section = Section(title="Repo", level=1)
    base = DocumentLayout(sections=(section,))
    mine = replace(section, items=(LinkItem(label="mine"),))
    other = replace(section, items=(LinkItem(label="theirs"),))
    result = merge_document(
        render_layout(base),
        render_layout(replace(base, sections=(mine,))),
        render_layout(replace(base, sections=(other,))),
    )
    assert result is not None and result.conflicts == ("section # Repo",)
    assert "<<<<<<< this machine" in result.text


def test_check_reports_conflict_markers_in_a_note_with_their_line(empty_library):
    note = empty_library / "2021" / "a-paper.md"
    note.parent.mkdir()
    text = render_note(
        replace(BASE, body="<<<<<<< this machine\nmine\n=======\ntheirs\n>>>>>>> x\n")
    )
    note.write_text(text)
    line = text.splitlines().index("<<<<<<< this machine") + 1
    result = run(empty_library, "check")
    assert result.exit_code == 1
    assert f"2021/a-paper.md:{line}: git conflict markers" in result.output


def test_check_splits_into_lines_only_the_files_holding_a_conflict_marker(
    empty_library, monkeypatch
):
    """``document.yaml`` (100,000 lines at 100,000 notes: 13 MB split) and a broken note are
    looked at; only one holding a marker is split into lines, and both markers still show."""
    from papernotes.library import three_way

    split: list[str] = []
    real = three_way.conflict_lines

    def counting(text):
        split.append(text)
        return real(text)

    monkeypatch.setattr(three_way, "conflict_lines", counting)
    (empty_library / "2021").mkdir()
    (empty_library / "2021" / "broken.md").write_text("---\ntitle: [\n---\n")
    layout = render_layout(DocumentLayout(order=("2021/broken.md",)))
    (empty_library / "document.yaml").write_text(layout)
    assert run(empty_library, "check").exit_code == 1
    assert split == []
    (empty_library / "document.yaml").write_text(layout + "=======\n")
    (empty_library / "2021" / "broken.md").write_text("---\ntitle: [\n>>>>>>> x\n---\n")
    result = run(empty_library, "check")
    assert len(split) == 2
    assert "document.yaml:" in result.output and "2021/broken.md:3: git conflict" in result.output


@pytest.mark.parametrize("kind", ["bytes", "text"])
def test_a_version_git_cannot_merge_keeps_ours_byte_for_byte_and_is_not_clean(kind):
    from papernotes.history.git import merge_bytes, merge_text

    base, ours, theirs = (f"L1 \0\nL2{b}\nL3{c}\n" for b, c in (("", ""), (" B", ""), ("", " A")))
    if kind == "bytes":  # git merge-file refuses a NUL byte as binary and prints nothing
        assert merge_bytes(base.encode(), ours.encode(), theirs.encode()) == (ours.encode(), False)
    else:
        assert merge_text(base, ours, theirs) == (ours, False)
