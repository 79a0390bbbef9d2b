"""``links PAPER`` and ``key PAPER`` from the kept name index (library/index_links.py): a few
notes read, not every note, and always what a run without caches prints; the index's links
part brought up to date from a changed note (library/name_index_update.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.library import Library
from papernotes.model import Paper
from papernotes.storage.caches import location as cache_location
from papernotes.storage.note_format import render_note
from papernotes.storage.store import NoteStore
from tests.helpers import calls_of, run


def write_note(root: Path, rel: str, paper: Paper) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_note(paper), encoding="utf-8")


def replace_atomically(path: Path, text: str) -> None:
    """Write as an editor that saves through a new file does: the folder changes."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def edit_atomically(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    replace_atomically(path, text.replace(old, new, 1))


@pytest.fixture
def linked_library(empty_library) -> Path:
    """Links by key, by slug, by arXiv id (with prefix and version), by a key in another
    case, to no paper, to two papers (case aside) with one exact, to the note itself; two
    notes of one year linking to one paper, ordered by their dates added."""
    root = empty_library
    notes = {
        "2020/bert.md": Paper(title="BERT", year=2020, key="devlin2019", arxiv="1810.04805"),
        "2021/roberta.md": Paper(
            title="RoBERTa", year=2021, key="liu2019", added="2024-01-02",
            notes=("builds on [[devlin2019]]", "and on [[devlin2019|BERT]] again"),
        ),
        "2021/tiny.md": Paper(
            title="TinyBERT", year=2021, key="Tiny", added="2024-01-03",
            notes=("distils [[bert]] (a slug)", "compare [[liu2019]]"),
        ),
        "2019/byid.md": Paper(
            title="By id", year=2019, key="byid",
            body="see [[arXiv:1810.04805v2|the paper]] and [[1810.04805]]",
        ),
        "2022/case.md": Paper(
            title="Case", year=2022, key="caseA",
            notes=("[[DEVLIN2019]] in capitals", "[[nothing]] names none"),
        ),
        "2022/selfie.md": Paper(
            title="Selfie", year=2022, key="selfie", notes=("[[selfie]] and [[Tiny]]",)
        ),
        "2023/smith-a.md": Paper(title="Smith A", year=2023, key="Smith"),
        "2023/smith-b.md": Paper(title="Smith B", year=2023, key="SMITH"),
        "2023/alpha.md": Paper(
            title="Alpha", year=2023, key="alpha", notes=("[[Smith]] and [[smith]]",)
        ),
    }  # fmt: skip
    for rel, paper in notes.items():
        write_note(root, rel, paper)
    return root


QUERIES = ["devlin2019", "liu2019", "Tiny", "byid", "caseA", "selfie", "2023/smith-a"]
QUERIES += ["2023/smith-b", "alpha", "Smith", "nothing", "1810.04805", "broken"]


def shown(root: Path, *args: str, env: dict | None = None) -> tuple:
    result = run(root, *args, env=env)
    return result.exit_code, result.stdout, result.stderr


def uncached(root: Path, *args: str) -> tuple:
    return shown(root, *args, env={cache_location.DISABLE_ENV: "1"})


def commands(query: str) -> list[tuple[str, ...]]:
    """The read commands naming a paper through the index (``note`` with no TEXT prints)."""
    return [
        ("links", query),
        ("links", query, "--json"),
        ("key", query),
        ("show", query),
        ("note", query),
    ]


def link_added_through_papernotes(root: Path) -> None:
    """Another note now links to the paper (resolved to its key as it is saved)."""
    assert run(root, "note", "byid", "-q", "cites [[bert]] too").exit_code == 0


def link_removed_by_an_editor(root: Path) -> None:
    edit_atomically(root / "2021" / "roberta.md", "builds on [[devlin2019]]", "builds on BERT")


def link_forms_written_by_an_editor(root: Path) -> None:
    """Slug, arXiv id with a version, a key in capitals, a path: all name one paper."""
    edit_atomically(
        root / "2021" / "roberta.md",
        "builds on [[devlin2019]]",
        "builds on [[BERT]], [[1810.04805v3]], [[DEVLIN2019]] and [[2020/bert]]",
    )


def linked_key_changed_through_papernotes(root: Path) -> None:
    """The links to the old key are rewritten to the new one in every linking note."""
    assert run(root, "key", "devlin2019", "devlin2019b").exit_code == 0


def linking_key_changed_through_papernotes(root: Path) -> None:
    assert run(root, "key", "liu2019", "liu2019b").exit_code == 0


