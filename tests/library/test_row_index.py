"""An import matched against the identity rows (``RowIndex``) answers and writes what one
matched against the notes in memory (``PaperIndex``) does, reading only the notes named."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from pathlib import Path

from papernotes.library import Library
from papernotes.library import known_papers as known_module
from papernotes.library import row_index as row_module
from papernotes.library.index import PaperIndex
from papernotes.library.row_index import RowIndex, row_index
from papernotes.model import Paper
from papernotes.storage.store import NoteStore
from tests.helpers import calls_of, folder_bytes, run
from tests.library.test_known_papers import KEYS, random_paper

OFF = {"PAPERNOTES_NO_CACHE": "1"}
NAMES = ["smith2020deep", "SMITH2020DEEP", "li2021", "deep-nets", "2001.00001", "2001.00002v3"]
IDENTITIES = [
    [("arxiv", "2001.00001"), ("doi", "10.1/abc"), ("title", "deep nets")],
    [("doi", "10.2/x"), ("title", "other")],
    [("title", "deep nets"), ("title", "other")],
    [("key", "li2021"), ("arxiv", "2001.00002")],
]


def answers(index: PaperIndex | RowIndex, probes: list[Paper]) -> list[object]:
    """Every question an import asks, as paths and booleans."""
    got: list[object] = []
    for probe in probes:
        first = index.match(probe)
        got.append(None if first is None else first.path)
        got.append(sorted(index.candidates(probe)))
        taken = index.keys_taken(first)
        got.append([key.casefold() in taken for key in KEYS if key])
    got += [[n.path for n in index.named(name)] for name in NAMES]
    got += [index.first_path(identities) for identities in IDENTITIES]
    return got


def test_the_rows_answer_as_the_notes_through_adds_saves_and_removals(
    seed_library, trusting_cache, monkeypatch
):
    """Both indexes told of the same writes, the rows' one holding a single note (so the
    others are read again from their files): the same answers after every write."""
    monkeypatch.setattr(row_module, "HELD", 1)
    rng = random.Random(17)
    store = NoteStore(seed_library)
    for _ in range(30):
        store.create(random_paper(rng))
    library = Library(seed_library)
    rows = row_index(library)
    assert isinstance(rows, RowIndex)
    library._index = rows
    notes = PaperIndex(Library(seed_library).notes())
    made = [n for n in Library(seed_library).notes() if n.path.split("/")[0] in "2019 2020 2021"]
    seed = Library(seed_library).notes()
    for _ in range(25):
        probes = [random_paper(rng) for _ in range(12)]
        probes += [n.paper for n in rng.sample(seed, 3)]  # ordered by document.yaml
        assert answers(rows, probes) == answers(notes, probes)
        action = rng.randrange(4)
        if action == 0:
            new = store.create(random_paper(rng))
            made.append(new)
            rows.add(new)
            notes.add(new)
        elif action in (1, 2):  # a save keeping its path (1) or moving it (2)
            i = rng.randrange(len(made))
            old = made[i]
            year = old.paper.year if action == 1 else rng.choice([2019, 2020, 2021])
            made[i] = store.update(old, replace(random_paper(rng), year=year))
            rows.replace(old, made[i])
            notes.replace(old, made[i])
        else:
            gone = made.pop(rng.randrange(len(made)))
            store.delete(gone)
            rows.remove(gone)
            notes.remove(gone)


def read_paths(monkeypatch) -> list:
    """The path of every note ``NoteStore.read`` reads from now on."""
    seen: list = []
    real = NoteStore.read

    def read(self, rel):
        seen.append(rel)
        return real(self, rel)

    monkeypatch.setattr(NoteStore, "read", read)
    return seen


def copies(root: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the library at ``root``: one to import into with caches, one without."""
    with_rows, without = tmp_path / "with_rows", tmp_path / "without"
    shutil.copytree(root, with_rows)
    shutil.copytree(root, without)
    return with_rows, without


def imported_alike(with_rows: Path, without: Path, *args: str, seen: list | None = None) -> str:
    """Import into both: the same output and the same files; the output. ``seen``: a list
    of calls counted, copied as the first import left it into its own first item."""
    first = run(with_rows, "import", *args)
    if seen is not None:
        seen[:] = [list(seen)]
    second = run(without, "import", *args, env=OFF)
    assert (first.exit_code, first.output) == (second.exit_code, second.output)
    assert folder_bytes(with_rows) == folder_bytes(without)
    return first.output


