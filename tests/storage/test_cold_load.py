"""A cold load (no note cache yet: a first command, an upgrade, a new parser) holds its notes
as a warm load does (issue 20: every command at most 250 MB at 100,000 notes): each paper
built from its fields that are not their default, each venue, author or date held once,
``document.yaml``'s paper order read without a PyYAML node per paper, and what it gives is
what a run without caches gives."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from papernotes.library import Library
from papernotes.storage.caches.note_cache import paper_fields
from papernotes.storage.document_file import LAYOUT_FILE, render_layout
from papernotes.storage.safe_yaml import BoundedSafeLoader
from papernotes.storage.store import NoteStore
from tests.helpers import calls_of, run

NOTES = 600
AUTHORS = ("Ann Lee", "Bo Chen", "王明", "Grace Smith", "Quentin García")


def write_notes(root: Path, count: int = NOTES) -> list[str]:
    """``count`` notes in year folders, sharing authors, venues, tags and dates as a real
    library's do, each with a few note lines; their paths, in the order written."""
    paths = []
    for i in range(count):
        year = 2000 + i % 9
        (root / str(year)).mkdir(parents=True, exist_ok=True)
        authors = "".join(f"- {AUTHORS[(i + k) % len(AUTHORS)]}\n" for k in range(3))
        lines = "\n".join(f"{n}. 第{n}点 line {n} of paper {i}" for n in range(1, 6))
        path = f"{year}/paper{i}.md"
        (root / path).write_text(
            f"---\ntitle: 'Paper number {i}'\nyear: {year}\nvenue: {('ACL', 'ICLR')[i % 2]}\n"
            f"arxiv: '2001.{i:05d}'\nkey: paper{i}\nauthors:\n{authors}tags:\n- t{i % 3}\n"
            f"status: unread\nadded: '2024-01-0{1 + i % 9}'\n---\n{lines}\n",
            encoding="utf-8",
        )
        paths.append(path)
    write_layout(root, paths)
    return paths


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    write_notes(root)
    return root


def test_a_cold_load_builds_each_paper_from_its_non_default_fields_as_a_warm_one_does(
    library, trusting_cache
):
    cold = Library.open(library).notes()
    warm = Library.open(library).notes()
    assert cold == warm and len(cold) == NOTES
    for note in (*cold, *warm):  # a default is the class's, not one attribute per paper
        assert vars(note.paper).keys() == paper_fields(note.paper).keys()
    assert len(vars(cold[0].paper)) < 15  # of the 30 fields a paper has


def test_a_cold_load_holds_each_author_venue_tag_and_date_once_however_many_notes_share_it(
    library, trusting_cache
):
    notes = Library.open(library).notes()
    for field in ("venue", "added", "tags", "year"):
        assert len({id(getattr(n.paper, field)) for n in notes}) == len(
            {getattr(n.paper, field) for n in notes}
        ), field
    authors = [a for n in notes for a in n.paper.authors]
    assert len({id(a) for a in authors}) == len(AUTHORS)


def held_by_load(root: Path) -> tuple[list, int]:
    """The notes of a load of ``root`` and the memory (bytes) they hold once it is done."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        notes = Library.open(root).notes()
        return notes, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_cold_load_holds_no_more_memory_than_a_warm_load_of_the_same_notes(
    library, tmp_path, trusting_cache
):
    other = tmp_path / "other"
    other.mkdir()
    write_notes(other, 20)
    Library.open(other).notes()  # every module a load imports, imported before measuring
    Library.open(other).notes()
    cold, cold_bytes = held_by_load(library)
    warm, warm_bytes = held_by_load(library)
    assert cold == warm
    assert cold_bytes < warm_bytes * 1.15, (cold_bytes, warm_bytes)  # it was twice as much


def test_a_first_load_of_a_large_library_keeps_its_entries_one_shard_at_a_time_then_loads_warm(
    library, trusting_cache, monkeypatch
):
    """A cold load held every note's new entry beside the notes until it wrote them all
    (``show`` making the name index at 100,000 notes: 267 MB); from ``FILL_FROM`` notes the
    entries are made and written a shard at a time first, and the notes built from them."""
    from papernotes.storage import note_loads
    from papernotes.storage import store as store_module
    from papernotes.storage.caches.shards import ShardedEntries, shard_of

    monkeypatch.setattr(note_loads, "FILL_FROM", NOTES // 2)
    (library / "2003" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    added: list[list[str]] = []
    add = ShardedEntries.add

    def kept(self, entries):
        added.append(list(entries))
        return add(self, entries)

    monkeypatch.setattr(ShardedEntries, "add", kept)
    parsed = calls_of(monkeypatch, store_module, "parse_note")
    library_api = Library.open(library)
    notes = library_api.notes()
    assert len(notes) == NOTES and [p.path for p in library_api.problems()] == ["2003/broken.md"]
    assert all(len({shard_of(path) for path in batch}) == 1 for batch in added)
    assert sum(len(batch) for batch in added) == NOTES + 1  # the broken note's problem too
    assert max(len(batch) for batch in added) < NOTES // 8  # about one 64th each
    assert len(parsed) == NOTES + 1  # each note parsed once: the load after it is warm
    parsed.clear()
    assert Library.open(library).notes() == notes and parsed == []


@pytest.mark.parametrize("fill", [False, True], ids=["cold", "filled-first"])
def test_lists_and_shows_made_cold_print_what_a_run_without_caches_prints(
    library, tmp_path, monkeypatch, fill
):
    from papernotes.storage import note_loads

    if fill:
        monkeypatch.setattr(note_loads, "FILL_FROM", 1)
    (library / "2003" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    without = {"PAPERNOTES_NO_CACHE": "1"}
    for args in (("list", "--json"), ("show", "paper7"), ("check",), ("export", "--md")):
        cold = run(library, *args, env={"XDG_CACHE_HOME": str(tmp_path / "cold" / args[0])})
        assert cold.stdout == run(library, *args, env=without).stdout, args
        assert cold.exit_code == run(library, *args, env=without).exit_code, args


def write_layout(root: Path, paths: list[str]) -> None:
    from papernotes.model import DocumentLayout

    (root / LAYOUT_FILE).write_text(render_layout(DocumentLayout(order=tuple(paths))))


def test_document_yamls_paper_order_is_read_without_a_yaml_node_per_paper(library, monkeypatch):
    paths = [str(p.relative_to(library)) for p in sorted(library.glob("*/*.md"))][::-1]
    write_layout(library, paths)
    composed: list[int] = []
    real = BoundedSafeLoader.compose_node

    def counting(self, parent, index):
        composed.append(1)
        return real(self, parent, index)

    monkeypatch.setattr(BoundedSafeLoader, "compose_node", counting)
    store = NoteStore(library)
    notes, _ = store.load()
    assert store.load_layout().order == tuple(paths)  # read as written
    assert len(notes) == NOTES and len(composed) < 50  # one per paper: 600 and more
    without = run(library, "list", "--keys", env={"PAPERNOTES_NO_CACHE": "1"})
    assert run(library, "list", "--keys").stdout == without.stdout
