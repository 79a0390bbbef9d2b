"""Finding a paper's published version: ids first, then titles with authors checked."""

from __future__ import annotations

import pytest

from papernotes.errors import NetworkError
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.library.published_find import PublishedFinder, authors_overlap
from papernotes.model import Paper
from papernotes.web.polite import PoliteClient
from papernotes.web.scholarly import SOURCES
from tests.fake_scholarly import DblpHit, Work

MENGZI = "Mengzi: Towards Lightweight yet Ingenious Pre-trained Models for Chinese"
MENGZI_AUTHORS = ("Zhuosheng Zhang", "Hanqing Zhang", "Keming Chen")
XLNET = "XLNet: Generalized Autoregressive Pretraining for Language Understanding"
XLNET_AUTHORS = ("Zhilin Yang", "Zihang Dai", "Yiming Yang", "Jaime Carbonell")


def finder(sources=SOURCES) -> PublishedFinder:
    return PublishedFinder(PoliteClient(), tuple(sources), VenueTable())


def test_an_arxiv_id_finds_the_findings_volume_through_s2_and_crossref(fake_scholarly):
    found = finder().find(Paper(title="TinyBERT", year=2020, arxiv="1909.10351")).published
    assert found is not None
    assert (found.venue, found.year, found.source) == ("Findings of EMNLP", 2020, "crossref")
    assert found.venue_full == (
        "Findings of the Association for Computational Linguistics: EMNLP 2020"
    )
    assert (found.doi, found.pages) == ("10.18653/v1/2020.findings-emnlp.372", "4163-4174")
    assert [r.service for r in fake_scholarly.requests] == ["s2", "crossref", "dblp"]


def test_without_an_arxiv_id_the_title_is_searched_on_dblp(fake_scholarly):
    lookup = finder().find(Paper(title=XLNET, year=2019, authors=XLNET_AUTHORS))
    assert lookup.status == "found"
    assert lookup.published.label() == "NeurIPS 2019"
    assert lookup.published.venue_full == (
        "Advances in Neural Information Processing Systems 32 (NeurIPS 2019)"
    )
    assert [r.service for r in fake_scholarly.requests] == ["dblp"]


def test_a_preprint_title_matching_a_published_paper_by_other_authors_is_rejected(
    fake_scholarly,
):
    fake_scholarly.add_dblp(
        DblpHit("conf/acl/Other22", MENGZI, ("Ann Other", "Bo Else"), "ACL", 2022)
    )
    lookup = finder().find(
        Paper(title=MENGZI, year=2021, arxiv="2110.06696", authors=MENGZI_AUTHORS)
    )
    assert lookup.status == "not found"
    assert "has the title but other authors (Ann Other, Bo Else)" in lookup.reason


def test_the_same_title_by_the_same_authors_is_accepted(fake_scholarly):
    fake_scholarly.add_dblp(DblpHit("conf/acl/Zhang22", MENGZI, MENGZI_AUTHORS, "ACL (1)", 2022))
    lookup = finder().find(
        Paper(title=MENGZI, year=2021, arxiv="2110.06696", authors=MENGZI_AUTHORS)
    )
    assert lookup.status == "found" and lookup.published.label() == "ACL 2022"


def test_two_published_papers_with_the_title_are_ambiguous_and_listed(fake_scholarly):
    for key, venue in (("conf/acl/Z22", "ACL"), ("conf/emnlp/Z22", "EMNLP")):
        fake_scholarly.add_dblp(DblpHit(key, MENGZI, MENGZI_AUTHORS, venue, 2022))
    lookup = finder().find(Paper(title=MENGZI, year=2021, authors=MENGZI_AUTHORS))
    assert lookup.status == "ambiguous"
    assert {c.label() for c in lookup.candidates} == {"ACL 2022", "EMNLP 2022"}


def test_a_paper_only_on_arxiv_is_not_found_and_the_reason_says_where_it_looked(
    fake_scholarly,
):
    lookup = finder().find(Paper(title=MENGZI, year=2021, arxiv="2110.06696"))
    assert lookup.status == "not found"
    assert lookup.reason.startswith("Semantic Scholar lists only the preprint; DBLP has no")


def test_crossref_alone_finds_a_paper_by_its_title(fake_scholarly):
    title = "TinyBERT: Distilling BERT for Natural Language Understanding"
    lookup = finder(["crossref"]).find(Paper(title=title, year=2020, authors=("Xiaoqi Jiao",)))
    assert lookup.published.venue == "Findings of EMNLP"
    assert [r.service for r in fake_scholarly.requests] == ["crossref"]


def test_crossref_posted_content_is_a_preprint_not_a_venue(fake_scholarly):
    fake_scholarly.add_crossref(
        Work("10.1/pre", MENGZI, MENGZI_AUTHORS, "SSRN", 2021, type="posted-content")
    )
    assert finder(["crossref"]).find(Paper(title=MENGZI, year=2021)).status == "not found"


def test_an_s2_answer_that_is_not_json_fails_the_lookup(fake_scholarly):
    fake_scholarly.fail("s2", "malformed")
    with pytest.raises(NetworkError, match="Semantic Scholar sent an unreadable answer"):
        finder().find(Paper(title="XLNet", year=2019, arxiv="1906.08237"))


def test_author_overlap_compares_family_names_of_the_shorter_list():
    assert authors_overlap(("Quoc V. Le", "Zhilin Yang"), ("Zhilin Yang 0001", "Q. Le"))
    assert authors_overlap(("Le, Quoc",), ("Quoc Le", "A. Other", "B. Other"))
    assert not authors_overlap(("Ann Smith", "Bo Jones"), ("Cy Brown", "Di Green"))
    assert authors_overlap((), ("Cy Brown",))  # unknown authors: the title decides
