"""``list --json`` and ``export --md`` of every paper from the text kept per year folder
(library/text_blocks.py, storage/caches/text_blocks_cache.py): after an edit only the edited
note is read and rendered, the other folders' text is written out as kept, and every output
is what a run without caches prints, whatever the changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.formats.markdown import write
from papernotes.storage.caches.location import DISABLE_ENV
from papernotes.storage.caches.text_blocks_cache import TextBlocksCache
from tests.conftest import SHIPPED_NOTES
from tests.helpers import run
from tests.library.test_kept_bib_entries import edit, read_notes
from tests.storage.test_cache_shards import NOTES, apply_step, edit_as_a_person
from tests.storage.test_list_rows_cache import change_list_input, kept_outputs_removed, row_steps

OFF = {DISABLE_ENV: "1"}


def listed_json(root: Path, cache: bool = True) -> tuple[int, str, str]:
    """``list --json``: exit status, output and warnings; never from the whole kept output."""
    if cache:
        kept_outputs_removed(root)
    result = run(root, "list", "--json", env=None if cache else OFF)
    return result.exit_code, result.stdout, result.stderr


def exported_md(root: Path, *args: str, cache: bool = True) -> tuple[int, str, str]:
    result = run(root, "export", "--md", *args, env=None if cache else OFF)
    return result.exit_code, result.stdout, result.stderr


def block_files(root: Path) -> dict[str, bytes]:
    folder = TextBlocksCache.for_library(os.path.realpath(root), b"").folder
    assert folder is not None
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The paths of the notes rendered as ``list --json`` items and the titles of the papers
    rendered for ``export --md``, one entry per render."""
    from papernotes.cli import block_outputs

    seen: list[str] = []
    real_json, real_paper = block_outputs.note_dict, write.render_paper

    def counting_json(note):
        seen.append(note.path)
        return real_json(note)

    def counting_paper(paper, *args, **options):
        seen.append(paper.title)
        return real_paper(paper, *args, **options)

    monkeypatch.setattr(block_outputs, "note_dict", counting_json)
    monkeypatch.setattr(write, "render_paper", counting_paper)
    return seen


def test_list_json_after_an_edit_reads_and_renders_only_the_edited_note(
    seed_library, trusting_cache, loads, rendered, monkeypatch
):
    assert listed_json(seed_library)[0] == 0
    loaded = len(loads)  # a few notes: read one by one (no library loaded) to make the blocks
    years = {p.name for p in seed_library.iterdir() if p.is_dir() and p.name.isdigit()}
    before = block_files(seed_library)
    assert set(before) == {f"{year}.json{part}" for year in years for part in ("", ".text")}
    rendered.clear()
    read = read_notes(monkeypatch)
    edit(seed_library, "2020/tinybert.md", "venue: EMNLP", "venue: ACL")
    after = listed_json(seed_library)
    assert read == ["2020/tinybert.md"] == rendered and len(loads) == loaded
    changed = {name for name, data in block_files(seed_library).items() if before[name] != data}
    assert changed == {"2020.json", "2020.json.text"}
    assert '"venue": "ACL"' in after[1]
    assert listed_json(seed_library) == after and read == ["2020/tinybert.md"]  # all kept
    assert after == listed_json(seed_library, cache=False)


def test_export_md_after_an_edit_reads_and_renders_only_the_edited_note(
    seed_library, trusting_cache, loads, rendered, monkeypatch, tmp_path
):
    assert exported_md(seed_library)[0] == 0
    loaded = len(loads)
    before = block_files(seed_library)
    assert {"2020.md", "2020.md.text"} <= set(before)
    rendered.clear()
    read = read_notes(monkeypatch)
    edit(seed_library, "2020/tinybert.md", "venue: EMNLP", "venue: ACL")
    after = exported_md(seed_library)
    assert read == ["2020/tinybert.md"] and len(rendered) == 1 and len(loads) == loaded
    assert "TinyBERT" in rendered[0] and "  - ACL" in after[1]
    changed = {name for name, data in block_files(seed_library).items() if before[name] != data}
    assert changed == {"2020.md", "2020.md.text"}
    out = tmp_path / "out.md"
    assert exported_md(seed_library, "-o", str(out))[0] == 0
    assert out.read_text(encoding="utf-8") == after[1] and len(loads) == loaded
    assert read == ["2020/tinybert.md"]
    assert after == exported_md(seed_library, cache=False)


def test_a_note_edited_just_now_is_read_again_while_its_folder_stays_kept(
    seed_library, monkeypatch, loads
):
    """The racy rule per note: a note changed too recently is kept as one to read again, so
    the next output reads it alone instead of loading the library."""
    from papernotes.storage import note_folder
    from papernotes.storage.caches.note_cache import RACY_MARGIN_NS

    def newest() -> int:
        stats = [p.stat() for p in seed_library.rglob("*") if p.is_file()]
        return max(max(st.st_mtime_ns, st.st_ctime_ns) for st in stats)

    settled = newest() + RACY_MARGIN_NS + 1
    monkeypatch.setattr(note_folder, "time_ns", lambda: settled)
    assert listed_json(seed_library)[0] == 0  # the full path keeps every folder's text
    loaded = len(loads)
    edit(seed_library, "2020/tinybert.md", "venue: EMNLP", "venue: ACL")
    edited = newest()
    monkeypatch.setattr(note_folder, "time_ns", lambda: edited + 10**9)  # 1 s later: racy
    read = read_notes(monkeypatch)
    first = listed_json(seed_library)
    assert listed_json(seed_library) == first and read == ["2020/tinybert.md"] * 2
    monkeypatch.setattr(note_folder, "time_ns", lambda: edited + RACY_MARGIN_NS + 1)
    assert listed_json(seed_library) == first and len(read) == 3  # settled now: kept
    assert listed_json(seed_library) == first and len(read) == 3 and len(loads) == loaded
    assert first == listed_json(seed_library, cache=False) and '"venue": "ACL"' in first[1]


