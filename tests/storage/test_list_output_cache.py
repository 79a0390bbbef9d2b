"""``list`` output kept until a note changes (storage/caches/list_output_cache.py): used
only while the folder is exactly as it was, and never a reason for a wrong or failed listing."""

from __future__ import annotations

import os
from time import time_ns

import pytest

from papernotes.library import Library
from papernotes.model import Paper
from papernotes.storage.caches import list_output_cache as list_output_module
from papernotes.storage.caches import location as cache_location
from papernotes.storage.caches.list_output_cache import MAX_OUTPUTS, OUTPUT_FORMAT
from papernotes.storage.caches.note_cache_load import NoteCacheLoad
from papernotes.storage.checked_file import write_checked
from papernotes.storage.store import NoteStore
from tests.helpers import kept_list_outputs, run

DOCUMENT_ORDER = "- 2020/albert.md\n- 2020/tinybert.md"  # in the shipped document.yaml
SWAPPED_ORDER = "- 2020/tinybert.md\n- 2020/albert.md"


def listed(root, *args: str, cache: bool = True) -> tuple[str, str]:
    env = None if cache else {cache_location.DISABLE_ENV: "1"}
    result = run(root, "list", *args, env=env)
    assert result.exit_code == (0 if result.stdout else 1), result.output  # 1: none matched
    return result.stdout, result.stderr


def test_a_repeated_list_reads_no_note_until_one_changes(seed_library, trusting_cache, loads):
    first = listed(seed_library)
    assert len(loads) == 1 and len(kept_list_outputs(seed_library)) == 1
    assert listed(seed_library) == first
    assert len(loads) == 1  # served from the kept output
    note = seed_library / "2020" / "tinybert.md"
    note.write_text(note.read_text(encoding="utf-8").replace("EMNLP", "ACL"), encoding="utf-8")
    changed = listed(seed_library)
    assert len(loads) == 2
    assert changed == listed(seed_library, cache=False) and changed != first
    assert len(loads) == 3  # the changed library, then the run without caches
    assert listed(seed_library) == changed and len(loads) == 3  # kept again


def test_a_touched_note_is_a_miss_even_with_the_same_bytes(seed_library, trusting_cache, loads):
    listed(seed_library)
    os.utime(seed_library / "2019" / "xlnet.md", ns=(10**18, 10**18))
    listed(seed_library)
    assert len(loads) == 2


def test_warnings_are_repeated_from_the_kept_output(seed_library, trusting_cache, loads):
    note = seed_library / "2021" / "deberta.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("year: 2021", "year: [2021"), encoding="utf-8")
    first = listed(seed_library)
    assert "warning: 2021/deberta.md:" in first[1]
    assert listed(seed_library) == first == listed(seed_library, cache=False)
    assert len(loads) == 2  # the run with caches, then the one without


def test_each_set_of_options_has_its_own_kept_output(seed_library, trusting_cache, loads):
    result = run(seed_library, "add", "--year", "2021", "--title", "Tagged", "--tag", "kd")
    assert result.exit_code == 0, result.output
    variants = [(), ("--year", "2020"), ("--tag", "KD"), ("--json",), ("--year", "1999")]
    expected = {args: listed(seed_library, *args, cache=False) for args in variants}
    assert expected[("--tag", "KD")][0].count("\n") == 1
    assert "No papers match" in expected[("--year", "1999")][1]
    for _ in range(2):
        for args in variants:
            assert listed(seed_library, *args) == expected[args]
    # add, then each variant once without caches and once with (a miss, kept after)
    assert len(loads) == 1 + 2 * len(variants)


def test_a_new_paper_added_with_the_cli_is_listed(seed_library, trusting_cache):
    before = listed(seed_library)
    result = run(seed_library, "add", "--year", "2022", "--title", "A Brand New Paper")
    assert result.exit_code == 0, result.output
    after = listed(seed_library)
    assert "A Brand New Paper" in after[0] and after != before


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:-1], id="truncated"),
        pytest.param(lambda data: data[:-3] + bytes([data[-3] ^ 1]) + data[-2:], id="flipped"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(
            lambda data: data.replace(f"format {OUTPUT_FORMAT} ".encode(), b"format 9 ", 1),
            id="other-format",
        ),
    ],
)
def test_a_damaged_kept_output_is_ignored_and_replaced(seed_library, trusting_cache, damage, loads):
    expected = listed(seed_library)
    (kept,) = kept_list_outputs(seed_library)
    kept.write_bytes(damage(kept.read_bytes()))
    assert listed(seed_library) == expected
    assert len(loads) == 2
    assert listed(seed_library) == expected and len(loads) == 2  # replaced by a good one


