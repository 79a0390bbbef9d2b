"""The kept search answers (storage/caches/search_answers.py, used by
library/search_listing.py): a search repeated after an edit works out only the edited year's
papers again, and prints exactly what a run without caches prints (the property over random
changes is in test_search_listing.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from papernotes.library import search_hits, search_listing
from papernotes.storage.caches.location import cache_path
from papernotes.storage.caches.search_answers import MAX_QUERIES
from tests.helpers import run
from tests.storage.test_cache_shards import edit_as_a_person
from tests.storage.test_search_listing import QUERIES, kept_forms, searched

YEARS = {"2019", "2020", "2021", "2023"}
"""The year folders of the shipped library."""


def answers_folder(root: Path) -> Path:
    folder = cache_path(os.path.realpath(root), ".answers")
    assert folder is not None
    return folder


def answer_files(root: Path) -> list[Path]:
    folder = answers_folder(root)
    return sorted(p for query in folder.iterdir() for p in query.iterdir())


@pytest.fixture
def matched_years(monkeypatch) -> list[int]:
    """How many notes each year the query was matched against had (one entry per year)."""
    years: list[int] = []
    real = search_hits.FormsQuery.matching_joined

    def counted(self, texts, starts, *args, **kwargs):
        years.append(len(starts) - 1)
        return real(self, texts, starts, *args, **kwargs)

    monkeypatch.setattr(search_hits.FormsQuery, "matching_joined", counted)
    return years


@pytest.fixture
def worked_out(monkeypatch) -> list[str]:
    """The years whose papers a search worked out from their forms (exact or not)."""
    years: list[str] = []
    real = search_listing.YearSearch.found_in

    def counted(self, year, forms):
        years.append(year)
        return real(self, year, forms)

    monkeypatch.setattr(search_listing.YearSearch, "found_in", counted)
    return years


@pytest.mark.parametrize("query", ["蒸馏", "zhengliu", "bert 蒸馏"])
def test_a_search_repeated_after_an_edit_matches_only_the_edited_years_notes_again(
    seed_library, trusting_cache, matched_years, query
):
    for colour in (False, True):
        assert searched(seed_library, query, colour=colour)[0] == 0  # the answers kept
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("EMNLP", "ACL"))
    for colour in (False, True):
        matched_years.clear()
        result = searched(seed_library, query, colour=colour)
        assert len(matched_years) == 1  # 2020 alone: the old search matched all 4 years
        assert result == searched(seed_library, query, cache=False, colour=colour)
        matched_years.clear()
        assert searched(seed_library, query, colour=colour) == result
        assert matched_years == []  # every year's answer kept


def test_every_query_form_prints_from_kept_answers_what_a_run_without_caches_prints(
    seed_library, trusting_cache, worked_out
):
    runs = [(q, o, c) for q in QUERIES for o in ((), ("--exact",)) for c in (False, True)]
    expected = [searched(seed_library, q, *o, cache=False, colour=c) for q, o, c in runs]
    assert sum(result[0] == 0 for result in expected) >= 14
    for (query, options, colour), result in zip(runs, expected, strict=True):
        assert searched(seed_library, query, *options, colour=colour) == result  # kept
    worked_out.clear()
    latest = zip(runs[-MAX_QUERIES:], expected[-MAX_QUERIES:], strict=True)
    for (query, options, colour), result in latest:
        assert searched(seed_library, query, *options, colour=colour) == result  # read back
    assert worked_out == []


def test_a_search_after_check_uses_its_kept_answers_and_a_distrusted_file_works_out_its_year(
    seed_library, trusting_cache, matched_years
):
    expected = searched(seed_library, "蒸馏", cache=False)
    assert searched(seed_library, "蒸馏") == expected
    assert run(seed_library, "check").exit_code == 0  # every form made from the bytes read
    matched_years.clear()
    assert searched(seed_library, "蒸馏") == expected
    assert matched_years == []  # the kept answers of every year
    kept_forms(seed_library).forget(["2020/tinybert.md"])  # as a write that distrusts it
    assert searched(seed_library, "蒸馏") == expected
    assert len(matched_years) == 1  # its year worked out again, the others' answers kept


def test_damaged_foreign_or_odd_answer_files_are_ignored_and_replaced(
    seed_library, trusting_cache, matched_years
):
    expected = {q: searched(seed_library, q, cache=False) for q in ("蒸馏", "bert")}
    for query in expected:
        assert searched(seed_library, query) == expected[query]
    first, second = sorted(answers_folder(seed_library).iterdir())
    (first / "2020").write_bytes((first / "2020").read_bytes()[:-9] + b"\0garbage!")
    (first / "2021").write_bytes(b"")
    (first / "2019").unlink()
    os.mkfifo(first / "2019")
    shutil.copyfile(first / "2023", first / "1999")  # a year with no note now
    (second / "2023").write_bytes((second / "2021").read_bytes())  # another year's
    (second / "2019").write_bytes((first / "2020").read_bytes())  # another query's
    shutil.copyfile(first / "2023", second / "2020")  # (the same header and token)
    for query, result in expected.items():
        assert searched(seed_library, query) == result
    matched_years.clear()
    for query, result in expected.items():
        assert searched(seed_library, query) == result
    assert matched_years == []  # every answer made again and read back
    assert {p.name for p in answer_files(seed_library)} == YEARS
    assert all(p.is_file() for p in answer_files(seed_library))


def test_at_most_four_queries_keep_answers_the_least_recently_used_dropped_first(
    seed_library, trusting_cache, matched_years
):
    queries = ["蒸馏", "bert", "zhengliu", "tiny", "distil"]
    for query in queries[:MAX_QUERIES]:
        assert searched(seed_library, query)[0] == 0
    folder = answers_folder(seed_library)
    for age, query in enumerate(queries[:MAX_QUERIES]):  # "蒸馏" the oldest, then "bert"
        for name in os.listdir(folder):
            when = 1_000_000 + age
            if any(searched_with(folder / name, query)):
                os.utime(folder / name, (when, when))
    matched_years.clear()
    assert searched(seed_library, "蒸馏")[0] == 0  # used: the most recent now
    assert matched_years == []
    assert searched(seed_library, queries[-1])[0] == 0
    assert len(os.listdir(folder)) == MAX_QUERIES
    matched_years.clear()
    for query in ("蒸馏", *queries[-2:]):
        assert searched(seed_library, query)[0] == 0
    assert matched_years == []  # kept
    assert searched(seed_library, "bert")[0] == 0  # the least recently used: dropped
    assert len(matched_years) == len(YEARS)


def searched_with(folder: Path, query: str) -> list[bool]:
    """Whether the kept answers in ``folder`` are those of ``query`` (plain, not exact)."""
    return [f"plain\0\0{query}".encode() in p.read_bytes() for p in folder.iterdir()]


def test_the_answers_of_a_year_folder_that_holds_no_note_now_are_removed(
    seed_library, trusting_cache
):
    assert searched(seed_library, "蒸馏")[0] == 0
    shutil.rmtree(seed_library / "2019")
    assert searched(seed_library, "蒸馏") == searched(seed_library, "蒸馏", cache=False)
    assert {p.name for p in answer_files(seed_library)} == YEARS - {"2019"}


@pytest.mark.parametrize("query", ["蒸馏", "zhengliu", "bert 蒸馏"])
def test_search_json_repeated_after_an_edit_matches_only_the_edited_years_notes_again(
    seed_library, trusting_cache, matched_years, built, query
):
    """``search --json`` keeps its answers as ``search`` does (each match's JSON as the
    printed part) and writes each paper from its kept ``list --json`` text."""
    assert run(seed_library, "list", "--json").exit_code == 0  # every folder's text kept
    assert searched(seed_library, query, "--json")[0] == 0  # the answers kept
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("EMNLP", "ACL 蒸馏"))
    matched_years.clear()
    built.clear()
    result = searched(seed_library, query, "--json")
    assert len(matched_years) == 1 and built == []  # 2020 alone, and no note built
    assert result == searched(seed_library, query, "--json", cache=False)
    matched_years.clear()
    assert searched(seed_library, query, "--json") == result
    assert matched_years == []  # every year's answer kept
