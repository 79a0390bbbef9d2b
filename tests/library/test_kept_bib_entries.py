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
