"""``add --arxiv`` and ``link`` as a user runs them, against the fake arXiv server."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from papernotes.library import Library
from papernotes.model import ARXIV_FIELDS, Paper
from tests.fake_arxiv import FakePaper, seed_papers
from tests.helpers import folder_bytes, run

SEED = {p.arxiv: p for p in seed_papers()}


def show(root, paper: str) -> dict:
    result = run(root, "show", paper, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def library_without_ids(seed_library):
    """The seed library with every arXiv id and arXiv field removed (titles as the user wrote)."""
    library = Library.open(seed_library)
    blank = {name: type(getattr(library.notes()[0].paper, name))() for name in ARXIV_FIELDS}
    for note in library.notes():
        library.save(note, replace(note.paper, arxiv="", **blank))
    return seed_library


@pytest.mark.parametrize(
    "given",
    [
        "2006.03654",
        "2006.03654v2",
        "arXiv:2006.03654",
        "https://arxiv.org/abs/2006.03654v1",
        "https://arxiv.org/pdf/2006.03654.pdf",
        "https://arxiv.org/pdf/2006.03654v2",
    ],
)
def test_add_by_every_new_style_id_form_fills_the_note_from_arxiv(fake_arxiv, empty_library, given):
    result = run(empty_library, "add", "--arxiv", given, "--note", "read it")
    assert result.exit_code == 0, result.stderr
    assert fake_arxiv.id_requests() == [[given.split("/")[-1].removesuffix(".pdf").split(":")[-1]]]
    data = show(empty_library, "2006.03654")
    assert data["title"] == SEED["2006.03654"].title
    assert data["year"] == 2020  # the first version's year
    assert data["arxiv"] == "2006.03654"
    assert data["arxiv_version"] == (1 if given.endswith("v1") else 2)
    assert data["authors"] == list(SEED["2006.03654"].authors)
    assert data["published"] == "2020-06-05"
    assert data["abstract"].startswith("Fixture text: DeBERTa")
    assert data["journal_ref"] == "ICLR 2021"
    assert data["notes"] == ["read it"]


@pytest.mark.parametrize("given", ["hep-th/9901001", "cs/0112017v1"])
def test_add_by_old_style_id(fake_arxiv, empty_library, given):
    fake_arxiv.add(
        FakePaper("hep-th/9901001", "An Old Physics Paper", ("A. Author",), "1999-01-04")
    )
    fake_arxiv.add(FakePaper("cs/0112017", "An Old Computing Paper", ("B. Author",), "2001-12-20"))
    result = run(empty_library, "add", "--arxiv", given, "--note", "x")
    assert result.exit_code == 0, result.stderr
    data = show(empty_library, given)
    assert data["arxiv"] == given.removesuffix("v1")
    assert data["year"] in (1999, 2001)


def test_command_line_values_win_over_arxiv(fake_arxiv, empty_library):
    result = run(
        empty_library,
        "add",
        "--arxiv",
        "2006.03654",
        "--year",
        "2021",
        "--title",
        "DeBERTa (my title)",
        "--venue",
        "ICLR",
        "--note",
        "x",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("2021/deberta-my-title.md")
    data = show(empty_library, "2006.03654")
    assert (data["title"], data["year"], data["venue"]) == ("DeBERTa (my title)", 2021, "ICLR")
    assert data["arxiv_title"] == SEED["2006.03654"].title


def test_a_bad_id_names_the_accepted_forms_without_a_request(fake_arxiv, empty_library):
    result = run(empty_library, "add", "--arxiv", "2006.365", "--note", "x")
    assert result.exit_code == 1
    assert "accepted forms are" in result.stderr and "hep-th/9901001" in result.stderr
    assert fake_arxiv.requests == []


def test_adding_an_id_already_in_the_library_is_refused_before_fetching(fake_arxiv, seed_library):
    before = folder_bytes(seed_library)
    result = run(seed_library, "add", "--arxiv", "arXiv:1909.10351", "--note", "x")
    assert result.exit_code == 1
    assert "already in the library as 2020/tinybert.md" in result.stderr
    assert fake_arxiv.requests == []
    assert folder_bytes(seed_library) == before


def test_link_all_finds_all_eight_seed_papers_by_title(fake_arxiv, library_without_ids):
    result = run(library_without_ids, "link", "--all")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("8 linked, 0 updated, 0 unchanged, 0 skipped.")
    for arxiv, paper in SEED.items():
        data = show(library_without_ids, arxiv)
        assert data["arxiv_title"] == paper.title
        assert data["authors"] == list(paper.authors)
    notes = Library.open(library_without_ids).notes()
    titles = {n.paper.arxiv: n.paper.title for n in notes}
    # Each note got its own paper (none linked to a wrong one); the user's titles stay.
    assert sorted(titles) == sorted(SEED)
    assert titles["1909.11942"].isupper() and titles["2006.03654"].isupper()


def test_link_updates_papers_with_ids_in_one_batched_request(fake_arxiv, seed_library):
    result = run(seed_library, "link", "--all")
    assert result.exit_code == 0, result.stderr
    assert "8 updated" in result.stdout
    assert len(fake_arxiv.requests) == 1
    assert sorted(fake_arxiv.id_requests()[0]) == sorted(SEED)
    albert = show(seed_library, "1909.11942")
    assert (
        albert["title"]
        == "ALBERT: A LITE BERT FOR SELF-SUPERVISED LEARNING OF LANGUAGE REPRESENTATIONS"
    )
    assert albert["year"] == 2020 and albert["venue"] == "ICLR"
    assert albert["abstract"].startswith("Fixture text")
    assert albert["notes"] and albert["code"]


def test_a_second_link_uses_the_cache_and_refresh_asks_again(fake_arxiv, seed_library):
    assert run(seed_library, "link", "--all").exit_code == 0
    again = run(seed_library, "link", "--all")
    assert again.exit_code == 0 and "8 unchanged" in again.stdout
    assert len(fake_arxiv.requests) == 1
    refreshed = run(seed_library, "link", "--all", "--refresh")
    assert refreshed.exit_code == 0
    assert len(fake_arxiv.requests) == 2


def test_offline_uses_only_the_cache(fake_arxiv, seed_library, monkeypatch):
    before = folder_bytes(seed_library)
    offline = run(seed_library, "link", "--all", "--offline")
    assert offline.exit_code == 1
    assert "not in the cache" in offline.stderr and "offline" in offline.stderr
    assert fake_arxiv.requests == [] and folder_bytes(seed_library) == before
    assert run(seed_library, "link", "tinybert").exit_code == 0
    monkeypatch.setenv("PAPERNOTES_OFFLINE", "1")
    cached = run(seed_library, "link", "tinybert")
    assert cached.exit_code == 0 and "1 unchanged" in cached.stdout
    assert len(fake_arxiv.requests) == 1


def test_an_ambiguous_title_is_not_linked_and_its_candidates_are_listed(fake_arxiv, empty_library):
    run(empty_library, "add", "--year", "2020", "--title", "BERT", "--note", "x")
    fake_arxiv.add(FakePaper("2101.00001", "Distilling BERT", ("C. Author",), "2021-01-02"))
    fake_arxiv.add(FakePaper("2101.00002", "Distilling BERT", ("D. Author",), "2021-01-03"))
    run(empty_library, "add", "--year", "2021", "--title", "Distilling BERT", "--note", "x")
    before = folder_bytes(empty_library)
    result = run(empty_library, "link", "--all")
    assert result.exit_code == 0, result.stderr
    assert "0 linked" in result.stdout and "2 skipped" in result.stdout
    assert "below the auto-link threshold of 90" in result.stdout
    assert "2101.00001 and 2101.00002 score within 5 points" in result.stdout
    assert "1909.10351" in result.stdout  # TinyBERT is listed as a candidate for "BERT"
    assert folder_bytes(empty_library) == before


def test_link_with_an_explicit_id_checks_the_title(fake_arxiv, empty_library):
    run(empty_library, "add", "--year", "2020", "--title", "BERT", "--note", "x")
    before = folder_bytes(empty_library)
    unsure = run(empty_library, "link", "BERT", "--arxiv", "1909.10351")
    assert unsure.exit_code == 0 and "pass --yes to link it anyway" in unsure.stdout
    assert folder_bytes(empty_library) == before
    sure = run(empty_library, "link", "BERT", "--arxiv", "1909.10351", "--yes")
    assert sure.exit_code == 0 and "1 linked" in sure.stdout
    assert show(empty_library, "BERT")["arxiv"] == "1909.10351"
    relink = run(empty_library, "link", "BERT", "--arxiv", "2006.03654")
    assert relink.exit_code == 1 and "pass --yes to relink" in relink.stderr


def failing(fake_arxiv, library, *args, status: int = 3):
    """Run ``link --all`` (or ``args``) and check it fails cleanly: exit 3 (the network's
    status), one line, no change."""
    before = folder_bytes(library)
    result = run(library, *(args or ("link", "--all")))
    assert result.exit_code == status
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert folder_bytes(library) == before
    return result.stderr


def test_503_then_success_retries_and_links(fake_arxiv, seed_library):
    fake_arxiv.fail(503, times=2)
    result = run(seed_library, "link", "--all")
    assert result.exit_code == 0, result.stderr
    assert len(fake_arxiv.requests) == 3 and "8 updated" in result.stdout


def test_persistent_503_gives_up_after_the_retries(fake_arxiv, seed_library):
    fake_arxiv.fail(503)
    message = failing(fake_arxiv, seed_library)
    assert "HTTP 503" in message and "on all 4 tries" in message
    assert "retrying later may help" in message
    assert len(fake_arxiv.requests) == 4


def test_429_is_retried_then_reported(fake_arxiv, seed_library):
    fake_arxiv.fail(429)
    message = failing(fake_arxiv, seed_library)
    assert "HTTP 429" in message and "retrying later may help" in message
    assert len(fake_arxiv.requests) == 4


def test_a_server_that_never_answers_times_out(fake_arxiv, empty_library):
    fake_arxiv.fail("hang")
    message = failing(fake_arxiv, empty_library, "add", "--arxiv", "2006.03654", "--timeout", "0.3")
    assert "did not answer within 0.3 s while fetching 2006.03654" in message
    assert len(fake_arxiv.requests) == 1


def test_connection_refused_is_a_clear_error(fake_arxiv, seed_library):
    fake_arxiv.close()
    message = failing(fake_arxiv, seed_library, "link", "tinybert")
    assert "Cannot connect to arXiv at 127.0.0.1" in message and "1909.10351" in message
    assert "connection refused" in message and "retrying later may help" in message


def test_html_instead_of_atom_is_an_error_not_an_empty_answer(fake_arxiv, seed_library):
    fake_arxiv.fail("html")
    message = failing(fake_arxiv, seed_library)
    assert "unreadable answer for 8 ids" in message and "not an Atom feed" in message


def test_malformed_xml_is_an_error(fake_arxiv, empty_library):
    fake_arxiv.fail("malformed")
    message = failing(fake_arxiv, empty_library, "add", "--arxiv", "1909.10351")
    assert "unreadable answer for 1909.10351" in message


def test_entries_missing_required_fields_are_an_error(fake_arxiv, seed_library):
    fake_arxiv.fail("broken-entry")
    message = failing(fake_arxiv, seed_library)
    assert "arXiv sent 8 unreadable entries for 8 ids" in message


def test_an_empty_feed_for_an_id_is_not_found(fake_arxiv, seed_library):
    fake_arxiv.fail("empty")
    message = failing(fake_arxiv, seed_library, "link", "xlnet", status=1)  # arXiv answered
    assert "no entry for id 1906.08237" in message and "check the id" in message


def test_an_unknown_id_is_not_found_and_nothing_is_added(fake_arxiv, empty_library):
    message = failing(fake_arxiv, empty_library, "add", "--arxiv", "2912.99999", status=1)
    assert "no entry for id 2912.99999" in message
    assert not any(empty_library.rglob("*.md"))


def test_one_unknown_id_among_many_writes_nothing(fake_arxiv, seed_library):
    library = Library.open(seed_library)
    note = library.find("xlnet")
    library.save(note, replace(note.paper, arxiv="1906.99999"))
    message = failing(fake_arxiv, seed_library, "link", "--all", status=1)
    assert "no entry for id 1906.99999" in message
    assert len(fake_arxiv.requests) == 1


def test_list_show_search_and_export_do_not_import_arxiv(seed_library):
    code = (
        "import sys\n"
        "from papernotes.cli.main import cli\n"
        "for args in (['list'], ['show', 'tinybert'], ['search', 'bert'], ['export', '--md'],\n"
        "             ['export', '--bib']):\n"
        "    try:\n"
        f"        cli(['--notes', {str(seed_library)!r}, *args])\n"
        "    except SystemExit as exit:\n"
        "        assert not exit.code, args\n"
        "    assert 'arxiv' not in sys.modules and 'requests' not in sys.modules, args\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_an_id_another_note_has_is_refused_even_with_yes(fake_arxiv, seed_library):
    before = folder_bytes(seed_library)
    result = run(seed_library, "link", "albert", "--arxiv", "2006.03654", "--yes")
    assert result.exit_code == 1
    assert "arXiv 2006.03654 is already the id of 2021/deberta.md" in result.stderr
    assert result.stderr.count("\n") == 1
    assert fake_arxiv.requests == [] and folder_bytes(seed_library) == before
    assert show(seed_library, "2006.03654")["path"] == "2021/deberta.md"


def test_a_title_match_to_an_id_another_note_has_is_skipped_naming_it(
    fake_arxiv, library_without_ids
):
    library = Library.open(library_without_ids)
    albert = library.find("albert")
    library.save(albert, replace(albert.paper, arxiv="1909.10351"))  # TinyBERT's id, by mistake
    result = run(library_without_ids, "link", "--all")
    assert result.exit_code == 0, result.stderr
    assert (
        "skipped    2020/tinybert.md: arXiv 1909.10351 is already the id of 2020/albert.md"
        in result.stdout
    )
    notes = Library.open(library_without_ids).notes()
    assert [n.path for n in notes if n.paper.arxiv == "1909.10351"] == ["2020/albert.md"]


def test_adding_with_update_never_gives_a_second_note_an_id_in_use(fake_arxiv, seed_library):
    # The title names DeBERTaV3 (2023, listed first), the id is ALBERT's (2020).
    v3 = show(seed_library, "debertav3")
    before = folder_bytes(seed_library)
    result = run(seed_library, "add", "--arxiv", "1909.11942", "--title", v3["title"], "--update")
    ids = [n.paper.arxiv for n in Library.open(seed_library).notes()]
    assert ids.count("1909.11942") == 1, result.stdout + result.stderr
    assert show(seed_library, "debertav3")["arxiv"] == v3["arxiv"]
    assert result.exit_code == 1 and "2020/albert.md" in result.stderr
    assert folder_bytes(seed_library) == before


def test_link_help_points_to_documentation_that_exists(seed_library):
    import re
    from pathlib import Path

    result = run(seed_library, "link", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    named = re.findall(r"docs/\S+\.md", text)
    assert named == ["docs/arxiv.md"]
    doc = Path(__file__).resolve().parents[2] / named[0]
    assert '"Linking the papers you already have"' in text
    assert "\n## Linking the papers you already have\n" in doc.read_text(encoding="utf-8")


def test_show_prints_every_arxiv_field(empty_library):
    paper = Paper(
        title="A Paper",
        year=2021,
        arxiv="2006.03654",
        arxiv_version=3,
        arxiv_title="A Paper, as arXiv titles it",
        authors=("Ada Author", "Bo Writer"),
        abstract="What the paper does.",
        published="2020-06-05",
        updated="2021-10-06",
        categories=("cs.CL", "cs.LG"),
        primary_category="cs.CL",
        doi="10.48550/arXiv.2006.03654",
        journal_ref="ICLR 2021",
        comment="20 pages, 5 figures",
    )
    Library.open(empty_library).add(paper)
    result = run(empty_library, "show", "2006.03654")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    for label, value in {
        "arXiv title": paper.arxiv_title,
        "authors": "Ada Author; Bo Writer",
        "arXiv": "2006.03654  https://arxiv.org/abs/2006.03654",
        "version": "v3",
        "published": "2020-06-05",
        "updated": "2021-10-06",
        "categories": "cs.CL cs.LG",
        "primary": "cs.CL",
        "doi": paper.doi,
        "journal": "ICLR 2021",
        "comment": "20 pages, 5 figures",
    }.items():
        assert f"{label + ':':<11} {value}" in lines, label
    assert lines[lines.index("Abstract:") + 1] == paper.abstract
    data = show(empty_library, "2006.03654")
    for name in ("arxiv", *ARXIV_FIELDS):
        value = getattr(paper, name)
        assert data[name] == (list(value) if isinstance(value, tuple) else value), name


def test_add_offline_with_a_cache_miss_adds_the_id_only_and_warns(empty_library):
    result = run(
        empty_library, "add", "--arxiv", "2006.03654", "--title", "DeBERTa", "--year", "2020",
        "--note", "read it", "--offline",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "warning: arXiv 2006.03654 is not cached; adding it without its metadata "
        "(run 'papernotes link' later to fill it in).\n"
    )
    data = show(empty_library, "2006.03654")
    assert (data["title"], data["arxiv"], data["authors"]) == ("DeBERTa", "2006.03654", [])
    refused = run(empty_library, "add", "--arxiv", "2012.00001", "--note", "x", "--offline")
    assert refused.exit_code == 1 and "not in the cache" in refused.stderr
