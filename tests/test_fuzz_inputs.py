"""Fuzzing the readers: hostile or broken input imports, or fails with ``FILE:LINE: message``.

Truncated and mutated seed documents, random text and bytes, deep nesting, a 10 MB line,
invalid UTF-8, a BOM and CRLF go to the Markdown importer, the .bib importer and the note
reader. Never an uncaught exception; on an error the library folder is byte-identical.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.errors import InvalidInputError, PapernotesError
from papernotes.formats.markdown.read import parse_document
from papernotes.library import Library
from papernotes.storage.note_format import NoteFormatError, parse_note
from papernotes.storage.store import NoteStore
from tests.conftest import SEED_DOC, SHIPPED_NOTES
from tests.helpers import folder_bytes, run

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEED = SEED_DOC.read_text(encoding="utf-8")
LOCATED = re.compile(r"^\S.*:\d+: \S")  # FILE:LINE: message


def _deep_list(levels: int) -> str:
    return "# Repo\n" + "".join(f"{'  ' * i}- level {i}\n" for i in range(levels))


@st.composite
def mutated_seed(draw) -> str:
    """The seed document cut, with slices dropped, repeated or replaced by tricky bits."""
    text = SEED
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        end = min(len(text), at + draw(st.integers(0, 400)))
        action = draw(st.sampled_from(["drop", "repeat", "insert", "truncate"]))
        if action == "drop":
            text = text[:at] + text[end:]
        elif action == "repeat":
            text = text[:end] + text[at:end] + text[end:]
        elif action == "insert":
            piece = draw(
                st.sampled_from(
                    [
                        "\n### 2021\n",
                        "\n# Paper\n",
                        "<details>",
                        "</details>",
                        "\n  - ",
                        "\n- ",
                        "\n    1. ",
                        "[[code]](",
                        "\r",
                        "\t",
                        "\x00",
                        "\ufeff",
                        "```\n",
                        "\n---\n",
                        "### 0000\n",
                        "### 9999\n",
                        "!!python/object:os.system\n",
                    ]
                )
                | st.text(max_size=20)
            )
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at]
    return text


def _import_or_clear_error(text: str) -> list[tuple[str, int]] | None:
    """Import into a fresh library: it works, or says where it failed and wrote nothing.

    Returns the (title, year) of every paper the new library holds, None after an error.
    What was imported reads back without a problem, and its export reads back as the same
    papers with no problem the import did not have.
    """
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        library = Library(root)
        try:
            report = library.import_markdown(text, "doc.md")
        except PapernotesError as exc:
            assert LOCATED.match(str(exc)), str(exc)
            assert folder_bytes(root) == {}
            return None
        for problem in report.problems:
            assert problem.path == "doc.md" and problem.line >= 1
        fresh = Library(root)
        assert fresh.problems() == []  # whatever was imported reads back
        held = sorted((note.paper.title, note.paper.year) for note in fresh.notes())
        assert len(held) == len(report.added)
        exported = parse_document(fresh.export_markdown(), "export.md")
        # a section the import kept with a problem (a "## 2021" among the years) is exported
        # as it was and reported again; the export adds no problem of its own
        old = {problem.message for problem in report.problems}
        assert [p for p in exported.problems if p.message not in old] == []
        assert sorted((paper.title, paper.year) for paper, _line in exported.papers) == held
        return held


@pytest.mark.slow
@FUZZ
@given(mutated_seed())
def test_mutated_seed_documents_import_or_fail_with_a_location(text):
    _import_or_clear_error(text)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text_never_breaks_the_markdown_reader(text):
    try:
        parse_document(text, "doc.md")
    except InvalidInputError as exc:
        assert LOCATED.match(str(exc))


def test_every_truncation_of_the_seed_reads_as_the_papers_it_still_holds():
    """A document cut anywhere gives the seed's papers up to the cut: the ones before it
    exactly, the one it cuts with its year and the part of its title it kept, never more."""
    whole = [paper for paper, _line in parse_document(SEED).papers]
    assert len(whole) == 8
    counts = []
    for cut in range(0, len(SEED) + 1, max(1, len(SEED) // 60)):
        parsed = parse_document(SEED[:cut], "doc.md")
        papers = [paper for paper, _line in parsed.papers]
        counts.append(len(papers))
        assert papers[:-1] == whole[: max(len(papers) - 1, 0)], cut
        if papers:
            cut_short, full = papers[-1], whole[len(papers) - 1]
            assert cut_short.year == full.year and full.title.startswith(cut_short.title), cut
        lines = SEED[:cut].count("\n") + 1
        assert all(p.path == "doc.md" and 1 <= p.line <= lines for p in parsed.problems), cut
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 8
    half = SEED[: len(SEED) // 2]
    imported = _import_or_clear_error(half)
    assert imported == sorted((p.title, p.year) for p, _line in parse_document(half).papers)
    assert len(imported) >= 1


def test_a_deeply_nested_list_is_refused_with_its_line_and_nothing_is_written(empty_library):
    before = folder_bytes(empty_library)
    with pytest.raises(InvalidInputError, match=r"^doc\.md:34: a list nested more than 32"):
        Library(empty_library).import_markdown(_deep_list(200), "doc.md")
    assert folder_bytes(empty_library) == before
    _import_or_clear_error(_deep_list(32))  # as deep as allowed: imports and exports


@pytest.mark.slow
def test_a_ten_megabyte_line_imports(empty_library):
    long_note = "长" * 10_000_000
    text = (
        f"# Paper\n\n### 2021\n\n- Long\n  - <details>\n    1. {long_note}  <br>\n    </details>\n"
    )
    Library(empty_library).import_markdown(text, "doc.md")
    assert Library(empty_library).find("Long").paper.notes == (long_note,)


def test_a_bom_and_crlf_line_endings_give_the_same_papers_as_the_plain_seed(tmp_path):
    def papers_from(text: str) -> list[tuple]:
        return [(p.title, p.year, p.venue, p.code, p.notes) for p, _ in parse_document(text).papers]

    plain = papers_from(SEED)
    assert len(plain) == 8
    assert papers_from("\ufeff" + SEED.replace("\n", "\r\n")) == plain
    assert papers_from(SEED.replace("\n", "\r")) == plain


# -- through the command line ---------------------------------------------------------------


def _cli_import_fails_cleanly(root: Path, file: Path, expected: str) -> None:
    before = folder_bytes(root)
    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(root), "import", str(file)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"Error: {file}:") and expected in result.stderr
    assert folder_bytes(root) == before


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bad-utf8.md", SEED.encode("utf-8")[:700] + b"\xff\xfe\xc0 broken\n", "not valid UTF-8"),
        ("random.md", bytes(range(256)) * 40, "not valid UTF-8"),
        ("deep.md", _deep_list(100).encode("utf-8"), "nested more than 32 levels"),
        ("bad-utf8.bib", b"@article{k, title={\xff}}\n", "not valid UTF-8"),
    ],
    ids=["invalid-utf8", "random-bytes", "deep-list", "invalid-utf8-bib"],
)
def test_a_bad_file_through_the_cli_exits_1_with_one_sentence(
    seed_library, tmp_path, name, data, expected
):
    bad = tmp_path / name
    bad.write_bytes(data)
    _cli_import_fails_cleanly(seed_library, bad, expected)


# -- the note reader ------------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=600))
def test_random_text_as_a_note_file_reads_or_names_its_line(text):
    try:
        parse_note(text)
    except NoteFormatError as exc:
        assert 1 <= exc.line <= text.count("\n") + text.count("\r") + 2
        assert exc.message


SHIPPED_NOTE_TEXTS = sorted(p.read_text(encoding="utf-8") for p in SHIPPED_NOTES.glob("*/*.md"))


@pytest.mark.slow
@FUZZ
@given(
    st.sampled_from(SHIPPED_NOTE_TEXTS),
    st.integers(0, 2000),
    st.integers(0, 200),
    st.binary(max_size=12),
)
def test_damaged_note_files_never_stop_the_library_from_loading(note_text, at, cut, junk):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(SHIPPED_NOTES, root, dirs_exist_ok=True)
        data = note_text.encode("utf-8")
        at = min(at, len(data))
        (root / "2021" / "damaged.md").write_bytes(data[:at] + junk + data[at + cut :])
        library = Library(root)
        assert len(library.notes()) + len(library.problems()) == 9
        for problem in library.problems():
            assert problem.path == "2021/damaged.md" and problem.line >= 1
        library.check()
        library.export_markdown()


# papernotes' own limit, or the one PyYAML 6.0.4's scanner applies first to flow collections
TOO_DEEP = re.compile("nested more than 100 levels|exceeded maximum nesting depth")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\ntitle: " + "[" * 50_000 + "\nyear: 2021\n---\n", 2, TOO_DEEP),
        (
            "---\ntitle: x\nyear: 2021\nz: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n---\n",
            4,
            TOO_DEEP,
        ),
        ("---\ntitle: x\nyear: [2021]\n---\n", 3, "year must be a whole number"),
        ("---\ntitle: {a: 1}\nyear: 2021\n---\n", 2, "title must be a single value"),
        ("---\ntitle: x\nyear: 99999999999999999999\n---\n", 3, "four-digit year"),
        ("---\n---\n", 2, "no title"),
    ],
    ids=["deep-sequence", "deep-mapping", "year-list", "title-mapping", "huge-year", "empty"],
)
def test_malformed_front_matter_is_a_problem_with_its_line(empty_library, text, line, message):
    (empty_library / "2021").mkdir()
    (empty_library / "2021" / "x.md").write_text(text, encoding="utf-8")
    (problem,) = Library(empty_library).check()
    assert (problem.path, problem.line) == ("2021/x.md", line)
    assert (
        message.search(problem.message)
        if isinstance(message, re.Pattern)
        else (message in problem.message)
    ), problem.message


def test_a_note_with_invalid_utf8_a_bom_or_crlf(empty_library):
    year = empty_library / "2021"
    year.mkdir()
    good = "---\ntitle: Good\nyear: 2021\n---\n1. 一\n"
    (year / "bom.md").write_bytes(b"\xef\xbb\xbf" + good.replace("Good", "Bom").encode("utf-8"))
    (year / "crlf.md").write_bytes(
        good.replace("Good", "Crlf").replace("\n", "\r\n").encode("utf-8")
    )
    (year / "bad.md").write_bytes(good.encode("utf-8").replace("一".encode(), b"\xe4\xb8"))
    library = Library(empty_library)
    assert sorted(n.paper.title for n in library.notes()) == ["Bom", "Crlf"]
    assert [str(p) for p in library.problems()] == ["2021/bad.md:5: the file is not valid UTF-8"]
    result = run(empty_library, "list")
    assert result.exit_code == 0 and "warning: 2021/bad.md:5:" in result.output


def test_a_ten_megabyte_note_line_reads(empty_library):
    (empty_library / "2021").mkdir()
    (empty_library / "2021" / "big.md").write_text(
        "---\ntitle: Big\nyear: 2021\n---\n1. " + "b" * 10_000_000 + "\n", encoding="utf-8"
    )
    (note,) = NoteStore(empty_library).load()[0]
    assert len(note.paper.notes[0]) == 10_000_000