def test_a_kept_output_made_by_other_code_is_not_used(
    seed_library, trusting_cache, monkeypatch, loads
):
    listed(seed_library)
    monkeypatch.setattr(list_output_module, "code_stamp", lambda: "an edited papernotes")
    listed(seed_library)
    assert len(loads) == 2


def test_a_note_that_could_not_be_read_is_not_kept_out(seed_library, trusting_cache, monkeypatch):
    """A read error may pass: the listing that missed the note must not be kept."""
    real_read = NoteStore.read

    def failing_read(self, rel):
        if rel == "2019/xlnet.md":
            raise PermissionError(13, "Permission denied")
        return real_read(self, rel)

    monkeypatch.setattr(NoteStore, "read", failing_read)
    stdout, stderr = listed(seed_library)
    assert "2019/xlnet.md:1: cannot read" in stderr and "XLNet" not in stdout
    assert kept_list_outputs(seed_library) == []
    monkeypatch.setattr(NoteStore, "read", real_read)
    assert "XLNet" in listed(seed_library)[0]


def test_only_the_latest_list_outputs_are_kept(seed_library, trusting_cache, loads):
    years = [str(year) for year in range(2000, 2000 + MAX_OUTPUTS + 3)]
    for year in years:
        listed(seed_library, "--year", year)
        for kept in kept_list_outputs(seed_library):  # older by a second per later write: distinct
            os.utime(kept, ns=(kept.stat().st_atime_ns, kept.stat().st_mtime_ns - 10**9))
    assert len(kept_list_outputs(seed_library)) == MAX_OUTPUTS
    del loads[:]
    for year in reversed(years):  # newest first, so a miss cannot push out one still to come
        listed(seed_library, "--year", year)
    assert len(loads) == 3  # the 3 oldest were dropped; the others were served as kept


def test_document_yaml_created_or_deleted_is_seen(seed_library, trusting_cache):
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    swapped = text.replace(DOCUMENT_ORDER, SWAPPED_ORDER)
    assert swapped != text
    layout.write_text(swapped, encoding="utf-8")
    with_layout = listed(seed_library)
    layout.unlink()
    without = listed(seed_library)
    assert without == listed(seed_library, cache=False) and without != with_layout
    layout.write_text(swapped, encoding="utf-8")
    assert listed(seed_library) == with_layout == listed(seed_library, cache=False)


def test_document_yaml_created_while_list_reads_is_not_kept_as_absent(
    seed_library, trusting_cache, monkeypatch
):
    """Another program writes document.yaml after the load saw none: the output follows the
    new file, so it must not be kept for the folder without it (which can come back)."""
    layout = seed_library / "document.yaml"
    swapped = layout.read_text(encoding="utf-8").replace(DOCUMENT_ORDER, SWAPPED_ORDER)
    layout.unlink()
    without = listed(seed_library, cache=False)
    real = NoteCacheLoad.layout_data

    def racing(self, path, parse):
        seen = real(self, path, parse)
        path.write_text(swapped, encoding="utf-8")  # right after the load stat-ed it
        return seen

    monkeypatch.setattr(NoteCacheLoad, "layout_data", racing)
    assert listed(seed_library) != without
    monkeypatch.setattr(NoteCacheLoad, "layout_data", real)
    layout.unlink()
    assert listed(seed_library) == without


