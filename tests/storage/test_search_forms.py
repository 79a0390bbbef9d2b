"""The search forms of each note are computed once and kept: a later search reads them, an
edited note gets new ones, and a damaged forms file is only a cache."""

from __future__ import annotations

import json

import pytest

from papernotes.library import Library
from papernotes.library.search_forms import entry_of
from papernotes.library.search_hits import field_ends
from papernotes.storage.caches.location import cache_path
from papernotes.storage.caches.search_forms_cache import UNKNOWN, SearchFormsCache, YearForms
from tests.helpers import run
from tests.storage.test_cache_shards import edit_as_a_person, files_in
from tests.test_lean_imports import imported_modules


def forms_file(root) -> SearchFormsCache:
    return SearchFormsCache.for_library(str(root.resolve()))


def test_a_second_search_reads_the_kept_forms_instead_of_folding_every_note(seed_library):
    first = imported_modules(seed_library, "search", "bert")
    assert "opencc" in first  # the notes' Chinese text was converted
    kept = forms_file(seed_library).read()
    assert len(kept) == 8 and all(isinstance(forms[1], bytes) for forms in kept.values())
    assert forms_file(seed_library).read_spellings() == {}  # a text query spells nothing
    assert "opencc" not in imported_modules(seed_library, "search", "bert")
    imported_modules(seed_library, "search", "zhengliu")  # pinyin spellings are kept as well
    spelled = forms_file(seed_library).read_spellings()
    assert spelled.keys() == kept.keys()
    assert all(spelled[path][0] == forms[0] for path, forms in kept.items())  # same digests


def test_an_edited_note_gets_new_forms_and_is_found_by_its_new_text(seed_library):
    assert run(seed_library, "search", "蒸餾").exit_code == 0  # forms kept for every note
    note = seed_library / "2019" / "roberta.md"
    added = "\n1. 逆向數據增強很重要\n"
    note.write_text(note.read_text(encoding="utf-8") + added, encoding="utf-8")
    found = json.loads(run(seed_library, "search", "逆向数据增强", "--json").stdout)
    assert [p["key"] for p in found] == ["liu2019roberta"]


def test_forms_of_another_digest_or_a_damaged_file_are_not_used(seed_library):
    library = Library.open(seed_library)
    note = library.notes()[0]
    ends, row = field_ends([""] * 7, 0, 0), entry_of(note, library.folder)[7]
    wrong = (note.path, UNKNOWN, "other digest", b"zzz", True, ends, b"zzz", row)
    year = note.path.partition("/")[0]
    forms_file(seed_library).write_year(year, YearForms.of([wrong]))
    assert "zzz" not in library.haystack(note)
    assert run(seed_library, "search", "zzz").exit_code == 1  # without building the notes
    forms_file(seed_library).write_year(year, YearForms.of([wrong]))
    folder = forms_file(seed_library).folder
    assert folder is not None
    path = folder / year
    path.write_bytes(path.read_bytes()[:-5])  # torn
    assert note.path not in forms_file(seed_library).read()
    fresh = Library.open(seed_library)  # reads the torn file, not the forms held in memory
    assert fresh.search("zzz") == []
    assert [n.path for n in fresh.search("蒸馏")] == [n.path for n in library.search("蒸馏")]


@pytest.mark.parametrize("json_output", [False, True])
def test_new_search_forms_for_an_edited_note_rewrite_only_its_year(
    seed_library, trusting_cache, json_output
):
    assert run(seed_library, "search", "zhengliu").exit_code == 0  # every note's forms kept
    kept = forms_file(seed_library)
    folders = [kept.folder, kept.spellings_folder]  # folded forms, pinyin spellings
    assert all(folder is not None for folder in folders)
    before = [files_in(folder) for folder in folders]
    assert len(before[0]) > 2 and before[0].keys() == before[1].keys()
    note = seed_library / "2019" / "roberta.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8") + "\n1. 逆向數據增強很重要\n")
    found = run(seed_library, "search", "nixiang", *(["--json"] if json_output else []))
    assert "liu2019roberta" in found.stdout
    for folder, old in zip(folders, before, strict=True):
        after = files_in(folder)
        changed = {name for name in old if after.get(name) != old[name]}
        assert changed == {"2019"}, folder


