"""What ``queue`` and ``stats`` keep of each year folder (storage/caches/folder_summaries_cache.py,
library/queue_blocks.py, library/stats_blocks.py): after an edit only the edited folder's rows
are sorted, rendered or counted again, and both print exactly what a run without caches
prints (ties in the queue broken by the library's order across folders, a wider name, a
broken note or ``document.yaml``, damaged or foreign summary files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from papernotes.storage.caches import location as cache_location
from papernotes.storage.caches.list_rows_cache import ListRowsCache
from tests.helpers import run
from tests.storage.test_cache_shards import edit_as_a_person
from tests.storage.test_list_rows_cache import kept_outputs_removed


def printed(root: Path, command: str, *args: str, cache: bool = True) -> tuple[int, str, str]:
    """``COMMAND ARGS``: exit status, output and warnings; with the cache, never from a kept
    text (so from the summaries)."""
    if cache:
        kept_outputs_removed(root)
    env = None if cache else {cache_location.DISABLE_ENV: "1"}
    result = run(root, command, *args, env=env)
    return result.exit_code, result.stdout, result.stderr


def as_without_caches(root: Path) -> None:
    for command, args in (("queue", ()), ("stats", ()), ("stats", ("--json",))):
        expected = printed(root, command, *args, cache=False)
        assert printed(root, command, *args) == expected, (command, args)


def paper(root: Path, rel: str, year: int, title: str, **fields: str) -> Path:
    """A note at ``rel`` of paper year ``year``, with ``fields`` (status, priority, added…)."""
    path = root / rel
    path.parent.mkdir(exist_ok=True)
    lines = "".join(f"{name}: {value}\n" for name, value in fields.items())
    path.write_text(f"---\ntitle: '{title}'\nyear: {year}\n{lines}---\n1. a note\n", "utf-8")
    return path


def summaries_kept(root: Path, variant: str) -> set[str]:
    summaries = ListRowsCache.for_library(os.path.realpath(root)).summaries()
    return {year for year in summaries.years() if summaries.read(year, variant) is not None}


@pytest.fixture
def tied_library(seed_library) -> Path:
    """Papers the queue's own order cannot tell apart (same status, priority, date added and
    title) in several folders and years, some ordered by ``document.yaml`` and some not, a
    folder holding a paper of another year and two folders with papers of one year."""
    same = {"status": "unread", "priority": "high", "added": "'2024-01-01'"}
    for year in (2019, 2020, 2021, 2023):
        for name in ("a", "b", "c"):
            paper(seed_library, f"{year}/tie-{name}.md", year, "Same Title", **same)
        paper(seed_library, f"{year}/undated.md", year, "Same Title", status="reading")
    paper(seed_library, "2020/older.md", 2018, "Same Title", **same)
    paper(seed_library, "2023/also2021.md", 2021, "Same Title", **same)
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    extra = "".join(f"- {year}/tie-b.md\n- {year}/tie-a.md\n" for year in (2021, 2019))
    layout.write_text(text.replace("order:\n", "order:\n" + extra, 1), encoding="utf-8")
    return seed_library


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The paths of the rows rendered as ``queue`` lines, one entry per row."""
    from papernotes.cli import queue_cmds

    seen: list[str] = []
    real = queue_cmds.queue_row_lines

    def counting(rows, column=None):
        seen.extend(row[1] for row in rows)
        return real(rows, column)

    monkeypatch.setattr(queue_cmds, "queue_row_lines", counting)
    return seen


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The paths of the rows counted by ``stats``, one entry per row."""
    from papernotes.library import reading_stats, stats_blocks

    seen: list[str] = []
    real = reading_stats.row_counts

    def counting(rows):
        seen.extend(row[1] for row in rows)
        return real(rows)

    monkeypatch.setattr(stats_blocks, "row_counts", counting)
    monkeypatch.setattr(reading_stats, "row_counts", counting)
    return seen


def test_queue_and_stats_after_an_edit_work_out_only_the_edited_folder_again(
    tied_library, trusting_cache, rendered, counted, parsed
):
    root = tied_library
    as_without_caches(root)  # every folder's summary made
    assert (
        summaries_kept(root, "queue")
        == summaries_kept(root, "stats")
        == {
            "2019",
            "2020",
            "2021",
            "2023",
        }
    )
    edits = [
        ("2020/tie-c.md", "priority: high", "priority: low"),
        ("2021/tie-a.md", "status: unread", "status: reading"),
        ("2020/tie-a.md", "status: unread", "status: read\nread_on: '2024-05-06'"),
        ("2019/tie-b.md", "added: '2024-01-01'", "added: '2023-12-31'\ntags: [x, y]"),
    ]
    for rel, old, new in edits:
        note = root / rel
        text = note.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        edit_as_a_person(note, text.replace(old, new, 1))
        folder = rel.partition("/")[0] + "/"
        rendered.clear()
        counted.clear()
        parsed.clear()
        queue = printed(root, "queue")
        stats = printed(root, "stats")
        assert parsed == [rel], rel  # read once, by the first of them
        assert rendered and all(path.startswith(folder) for path in rendered), rel
        assert counted and all(path.startswith(folder) for path in counted), rel
        assert queue == printed(root, "queue", cache=False), rel
        assert stats == printed(root, "stats", cache=False), rel
    assert printed(root, "queue")[1].startswith("reading  high    2021  tie-a")


def test_ties_in_the_queue_are_broken_by_the_library_order_across_folders(
    tied_library, trusting_cache
):
    root = tied_library
    lines = printed(root, "queue", cache=False)[1].splitlines()
    tied = [line for line in lines if "Same Title" in line and line.startswith("unread")]
    assert len(tied) == 14  # ordered by the library alone: year, document order, scan order
    as_without_caches(root)
    as_without_caches(root)  # from every kept summary
    layout = root / "document.yaml"  # the document order changed: every folder made again
    text = layout.read_text(encoding="utf-8")
    edit_as_a_person(layout, text.replace("- 2021/tie-b.md\n", "", 1) + "- 2021/tie-b.md\n")
    as_without_caches(root)
    paper(root, "2019/tie-d.md", 2019, "Same Title", status="unread", priority="high")
    as_without_caches(root)
    note = root / "2020" / "tie-a.md"  # a wider name, then a narrower one: every line padded
    wide = "key: w" + "x" * 40 + "\nyear:"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("year:", wide, 1))
    as_without_caches(root)
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("x" * 40, "x", 1))
    as_without_caches(root)


def test_a_broken_note_or_document_yaml_is_reported_from_the_summaries_as_without_caches(
    tied_library, trusting_cache
):
    root = tied_library
    as_without_caches(root)
    (root / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    as_without_caches(root)
    as_without_caches(root)
    layout = root / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    edit_as_a_person(layout, text.replace("order:", "order: [", 1))
    as_without_caches(root)
    assert "document.yaml" in printed(root, "queue")[2]
    edit_as_a_person(layout, text)
    as_without_caches(root)


def test_damaged_or_foreign_summary_files_are_ignored_and_replaced(tied_library, trusting_cache):
    root = tied_library
    as_without_caches(root)
    folder = ListRowsCache.for_library(os.path.realpath(root)).summaries().folder
    assert folder is not None
    cut = folder / "2020.queue"
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    (folder / "2021.stats").write_bytes((folder / "2019.stats").read_bytes())  # another year's
    (folder / "2023.queue").write_bytes((folder / "2023.stats").read_bytes())  # another kind
    (folder / "2019.queue").unlink()
    as_without_caches(root)
    assert summaries_kept(root, "queue") == {"2019", "2020", "2021", "2023"}
    assert summaries_kept(root, "stats") == {"2019", "2020", "2021", "2023"}
    os.mkfifo(folder / "2020.stats.fifo")  # no summary of a year "2020.stats"
    (folder / "2020.stats").unlink()
    os.mkfifo(folder / "2020.stats")
    as_without_caches(root)
