"""BibTeX of published preprints: venue_full as booktitle, pages, DOI and publisher, both ways."""

from __future__ import annotations

from papernotes.formats.bibtex.paper_from_entry import entry_to_paper
from papernotes.formats.bibtex.read import parse_bibtex
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.formats.bibtex.write import render_entry
from papernotes.model import Paper

VENUES = VenueTable()
TINYBERT = Paper(
    title="TinyBERT: Distilling BERT for Natural Language Understanding",
    year=2020,
    venue="Findings of EMNLP",
    venue_full="Findings of the Association for Computational Linguistics: EMNLP 2020",
    pages="4163-4174",
    publisher="Association for Computational Linguistics",
    doi="10.18653/v1/2020.findings-emnlp.372",
    venue_source="crossref",
    arxiv="1909.10351",
    primary_category="cs.CL",
    key="jiao2020tinybert",
    authors=("Xiaoqi Jiao", "Yichun Yin"),
)


def test_a_published_preprint_is_an_inproceedings_with_booktitle_pages_doi_publisher_and_eprint():
    text = render_entry(TINYBERT, venues=VENUES)
    assert text.startswith("@inproceedings{jiao2020tinybert,\n")
    assert (
        "  booktitle = {Findings of the Association for Computational Linguistics: EMNLP 2020},\n"
        in text
    )
    assert "  pages = {4163--4174},\n" in text
    assert "  publisher = {Association for Computational Linguistics},\n" in text
    assert "  doi = {10.18653/v1/2020.findings-emnlp.372},\n" in text
    assert "  eprint = {1909.10351},\n  archivePrefix = {arXiv},\n" in text


def test_an_exported_published_preprint_reads_back_with_its_venue_full_pages_and_publisher():
    parsed = parse_bibtex(render_entry(TINYBERT, venues=VENUES), "x.bib")
    paper = entry_to_paper(parsed.entries[0], VENUES)
    assert paper.venue == "Findings of EMNLP"
    assert paper.venue_full == TINYBERT.venue_full
    assert (paper.pages, paper.publisher, paper.doi) == (
        "4163-4174",
        TINYBERT.publisher,
        TINYBERT.doi,
    )
    assert paper.extra == ()  # pages and publisher are the paper's own fields now


def test_a_numbered_proceedings_title_reads_back_as_its_short_venue():
    neurips = Paper(
        title="XLNet",
        year=2019,
        venue="NeurIPS",
        venue_full="Advances in Neural Information Processing Systems 32 (NeurIPS 2019)",
        authors=("Zhilin Yang",),
    )
    text = render_entry(neurips, venues=VENUES)
    assert "booktitle = {Advances in Neural Information Processing Systems 32 (NeurIPS 2019)}" in (
        text
    )
    paper = entry_to_paper(parse_bibtex(text, "x.bib").entries[0], VENUES)
    assert (paper.venue, paper.venue_full) == ("NeurIPS", neurips.venue_full)


def test_a_short_booktitle_still_exports_as_the_tables_full_name_and_keeps_no_venue_full():
    bib = "@inproceedings{a, title={T}, author={Doe, Jane}, booktitle={ICML}, year=2019}\n"
    paper = entry_to_paper(parse_bibtex(bib, "x.bib").entries[0], VENUES)
    assert (paper.venue, paper.venue_full) == ("ICML", "")
    assert "booktitle = {International Conference on Machine Learning}" in render_entry(
        paper, venues=VENUES
    )


def test_a_workshop_named_after_a_conference_is_not_taken_for_the_conference():
    assert VENUES.from_full_name("Workshop on Efficient NLP (ICLR 2020)") is None
    assert (
        VENUES.from_full_name(
            "Advances in Neural Information Processing Systems 32 (NeurIPS 2019)"
        ).short
        == "NeurIPS"
    )
