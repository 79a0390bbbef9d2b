"""``export --bib``'s entries kept per note (library/bib_entries.py): after an edit only the
edited note's entry is rendered, and every export prints what a run without caches prints."""

from __future__ import annotations

from pathlib import Path

from papernotes.formats.bibtex import write
from papernotes.model import Paper
from papernotes.storage.caches import location as cache_location
from tests.helpers import run

OFF = {cache_location.DISABLE_ENV: "1"}
OPTIONS = [(), ("--with-notes",), ("--ascii",), ("--with-notes", "--ascii")]


def exported(root: Path, *args: str, cache: bool = True) -> tuple[int, str, str]:
    result = run(root, "export", "--bib", *args, env=None if cache else OFF)
    return result.exit_code, result.stdout, result.stderr


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def entry_of(text: str, key: str) -> str:
    return next(e for e in text.split("\n@") if e.split("{", 1)[1].startswith(key + ","))


def test_every_export_after_a_sequence_of_edits_prints_what_a_run_without_caches_prints(
    seed_library, trusting_cache, tmp_path, monkeypatch
):
    def same_for_every_option() -> dict[tuple[str, ...], str]:
        outputs = {}
        for options in OPTIONS:
            kept = exported(seed_library, *options)
            assert kept[0] == 0
            assert kept == exported(seed_library, *options, cache=False), options
            outputs[options] = kept[1]
        return outputs

    same_for_every_option()  # every entry kept, in every variant
    edit(seed_library, "2020/albert.md", "\n2. ", "\n2. like [[jiao2020tinybert]]; ")
    linked = same_for_every_option()[("--with-notes",)]
    assert "TinyBERT: Distilling" in entry_of(linked, "lan2020albert")
    # the linked note's title changes, the linking note does not: its annote follows
    edit(seed_library, "2020/tinybert.md", "TinyBERT: Distilling", "TinyBERT: Squeezing")
    linked = same_for_every_option()[("--with-notes",)]
    assert "TinyBERT: Squeezing" in entry_of(linked, "lan2020albert")
    edit(seed_library, "2020/tinybert.md", "venue: EMNLP", "venue: ACL")
    same_for_every_option()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "papernotes").mkdir(parents=True)
    venues = tmp_path / "config" / "papernotes" / "venues.toml"
    venues.write_text('[ACL]\nkind = "conference"\nname = "My ACL"\n', encoding="utf-8")
    assert "My ACL" in same_for_every_option()[()]
    venues.write_text('[ACL]\nkind = "journal"\nname = "Your ACL"\n', encoding="utf-8")
    assert "@article{jiao2020tinybert," in same_for_every_option()[("--ascii",)]
    (seed_library / "2019" / "xlnet.md").unlink()
    assert "xlnet" not in same_for_every_option()[()].casefold()


def test_after_an_edit_only_the_edited_notes_entry_is_rendered(
    seed_library, trusting_cache, monkeypatch
):
    rendered: list[str] = []
    real_render = write.render_entry

    def counting_render(paper: Paper, **options) -> str:
        rendered.append(paper.key)
        return real_render(paper, **options)

    monkeypatch.setattr(write, "render_entry", counting_render)
    try:
        from papernotes.library import bib_entries
    except ImportError:  # the code before the entries were kept renders through write only
        pass
    else:
        monkeypatch.setattr(bib_entries, "render_entry", counting_render)
    try:
        from papernotes.library import bib_entries_export
    except ImportError:  # the code before exports were made from the kept entries
        pass
    else:
        monkeypatch.setattr(bib_entries_export, "render_entry", counting_render)
    try:
        from papernotes.library import bib_blocks
    except ImportError:  # the code before the text was kept per year folder
        pass
    else:
        monkeypatch.setattr(bib_blocks, "render_entry", counting_render)
    first = exported(seed_library)
    assert first[0] == 0 and len(rendered) == first[1].count("\n@") + 1 == 8
    rendered.clear()
    edit(seed_library, "2020/tinybert.md", "venue: EMNLP", "venue: ACL")
    after = exported(seed_library)
    assert rendered == ["jiao2020tinybert"]
    assert "booktitle = {Annual Meeting of the Association" in entry_of(
        after[1], "jiao2020tinybert"
    )
    assert after == exported(seed_library, cache=False)


