"""``export --bib`` kept until a note changes (library/kept_bibtex.py): a repeated export
reads no note, and every export prints exactly what a run without caches prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from papernotes.storage.caches import location as cache_location
from tests.helpers import run

OFF = {cache_location.DISABLE_ENV: "1"}


def exported(root: Path, *args: str, cache: bool = True) -> tuple[int, str, str]:
    result = run(root, "export", "--bib", *args, env=None if cache else OFF)
    return result.exit_code, result.stdout, result.stderr


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_repeated_export_reads_no_note_and_prints_the_same_bytes(
    seed_library, trusting_cache, loads
):
    first = exported(seed_library)
    assert first[0] == 0 and first[1].count("@") == 8
    assert not loads  # made one year folder at a time (library/bib_folders.py)
    assert exported(seed_library) == first
    assert not loads  # the kept text
    assert exported(seed_library, cache=False) == first


@pytest.mark.parametrize(
    "options", [(), ("--with-notes",), ("--ascii",), ("--year", "2020"), ("--tag", "nlp")]
)
def test_every_export_prints_what_a_run_without_caches_prints_after_each_change(
    seed_library, trusting_cache, tmp_path, monkeypatch, options
):
    def same() -> tuple[int, str, str]:
        exported(seed_library, *options)  # keeps the text
        warm = exported(seed_library, *options)
        assert warm == exported(seed_library, *options, cache=False), options
        return warm

    edit(seed_library, "2020/tinybert.md", "tags: []", "tags: [nlp]")
    before = same()
    edit(seed_library, "2020/tinybert.md", "EMNLP", "ACL")
    assert same() != before
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "papernotes").mkdir(parents=True)
    venues = tmp_path / "config" / "papernotes" / "venues.toml"
    venues.write_text('[ACL]\nkind = "conference"\nname = "My ACL"\n', encoding="utf-8")
    with_venue = same()
    assert "My ACL" in with_venue[1]
    venues.write_text('[ACL]\nkind = "conference"\nname = "Your ACL"\n', encoding="utf-8")
    if not options:
        assert "Your ACL" in same()[1]
    (seed_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    assert "broken.md" in same()[2]


def test_keys_assigned_by_an_export_are_said_once_and_the_text_is_kept_after(
    seed_library, trusting_cache, loads
):
    edit(seed_library, "2021/nezha.md", "key: wei2021nezha\n", "")
    first = exported(seed_library)
    assert "assigned key wei2021nezha to 2021/nezha.md" in first[2]
    second = exported(seed_library)
    assert second[1] == first[1] and "assigned" not in second[2]
    assert second == exported(seed_library, cache=False)
    count = len(loads)
    assert exported(seed_library) == second and len(loads) == count


def test_an_unexportable_note_is_refused_alike_with_and_without_the_kept_text(
    seed_library, trusting_cache
):
    exported(seed_library)
    (seed_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    edit(seed_library, "2021/nezha.md", "key: wei2021nezha", 'key: "bad key{"')
    refused = exported(seed_library)
    assert refused[0] == 1 and refused[1] == ""
    assert refused == exported(seed_library) == exported(seed_library, cache=False)
    lines = refused[2].splitlines()
    assert lines[0].startswith("warning: 2020/broken.md")  # warnings first, as before
    assert "2021/nezha.md: key 'bad key{' is not a valid citation key" in lines[1]


def test_a_venue_added_in_config_toml_is_exported_though_the_notes_did_not_change(
    seed_library, trusting_cache, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "papernotes").mkdir(parents=True)
    assert "My EMNLP" not in exported(seed_library)[1]  # kept
    config = tmp_path / "config" / "papernotes" / "config.toml"
    config.write_text('[venues.EMNLP]\nkind = "conference"\nname = "My EMNLP"\n', "utf-8")
    after = exported(seed_library)
    assert "booktitle = {My EMNLP}" in after[1]
    assert after == exported(seed_library, cache=False)
