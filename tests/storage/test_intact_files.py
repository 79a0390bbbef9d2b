"""Search forms files checked once per boot and version (storage/caches/intact_files.py):
a file whose stat is the one it was found intact with, in the same boot of the machine, is
not checksummed again; another boot, or any write to the file, has it checked again."""

from __future__ import annotations

import os

import pytest

from papernotes.storage.caches import intact_files, mapped_file
from papernotes.storage.caches.search_forms_cache import SearchFormsCache
from tests.helpers import run
from tests.storage.test_list_rows_cache import kept_outputs_removed


@pytest.fixture
def checks(monkeypatch) -> list[bool]:
    """For each forms file mapped: whether its checksum was checked."""
    seen: list[bool] = []
    real = mapped_file._mapped

    def counting(fd, size, check_at, spans):
        seen.append(check_at is not None)
        return real(fd, size, check_at, spans)

    monkeypatch.setattr(mapped_file, "_mapped", counting)
    return seen


@pytest.fixture
def boot(tmp_path, monkeypatch):
    """The machine's boot id, in a file a test may change (a reboot)."""
    path = tmp_path / "boot_id"
    path.write_text("boot-1\n", encoding="ascii")
    monkeypatch.setattr(intact_files, "BOOT_ID", path)
    return path


def searched(root, query="蒸馏", cache=True):
    env = None if cache else {"PAPERNOTES_NO_CACHE": "1"}
    result = run(root, "search", query, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_a_forms_file_is_checksummed_once_per_boot_until_it_changes(
    seed_library, trusting_cache, checks, boot
):
    expected = searched(seed_library, cache=False)
    assert searched(seed_library) == expected  # forms made: written, known intact
    checks.clear()
    assert searched(seed_library) == expected
    assert len(checks) == 4 and not any(checks)  # the old search checked all 4 every time
    boot.write_text("boot-2\n", encoding="ascii")  # the machine restarted
    assert searched(seed_library) == expected
    assert checks[4:] == [True] * 4
    checks.clear()
    assert searched(seed_library) == expected and not any(checks)
    forms = SearchFormsCache.for_library(os.path.realpath(seed_library)).folder
    assert forms is not None
    with open(forms / "2020", "r+b") as handle:  # damaged in place: its ctime changes
        handle.seek(-2, os.SEEK_END)
        handle.write(b"\xff\xff")
    assert searched(seed_library) == expected
    assert checks.count(True) == 1  # that file checked, found damaged, made again


def test_without_a_boot_id_every_forms_file_is_checked_every_time(
    seed_library, trusting_cache, checks, boot
):
    boot.unlink()  # not Linux
    expected = searched(seed_library, cache=False)
    for _ in range(3):
        assert searched(seed_library) == expected
    assert checks and all(checks[-4:]) and len(checks) >= 8


def test_a_file_found_intact_too_recently_to_tell_a_later_write_is_checked_again(
    seed_library, checks, boot
):
    """Without the trusting_cache fixture, a file written a moment ago is racy: a later
    write in the same clock tick could keep its stat, so it is not kept as intact."""
    expected = searched(seed_library, cache=False)
    assert searched(seed_library) == expected
    checks.clear()
    assert searched(seed_library) == expected
    assert checks == [True] * 4


@pytest.fixture
def text_checks(monkeypatch) -> list[bool]:
    """For each kept ``list --json``/``export --md`` text opened: whether its checksum was
    read (no stat key it was found intact with, or not the file's)."""
    from papernotes.storage.caches import text_blocks_cache
    from papernotes.storage.caches.note_cache import stat_key

    seen: list[bool] = []
    real = text_blocks_cache.open_checked

    def counting(path, head, leading, length, intact=None):
        seen.append(intact is None or intact != stat_key(os.stat(path)))
        return real(path, head, leading, length, intact)

    monkeypatch.setattr(text_blocks_cache, "open_checked", counting)
    return seen


def test_a_kept_json_text_is_checksummed_once_per_boot_until_it_changes(
    seed_library, trusting_cache, text_checks, boot, monkeypatch
):
    """Issue 20: the outputs of chosen papers read every year's kept text; at 100,000
    notes the checksums of its 120 MB were 0.06 s of each run."""
    from papernotes.storage.caches.text_blocks_cache import TextBlocksCache

    args = ("list", "--json", "--sort", "title")

    def listed(cache=True):
        kept_outputs_removed(seed_library)  # the whole output is kept too: made again
        result = run(seed_library, *args, env=None if cache else {"PAPERNOTES_NO_CACHE": "1"})
        return result.exit_code, result.stdout, result.stderr

    expected = listed(cache=False)
    assert listed() == expected  # the texts kept
    assert listed() == expected  # each checked, found intact
    years = text_checks.count(True)
    assert years >= 4
    text_checks.clear()
    assert listed() == expected
    assert len(text_checks) == years and not any(text_checks)
    boot.write_text("boot-2\n", encoding="ascii")  # the machine restarted
    writes: list[object] = []
    real_write = intact_files.write_checked
    monkeypatch.setattr(
        intact_files, "write_checked", lambda *a: writes.append(a[0]) or real_write(*a)
    )
    assert listed() == expected and text_checks[years:] == [True] * years
    assert len(writes) == 1  # every year found intact again, kept in one write
    folder = TextBlocksCache.for_library(os.path.realpath(seed_library), b"").folder
    assert folder is not None
    with open(folder / "2020.json.text", "r+b") as handle:  # damaged in place: ctime changes
        handle.seek(-2, os.SEEK_END)
        handle.write(b"\xff\xff")
    text_checks.clear()
    assert listed() == expected  # that text checked, found damaged, not printed
    assert text_checks.count(True) == 1
