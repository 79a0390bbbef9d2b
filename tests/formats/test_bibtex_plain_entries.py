"""A plain .bib read without bibtexparser (formats/bibtex/plain_entries.py): the same entries,
warnings and problems as through bibtexparser, for plain and not-so-plain texts alike."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papernotes.formats.bibtex import read
from papernotes.formats.bibtex.read import ParsedBib, parse_bibtex
from papernotes.formats.bibtex.write import render_bibliography
from papernotes.library import Library
from tests.conftest import SEED_DOC
from tests.helpers import bounded

BOUNDED = bounded(300)

# Pieces of .bib text, plain and otherwise: values with nested and escaped braces, quotes,
# concatenation, macros, commas, line starts with @, and the blocks that are not entries.
VALUES = [
    "{Plain title}",
    "{{BERT}: {Pre-training} of {Deep} Bidirectional}",
    "{Chen, Jing and {王芳静} and O'Brien, Sven}",
    "{a \\{ b \\} c}",
    "{a \\\\ b}",
    "{50\\% less}",
    "{x {y {z {w}}}}",
    "{{{{{{{{{{deep}}}}}}}}}}",
    '{He said "hi"}',
    '"quoted, value"',
    "{a} # {b}",
    "acl",
    "2020",
    "{line one\n  line two}",
    "{mail me\n@misc{not, an = {entry}}}",
    "{unbalanced",
    "{a, b = c}",
    "{}",
    "{ spaced }",
]
NAMES = ["title", "Title", "author", "year", "booktitle", "journal", "note", "crossref", ""]
TYPES = ["article", "InProceedings", "misc", "artİcle", "commentary", "string", ""]
KEYS = ["key1", "Key1", "key2", "a b", "k{ey", "", "key3"]
GAPS = ["\n\n", "\n", "  % a comment\n", "\n@ misc{spaced, title = {x}, year = 2020}\n"]
GAPS += ["\nsee x@y.org\n", "\n@comment{hidden}\n", "\n@string{acl = {ACL}}\n", "\n@book a3\n"]


@st.composite
def bib_texts(draw) -> str:
    """A .bib text made of entries and gaps drawn from the pieces above."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(TYPES))
        key = draw(st.sampled_from(KEYS))
        opener = draw(st.sampled_from(["{", "{", "{", "("]))
        fields = [
            f"  {draw(st.sampled_from(NAMES))} = {draw(st.sampled_from(VALUES))}"
            for _ in range(draw(st.integers(0, 4)))
        ]
        comma = draw(st.sampled_from(["", ",", ""]))
        closer = "}" if opener == "{" else ")"
        parts.append(f"@{kind}{opener}{key},\n" + ",\n".join(fields) + comma + f"\n{closer}")
        parts.append(draw(st.sampled_from(GAPS)))
    return "".join(parts)


def through_bibtexparser(text: str, monkeypatch: pytest.MonkeyPatch) -> ParsedBib:
    with monkeypatch.context() as patched:
        patched.setattr(read, "plain_entries", lambda text, value_of: None)
        return parse_bibtex(text, "refs.bib")


@BOUNDED
@given(text=bib_texts())
def test_any_bib_text_reads_alike_with_and_without_bibtexparser(text):
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert parse_bibtex(text, "refs.bib") == through_bibtexparser(text, monkeypatch)


def test_a_plain_bib_is_read_without_bibtexparser_and_gives_the_same_entries(tmp_path, monkeypatch):
    library = Library(tmp_path / "notes")
    library.import_markdown(SEED_DOC.read_text(encoding="utf-8"), str(SEED_DOC))
    text = render_bibliography([n.paper for n in library.notes()], with_notes=True)
    expected = through_bibtexparser(text, monkeypatch)
    assert len(expected.entries) == 8 and not expected.problems

    def no_bibtexparser(text: str):
        raise AssertionError("bibtexparser was used for a plain .bib")

    monkeypatch.setattr(read, "_split_blocks", no_bibtexparser)
    assert parse_bibtex(text, "refs.bib") == expected


@pytest.mark.parametrize(
    "text",
    [
        "@string{acl = {ACL}}\n@article{a, title = {x}, journal = acl, year = 2020}\n",
        "@article{a, title = {x}, year = 2020}\n@article{a, title = {y}, year = 2021}\n",
        "@article{a, title = {x}, Title = {y}, year = 2020}\n",
        '@article{a, title = "x", year = 2020}\n',
        "@article{a, title = {x}, year = 2020\n",
        "@article{a, title = {x}, year = 2020}\n@misc b, title = {y}\n",
    ],
)
def test_a_bib_that_is_not_plain_goes_through_bibtexparser(text, monkeypatch):
    from papernotes.formats.bibtex.plain_entries import plain_entries

    assert plain_entries(text, str) is None
    assert parse_bibtex(text, "refs.bib") == through_bibtexparser(text, monkeypatch)


def test_a_value_of_megabytes_is_read_in_memory_of_its_own_size_order():
    """One 2 MB abstract (a pasted paper) held the regular expression's backtracking states
    for each of its characters: about 190 bytes a character, 1.7 GB for a 9 MB value."""
    import tracemalloc

    words = ("alpha", "{\\'e}t{\\'e}", "$x^2$", "\\textbf{bold}", "{nested {group}}")
    value = " ".join(words[i % len(words)] for i in range(200_000))
    text = f"@article{{big,\n  title = {{Big}},\n  year = {{2020}},\n  abstract = {{{value}}}\n}}\n"
    tracemalloc.start()
    try:
        parsed = parse_bibtex(text, "big.bib")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (entry,) = parsed.entries
    assert entry.fields["abstract"].startswith("alpha")
    assert peak < 20 * len(text), f"{peak / 1e6:.0f} MB for {len(text) / 1e6:.1f} MB"