def linked_key_changed_in_case_alone(root: Path) -> None:
    """``[[Smith]]`` named Smith A by its exact key; now it names both, case aside: none."""
    edit_atomically(root / "2023" / "smith-a.md", "key: Smith", "key: sMITH")


def linking_note_added_earlier(root: Path) -> None:
    """RoBERTa's date added now comes after TinyBERT's: the papers linking to BERT swap."""
    edit_atomically(root / "2021" / "roberta.md", "added: '2024-01-02'", "added: '2024-01-04'")


def linking_note_year_edited(root: Path) -> None:
    """RoBERTa's year is now 2019 (its file stays in 2021/): it is listed after By id."""
    edit_atomically(root / "2021" / "roberta.md", "year: 2021", "year: 2019")


def document_order_written(root: Path) -> None:
    """``document.yaml`` orders TinyBERT before RoBERTa (a write in 2021 first, so the year
    folders alone cannot tell)."""
    assert run(root, "set", "liu2019", "--tag", "+x").exit_code == 0
    replace_atomically(root / "document.yaml", "order:\n- 2021/tiny.md\n- 2021/roberta.md\n")


def linking_note_edited_in_place(root: Path) -> None:
    """No folder changes: the index still says RoBERTa links to BERT, but RoBERTa's bytes
    are not the indexed ones, so every note is read."""
    path = root / "2021" / "roberta.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("[[devlin2019]]", "BERT"), encoding="utf-8"
    )


def link_added_in_place_by_an_editor(root: Path) -> None:
    """A note that linked to nothing now links to BERT, saved in place (as nano, VS Code or
    ``>>`` save: no year folder changes): "Linked from" must list it, so ``links`` stats
    every note (``show``, ``key`` and ``note`` read only the note named, and check it)."""
    path = root / "2023" / "smith-b.md"
    text = path.read_text(encoding="utf-8")
    with path.open("r+", encoding="utf-8") as file:  # the same file: its folder unchanged
        file.write(text.rstrip("\n") + "\n\nread with [[devlin2019]]\n")


def note_that_cannot_be_read_written(root: Path) -> None:
    """A note that does not parse (warned of by ``note`` and ``show``), whose slug another
    note links by: the name index leaves it out, as every run does."""
    replace_atomically(root / "2021" / "broken.md", "---\ntitle: [\n---\n")
    edit_atomically(root / "2023" / "alpha.md", "[[Smith]] and", "[[broken]], [[Smith]] and")


CHANGES = [
    link_added_through_papernotes,
    note_that_cannot_be_read_written,
    link_removed_by_an_editor,
    link_forms_written_by_an_editor,
    linked_key_changed_through_papernotes,
    linking_key_changed_through_papernotes,
    linked_key_changed_in_case_alone,
    linking_note_added_earlier,
    linking_note_year_edited,
    document_order_written,
    linking_note_edited_in_place,
    link_added_in_place_by_an_editor,
]


@pytest.mark.parametrize("listed", [False, True], ids=["index-alone", "rows-kept-too"])
@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_links_and_key_after_a_change_print_what_a_run_without_caches_prints(
    linked_library, trusting_cache, change, listed
):
    """Each change once the index is kept (and with ``list``'s rows kept, which the index
    is brought up to date from when the year folders alone cannot tell)."""
    root = linked_library
    if listed:
        assert run(root, "list").exit_code == 0
    for query in QUERIES:  # the index kept, and answers from it
        for args in commands(query):
            shown(root, *args)
    change(root)
    queries = [*QUERIES, "devlin2019b", "liu2019b"]
    expected = {args: uncached(root, *args) for query in queries for args in commands(query)}
    for _ in range(2):  # the index brought up to date (or made), then kept for the new state
        for args, answer in expected.items():
            assert shown(root, *args) == answer, args


def test_the_fixture_links_as_its_docstring_says(linked_library):
    """The rules the test above relies on, seen from a run without caches."""
    out = uncached(linked_library, "links", "devlin2019")[1]
    linked_from = out.split("Linked from:")[1]
    for source in ("liu2019", "Tiny", "byid", "caseA"):
        assert source in linked_from, source
    assert linked_from.index("liu2019") < linked_from.index("Tiny")  # 2021: by date added
    assert (
        "alpha (2023/alpha.md)"
        in uncached(linked_library, "links", "2023/smith-a")[1].split("Linked from:")[1]
    )
    assert (
        "alpha" not in uncached(linked_library, "links", "2023/smith-b")[1].split("Linked from:")[1]
    )
    selfie = uncached(linked_library, "links", "selfie")[1].split("Linked from:")[1]
    assert "selfie (2022/selfie.md)" in selfie


