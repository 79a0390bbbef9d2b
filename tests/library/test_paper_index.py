"""The paper index answers exactly what a scan over the notes in order answers."""

from __future__ import annotations

import random

from papernotes.library import Library
from papernotes.library.index import PaperIndex
from papernotes.model import Note, Paper, normalize_title


def scan_match(notes: list[Note], paper: Paper) -> Note | None:
    """The original ``Library.match``: the first note with the same id, key or title."""
    titles = {normalize_title(t) for t in (paper.title, paper.arxiv_title) if t} - {""}
    for note in notes:
        other = note.paper
        if paper.arxiv and other.arxiv == paper.arxiv:
            return note
        if paper.key and other.key == paper.key:
            return note
        if titles & {normalize_title(t) for t in (other.title, other.arxiv_title) if t}:
            return note
    return None


TITLES = ["Deep Nets", "deep nets!", "Déep  Nets", "蒸馏方法", "???", "Other", "BERT: pre-training"]


def random_paper(rng: random.Random) -> Paper:
    return Paper(
        title=rng.choice(TITLES),
        year=2020,
        arxiv=rng.choice(["", "", "2001.00001", "2001.00002"]),
        key=rng.choice(["", "", "smith2020deep", "Smith2020Deep", "li2021"]),
        arxiv_title=rng.choice(["", "", "Deep nets", "Other!"]),
    )


def test_matches_agree_with_a_scan_through_adds_saves_and_removals():
    rng = random.Random(6)
    for _ in range(40):
        notes = [Note(random_paper(rng), f"2020/n{i}.md") for i in range(12)]
        index = PaperIndex(notes)
        for step in range(30):
            probe = random_paper(rng)
            assert index.match(probe) == scan_match(notes, probe)
            action = rng.randrange(3)
            if action == 0:
                note = Note(random_paper(rng), f"2020/new{step}.md")
                notes.append(note)
                index.add(note)
            elif action == 1 and notes:
                i = rng.randrange(len(notes))
                new = Note(random_paper(rng), notes[i].path)
                index.replace(notes[i], new)
                notes[i] = new
            elif notes:
                old = notes.pop(rng.randrange(len(notes)))
                index.remove(old)


def test_keys_taken_leaves_out_only_the_ignored_notes_own_use():
    a = Note(Paper("A", 2020, key="smith2020"), "2020/a.md")
    b = Note(Paper("B", 2020, key="Smith2020"), "2020/b.md")
    c = Note(Paper("C", 2020, key="li2021"), "2020/c.md")
    index = PaperIndex([a, b, c])
    assert "smith2020" in index.keys_taken(a)  # b still uses it (case-folded)
    assert "li2021" not in index.keys_taken(c)
    assert "li2021" in index.keys_taken(a)
    assert sorted(index.keys_taken()) == ["li2021", "smith2020"]
    index.remove(b)
    assert "smith2020" not in index.keys_taken(a)


def test_importing_a_document_twice_updates_instead_of_duplicating(empty_library):
    doc = "# Paper\n\n### 2020\n\n" + "".join(
        f"- PAPER {i}: a title\n  - ICLR\n  - <details>\n    <summary>阅读笔记: </summary>\n"
        f"    1. note {i}  <br>\n    </details>\n\n"
        for i in range(30)
    )
    library = Library(empty_library)
    first = library.import_markdown(doc, "doc.md")
    assert len(first.added) == 30
    again = Library(empty_library).import_markdown(doc.replace("note 7 ", "note seven "), "doc.md")
    assert (len(again.added), len(again.updated), len(again.unchanged)) == (0, 1, 29)
    assert len(Library(empty_library).notes()) == 30