BIB = """\
@article{first, title = {Deep Nets}, author = {Li, Wei}, journal = {J}, year = {2021},
  doi = {10.1/ABC}}
@article{again, title = {deep nets!}, author = {Li, Wei}, journal = {J}, year = {2021}}
@article{tinybert, title = {{TinyBERT}: Distilling {BERT} for Natural Language Understanding},
  author = {Jiao, Xiaoqi}, journal = {Findings of EMNLP}, year = {2020}, doi = {10.9/tiny}}
@article{byid, title = {Another title}, author = {Ng, A}, journal = {J}, year = {2019},
  eprint = {1907.11692}, archiveprefix = {arXiv}}
@article{KEYUSED, title = {Used Key}, author = {Smith, J}, journal = {J}, year = {2020}}
@article{bydoi, title = {Yet Another}, author = {Ng, B}, journal = {J}, year = {2022},
  doi = {10.1/abc}}
"""


def test_a_bib_import_over_the_rows_writes_what_one_over_the_notes_writes(
    seed_library, trusting_cache, monkeypatch, tmp_path
):
    """Entries matching a note by title, arXiv id and DOI, matching one another, a key in use,
    the same DOI in another case: the same report and files; no note loaded, and only the
    notes the entries name read."""
    monkeypatch.setattr(row_module, "HELD", 1)
    with_rows, without = copies(seed_library, tmp_path)
    Library(with_rows).index_rows()  # the identity rows kept
    bib = tmp_path / "in.bib"
    bib.write_text(BIB.replace("KEYUSED", Library(seed_library).notes()[3].paper.key))
    loads = calls_of(monkeypatch, Library, "_load")
    reads = read_paths(monkeypatch)
    output = imported_alike(with_rows, without, str(bib), seen=reads)
    assert "2 added, 2 merged, 2 skipped" in output, output
    assert len(loads) == 1  # the run without caches only
    # the notes named, again as each leaves the one held (HELD = 1), not the library's 50
    assert set(reads[0]) == {"2020/tinybert.md", "2019/roberta.md", "2021/deep-nets.md"}


def test_a_markdown_import_over_the_rows_writes_what_one_over_the_notes_writes(
    seed_library, trusting_cache, monkeypatch, tmp_path
):
    """The library's document with papers linking to one another and to new papers, into
    the library without those papers: links resolved to notes written moments before (read
    back from their files, the batch given its names first) and merges."""
    monkeypatch.setattr(row_module, "HELD", 1)
    source = tmp_path / "source"
    shutil.copytree(seed_library, source)
    for n in range(1, 4):
        note = f"builds on [[new-paper-{n - 1}]]" if n > 1 else "a first note"
        title = f"New Paper {n}"
        assert run(source, "add", "--year", "2023", "--title", title, "--note", note).exit_code == 0
    first_key = next(
        line.split(": ", 1)[1]
        for line in (source / "2023" / "new-paper-1.md").read_text().splitlines()
        if line.startswith("key: ")
    )
    old = Library(source).notes()[5]
    assert run(source, "note", old.paper.key, f"see [[{first_key}]]").exit_code == 0
    document = tmp_path / "doc.md"
    text = run(source, "export", "--md").stdout
    document.write_text(text, encoding="utf-8")
    with_rows, without = copies(seed_library, tmp_path)
    loads = calls_of(monkeypatch, Library, "_load")
    output = imported_alike(with_rows, without, str(document))
    assert "3 added" in output, output
    assert len(loads) == 1  # the run without caches only
    written = (with_rows / "2023" / "new-paper-3.md").read_text()
    assert "[[" in written


def test_a_row_not_as_its_file_sends_the_import_to_the_notes(
    seed_library, trusting_cache, monkeypatch, tmp_path
):
    """Rows whose digests are not their files' (as if each file changed under the same
    stat): the import loads the notes at the first note it reads, and writes what a run
    without caches writes."""
    made = known_module.identity_row
    monkeypatch.setattr(known_module, "identity_row", lambda note: (*made(note)[:-1], "stale"))
    monkeypatch.setattr(row_module, "identity_row", known_module.identity_row)
    with_rows, without = copies(seed_library, tmp_path)
    bib = tmp_path / "in.bib"
    bib.write_text(BIB.replace("KEYUSED", "used2020"), encoding="utf-8")
    loads = calls_of(monkeypatch, Library, "_load")
    imported_alike(with_rows, without, str(bib))
    assert len(loads) == 2  # the fall back, and the run without caches


def test_an_unreadable_note_refuses_an_import_over_the_rows_before_any_write(
    seed_library, trusting_cache, tmp_path
):
    (seed_library / "2019" / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    run(seed_library, "list")
    before = folder_bytes(seed_library)
    bib = tmp_path / "in.bib"
    bib.write_text(BIB.replace("KEYUSED", "used2020"), encoding="utf-8")
    result = run(seed_library, "import", str(bib))
    assert result.exit_code != 0
    assert "2019/broken.md does not read as a note" in result.output
    assert folder_bytes(seed_library) == before