def spy_full_reads(monkeypatch) -> list:
    """Every load of every note, and every index made from every note."""
    from papernotes.library import name_columns, name_index_lookup

    seen = calls_of(monkeypatch, NoteStore, "load")
    made = calls_of(monkeypatch, name_index_lookup, "name_columns")
    streamed = calls_of(monkeypatch, name_columns, "streamed_name_columns")
    return [seen, made, streamed]


@pytest.mark.parametrize(
    "change",
    [link_added_through_papernotes, link_removed_by_an_editor, link_forms_written_by_an_editor],
    ids=lambda change: change.__name__,
)
def test_links_and_key_after_another_note_changed_read_a_few_notes_not_every_note(
    linked_library, trusting_cache, monkeypatch, change
):
    """At 100,000 notes ``links KEY`` read every note (1.4 s; 5 s once notes link), and
    ``key KEY`` and ``note KEY`` too (1.3 s): now the kept name index names the paper and
    the notes linking to it, and a changed note's links are written over its line of it."""
    root = linked_library
    for query in ("devlin2019", "liu2019"):
        shown(root, "links", query)
    change(root)
    expected = {q: uncached(root, "links", q) for q in ("devlin2019", "liu2019", "byid")}
    keys = {q: uncached(root, "key", q) for q in ("devlin2019", "Tiny")}
    shows = {q: uncached(root, "show", q) for q in ("devlin2019", "byid")}
    printed = uncached(root, "note", "liu2019")
    full = spy_full_reads(monkeypatch)
    for query, answer in expected.items():
        assert shown(root, "links", query) == answer, query
    for query, answer in keys.items():
        assert shown(root, "key", query) == answer, query
    for query, answer in shows.items():  # show: the index was made again once a note linked
        assert shown(root, "show", query) == answer, query
    assert shown(root, "note", "liu2019") == printed
    assert full == [[], [], []]


def test_a_damaged_kept_index_gives_the_answer_of_every_note(linked_library, trusting_cache):
    from papernotes.storage.caches.list_output_cache import ListOutputCache

    root = linked_library
    for query in ("devlin2019", "liu2019"):
        shown(root, "links", query)
    folder = ListOutputCache.for_library(os.path.realpath(root)).folder
    assert folder is not None
    kept = [p for p in folder.iterdir() if p.is_file()]
    assert kept
    for path in kept:  # every kept output damaged in its middle
        data = bytearray(path.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 8] = b"\n\t\n\t\n\t\n\t"
        path.write_bytes(bytes(data))
    for query in ("devlin2019", "liu2019", "Tiny"):
        for args in commands(query):
            assert shown(root, *args) == uncached(root, *args), args


def test_an_index_that_lies_about_a_notes_bytes_is_not_answered_from(
    linked_library, trusting_cache
):
    """``links_answer`` over a text that is no index, and over an index whose digests are
    not the notes' (every digest of one length replaced): None, the caller reads every note."""
    from papernotes.library.index_links import links_answer
    from papernotes.library.name_index import index_text, name_columns

    library = Library(linked_library)
    text = index_text(name_columns(library))
    assert links_answer(Library(linked_library), [], text, "devlin2019") is not None
    assert links_answer(Library(linked_library), [], "not an index", "devlin2019") is None
    digests = {n.digest for n in library.notes()}
    lying = text
    for digest in digests:
        lying = lying.replace(digest, "0" * len(digest))
    assert links_answer(Library(linked_library), [], lying, "devlin2019") is None


def every_paper_ordered(root: Path) -> None:
    """``document.yaml`` orders every paper: a paper's place is its year and its rank."""
    order = sorted(str(p.relative_to(root)) for p in root.glob("20*/*.md"))
    (root / "document.yaml").write_text(
        "order:\n" + "".join(f"- {rel}\n" for rel in order), encoding="utf-8"
    )


def title_changed_by_an_editor(root: Path) -> None:
    """A paper the document orders gets another title: it stays where it was."""
    edit_atomically(root / "2021" / "roberta.md", "title: RoBERTa", "title: RoBERTa Large")