def test_a_dangling_symlink_is_reported_and_never_kept(seed_library, trusting_cache):
    (seed_library / "2020" / "ghost.md").symlink_to(seed_library / "2020" / "no-such-file.md")
    first = listed(seed_library)
    assert "2020/ghost.md:1: cannot read" in first[1]
    assert first == listed(seed_library, cache=False)
    assert kept_list_outputs(seed_library) == []
    (seed_library / "2020" / "ghost.md").unlink()
    assert listed(seed_library) == listed(seed_library, cache=False)


def test_no_cache_keeps_no_output(seed_library):
    listed(seed_library, cache=False)
    assert kept_list_outputs(seed_library) == []


def test_an_output_is_not_kept_from_a_library_changed_in_memory(seed_library, trusting_cache):
    library = Library(seed_library)
    with library.writing():  # the notes held when the add writes: it adds to them in memory
        library.notes()
        library.add(Paper(title="Written Just Now", year=2022))
    library.cached_output("test", lambda: "text")
    assert kept_list_outputs(seed_library) == []  # what it saw is no longer what was loaded
    assert Library(seed_library).cached_output("test", lambda: "fresh") == ([], "fresh")
    assert Library(seed_library).cached_output("test", lambda: "not made") == ([], "fresh")


def test_a_symlink_leading_outside_is_warned_about_on_every_run(
    seed_library, trusting_cache, tmp_path
):
    """It is never read, so only the listing's problems change: they are part of the state."""
    before = listed(seed_library)
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Elsewhere\nyear: 2020\n---\n", encoding="utf-8")
    (seed_library / "2020" / "elsewhere.md").symlink_to(outside)
    for _ in range(2):
        stdout, stderr = listed(seed_library)
        assert stdout == before[0]
        assert "2020/elsewhere.md:1: symlink points outside the library" in stderr
    (seed_library / "2020" / "elsewhere.md").unlink()
    assert listed(seed_library) == before


def test_temporary_files_of_killed_writes_are_removed_and_others_kept(seed_library, trusting_cache):
    listed(seed_library)
    (kept,) = kept_list_outputs(seed_library)
    stale, fresh = kept.parent / ".tmp-killed", kept.parent / ".tmp-in-progress"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    two_hours_ago = time_ns() - 2 * 3600 * 10**9
    os.utime(stale, ns=(two_hours_ago, two_hours_ago))
    listed(seed_library, "--json")  # writes an output, then prunes
    assert not stale.exists() and fresh.exists()


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_checked(tmp_path / "cache", b"head\n", b"payload")
    assert list(tmp_path.iterdir()) == []


def test_a_kept_output_of_another_state_is_refused_from_its_first_bytes(tmp_path, monkeypatch):
    """A kept output is megabytes at 10,000 notes: one of another state (the usual miss
    after an edit) is refused without reading the rest of it (issue 20)."""
    from papernotes.storage import regular_file
    from papernotes.storage.checked_file import read_checked

    path = tmp_path / "kept"
    head, state = b"papernotes view\nformat 2\n", b"S" * 32
    assert write_checked(path, head, state + os.urandom(2 * 2**20))
    read: list[int] = []

    class Counting:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def read(self, size=-1):
            data = self.handle.read(size)
            read.append(len(data))
            return data

    monkeypatch.setattr(regular_file, "open", lambda *a: Counting(open(*a)), raising=False)  # noqa: SIM115
    assert read_checked(path, head, leading=b"T" * 32) is None
    assert 0 < sum(read) <= 64 * 1024
    read.clear()
    assert bytes(read_checked(path, head, leading=state) or b"")[:32] == state
    assert sum(read) > 2 * 2**20