def test_a_link_to_a_paper_of_another_folder_follows_that_papers_edits(
    seed_library, trusting_cache
):
    """A note holding a ``[[link]]`` is written from the paper it names: never kept alone."""
    edit(seed_library, "2020/albert.md", "\n2. ", "\n2. like [[he2021deberta]]; ")
    assert exported_md(seed_library) == exported_md(seed_library, cache=False)
    deberta = next(p for p in (seed_library / "2021").glob("*.md") if "deberta" in p.name)
    text = deberta.read_text(encoding="utf-8")
    edit_as_a_person(deberta, text.replace("title: 'DEBERTA:", "title: 'DEBERTAV2:", 1))
    after = exported_md(seed_library)
    assert after == exported_md(seed_library, cache=False)
    assert ">DEBERTAV2</a>" in after[1]  # the link's words: the short name of the paper now
    assert listed_json(seed_library) == listed_json(seed_library, cache=False)


def test_a_damaged_or_swapped_kept_text_is_never_written_out(seed_library, trusting_cache):
    expected = exported_md(seed_library, cache=False), listed_json(seed_library, cache=False)
    assert (exported_md(seed_library), listed_json(seed_library)) == expected
    folder = TextBlocksCache.for_library(os.path.realpath(seed_library), b"").folder
    assert folder is not None
    for variant in ("md", "json"):
        text = folder / f"2020.{variant}.text"
        data = bytearray(text.read_bytes())
        data[-3] ^= 0x20  # one letter's case: the same length, another checksum
        text.write_bytes(bytes(data))
        shutil.copyfile(folder / f"2021.{variant}.text", folder / f"2019.{variant}.text")
    assert (exported_md(seed_library), listed_json(seed_library)) == expected
    assert (exported_md(seed_library), listed_json(seed_library)) == expected


def test_a_changed_publish_profile_renders_every_paper_again(seed_library, trusting_cache):
    assert exported_md(seed_library) == exported_md(seed_library, cache=False)
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    profile = "publish:\n  title_link: arxiv\n  anchors: true\n  stats: true\n"
    edit_as_a_person(layout, text + profile)
    decorated = exported_md(seed_library)
    assert decorated == exported_md(seed_library, cache=False)
    assert '<a id="' in decorated[1] and "papers ·" in decorated[1]
    edit_as_a_person(layout, text + "publish:\n  exclude_tags: [KD]\n")
    assert exported_md(seed_library) == exported_md(seed_library, cache=False)


md_steps = st.one_of(
    row_steps,
    st.tuples(st.just("link"), st.sampled_from(NOTES), st.sampled_from(NOTES)),
    st.tuples(
        st.just("profile"),
        st.sampled_from(["", "title_link: code", "anchors: true", "exclude_tags: [KD]"]),
    ),
)
"""The list rows' steps (the note cache's, a key, a year, the document order), a link from
one note to another, and a publish profile."""


def change_markdown_input(root: Path, step: tuple) -> None:
    if step[0] == "link":
        source, target = root / step[1], root / step[2]
        if source.exists() and target.exists():
            name = target.stem
            edit_as_a_person(source, source.read_text(encoding="utf-8") + f"\n1. [[{name}]]\n")
    else:
        layout = root / "document.yaml"
        if not layout.exists():
            return
        text = layout.read_text(encoding="utf-8").split("\npublish:\n")[0].rstrip("\n")
        profile = f"\npublish:\n  {step[1]}\n" if step[1] else "\n"
        edit_as_a_person(layout, text + profile)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(md_steps, min_size=1, max_size=6))
def test_list_json_and_export_md_equal_runs_without_caches_after_any_sequence_of_changes(
    tmp_path_factory, trusting_cache, sequence
):
    root = tmp_path_factory.mktemp("lib") / "notes"
    shutil.copytree(SHIPPED_NOTES, root, ignore=shutil.ignore_patterns(".cache", "*.lock"))
    for step in [("list",), *sequence, ("list",)]:
        if step[0] in ("link", "profile"):
            change_markdown_input(root, step)
        elif step[0] in ("rows", "blocks", "key", "year", "order"):
            change_list_input(root, step)
        elif step[0] not in ("list", "load"):
            apply_step(root, step)
        assert listed_json(root) == listed_json(root, cache=False), step
        assert exported_md(root) == exported_md(root, cache=False), step


def test_every_block_file_damaged_in_turn_leaves_the_outputs_right(seed_library, trusting_cache):
    expected = exported_md(seed_library, cache=False), listed_json(seed_library, cache=False)
    assert (exported_md(seed_library), listed_json(seed_library)) == expected
    for name in block_files(seed_library):
        folder = TextBlocksCache.for_library(os.path.realpath(seed_library), b"").folder
        assert folder is not None
        path = folder / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        assert (exported_md(seed_library), listed_json(seed_library)) == expected, name