@pytest.mark.parametrize(
    ("change", "queries"),
    [
        (linked_key_changed_through_papernotes, ["devlin2019b", "liu2019", "caseA", "Tiny"]),
        (linking_key_changed_through_papernotes, ["devlin2019", "liu2019b", "Tiny"]),
        (title_changed_by_an_editor, ["devlin2019", "RoBERTa Large", "liu2019", "Tiny"]),
    ],
    ids=["linked-key", "linking-key", "title"],
)
def test_show_and_links_after_a_key_or_title_change_write_over_the_index_not_make_it_again(
    linked_library, trusting_cache, monkeypatch, change, queries
):
    """At 100,000 notes ``show KEY`` after a key or a title change made the index again
    from every note (2.3 s of CPU): now the changed notes' lines are written over (and,
    after a key change, every note holding a link has its links answered again)."""
    root = linked_library
    every_paper_ordered(root)
    for query in ("devlin2019", "liu2019"):
        shown(root, "show", query)
    change(root)
    expected = {args: uncached(root, *args) for q in queries for args in commands(q)}
    full = spy_full_reads(monkeypatch)
    for args, answer in expected.items():
        assert shown(root, *args) == answer, args
    assert full == [[], [], []]


link_names = st.sampled_from(["a", "A", "b", "2020/a", "x", "1810.04805", "arXiv:1810.04805v2"])
small_papers = st.lists(
    st.tuples(
        st.sampled_from([2020, 2021]),
        st.sampled_from(["a", "b", "c", "x"]),  # slug
        link_names,  # key
        st.sampled_from(["", "1810.04805", "2006.05525"]),
        st.lists(link_names, max_size=3),  # the names its note links to
        st.sampled_from(["", "2024-01-01", "2024-02-01"]),  # date added
    ),
    min_size=1,
    max_size=5,
)


def small_library(root: Path, papers: list) -> list[str]:
    """The notes of ``papers`` (one per path: a later one of a path left out); their paths."""
    written: list[str] = []
    for year, slug, key, arxiv, links, added in papers:
        rel = f"{year}/{slug}.md"
        if rel in written:
            continue
        notes = tuple(f"see [[{name}]]" for name in links)
        paper = Paper(title=f"T {slug}", year=year, key=key, arxiv=arxiv, added=added, notes=notes)
        write_note(root, rel, paper)
        written.append(rel)
    return written


def uses_of(found) -> tuple:
    def use(u) -> tuple:
        return (u.source.path, u.line, u.text, u.link, u.target and u.target.path)

    note, out, into = found
    return note.path, [use(u) for u in out], [use(u) for u in into]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(papers=small_papers, change=small_papers, query=link_names)
def test_links_from_the_index_and_the_index_written_over_agree_with_every_note(
    tmp_path_factory, papers, change, query
):
    """Over any small library: ``links_answer`` from the index is ``outgoing`` and
    ``incoming`` over every note, and the index with one note rewritten (same path: another
    key, arXiv id, links, date added) written over it by ``with_changes`` is the index made
    from every note, whenever either gives an answer."""
    from papernotes.library.index_links import links_answer
    from papernotes.library.name_index import NameIndex, index_text, name_columns
    from papernotes.library.name_index_patch import with_changes
    from papernotes.library.names import find_note
    from papernotes.library.paper_links import incoming, outgoing

    root = tmp_path_factory.mktemp("lib")
    paths = small_library(root, papers)
    library = Library(root)
    text = index_text(name_columns(library))
    found = links_answer(Library(root), [], text, query)
    if found is not None:
        note = find_note(library.notes(), query)
        assert uses_of(found) == uses_of((note, outgoing(library, note), incoming(library, note)))
    year, _, key, arxiv, links, added = change[0]
    rel = paths[0]
    notes = tuple(f"see [[{name}]]" for name in links)
    old = library.store.read(rel).paper
    new = Paper(title=old.title, year=old.year, key=key, arxiv=arxiv, added=added, notes=notes)
    write_note(root, rel, new)
    patched = with_changes(Library(root), NameIndex(text), [rel])
    if patched is not None:
        assert patched == index_text(name_columns(Library(root)))


def test_a_key_change_of_a_paper_linking_to_itself_keeps_the_kept_outputs(
    linked_library, trusting_cache, monkeypatch
):
    """``key`` compared the paper's first write with its file after the second (its link to
    itself renamed) and took its own write for an outside edit: every kept output (``list``'s,
    the name index) was dropped, so the next ``show`` made the index from every note."""
    root = linked_library
    shown(root, "show", "selfie")
    assert run(root, "key", "selfie", "selfie2").exit_code == 0
    expected = {args: uncached(root, *args) for args in commands("selfie2")}
    assert "[[selfie2]]" in expected[("note", "selfie2")][1]
    full = spy_full_reads(monkeypatch)
    for args, answer in expected.items():
        assert shown(root, *args) == answer, args
    assert full == [[], [], []]
