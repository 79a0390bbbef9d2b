"""``show PAPER`` from the kept name index (library/name_index_lookup.py): one note read while no
note changed, and always the answer the full rules (library/names.py) give."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.errors import PapernotesError
from papernotes.library import Library
from papernotes.library.name_index_lookup import find_named
from papernotes.library.name_index_update import differing
from papernotes.library.names import find_note
from papernotes.model import Paper
from papernotes.storage.caches import location as cache_location
from papernotes.storage.note_format import render_note
from papernotes.storage.store import NoteStore
from tests.helpers import calls_of, run


def write_note(root: Path, rel: str, paper: Paper) -> None:
    """A note file as a hand edit may leave it: keys and titles may clash (no checks)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_note(paper), encoding="utf-8")


def full_answer(root: Path, query: str) -> tuple:
    """What ``find_note`` says over every note: the note, or the error's kind and text."""
    try:
        note = find_note(Library(root).notes(), query)
    except PapernotesError as exc:
        return type(exc).__name__, str(exc)
    return note.path, note.digest, note.paper


def fast_answer(root: Path, query: str) -> tuple[tuple, bool]:
    """What ``show`` works out (the index, else the full rules) and whether the index did."""
    library = Library(root)
    _, note, _ = find_named(library, query)
    if note is not None:
        return (note.path, note.digest, note.paper), True
    try:
        note = library.find(query)
    except PapernotesError as exc:
        return (type(exc).__name__, str(exc)), False
    return (note.path, note.digest, note.paper), False


@pytest.fixture
def clashing_library(empty_library) -> Path:
    """Names that two rules give to two papers, titles alike but for case and punctuation,
    one slug in two years, arXiv ids, a Chinese title."""
    notes = {
        "2020/bert.md": Paper(title="BERT", year=2020, key="devlin2019", arxiv="1810.04805"),
        "2021/bert.md": Paper(title="BERT again", year=2021, key="bert-again"),
        "2020/tiny.md": Paper(title="TinyBERT: Distilling BERT", year=2020, key="Tiny"),
        "2020/other.md": Paper(title="Other paper", year=2020, key="tinybert-distilling-bert"),
        "2022/same-a.md": Paper(title="Same, Title!", year=2022, key="samea"),
        "2022/same-b.md": Paper(title="same title", year=2022, key="sameb"),
        "2019/zh.md": Paper(title="知识蒸馏：综述", year=2019, key="zhengliu", arxiv="2006.05525"),
        "2023/keyed.md": Paper(title="Keyed", year=2023, key="2020/tiny"),
        "2018/Übersicht.md": Paper(title="Overview", year=2018, key="ueber"),  # folds to ü
        "2018/蒸馏.md": Paper(title="Distillation", year=2018, key="zl2018"),
    }
    for rel, paper in notes.items():
        write_note(empty_library, rel, paper)
    return empty_library


QUERIES = [
    "devlin2019",  # a key
    "DEVLIN2019",  # a key, other case
    "tiny",  # a key (Tiny) and a slug (2020/tiny.md) of one note
    "bert",  # the slug of two notes
    "2020/bert",  # a path without .md
    "2021/BERT.md",  # a path, other case
    "1810.04805",  # an arXiv id
    "arXiv:1810.04805v2",  # an arXiv id with prefix and version
    "2006.05525",
    "BERT again",  # a title
    "bert-again",  # a key
    "TinyBERT: Distilling BERT",  # a title
    "tinybert-distilling-bert",  # a key, and the first note's title normalised
    "Same Title",  # two titles alike once normalised
    "知识蒸馏：综述",  # a Chinese title
    "知识蒸馏",  # part of a title
    "zhengliu",
    "2020/tiny",  # a path and another note's key
    "Keyed",
    "Distilling",  # part of a title
    "nothing like it",
    "  devlin2019  ",  # spaces around
    "   ",
    "übersicht",  # a slug that folding changes
    "2018/ÜBERSICHT.md",
    "2018/Übersicht",
    "蒸馏",  # a Chinese slug, and part of a title
    "zl2018",
    "Overview",
]


@pytest.mark.parametrize("query", QUERIES)
def test_show_from_the_name_index_gives_what_the_full_rules_give(
    clashing_library, trusting_cache, query
):
    Library(clashing_library).find_named("warm up")  # keeps the index
    assert fast_answer(clashing_library, query)[0] == full_answer(clashing_library, query)


