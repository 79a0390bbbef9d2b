"""The note cache changes nothing but speed: every change is seen, every bad cache ignored."""

from __future__ import annotations

import copy
import dataclasses
import json
import marshal
import os
import pickle
import shutil
from pathlib import Path

import pytest

from papernotes.errors import ConflictError
from papernotes.library import Library, list_rows
from papernotes.model import Paper
from papernotes.storage import note_folder as note_folder_module
from papernotes.storage.caches import location as cache_location
from papernotes.storage.caches import note_cache as cache_module
from papernotes.storage.caches.list_rows_cache import ListRowsCache
from papernotes.storage.caches.note_cache import (
    NoteCache,
    is_racy,
    paper_fields,
    paper_from_fields,
    stat_key,
)
from papernotes.storage.caches.shards import shard_of
from papernotes.storage.caches.text_blocks_cache import TextBlocksCache
from papernotes.storage.store import NoteStore
from tests.helpers import calls_of, kept_list_outputs, run


def cache_file(root: Path) -> Path:
    """The note cache's folder of the library at ``root`` (its shards and layout file)."""
    path = NoteCache.for_library(os.path.realpath(root)).folder
    assert path is not None
    return path


def shard_file(root: Path, rel: str) -> Path:
    """The shard file holding the entry of the note at ``rel``."""
    return cache_file(root) / f"{shard_of(rel):02x}"


def remove_list_outputs(root: Path) -> None:
    """Drop the kept ``list`` outputs and the ``list --json`` text kept per year folder, so
    the next ``list --json`` loads the notes (through the note cache)."""
    for view in kept_list_outputs(root):
        view.unlink()
    TextBlocksCache.for_library(os.path.realpath(root), b"").clear()


def cached_entries(root: Path) -> dict:
    entries, _ = NoteCache.for_library(os.path.realpath(root)).read(os.path.realpath(root))
    return entries


def listing(root: Path, *, cache: bool = True) -> tuple[str, str, str]:
    """``list --json`` output, stderr (the problems) and plain ``list`` output, with or
    without the caches (both outputs are kept until a note changes)."""
    env = None if cache else {cache_location.DISABLE_ENV: "1"}
    result = run(root, "list", "--json", env=env)
    assert result.exit_code == 0, result.output
    plain = run(root, "list", env=env)
    assert plain.exit_code == 0, plain.output
    assert plain.stderr == result.stderr
    notes = json.loads(result.stdout)
    lines = plain.stdout.splitlines() if notes else []
    assert [(n["year"], n["title"]) for n in notes] == [
        (int(line.split()[0]), n["title"])
        for line, n in zip(lines, notes, strict=True)
        if n["title"] in line
    ]
    return result.stdout, result.stderr, plain.stdout


def library_state(root: Path, *, cache: bool) -> tuple:
    if not cache:
        os.environ[cache_location.DISABLE_ENV] = "1"
    try:
        library = Library(root)
        return library.notes(), library.problems(), library.layout()
    finally:
        os.environ.pop(cache_location.DISABLE_ENV, None)


def assert_warm_equals_uncached(root: Path) -> str:
    """A cached run gives exactly what parsing every file gives: notes, problems, layout."""
    warm = library_state(root, cache=True)
    assert warm == library_state(root, cache=False)
    output = listing(root)
    assert output == listing(root, cache=False)
    return output[0]


def test_a_warm_run_lists_exactly_what_a_run_without_cache_lists(seed_library, trusting_cache):
    assert not cache_file(seed_library).exists()
    cold = assert_warm_equals_uncached(seed_library)
    assert cache_file(seed_library).exists()
    assert len(cached_entries(seed_library)) == 8
    assert assert_warm_equals_uncached(seed_library) == cold
    assert "TinyBERT" in cold


def test_the_cache_lives_in_the_user_cache_folder_not_in_the_library(seed_library, trusting_cache):
    before = sorted(p.name for p in seed_library.rglob("*"))
    listing(seed_library)
    assert sorted(p.name for p in seed_library.rglob("*")) == before
    assert str(cache_file(seed_library)).startswith(os.environ["XDG_CACHE_HOME"])


