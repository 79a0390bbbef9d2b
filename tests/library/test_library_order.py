"""The library's order and search answer exactly what the plain definitions answer."""

from __future__ import annotations

import math
import random

import pytest

from papernotes.library import Library
from papernotes.library.order import in_order
from papernotes.library.search import matches
from papernotes.model import Note, Paper


def defined_order(notes: list[Note], document_order: list[str]) -> list[Note]:
    """Newest year, then document order (a path listed twice: its last place), then the
    papers the document does not list by date added and title (one sort key)."""
    rank = {path: i for i, path in enumerate(document_order)}
    return sorted(
        notes,
        key=lambda n: (
            -n.paper.year,
            rank.get(n.path, math.inf),
            n.paper.added,
            n.paper.title.casefold(),
        ),
    )


@pytest.mark.parametrize("seed", range(20))
def test_notes_are_ordered_as_defined_with_a_full_partial_or_missing_document_order(seed):
    rng = random.Random(seed)
    notes = [
        Note(
            Paper(
                title=rng.choice(["b", "B", "a", "蒸馏", "Zeta"]),
                year=rng.choice([2019, 2020, 2021]),
                added=rng.choice(["", "2024-01-02", "2023-05-06"]),
            ),
            f"{i:03d}.md",
        )
        for i in range(60)
    ]
    paths = [n.path for n in notes]
    rng.shuffle(paths)
    twice = [*paths[:10], *paths[5:15], *paths[:3]]  # a hand-edited document.yaml may repeat
    for document in (paths, paths[: rng.randrange(60)], [], ["gone.md", *paths[:5]], twice):
        shuffled = rng.sample(notes, len(notes))
        assert in_order(shuffled, document) == defined_order(shuffled, document)
    first = notes[0].paper  # a second note of one path (equal in every key: input order)
    copy = Note(Paper(title=first.title, year=first.year, added=first.added), notes[0].path)
    doubled = rng.sample([*notes, copy], len(notes) + 1)
    assert in_order(doubled, paths) == defined_order(doubled, paths)


def test_search_finds_what_matching_each_note_finds(seed_library):
    library = Library.open(seed_library)
    notes = library.notes()
    for query in ("蒸馏", "bert", "BERT 蒸馏", "distil bert", "", "两阶段", "zzz", "zhengliu"):
        parsed = library.query(query)
        forms = library.forms
        expected = [n for n in notes if matches(parsed, forms.folded(n), forms.pinyin(n))]
        assert library.search(query) == expected
        some = notes[::2]
        assert library.search(query, iter(some)) == [n for n in expected if n in some]
