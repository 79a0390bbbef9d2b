"""The search forms of each note are computed once and kept: a later search reads them, an
edited note gets new ones, and a damaged forms file is only a cache."""

from __future__ import annotations

import json

from papernotes.library import Library
from papernotes.storage.caches.search_forms_cache import SearchFormsCache
from papernotes.storage.caches.shards import shard_of
from tests.helpers import run
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
    forms_file(seed_library).write({note.path: ("other digest", b"zzz", True)}, {note.path})
    assert "zzz" not in library.haystack(note)
    folder = forms_file(seed_library).folder
    assert folder is not None
    path = folder / f"{shard_of(note.path):02x}"
    path.write_bytes(path.read_bytes()[:-5])  # torn
    assert forms_file(seed_library).read() == {}
    fresh = Library.open(seed_library)  # reads the torn file, not the forms held in memory
    assert fresh.search("zzz") == []
    assert [n.path for n in fresh.search("蒸馏")] == [n.path for n in library.search("蒸馏")]