def test_a_hand_edit_is_seen_by_the_next_command(seed_library, trusting_cache):
    listing(seed_library)
    note = seed_library / "2020" / "tinybert.md"
    note.write_text(note.read_text(encoding="utf-8").replace("EMNLP", "Findings of EMNLP"))
    output = assert_warm_equals_uncached(seed_library)
    assert "Findings of EMNLP" in output


def test_a_deleted_note_disappears(seed_library, trusting_cache):
    listing(seed_library)
    (seed_library / "2019" / "xlnet.md").unlink()
    output = assert_warm_equals_uncached(seed_library)
    assert "2019/xlnet.md" not in output
    assert len(json.loads(output)) == 7


def test_a_new_note_appears(seed_library, trusting_cache):
    listing(seed_library)
    text = (seed_library / "2020" / "albert.md").read_text(encoding="utf-8")
    (seed_library / "2022").mkdir()
    new = text.replace("year: 2020", "year: 2022").replace("ALBERT", "NEWPAPER")
    (seed_library / "2022" / "newpaper.md").write_text(new, encoding="utf-8")
    output = assert_warm_equals_uncached(seed_library)
    assert "2022/newpaper.md" in output and "NEWPAPER" in output


def test_a_same_size_rewrite_with_the_old_mtime_is_seen(seed_library, trusting_cache):
    """As an edit within the same timestamp tick looks: same size, same mtime, new content."""
    note = seed_library / "2020" / "albert.md"
    before = note.stat()
    listing(seed_library)
    text = note.read_text(encoding="utf-8")
    edited = text.replace("ALBERT:", "ALBERX:")
    assert len(edited.encode()) == len(text.encode()) and edited != text
    note.write_text(edited, encoding="utf-8")
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = note.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert "ALBERX:" in assert_warm_equals_uncached(seed_library)


def test_a_note_moved_to_another_year_folder_is_seen(seed_library, trusting_cache):
    listing(seed_library)
    old = seed_library / "2020" / "albert.md"
    text = old.read_text(encoding="utf-8").replace("year: 2020", "year: 2019")
    old.rename(seed_library / "2019" / "albert.md")
    (seed_library / "2019" / "albert.md").write_text(text, encoding="utf-8")
    output = assert_warm_equals_uncached(seed_library)
    paths = [n["path"] for n in json.loads(output)]
    assert "2019/albert.md" in paths and "2020/albert.md" not in paths


def test_a_renamed_note_with_unchanged_content_is_seen(seed_library, trusting_cache):
    listing(seed_library)
    os.rename(seed_library / "2021" / "nezha.md", seed_library / "2021" / "nezha-renamed.md")
    output = assert_warm_equals_uncached(seed_library)
    assert "2021/nezha-renamed.md" in output and "2021/nezha.md" not in output


def test_a_hand_edit_of_document_yaml_is_seen(seed_library, trusting_cache):
    listing(seed_library)
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    swapped = text.replace(
        "- 2020/albert.md\n- 2020/tinybert.md", "- 2020/tinybert.md\n- 2020/albert.md"
    )
    assert swapped != text
    layout.write_text(swapped, encoding="utf-8")
    output = assert_warm_equals_uncached(seed_library)
    paths = [n["path"] for n in json.loads(output)]
    assert paths.index("2020/tinybert.md") < paths.index("2020/albert.md")


