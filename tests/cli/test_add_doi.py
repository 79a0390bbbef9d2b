"""``papernotes add --doi``: a paper from Crossref's metadata."""

from __future__ import annotations

from papernotes.library import Library
from tests.helpers import folder_bytes, run

DOI = "10.18653/v1/2020.findings-emnlp.372"


def test_add_by_doi_link_takes_title_authors_venue_pages_and_publisher_from_crossref(
    empty_library, fake_scholarly
):
    result = run(empty_library, "add", "--doi", f"https://doi.org/{DOI}", "--note", "Distilled.")
    assert result.exit_code == 0, result.output
    paper = Library(empty_library).notes()[0].paper
    assert paper.title == "TinyBERT: Distilling BERT for Natural Language Understanding"
    assert (paper.year, paper.venue, paper.doi) == (2020, "Findings of EMNLP", DOI)
    assert paper.venue_full == (
        "Findings of the Association for Computational Linguistics: EMNLP 2020"
    )
    assert (paper.pages, paper.venue_source) == ("4163-4174", "crossref")
    assert paper.publisher == "Association for Computational Linguistics"
    assert paper.authors[0] == "Xiaoqi Jiao"
    assert [r.path for r in fake_scholarly.requests] == [f"works/{DOI}"]


def test_the_users_title_and_year_win_over_crossrefs(empty_library, fake_scholarly):
    run(empty_library, "add", "--doi", DOI, "--title", "TinyBERT", "--year", "2019", "--note", "x")
    paper = Library(empty_library).notes()[0].paper
    assert (paper.title, paper.year, paper.venue) == ("TinyBERT", 2019, "Findings of EMNLP")


def test_a_doi_another_note_has_is_refused_before_any_request(empty_library, fake_scholarly):
    run(empty_library, "add", "--doi", DOI, "--note", "x")
    before = folder_bytes(empty_library)
    asked = len(fake_scholarly.requests)
    result = run(empty_library, "add", "--doi", f"doi:{DOI}", "--note", "y")
    assert result.exit_code == 1
    assert f"DOI {DOI} is already in the library as 2020/" in result.stderr
    assert len(fake_scholarly.requests) == asked and folder_bytes(empty_library) == before


def test_an_unknown_doi_and_a_non_doi_are_one_sentence_each(empty_library, fake_scholarly):
    unknown = run(empty_library, "add", "--doi", "10.9999/nothing", "--note", "x")
    assert unknown.exit_code == 1 and "Crossref has no DOI 10.9999/nothing" in unknown.stderr
    bad = run(empty_library, "add", "--doi", "not-a-doi", "--note", "x")
    assert bad.exit_code == 1 and "'not-a-doi' is not a DOI" in bad.stderr
    assert Library(empty_library).notes() == []
