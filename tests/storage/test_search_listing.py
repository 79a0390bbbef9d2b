"""``search`` from the kept ``list`` rows and the search forms kept per year folder
(library/search_listing.py, storage/caches/search_forms_cache.py) and the answers kept per
year (storage/caches/search_answers.py, also tests/storage/test_search_answers.py): it builds
no note it does not find, parses only the notes that changed, and prints exactly what a run
without caches prints, whatever the query and whatever changed in between."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.storage import note_loads
from papernotes.storage.caches import location as cache_location
from papernotes.storage.caches.search_forms_cache import UNKNOWN, SearchFormsCache
from papernotes.storage.store import NoteStore
from tests.conftest import SHIPPED_NOTES
from tests.helpers import run
from tests.storage.test_cache_shards import apply_step, edit_as_a_person, steps

QUERIES = ["蒸馏", "蒸餾", "ＢＥＲＴ", "zhengliu", "zheng liu", "bert 蒸馏", "nixiang", "zzzz"]
"""Simplified, traditional, full-width, pinyin (one word and two), several words, a word
only an edit adds, and none."""


def searched(
    root: Path, *args: str, cache: bool = True, colour: bool = False
) -> tuple[int, str, str]:
    """``search ARGS``: exit status, output and warnings."""
    env = None if cache else {cache_location.DISABLE_ENV: "1"}
    colours = ["--color", "always"] if colour else []
    result = run(root, *colours, "search", *args, env=env)
    return result.exit_code, result.stdout, result.stderr


def kept_forms(root: Path) -> SearchFormsCache:
    return SearchFormsCache.for_library(os.path.realpath(root))


@pytest.mark.parametrize("query", ["蒸馏", "zhengliu", "bert"])
def test_a_search_after_an_edit_parses_only_the_edited_note_and_builds_no_other(
    seed_library, trusting_cache, built, parsed, query
):
    assert run(seed_library, "search", "zhengliu", "--json").exit_code == 0  # note cache full
    assert searched(seed_library, "zhengliu")[0] == 0  # rows, forms and spellings kept
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("EMNLP", "ACL"))
    built.clear()
    parsed.clear()
    result = searched(seed_library, query)
    assert built == [] and parsed == ["2020/tinybert.md"]  # the old search built all 8
    assert result == searched(seed_library, query, cache=False)
    parsed.clear()
    assert searched(seed_library, query) == result and parsed == []


def test_a_search_digests_the_folder_state_only_when_a_kept_name_index_needs_it(
    seed_library, trusting_cache, monkeypatch
):
    """Every note is stat-ed (an edit in place is seen), but the state those stats make is
    worked out only to settle a kept name index (tests/library/test_name_index.py checks
    that a search drops it): 25 ms at 100,000 notes."""
    digests = []
    real = note_loads.folder_state
    monkeypatch.setattr(
        note_loads, "folder_state", lambda *parts: digests.append(1) or real(*parts)
    )
    assert searched(seed_library, "蒸馏")[0] == 0
    assert digests == []  # the old search worked it out every time
    assert run(seed_library, "show", "jiao2020tinybert").exit_code == 0  # keeps an index
    digests.clear()
    assert searched(seed_library, "蒸馏")[0] == 0
    assert digests == [1]


@pytest.mark.parametrize("query", QUERIES)
def test_every_query_form_prints_from_kept_forms_what_a_run_without_caches_prints(
    seed_library, trusting_cache, query
):
    expected = searched(seed_library, query, cache=False)
    assert searched(seed_library, query) == expected  # the caches made
    assert searched(seed_library, query) == expected  # read from them
    assert searched(seed_library, query, "--exact") == searched(
        seed_library, query, "--exact", cache=False
    )
    coloured = searched(seed_library, query, colour=True)
    assert coloured == searched(seed_library, query, cache=False, colour=True)
    assert "\x1b[" in coloured[1] or coloured[0] == 1


EXACT_QUERIES = [
    "STRASSE",
    "straße",
    "ﬁne",
    "Bert",
    "蒸馏",
    "蒸餾",
    "ＢＥＲＴ",
    "kd  tiny",
    "x1b",
    " ",
]
"""Exact queries: case folding that lengthens a word (ß, the ﬁ ligature), words several
fields hold, traditional and full-width (as typed: no conversion), two words, a control
character's shown form, and none."""


