"""``check`` keeps each note's facts and its last output (storage/caches/check_facts.py,
library/check_run.py) so that a check after an edit parses only the edited files: its
output (stdout, stderr, exit code) is byte for byte that of a check without any cache,
whatever changed, and a kept state that is stale, damaged or truncated is never trusted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from papernotes.storage import store as store_module
from papernotes.storage.caches import note_cache_load
from papernotes.storage.caches.check_facts import CheckFactsCache
from papernotes.storage.store import NoteStore
from tests.helpers import bounded, calls_of, files_a_fifo_and_a_missing, run
from tests.library.test_check_problems import note_fields, write_note
from tests.storage.test_note_cache import hold_a_stale_copy


def note(root: Path, rel: str, title: str, key: str = "", arxiv: str = "", body: str = "") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    front = f"title: {title!r}\nyear: {rel[:4]}\n"
    front += f"key: {key!r}\n" if key else ""
    front += f"arxiv: {arxiv!r}\n" if arxiv else ""
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")


def new_library(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "document.yaml").write_text("order: []\n", encoding="utf-8")
    return root


@pytest.fixture
def troubled(tmp_path) -> Path:
    """A library with one of each problem ``check`` reports."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "document.yaml").write_text("order:\n- 2021/b.md\n- 2020/a.md\n", encoding="utf-8")
    note(root, "2020/a.md", "Alpha", key="alpha2020", arxiv="2006.03654")
    note(root, "2020/b.md", "Beta", key="Alpha2020", body="see [[gamma2021]] and [[nobody]]")
    note(root, "2021/c.md", "Gamma", key="gamma2021", arxiv="2006.03654v2")
    note(root, "2021/d.md", "alpha!", key="bad key", body="<<<<<<< ours\nx\n=======\ny\n>>>>>>> b")
    note(root, "2021/e.md", "Epsilon", key="2020/a")
    (root / "2021" / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    (root / "2021" / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\nyear: 2021\n---\n")
    (root / "2021" / "notes.txt").write_text("not a note\n", encoding="utf-8")
    return root


def outputs(root: Path) -> tuple:
    result = run(root, "check")
    return result.exit_code, result.stdout, result.stderr


def uncached(root: Path) -> tuple:
    result = run(root, "check", env={"PAPERNOTES_NO_CACHE": "1"})
    return result.exit_code, result.stdout, result.stderr


def full_reads(monkeypatch) -> list:
    """The full reads of every note (``NoteStore.load`` from disk) made from now on."""
    return calls_of(monkeypatch, NoteStore, "load")


def quick_outputs(root: Path, loads: list) -> tuple:
    """``outputs``, asserting the check read no note in full (only changed files parsed)."""
    before = len(loads)
    answer = outputs(root)
    assert len(loads) == before, "a full read of every note"
    return answer


def test_a_check_after_edits_prints_what_a_check_without_caches_prints(troubled, monkeypatch):
    root = troubled
    assert outputs(root) == uncached(root)  # the first: every note read, facts kept
    assert "is also used by" in outputs(root)[1]
    loads = full_reads(monkeypatch)
    edits = [
        lambda: note(root, "2020/b.md", "Beta", key="beta2020", body="see [[gamma2021]]"),
        lambda: note(root, "2021/c.md", "Alpha", key="gamma2021", arxiv="2006.03654"),
        lambda: (root / "2021" / "broken.md").write_text(
            "---\ntitle: Fixed\nyear: 2021\nkey: alpha2020\n---\n", encoding="utf-8"
        ),
        lambda: (root / "2021" / "d.md").unlink(),
        lambda: note(root, "2022/f.md", "Phi", key="phi", body="[[phi]] [[beta2020]] [[2021/c]]"),
        lambda: (root / "document.yaml").write_text("order: [2021/c.md]\n", encoding="utf-8"),
        lambda: (root / "document.yaml").write_text("order: [\n", encoding="utf-8"),
        lambda: note(root, "2020/a.md", "Alpha", key="alpha2020", body="<<<<<<< x\n"),
    ]
    for edit in edits:
        edit()
        assert quick_outputs(root, loads) == uncached(root)
        assert quick_outputs(root, loads) == uncached(root)  # kept: nothing changed since


def test_a_check_after_an_edit_parses_the_edited_note_and_builds_no_other(
    seed_library, monkeypatch
):
    run(seed_library, "check")
    texts = calls_of(monkeypatch, store_module, "_note_of")  # each note file parsed
    built = calls_of(monkeypatch, note_cache_load, "note_of")  # each note built from the cache
    with (seed_library / "2020" / "tinybert.md").open("a", encoding="utf-8") as handle:
        handle.write("\nOne more line.\n")
    assert outputs(seed_library)[0] == 0
    assert texts == ["2020/tinybert.md"]
    assert outputs(seed_library)[0] == 0
    assert texts == ["2020/tinybert.md"]  # unchanged since: not even that note again
    assert built == []  # and no other note built at all


def test_a_problem_that_depends_on_another_note_comes_and_goes_with_that_note(
    tmp_path, monkeypatch
):
    root = new_library(tmp_path)
    note(root, "2020/a.md", "Alpha", key="shared", arxiv="2101.00001")
    note(root, "2021/b.md", "Beta", key="other")
    run(root, "check")
    loads = full_reads(monkeypatch)
    assert quick_outputs(root, loads)[0] == 0
    note(root, "2021/b.md", "Beta", key="SHARED", arxiv="2101.00001v3")  # the OTHER note
    clashing = quick_outputs(root, loads)
    assert clashing == uncached(root)
    assert "2020/a.md:4: key 'shared' is also used by 2021/b.md" in clashing[1]
    assert "arXiv id '2101.00001' is also used by 2021/b.md" in clashing[1]
    note(root, "2021/b.md", "Beta", key="other")
    assert quick_outputs(root, loads) == uncached(root) == (0, "2 notes, no problems.\n", "")


def test_a_note_changed_keeping_its_size_and_times_is_still_checked(tmp_path, monkeypatch):
    root = new_library(tmp_path)
    note(root, "2020/a.md", "Alpha", key="alpha")
    note(root, "2020/b.md", "Beta", key="betaa")
    run(root, "check")
    path = root / "2020" / "b.md"
    before = os.stat(path)
    path.write_bytes(path.read_bytes().replace(b"betaa", b"alpha"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    assert outputs(root) == uncached(root)
    assert "key 'alpha' is also used by 2020/a.md" in outputs(root)[1]


def kept_files(root: Path) -> list[Path]:
    kept = CheckFactsCache.for_library(os.path.realpath(root))
    assert None not in (kept.state_path, kept.facts_path, kept.keys_path)
    return [kept.state_path, kept.facts_path, kept.keys_path]  # type: ignore[list-item]


@pytest.mark.parametrize("harm", ["flip", "truncate", "empty", "stale"])
@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_damaged_or_stale_kept_state_is_never_trusted(tmp_path, harm, which):
    root = new_library(tmp_path)
    note(root, "2020/a.md", "Alpha", key="alpha")
    note(root, "2020/b.md", "Beta", key="beta")
    run(root, "check")
    old = [path.read_bytes() for path in kept_files(root)]
    note(root, "2020/b.md", "Beta", key="ALPHA", body="[[nobody]]")  # two problems now
    expected = uncached(root)
    assert expected[0] == 1 and outputs(root) == expected
    path = kept_files(root)[which]
    data = path.read_bytes()
    if harm == "flip":
        path.write_bytes(data[:-7] + bytes([data[-7] ^ 1]) + data[-6:])
    elif harm == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif harm == "empty":
        path.write_bytes(b"")
    else:  # both files as they were before the edit: kept for other bytes
        for kept, was in zip(kept_files(root), old, strict=True):
            kept.write_bytes(was)
    assert outputs(root) == expected
    assert outputs(root) == expected


def test_a_stale_note_cache_copy_is_repaired_though_a_check_state_is_kept(
    seed_library, trusting_cache, monkeypatch
):
    assert run(seed_library, "check").exit_code == 0  # the state kept
    monkeypatch.setattr("papernotes.storage.split_stat.SPLIT_FROM", 1)
    hold_a_stale_copy(seed_library, "2020/tinybert.md", "STALE COPY")
    result = run(seed_library, "check")
    assert "repaired the note cache: 2020/tinybert.md" in result.stderr
    assert "STALE" not in run(seed_library, "list").stdout
    again = run(seed_library, "check")
    assert "repaired" not in again.stderr and again.stdout == result.stdout


def test_odd_files_give_what_a_check_without_caches_gives(troubled):
    run(troubled, "check")
    os.mkfifo(troubled / "2021" / "fifo.md")
    (troubled / "2021" / "dangling.md").symlink_to(troubled / "nowhere.md")
    assert outputs(troubled) == uncached(troubled)
    (troubled / "2021" / "fifo.md").unlink()
    shutil.rmtree(troubled / "2020")
    assert outputs(troubled) == uncached(troubled)
    assert outputs(troubled) == uncached(troubled)


def test_a_file_changed_in_place_since_the_last_check_sends_it_to_the_full_read(
    seed_library, trusting_cache, monkeypatch
):
    """Bytes changed under an unchanged stat (an ``mmap`` write on tmpfs) since the last
    check: any copy made of them since is suspect, so every note is read and verified."""
    from papernotes.storage import check_load
    from papernotes.storage.caches.note_cache import stat_key

    run(seed_library, "list")
    assert run(seed_library, "check").exit_code == 0
    rel = "2020/tinybert.md"
    old_key = stat_key(os.stat(seed_library / rel))
    real = check_load.keyed_digests

    def same_stat(prefix: str, rels: list[str], meanwhile=None) -> list[bytes]:  # the old stat
        answers = real(prefix, rels, meanwhile)
        return [
            old_key + a[len(old_key) :] if r == rel else a
            for r, a in zip(rels, answers, strict=True)
        ]

    with (seed_library / rel).open("a", encoding="utf-8") as handle:
        handle.write("\nchanged in place\n")
    monkeypatch.setattr(check_load, "keyed_digests", same_stat)
    loads = full_reads(monkeypatch)
    assert outputs(seed_library)[0] == 0
    assert len(loads) == 1  # the full read
    assert outputs(seed_library) == uncached(seed_library)


def test_keyed_digests_from_two_processes_are_the_stat_and_digest_of_each_file(
    tmp_path, monkeypatch
):
    from papernotes.storage import file_digests
    from papernotes.storage.caches.note_cache import stat_key
    from papernotes.storage.note_writes import digest

    prefix, rels = files_a_fifo_and_a_missing(tmp_path)
    one_pass = file_digests._keyed(prefix, rels)
    monkeypatch.setattr("papernotes.storage.split_stat.SPLIT_FROM", 1)
    assert file_digests.keyed_digests(prefix, rels) == one_pass
    assert one_pass[-2:] == [file_digests.UNREAD_KEYED] * 2
    for rel, answer in zip(rels[:9], one_pass, strict=False):
        path = tmp_path / rel
        assert answer[:40] == stat_key(os.stat(path))
        assert answer[40:72].decode() == digest(path.read_bytes())


edits = st.lists(
    st.tuples(
        st.integers(0, 15),  # 14 and 15: notes with no problem
        st.one_of(st.none(), note_fields, st.sampled_from(["more text", "<<<<<<< x", "[[b]]"])),
    ),
    min_size=1,
    max_size=5,
)


@bounded(60, HealthCheck.function_scoped_fixture)
@given(notes=st.lists(note_fields, min_size=1, max_size=10), changes=edits)
def test_after_any_edits_a_check_prints_what_a_check_without_caches_prints(
    tmp_path_factory, notes, changes
):
    """Notes of clashing keys, arXiv ids, titles, links and conflict markers, then each
    edit (a note rewritten, added, deleted, or text added to it), checked with the kept
    facts and without."""
    root = new_library(tmp_path_factory.mktemp("lib"))
    for number, fields in enumerate(notes):
        write_note(root, number, fields)
    for number in (14, 15):
        write_note(root, number, (f"clean{number}", "", f"Clean {number}", "", "2021"))
    assert outputs(root) == uncached(root)
    for number, fields in changes:
        paths = list(root.glob(f"*/{'b' if number == 1 else f'n{number}'}.md"))
        if fields is None:
            for path in paths:
                path.unlink()
        elif isinstance(fields, str):  # text added to a note: its facts mostly the same
            for path in paths:
                path.write_text(path.read_text(encoding="utf-8") + fields + "\n", "utf-8")
        else:
            write_note(root, number, fields)
        assert outputs(root) == uncached(root)


def test_check_lists_again_only_the_year_folders_changed_since_listed_for_temporary_files(
    seed_library, trusting_cache, monkeypatch
):
    """A year folder listed by a scan holding no temporary file, and unchanged since, holds
    none: ``check`` lists the others alone, and still finds a leftover of a killed write."""
    from papernotes.storage import note_folder

    run(seed_library, "list")  # every year folder listed and kept
    listed = calls_of(monkeypatch, note_folder.os, "scandir")
    assert run(seed_library, "check").exit_code == 0
    assert [path for path in listed if Path(str(path)).parent == seed_library] == []
    leftover = seed_library / "2020" / ".papernotes-tinybert.md.x1.tmp"
    leftover.write_text("half a note", encoding="utf-8")
    result = run(seed_library, "check")
    assert "removed 2020/.papernotes-tinybert.md.x1.tmp" in result.stderr
    assert not leftover.exists() and result.exit_code == 0


def test_a_touched_note_rewrites_only_the_kept_stat_keys(seed_library, monkeypatch):
    """A note touched (its bytes the same): the kept output is printed, and of what is kept
    only the small file of stat keys is written again (100,000 notes: 4 MB, not 17)."""
    first = outputs(seed_library)  # every note read: the note cache's marks read next time
    loads = full_reads(monkeypatch)
    assert quick_outputs(seed_library, loads) == first
    state, facts, keys = kept_files(seed_library)
    before = [state.read_bytes(), facts.read_bytes(), keys.read_bytes()]
    path = seed_library / "2020" / "tinybert.md"
    os.utime(path, ns=(10**18, 10**18))
    assert quick_outputs(seed_library, loads) == first == uncached(seed_library)
    assert [state.read_bytes(), facts.read_bytes()] == before[:2]
    assert keys.read_bytes() != before[2]


def test_an_edit_of_a_notes_text_alone_gives_the_kept_problems_and_no_line_moved_wrongly(
    tmp_path, monkeypatch
):
    """Only the text of a note changed (its facts are the same): the problems across notes
    are not worked out again; a note named by a problem (a line may move) or holding a
    conflict marker is never taken that way."""
    from papernotes.library import check_run

    root = new_library(tmp_path)
    note(root, "2020/a.md", "Alpha", key="dup")
    note(root, "2020/b.md", "Beta", key="DUP")
    note(root, "2020/c.md", "Gamma", key="c", body="not a marker: x <<<<<<< y")
    note(root, "2020/d.md", "Delta", key="d", body="plain text")
    run(root, "check")
    loads = full_reads(monkeypatch)
    assert quick_outputs(root, loads) == uncached(root)
    worked_out = calls_of(monkeypatch, check_run, "facts_problems")

    def quick_and_worked_out() -> tuple[tuple, int]:
        expected = uncached(root)
        worked_out.clear()
        answer = quick_outputs(root, loads)
        assert answer == expected
        return answer, len(worked_out)

    note(root, "2020/d.md", "Delta", key="d", body="plain text, and more of it")
    assert quick_and_worked_out()[1] == 0  # the kept problems
    path = root / "2020" / "b.md"  # a line before its key: the problem's line moves
    path.write_text(path.read_text().replace("key:", "venue: 'V'\nkey:"), encoding="utf-8")
    moved, count = quick_and_worked_out()
    assert count == 1 and "2020/b.md:5: key 'DUP' is also used" in moved[1]
    note(root, "2020/c.md", "Gamma", key="c", body="<<<<<<< ours\nx\n=======\ny\n>>>>>>> b")
    conflict, count = quick_and_worked_out()
    assert count == 1 and "2020/c.md:6: git conflict markers" in conflict[1]


def test_the_facts_of_a_few_notes_read_alone_are_those_of_the_whole_file(troubled, monkeypatch):
    monkeypatch.setattr("papernotes.storage.caches.check_facts._PIECE", 2)  # many pieces
    run(troubled, "check")
    kept = CheckFactsCache.for_library(os.path.realpath(troubled))
    whole = kept.read_facts()
    assert whole is not None
    rels, digests, columns = whole
    assert len(rels) > 4
    some = [rels[0], rels[3], rels[-1], "2020/none.md"]
    assert kept.read_facts_of(some) == {
        rel: (digests[32 * i : 32 * i + 32], tuple(column[i] for column in columns))
        for i, rel in enumerate(rels)
        if rel in some
    }
