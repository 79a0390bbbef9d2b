"""PAPER, as ``show``, ``edit``, ``rm``, ``key``, ``link`` and ``export`` take it: a name that
different rules give to different papers is an error listing them, never a silent pick."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.library import Library
from papernotes.library.names import exact_matches
from papernotes.model import Note, Paper, normalize_title
from tests.helpers import folder_bytes, run

ROBERTA, TINYBERT = "2019/roberta.md", "2020/tinybert.md"


def give_key_by_hand(root: Path, rel: str, key: str) -> None:
    """Set a note's key in its file, as a hand edit (or an older papernotes) could."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^key: .*$", f"key: {key}", text, count=1), encoding="utf-8")


def test_rm_of_a_key_that_is_another_papers_slug_lists_both_and_removes_nothing(seed_library):
    refused = run(seed_library, "key", "roberta", "tinybert")
    assert refused.exit_code == 1, refused.output
    assert f"is the slug of {TINYBERT}" in refused.stderr
    give_key_by_hand(seed_library, ROBERTA, "tinybert")
    before = folder_bytes(seed_library)
    result = run(seed_library, "rm", "tinybert", "--yes")
    assert result.exit_code == 1
    assert f"{TINYBERT} by its slug" in result.stderr and f"{ROBERTA} by its key" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize(
    "command",
    [
        ("show",),
        ("edit",),
        ("key",),
        ("key", "fresh2019"),
        ("link",),
        ("export", "--bib"),
        ("note",),
        ("note", "a new note"),
    ],
    ids=lambda c: " ".join(c),
)
def test_every_command_taking_a_paper_refuses_a_name_two_papers_have(
    seed_library, fake_arxiv, command
):
    give_key_by_hand(seed_library, ROBERTA, "tinybert")
    before = folder_bytes(seed_library)
    name, *rest = command
    result = run(seed_library, name, "tinybert", *rest)
    assert result.exit_code == 1, result.output
    assert f"'tinybert' names 2 papers: {TINYBERT} by its slug, {ROBERTA} by its key" in (
        result.stderr
    )
    assert folder_bytes(seed_library) == before and fake_arxiv.requests == []


@pytest.mark.parametrize(
    ("taken", "rule"),
    [
        ("tinybert", "slug"),
        ("TinyBERT", "slug"),
        ("2020/tinybert", "path"),
        ("2020/tinybert.md", "path"),
        ("1909.10351", "arXiv id"),
    ],
)
def test_key_refuses_a_key_that_is_another_papers_slug_path_or_arxiv_id(seed_library, taken, rule):
    before = folder_bytes(seed_library)
    result = run(seed_library, "key", "roberta", taken)
    assert result.exit_code == 1
    assert f"The key {taken!r} is the {rule} of {TINYBERT}" in result.stderr
    assert folder_bytes(seed_library) == before


def test_a_key_may_be_the_papers_own_slug_path_or_arxiv_id(seed_library):
    for own in ("roberta", "1907.11692", "2019/roberta"):
        result = run(seed_library, "key", "2019/roberta.md", own)
        assert result.exit_code == 0, result.output
        assert Library(seed_library).find(own).path == ROBERTA
    assert run(seed_library, "check").exit_code == 0


def test_check_reports_a_key_that_names_another_paper(seed_library):
    give_key_by_hand(seed_library, ROBERTA, "TinyBERT")
    result = run(seed_library, "check")
    assert result.exit_code == 1
    assert f"{ROBERTA}:" in result.stdout
    assert f"key 'TinyBERT' is the slug of {TINYBERT}, so it names two papers" in result.stdout


def test_rm_of_a_path_that_is_a_broken_file_and_another_papers_key_removes_nothing(seed_library):
    (seed_library / "2020" / "bad.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    give_key_by_hand(seed_library, ROBERTA, "2020/bad")
    before = folder_bytes(seed_library)
    result = run(seed_library, "rm", "2020/bad", "--yes")
    assert result.exit_code == 1
    assert "'2020/bad' names 2020/bad.md (which does not read as a note) and 2019/roberta.md" in (
        result.stderr
    )
    assert folder_bytes(seed_library) == before
    assert run(seed_library, "rm", "2020/bad.md", "--yes").exit_code == 0
    assert not (seed_library / "2020" / "bad.md").exists() and (seed_library / ROBERTA).exists()


TITLE_TEXT = st.text(alphabet="aAbBéÉß _-:.,!'()1\t蒸馏Kſ", max_size=10)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(title=TITLE_TEXT, name=TITLE_TEXT)
def test_a_paper_is_named_by_its_title_exactly_when_the_normalised_titles_are_equal(title, name):
    """The title rule decides ASCII titles with a regular expression, not by normalising
    them; it must name exactly the papers whose normalised title is the name's."""
    note = Note(paper=Paper(title=title or "x", year=2020, key="k"), path="2020/p.md")
    wanted = normalize_title(name.strip())
    expected = bool(wanted) and normalize_title(note.paper.title) == wanted
    named = "title" in exact_matches([note], name).get(note.path, [])
    assert named == expected
