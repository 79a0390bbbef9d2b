"""``check``'s problems worked out on every note at once (library/checks.py: shapes matched in
C, the first note of each key, id and title found by dicts, titles normalized together) are
exactly those the checks made one note at a time give, in the same order; and ``check``
reads every file (its digest on two cores first: storage/file_digests.py) and still finds
a file changed behind the note cache's back."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from papernotes.formats.bibtex.keys import identifier_problems
from papernotes.library import Library
from papernotes.library.checks import conflict_problems, fold_case, library_problems
from papernotes.library.paper_links import dangling
from papernotes.model import Problem, normalize_title
from papernotes.storage import file_digests as file_digests_module
from papernotes.storage.note_writes import digest
from papernotes.text.arxiv_ids import BASE_ID_SHAPE, base_id
from papernotes.text.titles import normalize_titles
from tests.helpers import files_a_fifo_and_a_missing, run
from tests.storage.test_note_cache import hold_a_stale_copy


def one_by_one(library: Library) -> list[Problem]:
    """The checks as they were made before (each note in turn): what ``check`` must give."""
    store = library.store
    problems = library.problems()
    notes = library.notes()
    keys = {fold_case(note.paper.key) for note in notes}
    names: dict[str, list[tuple[str, str]]] = {}
    for note in notes:
        given = [("path", note.path), ("path", note.path.removesuffix(".md")), ("slug", note.slug)]
        if note.paper.arxiv:
            given.append(("arXiv id", note.paper.arxiv))
        for rule, name in given:
            if name.casefold() in keys:
                names.setdefault(name.casefold(), []).append((rule, note.path))
    seen_keys: dict[str, str] = {}
    seen_arxiv: dict[str, str] = {}
    seen_titles: dict[str, str] = {}
    for note in notes:
        paper = note.paper
        named = [(r, p) for r, p in names.get(paper.key.casefold(), ()) if p != note.path]
        if paper.key and named:
            rule, path = named[0]
            message = f"key {paper.key!r} is the {rule} of {path}, so it names two papers"
            problems.append(Problem(note.path, store.field_line(note.path, "key"), message))
        for name, message in identifier_problems(paper):
            problems.append(Problem(note.path, store.field_line(note.path, name), message))
        key = fold_case(paper.key)
        if key and key in seen_keys:
            message = f"key {paper.key!r} is also used by {seen_keys[key]}"
            problems.append(Problem(note.path, store.field_line(note.path, "key"), message))
        seen_keys.setdefault(key, note.path)
        arxiv = base_id(paper.arxiv) if paper.arxiv else ""
        if arxiv and arxiv in seen_arxiv:
            message = f"arXiv id {arxiv!r} is also used by {seen_arxiv[arxiv]}"
            problems.append(Problem(note.path, store.field_line(note.path, "arxiv"), message))
        if arxiv:
            seen_arxiv.setdefault(arxiv, note.path)
        title = normalize_title(paper.title)
        if title in seen_titles:
            problems.append(Problem(note.path, 1, f"same title as {seen_titles[title]}"))
        seen_titles.setdefault(title, note.path)
    return problems + dangling(library) + conflict_problems(library, problems)


KEYS = ["", "smith2020", "Smith2020", "SMITH2020", "bad key", "x" * 70, "2020/a", "2020/b.md"]
KEYS += ["b", "2006.03654", "hep-th/9901001", "a:b.c+d/e", "é2020", "_under"]
ARXIVS = ["", "2006.03654", "2006.03654v2", "arXiv:2006.03654", "0612.0001", "0704.0001"]
ARXIVS += ["hep-th/9901001", "HEP-TH/9901001", "2006.3654", "1501.00001", "1501.0001", "x"]
ARXIVS += ["https://arxiv.org/abs/2006.03654", " 2006.03654", "2006.03654\n", "0000.00000"]
TITLES = ["Attention", "attention!", "Attention ", "Atténtion", "ATTENTION?", "注意力", "注意 力"]
TITLES += ["A_B", "a b", "Ǆ", "ﬁne", "Fine", "", "...", "Straße", "STRASSE"]
BODIES = ["", "see [[b]]", "see [[nobody]]", "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs"]

note_fields = st.tuples(
    st.sampled_from(KEYS),
    st.sampled_from(ARXIVS),
    st.sampled_from(TITLES),
    st.sampled_from(BODIES),
    st.sampled_from(["2020", "2021"]),
)


def write_note(root: Path, number: int, fields: tuple[str, str, str, str, str]) -> None:
    key, arxiv, title, body, year = fields
    name = "b" if number == 1 else f"n{number}"
    path = root / year / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = f"title: {title!r}\nyear: {year}\n" if title else f"title: 'T{number}'\nyear: {year}\n"
    if key:
        front += f"key: {key!r}\n"
    if arxiv:
        front += f"arxiv: {arxiv!r}\n"
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(notes=st.lists(note_fields, min_size=1, max_size=14))
@example(  # titles that are all punctuation (normalized to nothing), keys naming others
    notes=[
        ("2020/n2", "2006.03654", "...", BODIES[1], "2020"),
        ("b", "2006.03654v2", "?!", BODIES[3], "2020"),
        ("2006.03654", "", "Straße", BODIES[2], "2021"),
        ("SMITH2020", "x", "STRASSE", "", "2021"),
        ("smith2020", "hep-th/9901001", "Ǆ", "", "2020"),
        ("", "", "...", "", "2021"),
        ("ok2", "", "ǅ", "", "2021"),
    ]
)
def test_the_problems_worked_out_at_once_are_those_of_each_note_checked_in_turn(
    tmp_path_factory, notes
):
    root = tmp_path_factory.mktemp("lib") / "notes"
    root.mkdir()
    (root / "document.yaml").write_text("order: []\n", encoding="utf-8")
    for number, fields in enumerate(notes):
        write_note(root, number, fields)
    library = Library(root)
    library.check()
    got = library_problems(library)
    assert [str(p) for p in got] == [str(p) for p in one_by_one(library)]


def test_a_base_id_is_recognised_by_its_shape_exactly_as_base_id_recognises_it():
    forms = []
    for yy in range(100):
        for mm in range(14):
            for number in ("0000", "0001", "1234", "00000", "00001", "12345", "123", "123456"):
                forms += [f"{yy:02d}{mm:02d}.{number}", f"{yy:02d}{mm:02d}.{number}v2"]
            for archive in ("hep-th", "cs", "math.AG", "math.ag", "a-b", "Cs", "1a"):
                forms += [f"{archive}/{yy:02d}{mm:02d}{n}" for n in ("001", "000", "1234")]
    forms += ["2006.03654\n", " 2006.03654", "arXiv:2006.03654", "", "x", "2006.03654 "]
    forms += ["https://arxiv.org/abs/2006.03654", "2006.03654v0", "hep-th/9901001v1"]
    shaped = [f for f in forms if BASE_ID_SHAPE.fullmatch(f)]
    assert shaped == [f for f in forms if base_id(f) == f != ""]
    assert len(shaped) > 1000


ODD_LETTERS = "ab C_-,. !?\t\n\x00\x1c\x0b\r\x85\xa0é蒸ÅﬁΣꙮ\u0301ǅ①ＡẞİŉΐﬀĲ"
"""Punctuation, controls, accents, ligatures and the letters the titles are joined by."""


@settings(max_examples=300, deadline=None)
@given(
    titles=st.lists(
        st.text(
            alphabet=st.sampled_from(
                "ab C_-,. !?\t\n\x00\x1c\x0b\r\x85\xa0é蒸ÅﬁΣꙮ\u0301ǅ①ＡẞİŉΐﬀĲ"
            ),
            max_size=12,
        ),
        max_size=30,
    )
)
def test_titles_normalized_together_are_each_normalized_alone(titles):
    assert normalize_titles(titles) == [normalize_title(title) for title in titles]


def test_titles_normalized_together_in_groups_of_thousands_are_each_normalized_alone():
    pick = random.Random(7)
    letters = "abcXYZ _-,.!?'\"()[]:;/é蒸ÅﬁΣ\u0301ǅ①ＡẞİΐĲ"
    titles = [
        "".join(pick.choice(letters) for _ in range(pick.randint(0, 30))) for _ in range(12000)
    ]
    assert normalize_titles(titles) == [normalize_title(title) for title in titles]


def test_check_repairs_a_stale_copy_with_the_digests_read_on_two_cores(
    seed_library, trusting_cache, monkeypatch
):
    """Every file's digest is read first, the second half by a forked child (from 20,000
    notes; here from one): a copy kept under its file's stat but made from other bytes is
    still found and repaired, whichever process read it, and the next check is clean."""
    monkeypatch.setattr("papernotes.storage.split_stat.SPLIT_FROM", 1)
    for rel in ("2019/roberta.md", "2023/debertav3.md"):  # a first and a last note
        hold_a_stale_copy(seed_library, rel, "STALE COPY")
        result = run(seed_library, "check")
        assert result.exit_code == 0, result.output
        assert f"repaired the note cache: {rel}" in result.stderr
        assert "STALE" not in run(seed_library, "list").stdout
        assert "repaired" not in run(seed_library, "check").stderr


def test_file_digests_from_two_processes_are_those_of_one_pass(tmp_path, monkeypatch):
    prefix, rels = files_a_fifo_and_a_missing(tmp_path)
    one_pass = file_digests_module._digests(prefix, rels)
    monkeypatch.setattr("papernotes.storage.split_stat.SPLIT_FROM", 1)
    assert file_digests_module.file_digests(prefix, rels) == one_pass
    assert one_pass[-2:] == [file_digests_module.UNREAD] * 2
    assert one_pass[3][:32].decode() == digest((tmp_path / "3.md").read_bytes())
