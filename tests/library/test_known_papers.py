"""What ``add`` checks a paper against, from the kept identity rows, is what the notes in
memory answer: the same first note, candidates, keys in use, arXiv id and DOI holders."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from papernotes.errors import InvalidInputError
from papernotes.library import Library
from papernotes.library import known_papers as known_module
from papernotes.library.known_papers import KnownPapers, RowPapers, known_papers
from papernotes.model import Paper
from papernotes.storage.store import NoteStore
from tests.helpers import calls_of, run

TITLES = ["Deep Nets", "deep nets!", "Déep  Nets", "蒸馏方法", "Other", "BERT: pre-training", "x"]
KEYS = ["", "", "smith2020deep", "Smith2020Deep", "li2021", "SMITH2020DEEP"]


def random_paper(rng: random.Random) -> Paper:
    return Paper(
        title=rng.choice(TITLES),
        year=rng.choice([2019, 2020, 2021]),
        added=rng.choice(["2024-01-02", "2024-01-02", "2023-05-06"]),
        arxiv=rng.choice(["", "", "2001.00001", "2001.00002"]),
        key=rng.choice(KEYS),
        arxiv_title=rng.choice(["", "", "Deep nets", "Other!", "BERT pre training"]),
        doi=rng.choice(["", "", "10.1/abc", "10.1/ABC", "10.2/x"]),
    )


def answers(known: KnownPapers, probes: list[Paper]) -> list[object]:
    """Everything ``add`` asks, for each probe, as paths and booleans."""
    got: list[object] = []
    for probe in probes:
        first = known.match(probe)
        got.append(None if first is None else first.path)
        got.append(sorted(known.candidates(probe)))
        holder = known.with_arxiv(probe.arxiv) if probe.arxiv else None
        got.append(None if holder is None else holder.path)
        holder = known.with_doi(probe.doi) if probe.doi else None
        got.append(None if holder is None else holder.path)
        taken = known.keys_taken(first)
        got.append([key.casefold() in taken for key in KEYS if key])
    return got


def test_identity_rows_answer_as_the_notes_in_memory_through_adds_edits_and_removals(
    seed_library, trusting_cache
):
    rng = random.Random(20)
    store = NoteStore(seed_library)
    seed = Library(seed_library).notes()
    made = [store.create(random_paper(rng)) for _ in range(30)]
    for _ in range(12):
        probes = [random_paper(rng) for _ in range(15)]
        probes += [n.paper for n in rng.sample(seed, 3)]  # ordered by document.yaml
        rows = known_papers(Library(seed_library))
        assert isinstance(rows, RowPapers)
        assert answers(rows, probes) == answers(KnownPapers(Library(seed_library)), probes)
        action = rng.randrange(3)
        if action == 0:
            made.append(store.create(random_paper(rng)))
        elif action == 1:
            i = rng.randrange(len(made))
            made[i] = store.update(made[i], replace(random_paper(rng), year=made[i].paper.year))
        else:
            store.delete(made.pop(rng.randrange(len(made))))


def test_an_add_reads_no_note_but_the_ones_its_paper_shares_a_name_with(
    seed_library, trusting_cache, monkeypatch
):
    Library(seed_library).add(Paper(title="First Of Two", year=2024))  # the rows made
    loads = calls_of(monkeypatch, NoteStore, "load")
    reads = calls_of(monkeypatch, NoteStore, "read")
    note = Library(seed_library).add(Paper(title="Second of two", year=2024, key="zhang2024"))
    assert loads == []
    assert note.paper.key == "zhang2024"
    assert (seed_library / note.path).is_file()
    reads.clear()
    found = known_papers(Library(seed_library)).match(Paper(title="SECOND OF TWO!", year=2023))
    assert found is not None and found.path == note.path
    assert loads == []
    assert len(reads) == 2  # the new note, for its row, then as the one sharing the title


def test_a_note_not_as_its_row_says_sends_the_check_to_every_note(
    seed_library, trusting_cache, monkeypatch
):
    """A row whose digest is not its file's (as if the file changed under the same stat):
    the candidates' answer comes from the notes, not from the row."""
    made = known_module.identity_row
    monkeypatch.setattr(known_module, "identity_row", lambda note: (*made(note)[:-1], "stale"))
    paper = Library(seed_library).notes()[0].paper
    loads = calls_of(monkeypatch, NoteStore, "load")
    library = Library(seed_library)
    found = known_papers(library).match(replace(paper, key="", arxiv=""))
    assert found is not None and found.paper == paper
    assert len(loads) == 1


def test_a_note_broken_after_its_row_was_read_refuses_the_add_as_a_load_does(
    seed_library, trusting_cache, monkeypatch
):
    """The rows saw the note readable; when it is read as a candidate it no longer parses
    (another program wrote it meanwhile): the notes are loaded and the add refused, as an
    add that loads them refuses while a note does not read. Nothing is written."""
    Library(seed_library).add(Paper(title="Toggle Paper", year=2019))  # the rows made
    real_rows = NoteStore.list_rows

    def rows_then_broken(self, scan, row_of, **options):
        got = real_rows(self, scan, row_of, **options)
        (seed_library / "2019" / "toggle-paper.md").write_text("---\ntitle: [x\n---\n")
        return got

    monkeypatch.setattr(NoteStore, "list_rows", rows_then_broken)
    before = sorted(p.name for p in seed_library.glob("2020/*.md"))
    with pytest.raises(InvalidInputError, match="2019/toggle-paper.md does not read as a note"):
        Library(seed_library).add(Paper(title="Toggle paper", year=2020))
    assert sorted(p.name for p in seed_library.glob("2020/*.md")) == before


def test_a_list_rows_file_among_the_identity_rows_is_no_identity_row(seed_library, trusting_cache):
    doi, arxiv = "10.1000/ABC", "1901.00001"
    Library(seed_library).add(Paper(title="Some Paper", year=2019, doi=doi, arxiv=arxiv))
    run(seed_library, "list")  # the list rows kept
    Library(seed_library).add(Paper(title="Other Paper", year=2019))  # the identity rows kept
    cache = NoteStore(seed_library).caches()
    ids, rows = cache.identity_rows().folder, cache.list_rows().folder
    assert ids is not None and rows is not None and (ids / "2019").is_file()
    (ids / "2019").write_bytes((rows / "2019").read_bytes())
    known = known_papers(Library(seed_library))
    assert isinstance(known, RowPapers)
    for found in (known.with_doi(doi.lower()), known.with_arxiv(arxiv)):
        assert found is not None and found.path == "2019/some-paper.md"
    assert known.match(Paper(title="some paper!", year=2020)).path == "2019/some-paper.md"
