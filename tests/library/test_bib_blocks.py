"""The default ``export --bib``'s text kept per year folder (library/bib_blocks.py): after an
edit only the edited folder is made again, from its own block, and every export prints what a
run without caches prints."""

from __future__ import annotations

import os
from pathlib import Path

from papernotes.storage.caches.bib_blocks_cache import BibBlocksCache
from papernotes.storage.caches.bib_entries_cache import BibEntriesCache
from tests.helpers import run
from tests.library.test_kept_bib_entries import edit, exported, read_notes


def block_files(root: Path) -> dict[str, bytes]:
    folder = BibBlocksCache.for_library(os.path.realpath(root), b"").folder
    assert folder is not None
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_an_export_after_an_edit_remakes_only_the_edited_folders_text_from_its_block(
    seed_library, trusting_cache, loads, monkeypatch
):
    first = exported(seed_library)
    assert first[0] == 0 and not loads  # made one year folder at a time (bib_folders)
    years = {p.name for p in seed_library.iterdir() if p.is_dir() and p.name.isdigit()}
    before = block_files(seed_library)
    kept = {f"{year}.0{part}" for year in years for part in ("", ".entries")}
    assert set(before) == kept  # by the first, full export
    entries_read: list[bool] = []
    real_read = BibEntriesCache.read
    monkeypatch.setattr(
        BibEntriesCache, "read", lambda self: entries_read.append(True) or real_read(self)
    )
    read = read_notes(monkeypatch)
    edit(seed_library, "2020/tinybert.md", "venue: EMNLP", "venue: ACL")
    after = exported(seed_library)
    assert read == ["2020/tinybert.md"] and not entries_read and not loads
    changed = {name for name, data in block_files(seed_library).items() if before[name] != data}
    assert changed == {"2020.0", "2020.0.entries"}
    assert "booktitle = {Annual Meeting of the Association" in after[1]
    assert after == exported(seed_library, cache=False)


def test_papers_without_authors_sharing_a_short_title_across_folders_print_as_without_caches(
    seed_library, trusting_cache
):
    """Such papers are labelled by their whole title, which papers of other folders decide:
    a kept folder whose labels would change is not used."""
    for year, rest in (("2019", "A First Look"), ("2021", "A Second Look")):
        title = f"Attention: {rest}"
        added = run(seed_library, "add", "--year", year, "--title", title, input="")
        assert added.exit_code == 0, added.output
    for options in ((), ("--ascii",)):
        assert exported(seed_library, *options) == exported(seed_library, *options, cache=False)
    shared = exported(seed_library)
    note = next((seed_library / "2021").glob("attention*.md"))
    edit(seed_library, f"2021/{note.name}", "title: 'Attention:", "title: 'Other:")
    alone = exported(seed_library)
    assert alone == exported(seed_library, cache=False)
    assert alone[1] != shared[1]
    edit(seed_library, f"2021/{note.name}", "title: 'Other:", "title: 'Attention:")
    assert exported(seed_library) == exported(seed_library, cache=False) == shared


def test_a_note_that_does_not_parse_is_reported_alike_from_the_kept_folder_text(
    seed_library, trusting_cache
):
    (seed_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    first = exported(seed_library)
    assert "warning: 2020/broken.md" in first[2]
    edit(seed_library, "2021/nezha.md", "venue:", "venue: ACL\nx_note:")
    for _ in range(2):  # the first made the 2021 block again; the second reads every block
        assert exported(seed_library) == exported(seed_library, cache=False)
