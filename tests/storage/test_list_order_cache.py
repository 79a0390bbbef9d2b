"""Each year folder's rows in the library's order, kept (storage/caches/list_order_cache.py,
library/kept_order.py): after an edit only the edited folder is ordered again, and the order
is always the one a run without caches gives."""

from __future__ import annotations

import os
import re

import pytest

from papernotes.library import kept_order
from papernotes.storage.caches.list_rows_cache import ListRowsCache
from tests.storage.test_cache_shards import edit_as_a_person
from tests.storage.test_list_rows_cache import listed


@pytest.fixture
def ordered_alone(monkeypatch) -> list[int]:
    """How many rows each folder ordered (not laid out by its kept order) had."""
    seen: list[int] = []
    real = kept_order._ordered_alone

    def counting(part, *args):
        seen.append(len(part))
        return real(part, *args)

    monkeypatch.setattr(kept_order, "_ordered_alone", counting)
    return seen


def keys(root) -> list[str]:
    """``list --keys`` (the library's order, from rows), checked against a run without caches."""
    got = listed(root, "--keys")
    assert got == listed(root, "--keys", cache=False)
    return got[1].split()


def order_file(root):
    path = ListRowsCache.for_library(os.path.realpath(root)).orders().path
    assert path is not None
    return path


def set_title(note, title: str) -> None:
    text = re.sub(r"^title: .*$", f"title: '{title}'", note.read_text("utf-8"), count=1, flags=re.M)
    edit_as_a_person(note, text)


def test_after_an_edit_only_the_edited_folder_is_ordered_again(
    seed_library, trusting_cache, ordered_alone
):
    first = keys(seed_library)
    assert sorted(ordered_alone) == [1, 2, 2, 3]  # each folder once: 2023, 2021, 2020, 2019
    ordered_alone.clear()
    assert keys(seed_library) == first and ordered_alone == []
    set_title(seed_library / "2020" / "tinybert.md", "A title that sorts first")
    assert keys(seed_library) == first  # the document orders it: it stays where it was
    assert ordered_alone == [2]
    ordered_alone.clear()
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    swapped = text.replace(
        "- 2020/albert.md\n- 2020/tinybert.md", "- 2020/tinybert.md\n- 2020/albert.md"
    )
    edit_as_a_person(layout, swapped)
    after = keys(seed_library)
    assert sorted(ordered_alone) == [1, 2, 2, 3]  # another document: every folder again
    assert after.index("jiao2020tinybert") < after.index("lan2020albert")


def test_papers_the_document_does_not_order_move_with_their_titles(
    seed_library, trusting_cache, ordered_alone
):
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    edit_as_a_person(layout, text.replace("- 2019/roberta.md\n- 2019/xlnet.md\n", ""))
    before = keys(seed_library)  # 2019's by date added, then title
    set_title(seed_library / "2019" / "xlnet.md", "0 first")
    first = keys(seed_library)
    set_title(seed_library / "2019" / "xlnet.md", "zz last")
    last = keys(seed_library)
    assert first.index("yang2019xlnet") < first.index("liu2019roberta")
    assert last.index("yang2019xlnet") > last.index("liu2019roberta")
    assert before in (first, last)


def test_a_folder_of_two_years_and_two_folders_of_one_year_are_ordered_whole(
    seed_library, trusting_cache
):
    keys(seed_library)
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("year: 2020", "year: 2021"))
    mixed = keys(seed_library)
    assert mixed.index("jiao2020tinybert") < mixed.index("lan2020albert")  # among 2021's
    (seed_library / "2018").mkdir()
    os.replace(seed_library / "2019" / "xlnet.md", seed_library / "2018" / "xlnet.md")
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("year: 2021", "year: 2020"))
    keys(seed_library)  # 2019's papers in the folders 2018 and 2019


def test_damaged_swapped_or_odd_order_files_are_ignored_and_replaced(
    seed_library, trusting_cache, ordered_alone
):
    expected = keys(seed_library)
    path = order_file(seed_library)
    good = path.read_bytes()
    cache = ListRowsCache.for_library(os.path.realpath(seed_library)).orders()
    kept = cache.read()
    assert set(kept) == {"2019", "2020", "2021", "2023"}
    swapped = {**kept, "2020": (kept["2019"][0], *kept["2020"][1:])}  # another folder's token
    damages = [
        lambda: path.write_bytes(good[:-5] + b"\0oops"),
        lambda: path.write_bytes(b""),
        lambda: (path.unlink(), os.mkfifo(path)),
        lambda: (path.unlink(), path.mkdir()),
        lambda: cache.write(swapped),
        lambda: cache.write({"2020": ("token", b"", 1, b"")}),  # not an order: file refused
    ]
    for damage in damages:
        ordered_alone.clear()
        damage()
        assert keys(seed_library) == expected, damage
        assert ordered_alone, damage  # ordered again, not laid out by what was damaged
        if path.is_dir():
            path.rmdir()
        elif not path.is_file():
            path.unlink()
    ordered_alone.clear()
    assert keys(seed_library) == expected and ordered_alone == []  # kept again, whole
