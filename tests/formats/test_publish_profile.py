"""The publish profile: what each option writes, and that an import reads all of it back
(README -> import -> export is byte-identical for every profile)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papernotes.formats.markdown.read import parse_document
from papernotes.formats.markdown.write import render_document
from papernotes.library import Library
from papernotes.model import (
    SHOWN_FIELDS,
    TITLE_LINKS,
    DocumentLayout,
    Paper,
    PublishProfile,
    normalize_title,
)
from tests.conftest import SEED_DOC
from tests.formats.test_roundtrip_properties import BOUNDED, papers

EVERYTHING = PublishProfile(
    title_link="arxiv", anchors=True, show=SHOWN_FIELDS, exclude_tags=("private",), stats=True
)
DEBERTA = Paper(
    title="DeBERTa: Decoding-enhanced BERT with Disentangled Attention",
    year=2021,
    venue="ICLR",
    code="https://github.com/microsoft/DeBERTa",
    arxiv="2006.03654",
    key="he2021deberta",
    authors=("Pengcheng He", "Xiaodong Liu"),
    tags=("nlp", "pre-training"),
    status="read",
    notes=("相比bert，deberta的每个token使用content向量和position向量来表示",),
)


def with_profile(root: Path, profile: PublishProfile) -> Library:
    library = Library(root)
    library.save_layout(replace(library.layout(), publish=profile))
    library.reload()
    return library


def test_every_option_is_written_as_github_markdown():
    secret = replace(DEBERTA, title="Secret", key="x2021secret", arxiv="", tags=("private",))
    text = render_document(DocumentLayout(publish=EVERYTHING), [DEBERTA, secret])
    assert text == (
        "# Paper\n\n"
        "<!-- papernotes publish: title_link=arxiv anchors show=authors,arxiv,tags,status"
        " stats -->\n\n"
        "1 paper · 2021: 1\n\n"
        "### 2021\n\n"
        '- <a id="he2021deberta"></a>[DeBERTa: Decoding-enhanced BERT with Disentangled'
        " Attention](https://arxiv.org/abs/2006.03654)\n"
        "  - ICLR  [[code]](https://github.com/microsoft/DeBERTa)\n"
        "  - Authors: Pengcheng He, Xiaodong Liu\n"
        "  - arXiv: [2006.03654](https://arxiv.org/abs/2006.03654)\n"
        "  - Tags: nlp, pre-training\n"
        "  - Status: read\n"
        "  - <details>\n"
        "    <summary>阅读笔记: </summary>\n"
        "    1. 相比bert，deberta的每个token使用content向量和position向量来表示  <br>\n"
        "    </details>\n"
    )


def test_the_default_profile_writes_the_seed_format_unchanged(seed_library):
    library = Library(seed_library)
    default = render_document(library.layout(), [n.paper for n in library.notes()])
    explicit = render_document(
        library.layout(), [n.paper for n in library.notes()], PublishProfile()
    )
    assert library.export_markdown() == default == explicit
    assert "papernotes publish" not in default and "<a id=" not in default


def test_a_title_link_to_the_code_and_text_that_looks_like_a_decoration_read_back():
    tricky = Paper(
        title="[MASK] is <b>all</b> you need \\o/",
        year=2020,
        venue="Authors: not a list",
        code="https://example.org/a_(b)",
        key='k"<&>',
        authors=("Smith, John", "a\\b"),
        tags=("x, y", "\\"),
    )
    plain = replace(tricky, title='<a id="q"></a>[x](https://arxiv.org/abs/1)', code="")
    for profile in (
        PublishProfile(title_link="code", anchors=True, show=SHOWN_FIELDS),
        PublishProfile(title_link="arxiv", anchors=True, show=("tags", "authors")),
    ):
        text = render_document(DocumentLayout(publish=profile), [tricky, plain])
        parsed = parse_document(text, "README.md")
        assert parsed.problems == [] and parsed.profile == profile
        back = [paper for paper, _line in parsed.papers]
        assert [(p.title, p.venue, p.code, p.key) for p in back] == [
            (p.title, p.venue, p.code, p.key if profile.anchors else "") for p in (tricky, plain)
        ]
        assert [(p.authors, p.tags) for p in back] == [(p.authors, p.tags) for p in (tricky, plain)]


def test_importing_decorated_output_adds_no_line_to_the_notes_or_free_text(seed_library):
    library = with_profile(seed_library, EVERYTHING)
    before = {n.path: n.paper for n in library.notes()}
    text = library.export_markdown()
    report = library.import_markdown(text, "README.md")
    assert report.problems == () and report.updated == () and report.added == ()
    again = Library(seed_library)
    assert {n.path: n.paper for n in again.notes()} == before
    assert again.export_markdown() == text


def test_papers_with_an_excluded_tag_are_left_out_and_an_import_keeps_them(seed_library):
    library = Library(seed_library)
    hidden = library.find("deberta")
    library.save(hidden, replace(hidden.paper, tags=("private",)))
    library = with_profile(seed_library, PublishProfile(exclude_tags=("Private",), stats=True))
    text = library.export_markdown()
    assert hidden.paper.title not in text
    assert "7 papers · 2023: 1 · 2021: 2 · 2020: 2 · 2019: 2" in text
    order = [n.path for n in Library(seed_library).notes()]
    library.import_markdown(text, "README.md")
    again = Library(seed_library)
    assert again.find("deberta").paper.tags == ("private",)
    assert len(again.notes()) == 8 and again.export_markdown() == text
    assert [n.path for n in again.notes()] == order  # and keeps its place in the list


def test_a_link_to_an_excluded_paper_is_published_as_plain_words_naming_nothing_of_it(
    seed_library, tmp_path
):
    library = Library(seed_library)
    hidden = library.find("he2021deberta")
    library.save(hidden, replace(hidden.paper, tags=("private",)))
    nezha = library.find("nezha")
    line = (
        "Compare [[he2021deberta]], [[he2021deberta|the disentangled one]] and [[yang2019xlnet]]."
    )
    library.save(nezha, replace(nezha.paper, notes=(*nezha.paper.notes, line)))
    for anchors in (False, True):
        profile = PublishProfile(exclude_tags=("private",), anchors=anchors, title_link="arxiv")
        text = with_profile(seed_library, profile).export_markdown()
        written = next(t for t in text.splitlines() if "Compare " in t)
        assert written.startswith("    3. Compare an unlisted paper, the disentangled one and <a ")
        for leak in ("he2021deberta", "2006.03654", hidden.paper.title, ">DeBERTa<"):
            assert leak not in text  # nothing about the excluded paper
        assert 'title="[[yang2019xlnet]]">XLNet</a>.' in written  # a listed one is linked
        # importing the published document back keeps the note's links as they were
        Library(seed_library).import_markdown(text, "README.md")
        again = Library(seed_library)
        assert again.find("nezha").paper.notes[-1] == line
        assert again.export_markdown() == text
        # into a new library the words stay words: the excluded paper is not there
        new = tmp_path / f"new-{anchors}"
        Library(new).import_markdown(text, "README.md")
        assert "he2021deberta" not in (new / nezha.path).read_text(encoding="utf-8")


def test_reimporting_the_published_document_never_turns_a_line_of_the_same_words_into_a_link(
    seed_library,
):
    library = Library(seed_library)
    hidden = library.find("he2021deberta")
    library.save(hidden, replace(hidden.paper, tags=("private",)))
    debertav3 = library.find("debertav3")
    lines = (
        "see [[he2021deberta|前作]]",
        "see 前作",
        "[[he2021deberta]]",
        "an unlisted paper",  # the words a link without words of its own is written as
        "cf. an unlisted paper",
    )
    body = "Free text: see 前作."  # the words of the link, but no link
    library.save(
        debertav3,
        replace(debertav3.paper, notes=(*debertav3.paper.notes, *lines), body=body),
    )
    library = with_profile(seed_library, PublishProfile(exclude_tags=("private",)))
    text = library.export_markdown()
    before = {n.path: n.paper for n in Library(seed_library).notes()}
    report = Library(seed_library).import_markdown(text, "README.md")
    assert report.updated == () and report.added == ()  # nothing changed: "unchanged"
    again = {n.path: n.paper for n in Library(seed_library).notes()}
    assert again == before
    assert again[debertav3.path].notes[-5:] == lines and again[debertav3.path].body == body


def test_an_imported_document_names_its_profile_and_a_new_library_takes_it(seed_library, tmp_path):
    profile = replace(EVERYTHING, title_link="code", exclude_tags=())
    text = with_profile(seed_library, profile).export_markdown()
    report = Library(tmp_path / "new").import_markdown(text, "README.md")
    assert report.publish == profile
    assert Library(tmp_path / "new").layout().publish == profile
    assert Library(tmp_path / "new").export_markdown() == text


def test_a_status_or_tag_changed_in_the_document_is_taken_by_the_import(seed_library):
    library = with_profile(seed_library, PublishProfile(show=("tags", "status")))
    text = library.export_markdown()
    deberta = library.find("he2021deberta").paper
    status = text.index("  - Status: unread\n", text.index(f"- {deberta.title}\n"))
    edited = text[:status] + "  - Tags: 精读\n  - Status: read\n" + text[status + 19 :]
    library.import_markdown(edited, "README.md")
    paper = Library(seed_library).find("he2021deberta").paper
    assert (paper.status, paper.tags) == ("read", ("精读",))


profiles = st.builds(
    PublishProfile,
    title_link=st.sampled_from(TITLE_LINKS),
    anchors=st.booleans(),
    show=st.lists(st.sampled_from(SHOWN_FIELDS), unique=True).map(tuple),
    exclude_tags=st.lists(st.sampled_from(["private", "draft"]), unique=True).map(tuple),
    stats=st.booleans(),
)


def _matchable(paper: Paper) -> Paper:
    """A title of punctuation only matches no paper (``library/index.py``), so a second
    import would add it again: given a word, and every third paper the tag ``private``."""
    if not normalize_title(paper.title):
        paper = replace(paper, title=f"{paper.title} t")
    return replace(paper, tags=(*paper.tags, "private")) if len(paper.title) % 3 == 0 else paper


published_papers = papers().map(_matchable)


@pytest.mark.slow
@settings(BOUNDED, max_examples=30)
@given(profiles, st.lists(published_papers, min_size=1, max_size=4))
def test_a_readme_written_with_any_profile_imports_and_exports_byte_identical(profile, batch):
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "first", Path(folder) / "second"
        first.mkdir()
        second.mkdir()
        library = Library(first)
        with library.writing(batch=True):  # new notes flushed together: a faster test
            for paper in batch:
                if library.match(paper) is None:
                    library.add_checked(library.validated(paper), False)
        library = with_profile(first, profile)
        readme = library.export_markdown()
        if not any(profile.publishes(n.paper) for n in library.notes()):
            assert readme == ""  # nothing to publish, nothing to import
            return
        notes = {n.path: n.paper for n in library.notes()}
        # into the library it came from: nothing changes, nothing is duplicated or removed
        report = library.import_markdown(readme, "README.md")
        assert report.problems == ()
        again = Library(first)
        assert {n.path: n.paper for n in again.notes()} == notes
        assert again.export_markdown() == readme
        # into a new library: the papers published come back with what the README shows
        Library(second).import_markdown(readme, "README.md")
        assert Library(second).export_markdown() == readme
        shutil.rmtree(second)


def test_the_seed_document_keeps_its_bytes_through_a_profile_round_trip(empty_library):
    library = Library(empty_library)
    library.store.init()
    library.import_markdown(SEED_DOC.read_text(encoding="utf-8"), "seed.md")
    library = with_profile(empty_library, EVERYTHING)
    text = library.export_markdown()
    library.import_markdown(text, "README.md")
    assert Library(empty_library).export_markdown() == text


def test_a_readme_with_every_paper_left_out_keeps_its_papers_section_through_an_import(
    seed_library,
):
    library = Library(seed_library)
    for note in library.notes():
        library.save(note, replace(note.paper, tags=("private",)))
    text = with_profile(seed_library, EVERYTHING).export_markdown()
    assert "# Paper\n\n<!-- papernotes publish:" in text and "### 2021" not in text
    report = Library(seed_library).import_markdown(text, "README.md")
    assert report.sections_added == () and report.problems == ()
    again = Library(seed_library)
    assert len(again.notes()) == 8 and again.export_markdown() == text


def test_a_line_added_in_the_published_document_keeps_the_link_lines_paired_by_place():
    from papernotes.library.link_export import unlisted_links_kept

    old = Paper(title="T", year=2020, notes=("first", "see [[x|w]]", "see w"))
    new = Paper(title="T", year=2020, notes=("added in the README", "first", "see w", "see w"))
    kept = unlisted_links_kept(old, new, lambda text: text.replace("[[x|w]]", "w"))
    assert kept.notes == ("added in the README", "first", "see [[x|w]]", "see w")


def test_words_an_excluded_link_is_written_as_are_never_read_as_a_link_again(seed_library):
    library = Library(seed_library)
    hidden = library.find("he2021deberta")
    library.save(hidden, replace(hidden.paper, tags=("private",)))
    nezha = library.find("nezha")
    lines = (
        "[[[[he2021deberta|deberta]]]]",
        "[[[[he2021deberta|roberta]]]] and [[he2021deberta|x]]",
    )
    library.save(nezha, replace(nezha.paper, notes=(*nezha.paper.notes, *lines)))
    text = with_profile(seed_library, PublishProfile(exclude_tags=("private",))).export_markdown()
    for leak in ("he2021deberta", "2006.03654", hidden.paper.title, ">DeBERTa<"):
        assert leak not in text
    assert "    3. [[deberta]]  <br>" in text  # its words, as text: no link to the paper
    assert "    4. [[roberta]] and x  <br>" in text  # no link the note never had
    Library(seed_library).import_markdown(text, "README.md")  # into its own library
    assert Library(seed_library).find("nezha").paper.notes[-2:] == lines