def test_a_name_one_note_has_is_answered_from_the_index_and_that_note_alone(
    clashing_library, trusting_cache, monkeypatch
):
    Library(clashing_library).find_named("warm up")
    loads, reads = [], []
    real_load, real_read = NoteStore.load, NoteStore.read
    monkeypatch.setattr(NoteStore, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    monkeypatch.setattr(
        NoteStore, "read", lambda self, rel: reads.append(rel) or real_read(self, rel)
    )
    for query in ("devlin2019", "2021/bert", "2006.05525", "BERT again", "tiny"):
        answer, from_index = fast_answer(clashing_library, query)
        assert from_index, query
    assert loads == []  # no note but the one named was read
    assert reads == ["2020/bert.md", "2021/bert.md", "2019/zh.md", "2021/bert.md", "2020/tiny.md"]


def shown(root: Path, *args: str, env: dict | None = None) -> tuple:
    result = run(root, *args, env=env)
    return result.exit_code, result.stdout, result.stderr


def uncached(root: Path, *args: str) -> tuple:
    """What the command prints with every cache off: the full lookup over every note."""
    return shown(root, *args, env={cache_location.DISABLE_ENV: "1"})


def replace_atomically(path: Path, text: str) -> None:
    """Write as an editor that saves through a new file does: the folder changes."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def change_added(root: Path) -> None:
    write_note(root, "2021/new.md", Paper(title="BERT again", year=2021, key="devlin2019"))


def change_removed(root: Path) -> None:
    (root / "2020" / "bert.md").unlink()


def change_renamed(root: Path) -> None:
    os.rename(root / "2020" / "tiny.md", root / "2020" / "bert-again.md")


def change_moved_to_a_new_year(root: Path) -> None:
    (root / "2024").mkdir()
    os.rename(root / "2021" / "bert.md", root / "2024" / "devlin2019.md")


def change_key_through_papernotes(root: Path) -> None:
    assert run(root, "key", "2021/bert", "devlin2019x").exit_code == 0


def change_replaced_atomically(root: Path) -> None:
    replace_atomically(
        root / "2022" / "same-a.md", render_note(Paper(title="X", year=2022, key="devlin2019"))
    )


def change_tags_through_papernotes(root: Path) -> None:
    """A write that changes no name: the index is brought up to date from this note alone."""
    assert run(root, "set", "samea", "--tag", "+x").exit_code == 0


def change_title_replaced_atomically(root: Path) -> None:
    """Another title, the key kept: a name of the index changes, so it is made again."""
    path = root / "2022" / "same-a.md"
    replace_atomically(path, path.read_text(encoding="utf-8").replace("title: ", "title: Re ", 1))


def change_link_through_papernotes(root: Path) -> None:
    """A note now links to a paper: its line of the index's links part is written over."""
    added = run(root, "note", "samea", "builds on [[bert-again]] and [[1810.04805]]")
    assert added.exit_code == 0, added.output


def change_tags_and_document_yaml_broken(root: Path) -> None:
    """No name changes, but ``document.yaml`` no longer reads: ``show`` warns of it."""
    change_tags_through_papernotes(root)
    replace_atomically(root / "document.yaml", "toc_depth: [\n")


def change_tags_and_document_yaml_no_layout(root: Path) -> None:
    """No name changes, ``document.yaml`` reads as YAML but is no layout."""
    change_tags_through_papernotes(root)
    replace_atomically(root / "document.yaml", "order: 7\n")


FOLDER_CHANGES = [
    change_added,
    change_removed,
    change_renamed,
    change_moved_to_a_new_year,
    change_key_through_papernotes,
    change_replaced_atomically,
    change_tags_through_papernotes,
    change_title_replaced_atomically,
    change_link_through_papernotes,
    change_tags_and_document_yaml_broken,
    change_tags_and_document_yaml_no_layout,
]
CHANGED_QUERIES = ["devlin2019", "bert-again", "2020/bert", "tiny", "devlin2019x", "1810.04805"]
CHANGED_QUERIES += ["samea", "Same Title", "Re Same, Title!"]


@pytest.mark.parametrize("listed", [False, True], ids=["index-alone", "rows-kept-too"])
@pytest.mark.parametrize("change", FOLDER_CHANGES, ids=lambda change: change.__name__)
def test_show_after_a_change_its_year_folder_shows_answers_as_the_full_lookup(
    clashing_library, trusting_cache, change, listed
):
    """With ``list``'s rows kept, the index may be brought up to date from the changed notes
    alone (``library/name_index_update.py``); with or without, every answer is the full
    lookup's."""
    if listed:
        assert run(clashing_library, "list").exit_code == 0
    for query in CHANGED_QUERIES:  # the index kept, the fast path taken for each name
        shown(clashing_library, "show", query)
    change(clashing_library)
    for query in CHANGED_QUERIES:
        expected = uncached(clashing_library, "show", query)
        assert shown(clashing_library, "show", query) == expected, query
        assert shown(clashing_library, "show", query, "--json") == uncached(
            clashing_library, "show", query, "--json"
        ), query


def forget_the_kept_keys(root: Path) -> None:
    """As a cache of an older papernotes: the stamp without its paths and stat keys."""
    from papernotes.storage.caches.names_stamp import NamesStamp

    kept = NamesStamp.for_library(os.path.realpath(root)).keys_path
    assert kept is not None
    kept.unlink()


def write_document_yaml(root: Path) -> None:
    """``document.yaml`` made (a layout as before: none): its stat is not the stamped one."""
    replace_atomically(root / "document.yaml", "toc_depth: 2\n")


@pytest.mark.parametrize("and_then", [forget_the_kept_keys, write_document_yaml])
def test_show_after_a_write_that_changes_no_name_reads_that_note_alone_not_every_note(
    clashing_library, trusting_cache, monkeypatch, and_then
):
    """A write of papernotes replaces its note by a rename, so the names stamp no longer
    vouches for the kept index, and ``show`` made it again from every note (100,000 notes:
    3.3 s and 274 MB); with ``list``'s rows kept, the index is brought up to date from the
    notes whose stat changed, read alone, when none of their names did. (Here the changed
    year folders alone cannot tell: no paths and keys kept, or ``document.yaml`` changed.)"""
    from papernotes.library import name_index_lookup

    assert run(clashing_library, "list").exit_code == 0
    for query in CHANGED_QUERIES:
        shown(clashing_library, "show", query)
    change_tags_through_papernotes(clashing_library)
    and_then(clashing_library)
    made = calls_of(monkeypatch, name_index_lookup, "name_columns")
    loads = calls_of(monkeypatch, NoteStore, "load")
    reads: list[str] = []
    real_read = NoteStore.read
    monkeypatch.setattr(
        NoteStore, "read", lambda self, rel: reads.append(rel) or real_read(self, rel)
    )
    answer = shown(clashing_library, "show", "samea")
    assert made == [] and loads == []
    assert reads == ["2022/same-a.md", "2022/same-a.md"]  # changed, then shown
    assert answer == uncached(clashing_library, "show", "samea")
    assert "x" in answer[1]
    for query in CHANGED_QUERIES:
        assert shown(clashing_library, "show", query) == uncached(clashing_library, "show", query)


def spy_stats(monkeypatch) -> list[list[str]]:
    """The notes every stat per note is taken of from now on, one list per call (a full
    state, ``NoteStore.state``, as ``["every note"]``)."""
    from papernotes.storage import names_delta
    from papernotes.storage.caches import note_cache

    stated: list[list[str]] = []
    for owner in (note_cache, names_delta):
        real = owner.stat_keys
        monkeypatch.setattr(
            owner,
            "stat_keys",
            lambda p, rels, real=real: stated.append(list(rels)) or real(p, rels),
        )
    real_state = NoteStore.state
    monkeypatch.setattr(
        NoteStore,
        "state",
        lambda self, scan: stated.append(["every note"]) or real_state(self, scan),
    )
    return stated


def test_show_after_a_write_stats_the_notes_of_the_year_folder_it_changed_alone(
    clashing_library, trusting_cache, monkeypatch
):
    """A write of papernotes changes its note's year folder alone: ``show`` lists and stats
    that folder's notes, not every note (100,000 notes: 0.3 s of stats and a second in all),
    reads the changed note, and moves the names stamp on, so the next ``show`` stats none."""
    from papernotes.library import name_index_lookup

    for query in CHANGED_QUERIES:
        shown(clashing_library, "show", query)
    change_tags_through_papernotes(clashing_library)
    expected = {q: uncached(clashing_library, "show", q) for q in ("devlin2019", "samea")}
    made = calls_of(monkeypatch, name_index_lookup, "name_columns")
    stated = spy_stats(monkeypatch)
    assert shown(clashing_library, "show", "devlin2019") == expected["devlin2019"]
    assert stated == [["2022/same-a.md", "2022/same-b.md"]] and made == []
    stated.clear()
    assert shown(clashing_library, "show", "samea") == expected["samea"]
    assert "x" in expected["samea"][1]
    assert stated == [] and made == []


def change_tags_and_a_key_edited_in_place(root: Path) -> None:
    """A write in 2022 and, in the same folder, another note's key edited in place."""
    change_tags_through_papernotes(root)
    path = root / "2022" / "same-b.md"
    path.write_text(path.read_text(encoding="utf-8").replace("sameb", "devlin2019"), "utf-8")


def change_tags_in_two_folders(root: Path) -> None:
    change_tags_through_papernotes(root)
    assert run(root, "set", "zhengliu", "--tag", "+y").exit_code == 0


def change_tags_and_the_kept_keys_damaged(root: Path) -> None:
    from papernotes.storage.caches.names_stamp import NamesStamp

    change_tags_through_papernotes(root)
    kept = NamesStamp.for_library(os.path.realpath(root)).keys_path
    assert kept is not None and kept.exists()
    kept.write_bytes(kept.read_bytes()[:-3] + b"xyz")


@pytest.mark.parametrize(
    "change",
    [change_tags_and_a_key_edited_in_place, change_tags_in_two_folders]
    + [change_tags_and_the_kept_keys_damaged],
    ids=lambda change: change.__name__,
)
def test_show_after_a_write_and_more_changes_answers_as_the_full_lookup(
    clashing_library, trusting_cache, change
):
    """Every note of a changed year folder whose stat changed is read again, however it
    changed; paths and keys kept that do not read are no answer."""
    for query in CHANGED_QUERIES:
        shown(clashing_library, "show", query)
    change(clashing_library)
    for query in [*CHANGED_QUERIES, "sameb", "zhengliu"]:
        assert shown(clashing_library, "show", query) == uncached(
            clashing_library, "show", query
        ), query


def test_show_with_the_year_folders_unchanged_stats_no_note_but_the_one_it_names(
    clashing_library, trusting_cache, monkeypatch
):
    """The floor of issue 20: the year folders' stats and one note, not a stat per note."""
    from papernotes.storage.caches import note_cache

    shown(clashing_library, "show", "devlin2019")  # keeps the index and the folders' stamp
    stated: list[int] = []
    real_stat_keys = note_cache.stat_keys
    monkeypatch.setattr(
        note_cache, "stat_keys", lambda p, rels: stated.append(len(rels)) or real_stat_keys(p, rels)
    )
    monkeypatch.setattr(NoteStore, "state", lambda *a: stated.append(-1) or None)
    expected = uncached(clashing_library, "show", "devlin2019")
    stated.clear()
    assert shown(clashing_library, "show", "devlin2019") == expected
    assert stated == []


def test_a_note_edited_in_place_so_that_it_no_longer_bears_the_name_is_noticed(
    clashing_library, trusting_cache
):
    for query in ("devlin2019", "1810.04805", "BERT"):
        shown(clashing_library, "show", query)
    note = clashing_library / "2020" / "bert.md"
    note.write_text(  # in place: its folder does not change
        render_note(Paper(title="Renamed", year=2020, key="renamed")), encoding="utf-8"
    )
    for query in ("devlin2019", "1810.04805", "BERT", "renamed"):
        expected = uncached(clashing_library, "show", query)
        assert shown(clashing_library, "show", query) == expected, query
    assert shown(clashing_library, "show", "devlin2019")[0] == 1  # no paper has it now


@pytest.mark.parametrize("full", [("list",), ("search", "bert"), ("check",)])
def test_another_note_edited_in_place_to_bear_the_name_is_missed_by_show_until_a_full_read(
    clashing_library, trusting_cache, full
):
    """The known gap (docs/architecture.md, "The name index"): a note edited in place, not
    by rename, changes no folder, so ``show`` does not see that it now bears the name it
    shows another note for; any command reading every note drops the index's stamp."""
    shown(clashing_library, "show", "devlin2019")  # keeps the index and the folders' stamp
    write_note(  # in place: the folder of 2021/bert.md does not change
        clashing_library, "2021/bert.md", Paper(title="Renamed", year=2021, key="devlin2019")
    )
    full_lookup = uncached(clashing_library, "show", "devlin2019")
    assert full_lookup[0] == 1 and "2021/bert.md" in full_lookup[2]  # two papers have it
    missed = shown(clashing_library, "show", "devlin2019")
    assert missed[0] == 0 and "BERT" in missed[1]  # the indexed note, 2020/bert.md
    assert fast_answer(clashing_library, "devlin2019")[0][0] == "2020/bert.md"
    run(clashing_library, *full)
    assert shown(clashing_library, "show", "devlin2019") == full_lookup


def test_a_name_of_a_note_that_cannot_be_read_is_never_answered_from_the_index(
    clashing_library, trusting_cache
):
    (clashing_library / "2021" / "broken.md").write_text("---\ntitle: [\n---\n", "utf-8")
    write_note(clashing_library, "2023/other.md", Paper(title="Other", year=2023, key="broken"))
    shown(clashing_library, "show", "devlin2019")  # keeps the index, which lacks broken.md
    expected = uncached(clashing_library, "show", "broken")
    assert expected[0] == 1 and "2021/broken.md" in expected[2]
    assert shown(clashing_library, "show", "broken") == expected


def test_show_prints_what_it_printed_without_the_index(clashing_library, trusting_cache):
    (clashing_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    off = {cache_location.DISABLE_ENV: "1"}
    for query in ("devlin2019", "bert", "tiny", "Same Title", "Distilling", "nothing"):
        first = run(clashing_library, "show", query)
        warm = run(clashing_library, "show", query)
        uncached = run(clashing_library, "show", query, env=off)
        seen = [(r.exit_code, r.stdout, r.stderr) for r in (first, warm, uncached)]
        assert seen[0] == seen[1] == seen[2], query
        assert "broken.md" in warm.stderr


def test_show_from_the_index_lists_the_papers_linking_to_it_as_the_full_rules_do(
    clashing_library, trusting_cache
):
    write_note(
        clashing_library,
        "2021/linker.md",
        Paper(title="Linker", year=2021, key="linker", notes=("builds on [[devlin2019]]",)),
    )
    write_note(
        clashing_library,
        "2019/by-id.md",
        Paper(title="By id", year=2019, key="byid", body="see [[1810.04805|BERT]]"),
    )
    off = {cache_location.DISABLE_ENV: "1"}
    run(clashing_library, "show", "warm up")  # keeps the index
    for query in ("devlin2019", "linker"):
        warm = run(clashing_library, "show", query, "--json")
        uncached = run(clashing_library, "show", query, "--json", env=off)
        assert (warm.exit_code, warm.stdout) == (uncached.exit_code, uncached.stdout)
    warm = run(clashing_library, "show", "devlin2019")
    assert "Linked from:" in warm.stdout and "linker" in warm.stdout and "byid" in warm.stdout
    # a linking note edited after the index was kept is read again, never shown stale
    write_note(clashing_library, "2021/linker.md", Paper(title="Linker", year=2021, key="linker"))
    after = run(clashing_library, "show", "devlin2019")
    assert "linker" not in after.stdout and "byid" in after.stdout


names = st.sampled_from(["bert", "BERT", "tiny", "2020/bert", "a b", "A-B", "x", "1810.04805"])


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    papers=st.lists(
        st.tuples(
            st.sampled_from([2020, 2021]),
            names,  # slug
            names,  # key
            names,  # title
            st.sampled_from(["", "1810.04805", "2006.05525"]),
        ),
        min_size=1,
        max_size=6,
    ),
    query=st.one_of(names, st.sampled_from(["2021/x.md", "Bert", "arXiv:2006.05525", "b"])),
)
def test_the_name_index_agrees_with_the_full_rules_on_any_small_library(
    tmp_path_factory, papers, query
):
    root = tmp_path_factory.mktemp("lib")
    for year, slug, key, title, arxiv in papers:
        rel = f"{year}/{slug.replace('/', '-').replace(' ', '-').lower()}.md"
        write_note(root, rel, Paper(title=title, year=year, key=key, arxiv=arxiv))
    from papernotes.storage.caches import note_cache

    margin = note_cache.RACY_MARGIN_NS
    note_cache.RACY_MARGIN_NS = -3600 * 10**9  # keep files written a moment ago
    try:
        Library(root).find_named("warm up")
        assert fast_answer(root, query)[0] == full_answer(root, query)
    finally:
        note_cache.RACY_MARGIN_NS = margin


@pytest.mark.parametrize(
    "command",
    [
        ("rm", "deberta"),
        ("rm", "deberta", "--yes"),
        ("note", "deberta", "x"),
        ("set", "deberta", "--status", "read"),
        ("key", "deberta", "new2021key"),
        ("show", "deberta"),
        ("export", "--bib", "deberta"),
    ],
)
def test_a_name_of_a_note_that_cannot_be_read_never_falls_through_to_another_paper(
    seed_library, command
):
    deberta = seed_library / "2021" / "deberta.md"
    deberta.write_text(
        deberta.read_text(encoding="utf-8").replace("status: unread", "status: done"),
        encoding="utf-8",
    )
    before = {p: p.read_bytes() for p in seed_library.rglob("*.md")}
    result = run(seed_library, *command)
    assert result.exit_code == 1
    assert "2021/deberta.md" in result.stderr.split("Error:")[-1]
    assert "debertav3" not in result.stdout
    assert {p: p.read_bytes() for p in seed_library.rglob("*.md")} == before


def test_the_index_finds_a_linked_path_only_as_a_whole_path_on_each_line():
    """Paths that contain one another (``2020/a.md``, ``2020/aa.md``, ``x2020/a.md``), several
    links per line, the first and the last line: the text search finds what a line-by-line
    split finds, and the line numbers stay right with many matches."""
    from papernotes.library.name_index import MARK, NameIndex, index_text

    paths = [f"2020/n{i}.md" for i in range(60)]
    links = ["2020/a.md", "2020/aa.md\t2020/a.md", "x2020/a.md", "", "2020/a.mdx\t2020/b.md"]
    links += ["2020/b.md\t2020/aa.md"] * 50 + ["2020/a.md"] * 4 + ["2020/b.md"]
    others = [["-"] * len(paths)] * 3
    marks = [["0" * MARK] * len(paths), ["0" * MARK]]  # each note's, the document order's
    index = NameIndex(index_text([paths, [f"d{i}" for i in range(60)], *others, links, *marks]))
    for target in ("2020/a.md", "2020/aa.md", "2020/b.md", "x2020/a.md", "2020/a.mdx", "0/a"):
        expected = [
            (paths[n], f"d{n}") for n, line in enumerate(links) if target in line.split("\t")
        ]
        assert index.linking(target) == expected, target
    assert len(index.linking("2020/b.md")) == 52


def test_a_document_yaml_changed_in_place_or_made_is_seen_by_show(clashing_library, trusting_cache):
    """``document.yaml`` is no note, but ``show`` warns of its errors: its stat is part of the
    year folders' stamp, so a made, broken or mended layout is seen as a run without caches
    sees it (a hostile test found the warning missing, then kept after the mend)."""
    layout = clashing_library / "document.yaml"
    for text in ("toc_depth: [\n", "title: Reading notes\n", "order: [\n"):
        for _ in range(2):  # the second run answers from what the first kept
            shown(clashing_library, "show", "devlin2019")
        with open(layout, "a" if layout.exists() else "w", encoding="utf-8") as file:
            file.write(text)  # in place once it exists: no folder changes
        expected = uncached(clashing_library, "show", "devlin2019")
        assert shown(clashing_library, "show", "devlin2019") == expected, text


def test_a_symlinked_note_is_never_answered_from_the_year_folders_stamp(
    clashing_library, trusting_cache
):
    """What a symlinked note points to can be replaced by a rename in another folder, which
    changes no year folder: with a symlinked note in the library, ``show`` checks every
    note's stat as a full lookup does (a hostile test saw the other paper missed)."""
    shelf = clashing_library / "shelf"
    shelf.mkdir()
    write_note(clashing_library, "shelf/a.md", Paper(title="Aside", year=2021, key="aside"))
    (clashing_library / "2021" / "alias.md").symlink_to(Path("..", "shelf", "a.md"))
    for _ in range(2):
        shown(clashing_library, "show", "devlin2019")
    replace_atomically(  # the note the symlink names, replaced in its own folder
        shelf / "a.md", render_note(Paper(title="Aside", year=2021, key="devlin2019"))
    )
    expected = uncached(clashing_library, "show", "devlin2019")
    assert expected[0] != 0  # two papers bear the name now
    assert shown(clashing_library, "show", "devlin2019") == expected


def test_the_index_text_is_made_holding_less_than_two_copies_of_it_not_three():
    """A cold ``show`` at 100,000 notes makes a text of tens of megabytes: each column is
    joined and let go, and the parts joined once (the text was copied three times)."""
    import sys
    import tracemalloc

    from papernotes.library.name_index import MARK, NameIndex, index_text

    count = 20_000

    def columns() -> list[list[str]]:
        return [
            [f"{2000 + i % 25}/paper{i}.md" for i in range(count)],
            [f"{i:032x}" for i in range(count)],
            [f"key{i}" for i in range(count)],
            [f"2001.{i:05d}" for i in range(count)],
            [f"预训练 title number {i}" for i in range(count)],  # two bytes a character
            [""] * count,
            [f"{i:0{MARK}x}" for i in range(count)],
            ["0" * MARK],
        ]

    tracemalloc.start()
    try:
        made = columns()
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        text = index_text(made)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert text == index_text(columns())
    assert NameIndex(text).exact("key7") == [("2007/paper7.md", f"{7:032x}")]
    assert peak < 1.5 * sys.getsizeof(text), peak / sys.getsizeof(text)


def test_a_show_that_makes_the_index_lets_go_of_every_note_before_making_its_text(
    tmp_path, trusting_cache, monkeypatch
):
    """At 100,000 notes the notes take 180 MB and the index text tens more: a cold ``show``
    no longer holds both (it answers from the index it made, as a warm one does)."""
    import tracemalloc

    from papernotes.library import name_index_lookup
    from tests.storage.test_cold_load import write_notes

    root = tmp_path / "notes"
    root.mkdir()
    write_notes(root, 600)
    held: list[int] = []
    real = name_index_lookup.index_text

    def measured(columns):
        held.append(tracemalloc.get_traced_memory()[0])
        return real(columns)

    other = tmp_path / "other"
    other.mkdir()
    write_notes(other, 20)
    for _ in range(2):  # every module a show imports, imported before measuring
        Library.open(other).find_named("paper1")
    monkeypatch.setattr(name_index_lookup, "index_text", measured)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        notes_held = len(Library.open(root).notes()) and tracemalloc.get_traced_memory()[0]
        notes_held -= before  # what the notes take (and the caches written: a warm show next)
        before = tracemalloc.get_traced_memory()[0]
        _, note, linked = Library.open(root).find_named("paper7")
    finally:
        tracemalloc.stop()
    assert len(held) == 1 and held[0] - before < notes_held / 3, (held[0] - before, notes_held)
    assert note is not None and note.paper.key == "paper7" and linked == []
    assert (
        run(root, "show", "paper7").stdout
        == run(root, "show", "paper7", env={cache_location.DISABLE_ENV: "1"}).stdout
    )


def with_links(root: Path) -> None:
    """Notes linking by key, by slug, by arXiv id, to two papers at once, to none, to
    themselves, and a link naming a key in another case."""
    assert run(root, "note", "samea", "[[bert-again]], [[1810.04805]], [[same-b]]").exit_code == 0
    assert run(root, "note", "sameb", "[[bert]] and [[nothing]] and [[sameb]]").exit_code == 0
    assert run(root, "note", "zhengliu", "[[TINY]] [[2020/tiny]] [[devlin2019]]").exit_code == 0


def with_a_broken_note_and_an_order(root: Path) -> None:
    with_links(root)
    (root / "2021" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (root / "document.yaml").write_text(
        "order:\n- 2020/tiny.md\n- 2020/bert.md\n- 2022/same-b.md\n", encoding="utf-8"
    )


def with_a_document_yaml_that_does_not_read(root: Path) -> None:
    with_links(root)
    (root / "document.yaml").write_text("order: [\n", encoding="utf-8")


@pytest.mark.parametrize(
    "made",
    [with_links, with_a_broken_note_and_an_order, with_a_document_yaml_that_does_not_read],
    ids=lambda made: made.__name__,
)
@pytest.mark.parametrize("cached", [False, True], ids=["cold", "warm"])
def test_the_index_made_a_shard_at_a_time_is_the_one_made_from_every_note(
    clashing_library, trusting_cache, made, cached
):
    """``show`` makes the index from the notes handed over one note cache shard at a time
    (``library/name_columns.py``): the same text, the same problems, as from every note."""
    from papernotes.library.name_columns import streamed_name_columns
    from papernotes.library.name_index import index_text, name_columns

    made(clashing_library)
    if cached:
        assert run(clashing_library, "list").exit_code in (0, 1)
    full = Library(clashing_library)
    expected = index_text(name_columns(full)), full.problems()
    streamed = streamed_name_columns(Library(clashing_library))
    assert streamed is not None
    assert (index_text(streamed[0]), streamed[1]) == expected
    assert any("\t" in line or "/" in line for line in expected[0].split("\n\0\n")[5].split("\n"))


@pytest.mark.parametrize("fill_from", [100, 10**6], ids=["filled-first", "parsed-in-shards"])
def test_a_show_that_makes_the_index_holds_one_shard_of_notes_at_a_time(
    tmp_path, trusting_cache, monkeypatch, fill_from
):
    """At 100,000 notes ``show`` making the index held every note (160 MB, a peak of about
    250 MB): now each note cache shard is read alone and its notes let go before the next,
    cold (the entries made first a shard at a time, or each note parsed as its shard comes
    and the new entries written with it) and warm."""
    import tracemalloc

    from papernotes.storage import note_loads
    from papernotes.storage.caches.shards import ShardedEntries
    from tests.storage.test_cold_load import write_notes

    monkeypatch.setattr(note_loads, "FILL_FROM", fill_from)
    root = tmp_path / "notes"
    root.mkdir()
    for path in write_notes(root, 900):  # with a page of text each, as notes grow
        with (root / path).open("a", encoding="utf-8") as note:
            note.write(f"{path} 笔记 " * 200 + "\n")
    other = tmp_path / "other"
    other.mkdir()
    write_notes(other, 120)
    for _ in range(2):  # every module a show imports, imported before measuring
        Library.open(other).find_named("paper1")
    every = calls_of(monkeypatch, ShardedEntries, "read")
    loads = calls_of(monkeypatch, NoteStore, "load")
    for warm in (False, True):
        if warm:
            other = root / "2003" / "paper3.md"  # the index made again: no stamp holds
            other.write_text(other.read_text(encoding="utf-8") + "more\n", encoding="utf-8")
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            _, note, _ = Library.open(root).find_named("paper7")
            peak = tracemalloc.get_traced_memory()[1] - before
        finally:
            tracemalloc.stop()
        assert note is not None and note.paper.key == "paper7"
        assert every == [] and loads == []
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            notes = Library.open(root).notes()
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        del notes
        every.clear()
        loads.clear()
        assert peak < held / 2, (warm, peak, held)


def key_case_unlinks(root: Path) -> str:
    """``[[Smith]]`` names Beta by its exact key until Beta's key changes in case alone:
    then it names two papers (Smith and SMITH, case aside), so none."""
    write_note(
        root,
        "2020/alpha.md",
        Paper(title="Alpha", year=2020, key="alpha", notes=("see [[Smith]]",)),
    )
    write_note(root, "2020/beta.md", Paper(title="Beta", year=2020, key="Smith"))
    write_note(root, "2021/gamma.md", Paper(title="Gamma", year=2021, key="SMITH"))
    return "key: Smith"


def key_case_links(root: Path) -> str:
    """``[[Smith]]`` names no paper (two keys fold to it, neither is it) until Beta's key
    changes in case alone to exactly it."""
    write_note(
        root,
        "2020/alpha.md",
        Paper(title="Alpha", year=2020, key="alpha", notes=("see [[Smith]]",)),
    )
    write_note(root, "2020/beta.md", Paper(title="Beta", year=2020, key="sMITH"))
    write_note(root, "2021/gamma.md", Paper(title="Gamma", year=2021, key="SMITH"))
    return "key: sMITH"


@pytest.mark.parametrize("listed", [False, True], ids=["index-alone", "rows-kept-too"])
@pytest.mark.parametrize("made", [key_case_unlinks, key_case_links], ids=lambda m: m.__name__)
def test_a_key_changed_in_case_alone_changes_which_paper_a_link_names_and_show_sees_it(
    empty_library, trusting_cache, made, listed
):
    """The index folds keys, but a link names a paper by its exact key first: a change of
    case keeps every folded name, yet moves a link (found by review), so a note whose key
    changed in case alone (its ``mark`` in the index) has the index made again."""
    old = made(empty_library)
    if listed:
        assert run(empty_library, "list").exit_code == 0
    for query in ("2020/beta", "alpha", "Gamma"):
        shown(empty_library, "show", query)
    beta = empty_library / "2020" / "beta.md"
    replace_atomically(
        beta,
        beta.read_text(encoding="utf-8").replace(
            old, "key: Smith" if old.endswith("sMITH") else "key: sMITH"
        ),
    )
    for args in (("show", "2020/beta"), ("show", "--json", "2020/beta"), ("show", "Gamma")):
        assert shown(empty_library, *args) == uncached(empty_library, *args), args


@pytest.mark.parametrize("odd", ["２０２２", "2021\n"], ids=["full-width-digits", "line-break"])
def test_a_year_folder_of_an_odd_name_never_misleads_show_after_writes(
    empty_library, trusting_cache, odd
):
    """A folder the scan takes for a year though its name is no four ASCII digits (``\\d``
    matches any digit, ``$`` a final line break) gives no year folders' stamp: ``show``
    failed with a traceback, or read a stamp shifted by the longer name and missed a
    change of another folder (found by review)."""
    root = empty_library
    write_note(root, "2020/alpha.md", Paper(title="Alpha", year=2020, key="alpha"))
    write_note(root, "2021/beta.md", Paper(title="Beta", year=2021, key="beta"))
    (root / odd).mkdir()
    shown(root, "show", "alpha")
    for rel, old, new in (
        ("2020/alpha.md", "status: unread", "status: read"),  # no name changes
        ("2021/beta.md", "key: beta", "key: alpha"),  # now two papers have the name
    ):
        replace_atomically(root / rel, (root / rel).read_text(encoding="utf-8").replace(old, new))
    assert shown(root, "show", "alpha") == uncached(root, "show", "alpha")


@pytest.mark.parametrize("full", [("list",), ("search", "bert"), ("queue",)])
def test_show_after_an_edit_in_place_and_a_full_read_reads_the_edited_note_alone(
    clashing_library, trusting_cache, monkeypatch, full
):
    """A command that works out the folder's state drops the year folders' stamp when a
    note changed (maybe in place: ``show`` may no longer trust the year folders), and the
    next ``show`` made the index from every note (100,000 notes: 1.9–2.9 s after an edit
    and a ``list``). Now the state is kept with it: ``show`` stats every note and reads the
    changed one alone, as after a write."""
    from papernotes.library import name_columns, name_index_lookup

    assert run(clashing_library, "list").exit_code == 0
    for query in CHANGED_QUERIES:
        shown(clashing_library, "show", query)
    note = clashing_library / "2022" / "same-a.md"  # in place: no folder changes
    note.write_text(note.read_text(encoding="utf-8") + "an edit\n", encoding="utf-8")
    assert run(clashing_library, *full).exit_code in (0, 1)
    expected = {q: uncached(clashing_library, "show", q) for q in CHANGED_QUERIES}
    made = calls_of(monkeypatch, name_index_lookup, "name_columns")
    streamed = calls_of(monkeypatch, name_columns, "streamed_name_columns")
    for query in CHANGED_QUERIES:
        assert shown(clashing_library, "show", query) == expected[query], query
    assert made == [] and streamed == []
    assert "an edit" in expected["samea"][1]


@given(
    st.lists(st.binary(min_size=3, max_size=3), max_size=40),
    st.sets(st.integers(min_value=0, max_value=39)),
    st.integers(min_value=1, max_value=7),
)
def test_the_stat_keys_that_differ_are_found_run_by_run_as_one_by_one(items, changed, run):
    """``differing`` compares runs of keys first: it finds the same keys as comparing each."""
    kept = b"".join(items)
    now = b"".join(
        bytes(b ^ 1 for b in item) if i in changed else item for i, item in enumerate(items)
    )
    expected = [i for i in range(len(items)) if now[3 * i : 3 * i + 3] != kept[3 * i : 3 * i + 3]]
    assert differing(now, kept, 3, run) == expected
    assert expected == sorted(changed & set(range(len(items))))