def test_an_exact_search_prints_from_kept_forms_what_a_run_without_caches_prints(
    seed_library, trusting_cache, built
):
    note = seed_library / "2020" / "tinybert.md"
    text = note.read_text(encoding="utf-8").replace("title: '", "title: 'Straße ﬁne ", 1)
    edit_as_a_person(note, text + "\nSTRASSE \x1b again, ＢＥＲＴ and 蒸餾, kd  tiny\n")
    runs = [(query, colour) for query in EXACT_QUERIES for colour in (False, True)]
    expected = [searched(seed_library, q, "--exact", cache=False, colour=c) for q, c in runs]
    assert sum(result[0] == 0 for result in expected) >= 8
    assert "2020/tinybert.md" not in expected[0][2]  # it reads
    assert searched(seed_library, "zhengliu")[0] == 0  # the forms kept
    built.clear()
    assert [searched(seed_library, q, "--exact", colour=c) for q, c in runs] == expected
    assert built == []  # the old exact search built every note


def test_notes_named_with_any_characters_are_searched_with_their_year(seed_library, trusting_cache):
    text = (seed_library / "2020" / "tinybert.md").read_text(encoding="utf-8")
    for name in ("\U0001f600蒸馏.md", "~z.md", "0.md", "\uffff.md"):
        edit_as_a_person(seed_library / "2020" / name, text.replace("key: ", f"key: {name[0]}"))
    for query in ("蒸馏", "zhengliu", "tinybert"):
        expected = searched(seed_library, query, cache=False)
        assert expected[1].count("jiao2020tinybert") == 4 and "2020/\uffff.md" in expected[2]
        assert searched(seed_library, query) == expected
        assert searched(seed_library, query) == expected


def test_an_unreadable_note_and_a_broken_document_yaml_are_reported_alike(
    seed_library, trusting_cache
):
    searched(seed_library, "蒸馏")
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("year:", "year: [", 1))
    (seed_library / "document.yaml").write_text("order: [[1]]\n", encoding="utf-8")
    for query in ("蒸馏", "zhengliu"):
        result = searched(seed_library, query)
        assert "tinybert" in result[2] and "document.yaml" in result[2]
        assert result == searched(seed_library, query, cache=False)