def test_the_shard_folders_of_the_older_forms_format_are_removed(seed_library, trusting_cache):
    root = str(seed_library.resolve())
    old = [cache_path(root, suffix) for suffix in (".forms", ".pinyin")]
    for folder in old:
        assert folder is not None
        folder.mkdir(parents=True)
        (folder / "00").write_bytes(b"papernotes search forms\n" + b"\0" * 1000)
    assert run(seed_library, "search", "zhengliu").exit_code == 0
    assert not any(folder is not None and folder.exists() for folder in old)
    assert forms_file(seed_library).years() == {"2019", "2020", "2021", "2023"}


@pytest.mark.parametrize("mapping", [True, False], ids=["mapped", "read"])
def test_a_year_of_forms_reads_back_entry_for_entry_as_it_was_written(
    seed_library, monkeypatch, mapping
):
    """The year's file (``mapped_file``: the big byte strings mapped, or read where files
    are not mapped) gives back every entry, stat key, digest, row and problem."""
    from papernotes.storage.caches import mapped_file

    monkeypatch.setattr(mapped_file, "_MAPPING", mapping)
    library = Library.open(seed_library)
    entries = [
        entry_of(note, library.folder, bytes([i]) * 40) for i, note in enumerate(library.notes())
    ]
    entries.append(("2020/odd.md", UNKNOWN, "", b"", False, field_ends([], 0, 0), b"", b"\n\n"))
    problems = [("2020/bad.md", bytes(range(40)), 3, "no front matter")]
    kept = forms_file(seed_library)
    for year, year_entries, year_problems in (
        ("2020", entries, problems),
        ("2021", entries[:1], []),
        ("2022", [], problems),
    ):
        assert kept.write_year(year, YearForms.of(year_entries, year_problems))
        read = kept.read_year(year)
        assert read is not None
        assert [read.entry(i) for i in range(len(read.paths))] == year_entries
        assert read.problems == year_problems
        assert read.digests == [e[2] for e in year_entries]


@pytest.mark.parametrize("mapping", [True, False], ids=["mapped", "read"])
def test_a_years_pinyin_spellings_are_mapped_and_read_back_as_written(
    seed_library, monkeypatch, mapping
):
    """A year's spellings file keeps the spellings as UTF-8 in a section mapped from the
    file (a pinyin query no longer reads and unmarshals them all), the paths and digests
    joined, and gives back every entry; a damaged file reads as none."""
    import mmap

    from papernotes.storage.caches import mapped_file
    from papernotes.storage.caches.year_forms import YearSpellings

    monkeypatch.setattr(mapped_file, "_MAPPING", mapping)
    entries = [
        ("2020/a.md", "d1", ";zhi;shi|||;zheng,cheng;liu"),
        ("2020/b.md", "d2", ""),
        ("2020/c.md", "d3", "||;lv,lu;se"),
    ]
    kept = forms_file(seed_library)
    assert kept.write_spellings_year("2020", YearSpellings.of(entries))
    read = kept.read_spellings_year("2020")
    assert read is not None
    assert isinstance(read.spelled, mmap.mmap) is mapping
    assert [(p, read.digests[i], read.spelling(i)) for i, p in enumerate(read.paths)] == entries
    assert kept.write_spellings_year("2020", YearSpellings.of([]))  # none: the file goes
    assert kept.read_spellings_year("2020") is None
    assert kept.write_spellings_year("2020", YearSpellings.of(entries))
    assert kept.spellings_folder is not None
    path = kept.spellings_folder / "2020"
    data = bytearray(path.read_bytes())
    data[-3] ^= 1  # a spelling's byte changed in place: the checksum no longer matches
    path.write_bytes(bytes(data))
    assert forms_file(seed_library).read_spellings_year("2020") is None


def test_a_search_with_damaged_spellings_spells_the_year_again_and_prints_the_same(
    seed_library, trusting_cache
):
    no_cache = {"PAPERNOTES_NO_CACHE": "1"}
    expected = run(seed_library, "search", "zhengliu", env=no_cache).stdout
    assert run(seed_library, "search", "zhengliu").stdout == expected  # spellings kept
    folder = forms_file(seed_library).spellings_folder
    assert folder is not None
    for path in folder.iterdir():
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x20
        path.write_bytes(bytes(data))
    assert (
        run(seed_library, "search", "zheng liu").stdout
        == run(seed_library, "search", "zheng liu", env=no_cache).stdout
    )
    assert all(forms_file(seed_library).read_spellings_year(p.name) for p in folder.iterdir())
