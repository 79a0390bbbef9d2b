"""BibTeX export -> import round trip (hypothesis) and .bib importer fuzzing.

Exported entries read back with the same title, authors, year, venue and arXiv id; any
.bib text, however broken, imports what it can and names FILE:LINE for the rest.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from papernotes.formats.bibtex.paper_from_entry import entry_to_paper
from papernotes.formats.bibtex.read import parse_bibtex
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.formats.bibtex.write import render_bibliography
from papernotes.library import Library
from papernotes.library.bib_import import import_bibtex
from papernotes.library.bibtex_ops import export_bibtex
from papernotes.model import Paper, clean_paper
from tests.conftest import SEED_DOC
from tests.helpers import folder_bytes

BOUNDED = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
VENUES = VenueTable.load()
LOCATED = re.compile(r"^\S.*:\d+: \S")

TRICKY = [
    "{",
    "}",
    "\\",
    "%",
    "&",
    "$",
    "#",
    "_",
    "~",
    "^",
    "@",
    '"',
    ",",
    "=",
    "{}",
    "\\textbf{x}",
    "$x^2$",
    "[MASK]",
    ": ",
    "'",
    "<br>",
    "BERT",
    "GPT-3",
    "T5",
    "中文",
    "预训练",
    "🙂",
    "é",
    "ü",
    "ß",
    "Ø",
    "ł",
    "and",
    " and ",
    "others",
    "von",
    "van der",
    "Jr.",
    "O'Brien",
    "Don't",
    "’s",
    "‘",
    "ʼ",
    "--",
    "---",
]
_piece = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
)
line = st.lists(_piece, min_size=1, max_size=6).map("".join)
# Family names are letters (any script), spaces, hyphens, apostrophes, dots, braces and
# backslashes (often: literal '{', '}' and '\\' in a name are escaped and read back as such).
# BibTeX's name grammar gives ',', 'and' and 'others' a meaning.
_NAME_CHARS = st.characters(
    whitelist_categories=("Lu", "Ll", "Lo", "Lm"), whitelist_characters=" -'.{}\\"
)
name_line = (
    st.lists(st.one_of(st.sampled_from(["{", "}", "\\", "{x}", "a\\b"]), _NAME_CHARS), max_size=20)
    .map("".join)
    .filter(lambda s: s.strip(" -'.") and not {"and", "others"} & set(s.casefold().split()))
)
# Chinese, Japanese and Korean names are written family name first, usually without a space
# ("张伟", "山田太郎", "김연아", sometimes "山田 太郎"): one unit. A Latin given name with a Han
# family name ("Jacob 张") is read back that way too, so scripts are not mixed.
_han = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_cjk_name = st.text(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # Han
        st.characters(min_codepoint=0x3041, max_codepoint=0x3096),  # Hiragana
        st.characters(min_codepoint=0x30A1, max_codepoint=0x30FA),  # Katakana
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul
    ),
    min_size=1,
    max_size=5,
)
person = st.one_of(
    st.builds(
        "{} {}".format,
        st.sampled_from(["Jacob", "Pengcheng", "Zhuosheng", "Ana María", "Émile", "J."]),
        st.one_of(
            st.sampled_from(["Devlin", "He", "García Márquez", "de la Cruz", "O'Brien"]),
            name_line.filter(lambda s: not _han.search(s)),
        ),
    ),
    st.sampled_from(
        ["张伟", "李小龙", "欧阳修", "周明", "魏俊秋", "山田太郎", "김연아", "Junqiu Wei"]
    ),
    _cjk_name,
    st.lists(_cjk_name, min_size=2, max_size=3).map(" ".join),
)
# A reading note may span lines; a line may look like a numbered item of its own.
note = st.lists(
    st.one_of(line, st.sampled_from(["2. not a new note", "1) nor this", "@misc{x,", "  "])),
    min_size=1,
    max_size=3,
).map("\n".join)


@st.composite
def papers(draw) -> Paper:
    paper = Paper(
        title=draw(line),
        year=draw(st.integers(1990, 2030)),
        venue=draw(
            st.one_of(
                st.just(""),
                st.sampled_from(["ICLR", "EMNLP", "ACL", "NeurIPS", "arXiv", "CoRR"]),
                line,
            )
        ),
        code=draw(
            st.one_of(
                st.just(""),
                st.sampled_from(
                    [
                        "https://github.com/microsoft/DeBERTa",
                        "https://example.org/~me/a_b%20c#x?y=1&z={2}",
                    ]
                ),
                line,
            )
        ),
        arxiv=draw(st.sampled_from(["", "2006.03654", "1909.10351", "2110.06696"])),
        authors=tuple(draw(st.lists(person, max_size=4))),
        tags=tuple(draw(st.lists(st.one_of(st.sampled_from(["a, b", "pre-training"]), line)))),
        notes=tuple(draw(st.lists(note, max_size=3))),
        # a field a .bib import kept as LaTeX, written back as it is when it can be
        extra=draw(st.one_of(st.just(()), line.map(lambda v: (("bibtex", {"note": v}),)))),
    )
    try:
        return clean_paper(paper)
    except ValueError:
        assume(False)
        raise


def balanced_for_classic_bibtex(text: str) -> bool:
    """Braces as BibTeX itself counts them: every one, escaped or not; the depth never goes
    below zero and ends at zero."""
    depths = list(accumulate({"{": 1, "}": -1}.get(c, 0) for c in text if c in "{}"))
    return not depths or (min(depths) >= 0 and depths[-1] == 0)


def _fields(paper: Paper) -> tuple:
    return (
        paper.title,
        paper.authors,
        paper.year,
        paper.venue,
        paper.arxiv,
        paper.code,
        paper.tags,
        paper.notes,
    )


@pytest.mark.slow
@BOUNDED
@given(papers())
def test_a_paper_exported_to_bibtex_imports_with_the_same_fields(paper):
    text = render_bibliography([paper], with_notes=True, venues=VENUES)
    parsed = parse_bibtex(text, "export.bib")
    assert parsed.problems == [], text
    assert balanced_for_classic_bibtex(text), text
    (entry,) = parsed.entries
    assert _fields(clean_paper(entry_to_paper(entry, VENUES))) == _fields(paper), text


def test_literal_braces_and_backslashes_in_author_names_come_back():
    authors = ("Jacob } {x}", "Ana María a\\b", "J. {Smith", "Émile }{", "Pengcheng {He}")
    paper = clean_paper(Paper(title="T", year=2020, key="t2020", authors=authors))
    text = render_bibliography([paper], venues=VENUES)
    parsed = parse_bibtex(text, "export.bib")
    assert parsed.problems == [], text
    assert balanced_for_classic_bibtex(text), text
    (entry,) = parsed.entries
    assert entry_to_paper(entry, VENUES).authors == authors, text


def test_names_bibtex_cannot_split_are_braced_whole_and_come_back():
    """``Smith, --`` (a part with no word: bibtex's "comma at the end" error), ``, Smith``
    (biber crashed) and four commas (too many) are one braced name each."""
    authors = ("-- Smith", ", Smith", "A, B, C, D", "Ann Lee")
    paper = clean_paper(Paper(title="T", year=2020, key="t2020", authors=authors))
    text = render_bibliography([paper], venues=VENUES)
    assert "author = {{Smith, --} and {, Smith} and {A, B, C, D} and Lee, Ann}" in text
    (entry,) = parse_bibtex(text, "export.bib").entries
    assert entry_to_paper(entry, VENUES).authors == authors


def test_an_escaped_lone_brace_kept_from_an_import_is_spelled_out():
    fields = {
        "note": "see \\{ here",
        "howpublished": "\\{a\\} b",
        "addendum": "$f(x) = \\left\\{ 1 \\right.$",
    }
    paper = clean_paper(Paper(title="T", year=2020, key="t2020", extra=(("bibtex", fields),)))
    text = render_bibliography([paper], venues=VENUES)
    assert r"note = {see \textbraceleft{} here}" in text
    assert r"howpublished = {\{a\} b}" in text  # a pair: as it was
    assert r"addendum = {$f(x) = \left\lbrace  1 \right.$}" in text  # math: \lbrace
    assert balanced_for_classic_bibtex(text), text


def test_a_lone_brace_is_spelled_out_so_classic_bibtex_sees_a_balanced_entry():
    title = "Closing } before opening { and {x}"
    paper = clean_paper(Paper(title=title, year=2020, key="t2020", authors=("J. {Smith",)))
    text = render_bibliography([paper], venues=VENUES)
    assert r"{Closing} \textbraceright{} before opening \textbraceleft{} and \{x\}" in text
    assert balanced_for_classic_bibtex(text), text
    (entry,) = parse_bibtex(text, "export.bib").entries
    back = entry_to_paper(entry, VENUES)
    assert (back.title, back.authors) == (title, ("J. {Smith",))


@pytest.mark.slow
@settings(BOUNDED, max_examples=30)
@given(st.lists(papers(), min_size=1, max_size=4))
def test_a_library_exported_to_bibtex_imports_into_a_new_one_unchanged(batch):
    with tempfile.TemporaryDirectory() as folder:
        first = Library(Path(folder) / "first")
        first.store.init()
        for paper in batch:
            if first.match(paper) is None:
                first.add(paper)
        text, _ = export_bibtex(first, first.notes(), with_notes=True, venues=VENUES)
        second = Library(Path(folder) / "second")
        second.store.init()
        report = import_bibtex(second, text, "export.bib", venues=VENUES)
        assert report.problems == (), text
        assert sorted(_fields(n.paper) + (n.paper.key,) for n in second.notes()) == sorted(
            _fields(n.paper) + (n.paper.key,) for n in first.notes()
        )


# Titles full of dollar signs, LaTeX-looking text and braces: inline math ($\alpha$) is written
# as it is and read back as it is; every other character is escaped and decoded.
_MATHY = [
    "$",
    "$x$",
    "$k$",
    "\\alpha",
    "\\",
    "\\$",
    "{",
    "}",
    " ",
    "5",
    "k",
    "_",
    "^",
    "%",
    "&",
    "#",
    "ℓ",
    "é",
    "-",
    "NN",
    "$\\ell_1$",
    "$O(n^2)$",
    "\\mathcal{O}",
    "~",
]
mathy_title = st.lists(st.sampled_from(_MATHY), min_size=1, max_size=10).map("".join)


@BOUNDED
@given(mathy_title, st.booleans())
def test_titles_with_math_and_dollar_signs_round_trip(title, ascii):
    try:
        paper = clean_paper(Paper(title=title, year=2020, key="k2020"))
    except ValueError:
        assume(False)
        raise
    text = render_bibliography([paper], ascii=ascii, venues=VENUES)
    parsed = parse_bibtex(text, "export.bib")
    assert parsed.problems == [], text
    (entry,) = parsed.entries
    assert entry_to_paper(entry, VENUES).title == paper.title, text


# -- fuzzing the .bib importer ------------------------------------------------------------------

SEED_BIB = """@string{iclr = "International Conference on Learning Representations"}
% a comment
@inproceedings{he2021deberta,
  title = {{DeBERTa}: Decoding-enhanced {BERT} with Disentangled Attention},
  author = {He, Pengcheng and Liu, Xiaodong and Gao, Jianfeng and Chen, Weizhu},
  booktitle = iclr,
  year = {2021},
  eprint = {2006.03654},
  archiveprefix = {arXiv},
}

@article{zhang2021mengzi,
  title = "Mengzi: Towards Lightweight yet Ingenious Pre-trained Models for {C}hinese",
  author = {Zhang, Zhuosheng and others},
  journal = {arXiv preprint arXiv:2110.06696},
  year = 2021,
}
"""


@st.composite
def mutated_bib(draw) -> str:
    text = SEED_BIB
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        end = min(len(text), at + draw(st.integers(0, 60)))
        piece = draw(
            st.sampled_from(["{", "}", "@", '"', ",", "=", "\\", "@string{x=", "#", "\x00", "\r\n"])
            | st.text(max_size=10)
        )
        text = draw(st.sampled_from([text[:at] + text[end:], text[:at] + piece + text[at:]]))
    return text


def _import_bib_or_clear_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder))
        before = folder_bytes(Path(folder))
        try:
            report = import_bibtex(library, text, "refs.bib", venues=VENUES)
        except Exception as exc:  # only user errors, with a location, and nothing written
            from papernotes.errors import PapernotesError

            assert isinstance(exc, PapernotesError), repr(exc)
            assert LOCATED.match(str(exc)), str(exc)
            assert folder_bytes(Path(folder)) == before
            return
        for problem in report.problems:
            assert problem.path == "refs.bib" and problem.line >= 1
        assert Library(Path(folder)).problems() == []


@pytest.mark.slow
@BOUNDED
@given(mutated_bib())
def test_mutated_bib_files_import_or_name_their_line(text):
    _import_bib_or_clear_error(text)


@BOUNDED
@given(st.text(max_size=500))
def test_random_text_as_a_bib_file_never_breaks_the_importer(text):
    _import_bib_or_clear_error("@misc{k,\n title = {" + text + "},\n year = 2021}\n" + text)


@pytest.mark.slow
def test_hostile_bib_files_import_or_name_their_line():
    for text in [
        "@article{" + "{" * 5000 + "}",
        "@misc{k, title = " + "{" * 3000 + "x" + "}" * 3000 + ", year = 2021}",
        "@misc{k, title = {" + "长" * 2_000_000 + "}, year = 2021}",
        "\ufeff" + SEED_BIB.replace("\n", "\r\n"),
        "@misc{../../etc/passwd, title = {Traversal}, year = 2021}",
        "@misc{k, title = {!!python/object/apply:os.system ['id']}, year = 2021}",
        "@misc{k, title = {X}, year = {99999}}",
        "@misc{k, title = {}, year = 2021}",
        SEED_DOC.read_text(encoding="utf-8"),  # not BibTeX at all
    ]:
        _import_bib_or_clear_error(text)


def test_keys_with_path_characters_never_reach_the_file_system(empty_library):
    text = "@misc{../../etc/passwd, title = {Traversal}, year = 2021}\n"
    import_bibtex(Library(empty_library), text, "refs.bib", venues=VENUES)
    (note,) = Library(empty_library).notes()
    assert note.path.startswith("2021/") and (empty_library / note.path).is_file()
    assert sorted(p.name for p in empty_library.parent.iterdir()) == ["notes"]


def test_the_seed_library_survives_a_bibtex_round_trip(seed_library, tmp_path):
    first = Library(seed_library)
    text, _ = export_bibtex(first, first.notes(), with_notes=True, venues=VENUES)
    second = Library(tmp_path / "second")
    second.store.init()
    import_bibtex(second, text, "seed.bib", venues=VENUES)
    # the .bib carries the canonical arXiv title where there is one (by design)
    want = sorted(
        _fields(replace(n.paper, title=n.paper.arxiv_title or n.paper.title))
        for n in Library(seed_library).notes()
    )
    assert sorted(_fields(n.paper) for n in second.notes()) == want


# -- generated .bib entries: each is imported or reported, and an export re-imports alike ------

ASCII_TYPES = ["article", "ARTICLE", "Article", "inproceedings", "InProceedings", "misc", "MISC"]
ASCII_TYPES += ["book", "techreport", "phdthesis", "online", "software", "patent", "type_2"]
# Not ASCII names (a dotted capital I, a dotless i, the Kelvin sign, an umlaut), a digit first,
# no type at all: BibTeX styles never define them, so they are reported and skipped.
FOREIGN_TYPES = ["artİcle", "ARTİCLE", "mısc", "boo\u212alet", "über", "12abc", ""]
JUNK_LINES = [
    "@misc a3, title = {No Brace}, year = 2020}",
    "@",
    "@@",
    "@oops",
    "   @ nothing here",
    "@misc{broken title = {x}}",
]
_VALUE = st.lists(
    st.sampled_from(
        ["BERT", "{BERT}", "Deep", " ", "learning", "\\'e", "é", "中文", "and", "$x^2$", "--"]
        + ["\\&", '{\\"o}', "1", ":", "@", "Ü"]
    ),
    min_size=1,
    max_size=6,
).map("".join)
_AUTHOR = st.sampled_from(
    [
        "Devlin, Jacob",
        "Pengcheng He",
        "张伟",
        "{OpenAI}",
        "García Márquez, Ana María",
        "de la Cruz, Juan",
    ]
)


@st.composite
def bib_entry(draw, key: str, entry_type: str) -> str:
    fields = [("title", draw(_VALUE.filter(lambda v: v.strip(" -:"))))]
    authors = draw(st.lists(_AUTHOR, max_size=3, unique=True))
    if authors:  # without: exported as @misc, its own type in entrysubtype
        fields.append(("author", " and ".join(authors)))
    venue = draw(st.sampled_from(["", "journal", "booktitle", "howpublished"]))
    if venue:
        fields.append((venue, draw(_VALUE)))
    fields.append(("year", str(draw(st.integers(1990, 2030)))))
    for name in draw(
        st.lists(st.sampled_from(["volume", "pages", "note", "publisher"]), unique=True)
    ):
        fields.append((name, draw(_VALUE)))
    if draw(st.booleans()):
        fields.append(("eprint", draw(st.sampled_from(["2006.03654", "1909.10351"]))))
    opening, closing = draw(st.sampled_from(["{}", "()"]))
    space = draw(st.sampled_from(["", " "]))  # ``@ misc{``: BibTeX and biber read it too
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{space}{entry_type}{opening}{key},\n{body}\n{closing}"


@st.composite
def bib_file(draw) -> tuple[str, list[tuple[int, str]]]:
    """A .bib text of entries and junk, and for each item its first line and what it is."""
    items = draw(
        st.lists(
            st.one_of(
                st.sampled_from(ASCII_TYPES).map(lambda t: ("entry", t)),
                st.sampled_from(FOREIGN_TYPES).map(lambda t: ("foreign", t)),
                st.sampled_from(JUNK_LINES).map(lambda t: ("junk", t)),
            ),
            min_size=1,
            max_size=6,
        )
    )
    chunks, kinds, line = [], [], 1
    for index, (kind, value) in enumerate(items):
        text = value if kind == "junk" else draw(bib_entry(f"k{index}", value))
        chunks.append(text)
        kinds.append((line, kind))
        line += text.count("\n") + 2
    return "\n\n".join(chunks) + "\n", kinds


@pytest.mark.slow
@settings(BOUNDED, max_examples=60)
@given(bib_file())
def test_every_generated_entry_is_imported_or_reported_at_its_line(generated):
    text, kinds = generated
    parsed = parse_bibtex(text, "gen.bib")
    entry_lines = {e.line for e in parsed.entries}
    problem_lines = {p.line for p in parsed.problems}
    for line, kind in kinds:
        if kind == "entry":
            assert line in entry_lines and line not in problem_lines, (line, text)
        else:
            assert line in problem_lines and line not in entry_lines, (line, text)
    assert all(e.entry_type.isascii() and e.entry_type.islower() for e in parsed.entries)


@pytest.mark.slow
@settings(BOUNDED, max_examples=20)
@given(bib_file())
def test_a_generated_bib_imports_and_its_export_imports_to_the_same_papers(generated):
    text, _kinds = generated
    with tempfile.TemporaryDirectory() as folder:
        first = Library(Path(folder) / "first")
        first.store.init()
        import_bibtex(first, text, "gen.bib", venues=VENUES)
        exported, _ = export_bibtex(first, first.notes(), venues=VENUES)
        second = Library(Path(folder) / "second")
        second.store.init()
        report = import_bibtex(second, exported, "export.bib", venues=VENUES)
        assert report.problems == (), exported
        papers = {n.paper.key: n.paper for n in Library(second.root).notes()}
        assert papers == {n.paper.key: n.paper for n in Library(first.root).notes()}, exported