def test_a_year_folder_of_notes_that_do_not_parse_is_not_parsed_again_by_the_next_search(
    seed_library, trusting_cache, parsed
):
    (seed_library / "1999").mkdir()
    (seed_library / "1999" / "bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    expected = searched(seed_library, "蒸馏", cache=False)
    assert "1999/bad.md" in expected[2]
    assert searched(seed_library, "蒸馏") == expected
    parsed.clear()
    assert searched(seed_library, "蒸馏") == expected
    assert parsed == []  # the old forms of a year of problems alone never read back


def test_forms_kept_for_a_stat_are_used_by_digest_only_once_a_write_distrusts_the_file(
    seed_library, trusting_cache, parsed
):
    searched(seed_library, "蒸馏")
    NoteStore(seed_library).caches().forget(["2020/tinybert.md"])
    kept = kept_forms(seed_library).read_year("2020")
    assert kept is not None
    keys = dict(zip(kept.paths, (kept.key(i) for i in range(len(kept.paths))), strict=True))
    assert keys["2020/tinybert.md"] == UNKNOWN and keys["2020/albert.md"] != UNKNOWN
    parsed.clear()
    assert searched(seed_library, "蒸馏") == searched(seed_library, "蒸馏", cache=False)
    assert "2020/tinybert.md" in parsed


def test_check_keeps_the_forms_and_their_stat_keys_when_made_from_the_bytes_it_reads(
    seed_library, trusting_cache
):
    searched(seed_library, "zhengliu")
    before = {y: kept_forms(seed_library).read_year(y) for y in kept_forms(seed_library).years()}
    assert run(seed_library, "check").exit_code == 0
    years = kept_forms(seed_library).years()
    assert years == {"2019", "2020", "2021", "2023"} == set(before)
    for year in years:
        kept, old = kept_forms(seed_library).read_year(year), before[year]
        assert kept is not None and old is not None
        assert kept.keys.strip(b"\0") and (kept.paths, kept.keys) == (old.paths, old.keys)
    assert searched(seed_library, "zhengliu") == searched(seed_library, "zhengliu", cache=False)


def test_damaged_or_odd_forms_files_are_ignored_and_replaced(seed_library, trusting_cache):
    expected = {q: searched(seed_library, q, cache=False) for q in ("蒸馏", "zhengliu")}
    searched(seed_library, "zhengliu")
    forms = kept_forms(seed_library)
    for folder in (forms.folder, forms.spellings_folder):
        assert folder is not None
        (folder / "2020").write_bytes((folder / "2020").read_bytes()[:-9] + b"\0garbage!")
        (folder / "2021").write_bytes(b"")
        (folder / "2019").unlink()
        os.mkfifo(folder / "2019")
        (folder / "1999").write_bytes((folder / "2023").read_bytes())  # another year's
    for query, result in expected.items():
        assert searched(seed_library, query) == result
        assert searched(seed_library, query) == result
    assert forms.read_year("2020") is not None and forms.read_year("2019") is not None
    assert forms.years() == forms.years(spellings=True) == {"2019", "2020", "2021", "2023"}


# -- any sequence of changes -------------------------------------------------

search_steps = st.one_of(
    steps,
    st.tuples(st.just("forms"), st.sampled_from(["2019", "2020", "2021", "2023"])),
    st.tuples(st.just("answers"), st.sampled_from(["2019", "2020", "2021", "2023"])),
    st.tuples(st.just("search"), st.sampled_from(QUERIES)),
)


def damage_forms(root: Path, year: str) -> None:
    forms = kept_forms(root)
    for folder in (forms.folder, forms.spellings_folder):
        assert folder is not None
        path = folder / year
        if path.is_file():
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def damage_answers(root: Path, year: str) -> None:
    """Each kept answer of ``year`` cut short, and the first query's given another year's."""
    folder = cache_location.cache_path(os.path.realpath(root), ".answers")
    assert folder is not None
    for number, query in enumerate(sorted(folder.iterdir()) if folder.is_dir() else []):
        path, other = query / year, sorted(query.iterdir())[0]
        if number == 0 and other != path:
            shutil.copyfile(other, path)
        elif path.is_file():
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(search_steps, min_size=1, max_size=8))
def test_search_from_kept_forms_equals_one_without_caches_after_any_sequence_of_changes(
    tmp_path_factory, trusting_cache, sequence
):
    root = tmp_path_factory.mktemp("lib") / "notes"
    shutil.copytree(SHIPPED_NOTES, root, ignore=shutil.ignore_patterns(".cache", "*.lock"))
    for step in [("search", "zhengliu"), *sequence, ("search", "蒸馏"), ("search", "zheng liu")]:
        if step[0] == "search":
            expected = searched(root, step[1], cache=False)
            assert searched(root, step[1]) == expected, step
            for option in ("--exact", "--json"):
                with_cache = searched(root, step[1], option)
                assert with_cache == searched(root, step[1], option, cache=False), step
            coloured = searched(root, step[1], colour=True)  # its own kept answers
            plain = [re.sub("\x1b\\[[0-9;]*m", "", text) for text in coloured[1:]]
            assert (coloured[0], *plain) == expected, step  # (colour aside: test_search_hits)
        elif step[0] == "forms":
            damage_forms(root, step[1])
        elif step[0] == "answers":
            damage_answers(root, step[1])
        elif step[0] != "load":  # load: the note cache's own comparison
            apply_step(root, step)
            assert searched(root, "蒸馏") == searched(root, "蒸馏", cache=False), step


@pytest.mark.parametrize(
    "args", [("蒸馏",), ("zhengliu",), ("BERT", "--exact"), ("nothing-at-all",)]
)
def test_search_json_builds_only_the_notes_it_finds_and_prints_as_without_caches(
    seed_library, trusting_cache, built, parsed, args
):
    """``search --json`` goes through the kept forms a year at a time, as ``search`` does,
    and builds only the notes found (issue 20: at 100,000 notes it held every note and every
    year's forms, 300 MB warm and 490 MB from an empty cache)."""
    import json

    first = searched(seed_library, *args, "--json")  # from an empty cache
    assert first == searched(seed_library, *args, "--json", cache=False)
    built.clear()
    parsed.clear()
    assert searched(seed_library, *args, "--json") == first
    found = [paper["path"] for paper in json.loads(first[1])]
    assert parsed == [] and sorted(built) == sorted(found)  # those found kept by the first
    built.clear()  # a load through the entries the search kept gives what one without does
    listed = run(seed_library, "list", "--json")  # (every note kept in the note cache now)
    assert sorted(set(built)) == sorted(found)
    without = run(seed_library, "list", "--json", env={cache_location.DISABLE_ENV: "1"})
    assert listed.stdout == without.stdout
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("EMNLP", "ACL 蒸馏 BERT"))
    built.clear()
    parsed.clear()
    result = searched(seed_library, *args, "--json")
    made, read = sorted(built), list(parsed)
    assert result == searched(seed_library, *args, "--json", cache=False)
    found = [paper["path"] for paper in json.loads(result[1])]
    assert read == ["2020/tinybert.md"] * (1 + ("2020/tinybert.md" in found))  # its forms
    # (and, found, its folder's list --json text: list --json above kept every folder's)
    assert made == []  # each paper found written from its kept text (library/note_texts.py)
    assert result[0] == (0 if found else 1)