def test_a_malformed_note_is_reported_on_every_run_until_fixed(seed_library, trusting_cache):
    note = seed_library / "2021" / "deberta.md"
    good = note.read_text(encoding="utf-8")
    note.write_text(good.replace("year: 2021", "year: [2021"), encoding="utf-8")
    for _ in range(2):
        stdout, stderr, plain = listing(seed_library)
        assert "2021/deberta.md:" in stderr and "2021/deberta.md" not in stdout
        assert (stdout, stderr, plain) == listing(seed_library, cache=False)
    assert library_state(seed_library, cache=True) == library_state(seed_library, cache=False)
    note.write_text(good, encoding="utf-8")
    assert "2021/deberta.md" in assert_warm_equals_uncached(seed_library)
    assert listing(seed_library)[1] == ""


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-1], id="last-byte-missing"),
        pytest.param(
            lambda data: (
                data[: len(data) // 2]
                + bytes([data[len(data) // 2] ^ 0x55])
                + data[len(data) // 2 + 1 :]
            ),
            id="one-byte-flipped",
        ),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"\x00" * 4096, id="zeros"),
        pytest.param(lambda data: data.replace(b"format 1 ", b"format 0 ", 1), id="other-format"),
        pytest.param(lambda data: data.replace(b" fields ", b" fields 0", 1), id="other-fields"),
    ],
)
@pytest.mark.parametrize("which", ["shard of the edited note", "layout"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(seed_library, trusting_cache, damage, which):
    expected = listing(seed_library, cache=False)
    listing(seed_library)
    if which == "layout":
        path = cache_file(seed_library) / "layout"
    else:
        path = shard_file(seed_library, "2020/tinybert.md")
    good = path.read_bytes()
    # Change a note too, so a cache that were wrongly trusted would show stale data.
    note = seed_library / "2020" / "tinybert.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace("EMNLP", "EMNLP 2020"), encoding="utf-8"
    )
    expected = listing(seed_library, cache=False)
    assert "EMNLP 2020" in expected[0]
    path.write_bytes(damage(good))
    remove_list_outputs(seed_library)  # so that list --json loads the notes
    assert listing(seed_library) == expected
    assert len(cached_entries(seed_library)) == 8  # rewritten whole
    assert listing(seed_library) == expected


def test_a_cache_that_cannot_be_written_never_fails_the_command(seed_library, monkeypatch):
    blocker = seed_library.parent / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert listing(seed_library) == listing(seed_library, cache=False)
    assert "TinyBERT" in listing(seed_library)[0]


def test_deleting_the_cache_changes_nothing(seed_library, trusting_cache):
    first = listing(seed_library)
    shutil.rmtree(cache_file(seed_library))
    assert listing(seed_library) == first  # from the kept list output
    remove_list_outputs(seed_library)
    assert listing(seed_library) == first  # from the notes: the cache file is rebuilt
    assert len(cached_entries(seed_library)) == 8
    remove_list_outputs(seed_library)
    assert listing(seed_library) == first  # from the rebuilt cache file
    shutil.rmtree(os.environ["XDG_CACHE_HOME"])
    assert listing(seed_library) == first


def test_papernotes_no_cache_writes_no_cache(seed_library, trusting_cache):
    listing(seed_library, cache=False)
    assert not cache_file(seed_library).exists()


def test_a_copied_library_does_not_share_the_cache(seed_library, trusting_cache, tmp_path):
    listing(seed_library)
    copy = tmp_path / "copy"
    shutil.copytree(seed_library, copy)  # copy2: same mtimes and sizes, other inodes
    note = copy / "2020" / "albert.md"
    note.write_text(note.read_text(encoding="utf-8").replace("ALBERT", "ALBERTO"), encoding="utf-8")
    assert cache_file(copy) != cache_file(seed_library)
    assert "ALBERTO" in assert_warm_equals_uncached(copy)
    assert "ALBERTO" not in assert_warm_equals_uncached(seed_library)


def test_a_note_written_just_now_is_not_kept_in_the_cache(seed_library, monkeypatch):
    """Racy files: a same-size edit within the same timestamp tick would keep the stat, so a
    file younger than the margin is re-read on every run until it is old enough to trust."""
    stats = [p.stat() for p in seed_library.rglob("*") if p.is_file()]
    newest = max(max(st.st_mtime_ns, st.st_ctime_ns) for st in stats)  # of all the files
    monkeypatch.setattr(note_folder_module, "time_ns", lambda: newest + 10**9)  # 1 s later
    listing(seed_library)
    assert "2020/albert.md" not in cached_entries(seed_library)
    assert kept_list_outputs(seed_library) == []  # nor any output made from it
    later = newest + cache_module.RACY_MARGIN_NS + 1
    monkeypatch.setattr(note_folder_module, "time_ns", lambda: later)
    listing(seed_library)
    assert "2020/albert.md" in cached_entries(seed_library)
    assert len(kept_list_outputs(seed_library)) == 2  # list and list --json


def test_the_racy_rule_looks_at_mtime_and_ctime():
    class Stat:
        st_size, st_ino, st_dev = 10, 1, 1
        st_mtime_ns = 100 * 10**9
        st_ctime_ns = 100 * 10**9

    old = stat_key(Stat)
    assert not is_racy(old, 100 * 10**9 + cache_module.RACY_MARGIN_NS + 1)
    assert is_racy(old, 100 * 10**9 + cache_module.RACY_MARGIN_NS)
    Stat.st_ctime_ns = 200 * 10**9  # e.g. copied with its old mtime kept
    assert is_racy(stat_key(Stat), 201 * 10**9)


def test_a_cached_paper_is_the_parsed_paper_with_its_defaults_left_out(seed_library):
    fields = dataclasses.fields(Paper)
    defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    for path in sorted(seed_library.glob("*/*.md")):
        paper = NoteStore(seed_library).read(path.relative_to(seed_library).as_posix()).paper
        stored = paper_fields(paper)
        assert not [name for name, value in stored.items() if defaults.get(name, ...) == value]
        assert {"title", "year", "authors", "notes"} <= stored.keys()
        back = paper_from_fields(marshal.loads(marshal.dumps(stored)))
        assert back == paper and repr(back) == repr(paper) and hash(back) == hash(paper)
        assert dataclasses.asdict(back) == dataclasses.asdict(paper)
        assert pickle.loads(pickle.dumps(back)) == copy.deepcopy(back) == paper
        assert dataclasses.replace(back, venue="X") == dataclasses.replace(paper, venue="X")
    odd = Paper(title="T", year=2020, arxiv_version=False, tags=[])  # type: ignore[arg-type]
    back = paper_from_fields(paper_fields(odd))
    assert type(back.arxiv_version) is bool and type(back.tags) is list  # kept as they were


def hold_a_stale_copy(root: Path, rel: str, title: str) -> None:
    """Make the cache hold another version of the note at ``rel`` under the file's own stat:
    what a write that keeps size, mtime and ctime (an mmap write on tmpfs) leaves behind."""
    listing(root)
    real = os.path.realpath(root)
    shards = NoteCache.for_library(real).shards(real)
    entries = shards.read()
    key, _digest, fields = entries[rel]
    assert key == stat_key(os.stat(root / rel))  # the cache vouches for the file as it is
    entries[rel] = (key, "0" * 32, {**fields, "title": title})
    assert shards.write(entries, [rel])
    rows = ListRowsCache.for_library(real)  # and list's kept row, made by that read
    kept = rows.read(rel.partition("/")[0])
    assert kept is not None
    at = kept.paths.index(rel)
    row = list(kept.rows[at])
    row[list_rows.TITLE], row[list_rows.RAW_TITLE] = title, title
    row[list_rows.DIGEST] = "0" * 32  # made from the same read as the cached copy
    kept.rows[at] = tuple(row)
    assert rows.write(rel.partition("/")[0], kept.paths, kept.keys, kept.rows)
    rows.blocks().clear()  # the text of the next list is made from that row
    remove_list_outputs(root)
    assert run(root, "show", rel, "--json").stdout.count(title) == 1  # reads trust the stat


def test_a_write_rereads_the_note_instead_of_trusting_a_stale_cache(seed_library, trusting_cache):
    hold_a_stale_copy(seed_library, "2020/tinybert.md", "STALE COPY")
    result = run(seed_library, "key", "tinybert", "tinybert2020")
    assert result.exit_code == 0, result.stderr  # not "changed on disk since it was read"
    text = (seed_library / "2020" / "tinybert.md").read_text(encoding="utf-8")
    assert "key: tinybert2020" in text and "TinyBERT: Distilling BERT" in text
    assert "STALE" not in run(seed_library, "show", "tinybert2020").stdout
    assert "STALE" not in listing(seed_library)[2]


def test_a_conflict_from_a_stale_cache_entry_refreshes_the_cache_instead_of_failing_forever(
    seed_library, trusting_cache
):
    hold_a_stale_copy(seed_library, "2020/tinybert.md", "STALE COPY")
    library = Library(seed_library)
    stale = library.find("2020/tinybert.md")
    assert stale.paper.title == "STALE COPY"
    with pytest.raises(ConflictError, match="changed on disk since it was read"):
        library.save(stale, dataclasses.replace(stale.paper, status="read"))  # would lose text
    assert "STALE" not in listing(seed_library)[2]  # the next command reads the file
    fresh = Library(seed_library).find("2020/tinybert.md")
    assert fresh.paper.title.startswith("TinyBERT")
    Library(seed_library).save(fresh, dataclasses.replace(fresh.paper, status="read"))
    assert "status: read" in (seed_library / "2020" / "tinybert.md").read_text(encoding="utf-8")


def test_check_reads_every_note_from_disk_and_reports_and_repairs_a_stale_cache(
    seed_library, trusting_cache
):
    hold_a_stale_copy(seed_library, "2021/nezha.md", "STALE COPY")
    assert "STALE COPY" in listing(seed_library)[2]  # kept until the cache is repaired
    result = run(seed_library, "check")
    assert result.exit_code == 0, result.output
    assert "repaired the note cache: 2021/nezha.md" in result.stderr
    assert "STALE" not in listing(seed_library)[2] and "STALE" not in result.stdout
    assert cached_entries(seed_library)["2021/nezha.md"][2]["title"].startswith("NEZHA")
    again = run(seed_library, "check")
    assert again.exit_code == 0 and "repaired" not in again.stderr


def test_check_parses_again_only_the_notes_whose_bytes_are_not_those_their_entry_was_made_from(
    seed_library, trusting_cache, monkeypatch
):
    """``check`` read and parsed all 100,000 notes (15 s of CPU); it still reads every file,
    but a file whose bytes have its entry's digest has that entry's parse, so only a note
    whose bytes differ from its entry's (the stale copy) is parsed, and repaired."""
    from papernotes.storage import store as store_module

    hold_a_stale_copy(seed_library, "2021/nezha.md", "STALE COPY")
    parsed = calls_of(monkeypatch, store_module, "parse_note")
    result = run(seed_library, "check")
    assert result.exit_code == 0, result.output
    assert "repaired the note cache: 2021/nezha.md" in result.stderr
    assert len(parsed) == 1 and "NEZHA" in parsed[0]
    assert "STALE" not in listing(seed_library)[2]
    parsed.clear()
    assert run(seed_library, "check").exit_code == 0
    assert parsed == []


def test_check_parses_document_yaml_again_only_when_its_bytes_are_not_those_it_was_parsed_from(
    seed_library, trusting_cache, monkeypatch
):
    """``document.yaml`` at 100,000 notes is 2.7 MB of YAML (0.7 s to parse), and ``check``
    parsed it on every run; it still reads it, and a copy kept under the file's own stat but
    parsed from other bytes (as an mmap write leaves) is parsed again and replaced."""
    from papernotes.storage import check_load, note_loads

    listing(seed_library)
    layout_text = (seed_library / "document.yaml").read_text(encoding="utf-8")
    cache = NoteCache.for_library(os.path.realpath(seed_library))
    real = os.path.realpath(seed_library)
    kept = cache.read_layout(real)
    assert kept is not None
    parsed = calls_of(monkeypatch, note_loads, "load_layout_yaml")
    assert run(seed_library, "check").exit_code == 0  # (every note read: nothing kept yet)
    assert layout_text not in parsed
    quick = calls_of(monkeypatch, check_load, "load_layout_yaml")  # a check with facts kept
    assert cache.read_layout(real) == kept
    key, data, _digest = kept
    assert isinstance(data, dict)
    sections = [dict(section) for section in data["sections"]]
    sections[0]["title"] = "STALE TITLE"
    stale = {**data, "sections": sections}
    assert cache.write_layout(real, (key, stale, b"0" * 16))  # other bytes, the same stat
    result = run(seed_library, "check")
    assert result.exit_code == 0, result.output
    assert (parsed + quick).count(layout_text) == 1
    assert cache.read_layout(real) == kept
    assert "STALE TITLE" not in run(seed_library, "export", "--md").stdout


def test_check_keeps_the_rows_and_search_forms_made_from_the_bytes_it_reads(
    seed_library, trusting_cache
):
    """``check`` dropped every kept row and every search form's stat key, so the next
    ``search`` at 100,000 notes took 28 s instead of 1; now only those of notes that do not
    parse, or made from bytes other than the file's (the mmap test below), are dropped."""
    from papernotes.storage.caches.list_rows_cache import UNKNOWN

    def kept() -> dict[str, dict[str, bytes]]:
        caches = NoteStore(seed_library).caches()
        rows, forms = caches.list_rows(), caches.search_forms()
        keys: dict[str, dict[str, bytes]] = {"rows": {}, "forms": {}}
        for year in rows.years():
            got = rows.read(year)
            keys["rows"] |= {p: got.key(i) for i, p in enumerate(got.paths)} if got else {}
        for year in forms.years():
            made = forms.read_year(year)
            keys["forms"] |= {p: made.key(i) for i, p in enumerate(made.paths)} if made else {}
        return keys

    (seed_library / "2021" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    listing(seed_library)
    assert run(seed_library, "search", "bert").exit_code == 0
    before = kept()
    assert len(before["rows"]) > 5 and len(before["forms"]) > 5
    assert UNKNOWN not in before["forms"].values()
    assert run(seed_library, "check").exit_code == 1  # the broken note is reported
    after = kept()
    assert after["forms"] == before["forms"]
    assert after["rows"] == before["rows"] | {"2021/broken.md": UNKNOWN}


@pytest.mark.parametrize("command", ["key", "check"])
def test_an_mmap_write_that_keeps_the_stat_is_seen_by_the_next_write_and_by_check(
    seed_library, trusting_cache, command
):
    """The real thing: a second write through ``mmap`` to a page already dirty keeps the
    file's size, mtime and ctime (ext4, tmpfs), so only a read of the bytes can see it."""
    import mmap

    path = seed_library / "2020" / "tinybert.md"
    with path.open("r+b") as handle, mmap.mmap(handle.fileno(), 0) as mapped:
        start = mapped.find(b"EMNLP")
        mapped[start : start + 1] = b"E"  # dirty the page (this write may update the times)
        listing(seed_library)  # the cache now vouches for this stat
        before = os.stat(path)
        mapped[start : start + 5] = b"ACL25"  # same size, same page
        if stat_key(os.stat(path)) != stat_key(before):
            pytest.skip("this file system updates the times on every mmap write")
        assert "ACL25" not in run(seed_library, "show", "tinybert").stdout  # reads trust stat
        if command == "key":
            result = run(seed_library, "key", "tinybert", "tinybert2020")
            assert result.exit_code == 0, result.stderr  # not "changed on disk" forever
        else:
            result = run(seed_library, "check")
            assert result.exit_code == 0, result.output
            assert "repaired the note cache: 2020/tinybert.md" in result.stderr
    assert "ACL25" in path.read_text(encoding="utf-8")  # a write kept the mmap's change
    assert "ACL25" in run(seed_library, "show", "tinybert").stdout
    assert "ACL25" in listing(seed_library)[2]


def test_the_cache_header_stamps_every_parser_module_so_an_edited_parser_drops_old_caches(
    tmp_path, monkeypatch
):
    """The header names the parser modules by path (importing them just to stat them costs);
    a renamed or moved parser must not silently drop out of that list."""
    package = Path(cache_module.__file__).parent.parent.parent
    missing = [name for name in cache_module.PARSER_FILES if not (package / name).is_file()]
    assert not missing, f"note_cache.PARSER_FILES names modules that do not exist: {missing}"
    copy = tmp_path / "papernotes"
    for name in cache_module.PARSER_FILES:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(package / name, copy / name)
    monkeypatch.setattr(cache_module, "_PACKAGE", copy)
    before = cache_module.header()
    for name in cache_module.PARSER_FILES:
        edited = copy / name
        edited.write_bytes(edited.read_bytes() + b"\n# edited\n")
        assert cache_module.header() != before, f"editing {name} kept the old caches"
        before = cache_module.header()


def test_the_one_pass_stat_keys_are_the_stat_keys_of_each_file(seed_library):
    """``stat_keys`` (the state of a warm ``show`` or ``list``) keys each file as a load does."""
    rels = NoteStore(seed_library).scan().found
    prefix = os.path.join(seed_library, "")
    assert cache_module.stat_keys(prefix, rels) == [
        cache_module.stat_key(os.stat(prefix + rel)) for rel in rels
    ]
    with pytest.raises(FileNotFoundError):
        cache_module.stat_keys(prefix, [*rels, "2020/gone.md"])
