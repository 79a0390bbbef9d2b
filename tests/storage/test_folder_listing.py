"""The kept listing of the year folders (storage/caches/folder_listing.py): a scan lists
again only the year folders whose stat changed, and always finds what a fresh scan finds."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papernotes.storage.caches import location as cache_location
from papernotes.storage.caches.folder_listing import FolderListing
from papernotes.storage.note_folder import NoteFolder
from papernotes.storage.store import NoteStore
from tests.helpers import run


@pytest.fixture
def listed_folders(monkeypatch) -> list[str]:
    """The folders ``os.scandir`` listed (the library folder, year folders), in order."""
    seen: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path="."):
        seen.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counting_scandir)
    return seen


def kept_scan(root: Path) -> tuple[list[str], list[tuple]]:
    """What ``NoteStore.scan`` finds, through the kept listing."""
    scan = NoteStore(root).scan()
    return scan.found, [(p.path, p.line, p.message) for p in scan.problems]


def fresh_scan(root: Path) -> tuple[list[str], list[tuple]]:
    """What a scan that keeps nothing finds."""
    scan = NoteFolder(root).scan()
    return scan.found, [(p.path, p.line, p.message) for p in scan.problems]


def years_listed(root: Path, seen: list[str]) -> list[str]:
    return sorted(Path(p).name for p in seen if Path(p) != root)


def year_folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.isdigit() and len(p.name) == 4)


def note(root: Path, rel: str, text: str = "---\ntitle: x\n---\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unchanged_library_lists_none_of_its_year_folders_again(
    seed_library, trusting_cache, listed_folders
):
    first = kept_scan(seed_library)
    assert years_listed(seed_library, listed_folders) == year_folders(seed_library)
    listed_folders.clear()
    assert kept_scan(seed_library) == first
    assert listed_folders == [str(seed_library)]  # the library folder only
    assert first == fresh_scan(seed_library)


@pytest.mark.parametrize(
    "change",
    [
        "note added",
        "note removed",
        "note renamed",
        "note moved to another year",
        "year folder added",
        "year folder removed",
        "non-note file added",
        "hidden note added",
    ],
)
def test_each_way_the_listing_changes_is_seen_by_the_next_scan(
    seed_library, trusting_cache, listed_folders, change
):
    kept_scan(seed_library)
    some = sorted((seed_library / "2020").glob("*.md"))[0]
    if change == "note added":
        note(seed_library, "2020/zzz-new.md")
    elif change == "note removed":
        some.unlink()
    elif change == "note renamed":
        some.rename(some.with_name("renamed.md"))
    elif change == "note moved to another year":
        some.rename(seed_library / "2019" / some.name)
    elif change == "year folder added":
        note(seed_library, "1999/old.md")
    elif change == "year folder removed":
        for path in (seed_library / "2021").iterdir():
            path.unlink()
        (seed_library / "2021").rmdir()
    elif change == "non-note file added":
        note(seed_library, "2020/readme.txt")
    else:
        note(seed_library, "2020/.hidden.md")
    listed_folders.clear()
    assert kept_scan(seed_library) == fresh_scan(seed_library)
    assert kept_scan(seed_library) == fresh_scan(seed_library)  # and kept again


def test_only_the_year_folder_that_changed_is_listed_again(
    seed_library, trusting_cache, listed_folders
):
    kept_scan(seed_library)
    note(seed_library, "2019/another.md")
    listed_folders.clear()
    found, _ = kept_scan(seed_library)
    assert "2019/another.md" in found
    assert years_listed(seed_library, listed_folders) == ["2019"]


def test_a_year_folder_changed_within_the_racy_margin_is_listed_again(seed_library, listed_folders):
    """On a file system whose timestamps tick every 2 s, a file added in the same tick as
    the listing leaves the folder's stat as it was: a folder changed that recently is not
    kept (the seed library's folders were just written)."""
    years = year_folders(seed_library)
    kept_scan(seed_library)
    listed_folders.clear()
    kept_scan(seed_library)
    assert years_listed(seed_library, listed_folders) == years
    old = 10**18  # 2001: mtime set back; the ctime stays recent, so it is still racy
    for year in years:
        os.utime(seed_library / year, ns=(old, old))
    listed_folders.clear()
    kept_scan(seed_library)
    assert years_listed(seed_library, listed_folders) == years


def test_a_symlinked_year_folder_is_listed_every_time(
    seed_library, tmp_path, trusting_cache, listed_folders
):
    archive = seed_library / "archive"
    archive.mkdir()
    note(seed_library, "archive/kept.md")
    os.symlink(archive, seed_library / "2010")
    outside = tmp_path / "outside"
    note(outside, "secret.md")
    os.symlink(outside, seed_library / "2011")
    first = kept_scan(seed_library)
    assert first == fresh_scan(seed_library)
    assert "2010/kept.md" in first[0]
    assert ("2011", 1, "symlink points outside the library; skipped") in first[1]
    note(seed_library, "archive/added.md")
    listed_folders.clear()
    found, problems = kept_scan(seed_library)
    assert "2010/added.md" in found and (found, problems) == fresh_scan(seed_library)
    assert "2010" in years_listed(seed_library, listed_folders)


def test_a_symlinked_note_whose_target_becomes_a_fifo_is_reported_as_before(
    seed_library, trusting_cache
):
    """A symlink's target may change without its year folder changing: a folder holding
    one is never kept."""
    note(seed_library, "archive/real.md")
    os.symlink("../archive/real.md", seed_library / "2020" / "linked.md")
    first = kept_scan(seed_library)
    assert "2020/linked.md" in first[0] and first == fresh_scan(seed_library)
    (seed_library / "archive" / "real.md").unlink()
    os.mkfifo(seed_library / "archive" / "real.md")
    found, problems = kept_scan(seed_library)
    assert "2020/linked.md" not in found
    assert ("2020/linked.md", 0, "not a regular file; skipped") in problems
    assert (found, problems) == fresh_scan(seed_library)


def test_a_fifo_appearing_in_a_kept_year_folder_is_reported(seed_library, trusting_cache):
    kept_scan(seed_library)
    os.mkfifo(seed_library / "2021" / "fifo.md")
    found, problems = kept_scan(seed_library)
    assert problems == [("2021/fifo.md", 0, "not a regular file; skipped")]
    assert (found, problems) == fresh_scan(seed_library)
    (seed_library / "2021" / "fifo.md").unlink()
    assert kept_scan(seed_library) == fresh_scan(seed_library)
    assert kept_scan(seed_library)[1] == []


def test_a_damaged_or_foreign_listing_is_a_miss(seed_library, tmp_path, trusting_cache):
    kept_scan(seed_library)
    kept = FolderListing.for_library(os.path.realpath(seed_library))
    assert kept.path is not None and kept.read()
    note(seed_library, "2020/zzz-new.md")
    data = kept.path.read_bytes()
    kept.path.write_bytes(data[:-5] + b"XXXXX")  # the checksum no longer matches
    assert kept_scan(seed_library) == fresh_scan(seed_library)
    other = tmp_path / "other"
    other.mkdir()
    FolderListing(kept.path, str(other)).write({"2020": (b"", "2020/ghost.md")})
    assert kept_scan(seed_library) == fresh_scan(seed_library)  # made for another library


def test_no_listing_is_kept_with_caching_off(seed_library, trusting_cache, monkeypatch):
    monkeypatch.setenv(cache_location.DISABLE_ENV, "1")
    assert kept_scan(seed_library) == fresh_scan(seed_library)
    assert FolderListing.for_library(os.path.realpath(seed_library)).path is None


def test_random_changes_never_make_the_kept_listing_differ_from_a_fresh_scan(
    empty_library, tmp_path, trusting_cache
):
    """Many small changes of every kind, each followed by a scan through the kept listing."""
    rng = random.Random(20)
    outside = tmp_path / "outside"
    note(outside, "x.md")
    years = ["2018", "2019", "2020"]
    for step in range(150):
        year = rng.choice(years)
        folder = empty_library / year
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        action = rng.choice(["add", "add", "remove", "rename", "fifo", "link", "rmdir", "txt"])
        if action == "add" or not folder.is_dir():
            note(empty_library, f"{year}/n{step}.md")
        elif action == "remove" and names:
            path = folder / rng.choice(names)
            path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        elif action == "rename" and names:
            other = rng.choice(years)
            (empty_library / other).mkdir(exist_ok=True)
            source = folder / rng.choice(names)
            if source.is_file() and not source.is_symlink():
                source.rename(empty_library / other / f"r{step}.md")
        elif action == "fifo":
            os.mkfifo(folder / f"f{step}.md")
        elif action == "link":
            target = outside / "x.md" if rng.random() < 0.5 else empty_library / "2018"
            os.symlink(target, folder / f"l{step}.md")
        elif action == "rmdir":
            for path in folder.iterdir():
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
            folder.rmdir()
        else:
            note(empty_library, f"{year}/t{step}.txt")
        assert kept_scan(empty_library) == fresh_scan(empty_library), step


def test_a_note_added_by_hand_is_shown_and_listed_as_without_caches(seed_library, trusting_cache):
    """Through the CLI: the kept listing, the kept name index and the kept ``list`` output
    all see a note file added in an already listed year folder."""
    for args in (("list",), ("show", "tinybert")):
        assert run(seed_library, *args).exit_code == 0
    text = "---\ntitle: Handmade Paper\nyear: 2020\nkey: handmade2020\n---\n"
    note(seed_library, "2020/handmade.md", text)
    off = {cache_location.DISABLE_ENV: "1"}
    for args in (("list",), ("show", "handmade2020"), ("show", "tinybert")):
        with_caches = run(seed_library, *args)
        assert with_caches.exit_code == 0, with_caches.output
        assert with_caches.output == run(seed_library, *args, env=off).output
    assert "Handmade Paper" in run(seed_library, "list").output


@given(
    years=st.dictionaries(
        st.integers(1000, 9999).map(str), st.binary(min_size=40, max_size=40), max_size=6
    ),
    layout=st.one_of(st.just(b""), st.binary(min_size=40, max_size=40)),
)
def test_a_years_stamp_reads_back_whatever_bytes_its_keys_hold(years, layout):
    """A stat key is any 40 bytes, ``layout`` among them (an mtime set by ``touch -d``):
    the stamp is read a year at a time from the start, never split at a search for
    ``layout`` (found by review)."""
    from papernotes.storage.note_folder import years_of_stamp

    stamp = b"".join(name.encode() + key for name, key in sorted(years.items()))
    assert years_of_stamp(stamp + b"layout" + layout) == (years, layout)
    sneaky = {name: b"layout" + key[6:] for name, key in years.items()}
    stamp = b"".join(name.encode() + key for name, key in sorted(sneaky.items()))
    assert years_of_stamp(stamp + b"layout" + b"xxlayout" + layout[8:]) == (
        sneaky,
        b"xxlayout" + layout[8:],
    )