def read_notes(monkeypatch) -> list[str]:
    """The note files read (parsed) from now on."""
    from papernotes.storage.store import NoteStore

    seen: list[str] = []
    real_read = NoteStore.read

    def counting_read(self, rel: str):
        seen.append(rel)
        return real_read(self, rel)

    monkeypatch.setattr(NoteStore, "read", counting_read)
    return seen


def test_an_export_after_an_edit_reads_only_the_edited_note_and_loads_no_library(
    seed_library, trusting_cache, loads, monkeypatch
):
    first = exported(seed_library)
    assert first[0] == 0 and not loads  # made one year folder at a time (bib_folders)
    read = read_notes(monkeypatch)
    edit(seed_library, "2020/tinybert.md", "venue: EMNLP", "venue: ACL")
    after = exported(seed_library)
    assert not loads and read == ["2020/tinybert.md"]
    assert "booktitle = {Annual Meeting of the Association" in entry_of(
        after[1], "jiao2020tinybert"
    )
    assert exported(seed_library) == after and read == ["2020/tinybert.md"]  # the kept text
    assert after == exported(seed_library, cache=False)


def test_exports_made_from_the_kept_entries_print_what_a_run_without_caches_prints(
    seed_library, trusting_cache, tmp_path, monkeypatch
):
    """Every change an export after an edit must notice: problems and warnings, keys to
    assign or refuse, duplicate keys, document.yaml, venues in config.toml, --year/--tag."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "papernotes").mkdir(parents=True)
    options = [*OPTIONS, ("--year", "2020"), ("--tag", "nlp"), ("--year", "2021", "--ascii")]

    def same() -> dict[tuple[str, ...], tuple[int, str, str]]:
        outputs = {}
        for option in options:
            made = exported(seed_library, *option)
            assert made == exported(seed_library, *option, cache=False), option
            outputs[option] = made
        return outputs

    same()
    edit(seed_library, "2020/tinybert.md", "tags: []", "tags: [NLP]")
    assert "jiao2020tinybert" in same()[("--tag", "nlp")][1]
    (seed_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    assert "warning: 2020/broken.md" in same()[()][2]
    edit(seed_library, "2021/nezha.md", "key: wei2021nezha", "key: jiao2020tinybert")
    assert same()[()][1].count("{jiao2020tinybert,") == 2  # in other years: no tie
    edit(seed_library, "2020/albert.md", "key: lan2020albert", "key: jiao2020tinybert")
    tied = same()[()][1]  # two papers of 2020 with one key: the library's order decides
    assert tied.count("{jiao2020tinybert,") == 3
    edit(seed_library, "document.yaml", "- 2020/albert.md\n", "")
    edit(
        seed_library,
        "document.yaml",
        "- 2020/tinybert.md\n",
        "- 2020/tinybert.md\n- 2020/albert.md\n",
    )
    assert same()[()][1] != tied
    edit(seed_library, "2020/albert.md", "key: jiao2020tinybert", "key: lan2020albert")
    edit(seed_library, "2021/nezha.md", "key: jiao2020tinybert", "")
    assert "assigned key wei2021nezha to 2021/nezha.md" in exported(seed_library)[2]
    same()
    edit(seed_library, "2021/nezha.md", "key: wei2021nezha", 'key: "bad key{"')
    assert same()[()][0] == 1
    edit(seed_library, "2021/nezha.md", 'key: "bad key{"', "key: wei2021nezha")
    edit(seed_library, "document.yaml", "toc_depth: 2", "toc_depth: [")
    assert "warning: document.yaml" in same()[()][2]
    edit(seed_library, "document.yaml", "toc_depth: [", "toc_depth: 2")
    config = tmp_path / "config" / "papernotes" / "config.toml"
    config.write_text('[venues.EMNLP]\nkind = "conference"\nname = "My EMNLP"\n', "utf-8")
    assert "booktitle = {My EMNLP}" in same()[()][1]
    edit(seed_library, "2020/tinybert.md", "EMNLP", "ACL")
    edit(seed_library, "2020/albert.md", "\n2. ", "\n2. like [[jiao2020tinybert]]; ")
    same()
    (seed_library / "2019" / "xlnet.md").unlink()
    (seed_library / "2020" / "broken.md").unlink()
    assert "xlnet" not in same()[()][1].casefold()
    run(seed_library, "add", "--year", "2020", "--title", "A Robustly Optimized Study", input="")
    assert "A Robustly Optimized Study" in same()[()][1]
