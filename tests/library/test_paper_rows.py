"""The TUI's light rows (``library/paper_rows.py``): the same papers, in the same order, as
the filter gave on full notes (``Library.search`` and the field filters), with the caches and
without them; kept in step with the library's writes and re-read after an outside edit."""

from __future__ import annotations

from collections import Counter
from operator import attrgetter
from pathlib import Path

import pytest

from papernotes.library import Library
from papernotes.library.field_filters import split_filter
from papernotes.library.paper_rows import PATH, STATUS, TITLE, PaperRows
from papernotes.library.reading_queue import queue_notes, sorted_notes
from papernotes.model import Note, Paper
from papernotes.tui.paper_filter import SORTS, PaperFilter

EXTRA = (
    Paper(title="长度外推的位置编码", year=2022, venue="ACL", tags=("長文本",)),
    Paper(title="ＴｉｎｙＢＥＲＴ 复现笔记", year=2021, notes=("重量级模型的蒸餾",)),
    Paper(title="发型与頭髮: a note", year=2020, status="reading", priority="high"),
)
QUERIES = (
    "蒸馏",
    "蒸餾",
    "ＢＥＲＴ",
    "bert",
    "zhengliu",
    "zheng liu",
    "changdu",  # 长 reads chang and zhang: both find it
    "zhangdu",
    "long",  # a single syllable: text only
    "tuilisudu",
    "髮",
    "bert 蒸馏",
    "tag:蒸餾",
    "tag:长文本 weizhi",
    "status:unread bert",
    "priority:high",
    "year:2020..2021 蒸馏",
    "rating:1",
    "no such words here",
)


def _old_sort(notes: list[Note], sort: str) -> list[Note]:
    """The TUI's sort on notes before the rows (``paper_filter.sort_notes``, as it was)."""
    order = {"reading": 0, "unread": 1, "read": 2}
    if sort == "status":
        return sorted(notes, key=lambda n: order.get(n.paper.status, 3))
    if sort in ("priority", "rating"):
        return sorted_notes(notes, sort)
    if sort == "title":
        return sorted(notes, key=lambda n: n.paper.title.casefold())
    if sort == "added":
        return sorted(notes, key=attrgetter("paper.added"), reverse=True)
    return sorted(notes, key=attrgetter("paper.year"), reverse=True)


def listed_from_notes(library: Library, wanted: PaperFilter) -> list[str]:
    """What the filter listed when it worked on every note."""
    notes = library.notes()
    if wanted.queue:
        notes = queue_notes(notes)
    elif wanted.year is not None:
        notes = [n for n in notes if n.paper.year == wanted.year]
    field_filter, words = split_filter(wanted.query)
    notes = field_filter.keep(notes, library.folder.fold)
    if words.strip():
        notes = library.search(words, notes)
    if not (wanted.queue and wanted.sort == "year"):
        notes = _old_sort(notes, wanted.sort)
    return [n.path for n in notes]


def listed_from_rows(rows: PaperRows, wanted: PaperFilter) -> list[str]:
    return [str(rows.rows[i][PATH]) for i in wanted.apply(rows)]


def loaded_rows(root: Path) -> PaperRows:
    rows = PaperRows(Library.open(root))
    rows.load()
    return rows


@pytest.fixture
def mixed_library(seed_library: Path) -> Path:
    library = Library.open(seed_library)
    for paper in EXTRA:
        library.add(paper)
    return seed_library


@pytest.mark.parametrize("cache", ["kept", "off"])
def test_the_rows_list_the_papers_the_notes_listed_for_every_spelling_field_and_sort(
    mixed_library, trusting_cache, monkeypatch, cache
):
    if cache == "off":
        monkeypatch.setenv("PAPERNOTES_NO_CACHE", "1")
    else:  # a first TUI start keeps the rows and search forms; the second reads them
        loaded_rows(mixed_library).prepare()
    rows = loaded_rows(mixed_library)
    reference = Library.open(mixed_library)
    for query in QUERIES:
        for wanted in (
            PaperFilter(query=query),
            PaperFilter(year=2020, query=query),
            PaperFilter(query=query, queue=True),
        ):
            for sort in SORTS:
                chosen = PaperFilter(wanted.year, wanted.query, sort, wanted.queue)
                assert listed_from_rows(rows, chosen) == listed_from_notes(reference, chosen), (
                    chosen
                )
    assert listed_from_rows(rows, PaperFilter(query="changdu"))  # the heteronym is found
    if cache == "kept":  # the kept rows and forms did it all, without a note per paper
        assert rows.library._notes is None


def test_pinyin_in_the_rows_finds_each_reading_of_a_heteronym_and_not_a_single_syllable(
    mixed_library,
):
    rows = loaded_rows(mixed_library)
    titles = lambda q: [rows.rows[i][TITLE] for i in PaperFilter(query=q).apply(rows)]  # noqa: E731
    assert titles("changdu") == titles("zhangdu") == ["长度外推的位置编码"]
    assert "长度外推的位置编码" not in titles("long")  # one syllable matches as text only


def test_a_save_changes_its_row_in_place_and_an_outside_edit_is_listed_after_a_refresh(
    seed_library, trusting_cache
):
    rows = loaded_rows(seed_library)
    rows.prepare()
    library = rows.library
    first = library.note_at(str(rows.rows[0][PATH]))
    texts = rows.texts
    before = rows.rows
    wanted = "read" if first.paper.status != "read" else "unread"
    with library.writing():
        library.save(library.current(first), Paper(**{**vars(first.paper), "status": wanted}))
    rows.refresh()
    assert rows.rows is before and rows.rows[0][STATUS] == wanted  # in place, not re-read
    assert rows.texts is texts and texts.unknown == 0  # a status is not searched: text kept
    rel = str(rows.rows[1][PATH])
    path = seed_library / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = ["title: Edited elsewhere" if x.startswith("title:") else x for x in lines]
    path.write_text("\n".join(lines), encoding="utf-8")
    rows.refresh()  # no write of this program since: read again
    assert str(rows.rows[rows.position(rel)][TITLE]).startswith("Edited elsewhere")
    found = PaperFilter(query="edited elsewhere").apply(rows)
    assert [str(rows.rows[i][PATH]) for i in found] == [rel]


def test_loaded_rows_let_go_of_the_folders_listing_and_the_layout_still_reads(
    mixed_library, trusting_cache
):
    rows = loaded_rows(mixed_library)
    library = rows.library
    assert library.store.loaded_state() is None  # no path and stat key of every note held
    assert library.store._layout_data is None
    assert library.store._layout_made is None  # nor the layout made of it (8 MB at 100,000)
    order = [str(rows.rows[i][PATH]) for i in range(len(rows.rows))]
    assert library.layout() == Library.open(mixed_library).layout()  # read from its file
    rows.load()  # and the rows read again are in the same order
    assert [str(r[PATH]) for r in rows.rows] == order


@pytest.mark.parametrize("cache", ["kept", "off"])
def test_marked_notes_come_from_the_note_cache_as_listed_and_a_file_changed_since_is_refused(
    seed_library, trusting_cache, monkeypatch, cache
):
    from papernotes.library import bulk_set
    from papernotes.library.row_notes import RowNotes
    from papernotes.storage.store import NoteStore

    if cache == "off":
        monkeypatch.setenv("PAPERNOTES_NO_CACHE", "1")
    Library.open(seed_library).notes()  # the note cache filled (when on)
    rows = loaded_rows(seed_library)
    library = rows.library
    chosen = list(range(len(rows.rows)))
    wanted = {str(r[PATH]): library.note_at(str(r[PATH])) for r in rows.rows}
    files_read: list[str] = []
    read = NoteStore.read
    monkeypatch.setattr(NoteStore, "read", lambda s, rel: files_read.append(rel) or read(s, rel))
    marked = list(RowNotes(rows, chosen))
    assert [(n.path, n.paper, n.digest) for n in marked] == [
        (p, n.paper, n.digest) for p, n in wanted.items()
    ]
    if cache == "kept":
        assert files_read == []  # built from the note cache, no file read or parsed
    edited = seed_library / str(rows.rows[1][PATH])  # changed on disk after it was listed
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited elsewhere.\n", "utf-8")
    with library.writing(batch=True):
        report = bulk_set.apply(library, RowNotes(rows, chosen), bulk_set.Change(rating=5))
    assert [n.path for n, _ in report.refused] == [str(rows.rows[1][PATH])]
    assert len(report.changed) + len(report.unchanged) == len(chosen) - 1
    assert "Edited elsewhere." in edited.read_text(encoding="utf-8")  # not written over


def test_a_bulk_change_writes_each_marked_note_as_it_is_read_and_keeps_only_a_few_in_its_report(
    seed_library, trusting_cache, monkeypatch
):
    from papernotes.library import bulk_set, row_notes
    from papernotes.library.row_notes import RowNotes
    from papernotes.storage.caches.shards import shard_of
    from papernotes.storage.store import NoteStore

    Library.open(seed_library).notes()  # the note cache filled
    rows = loaded_rows(seed_library)
    library = rows.library
    chosen = list(range(len(rows.rows)))
    asked: list[int] = []  # how many notes each ask of the note cache was for
    kept_notes = NoteStore.kept_notes
    monkeypatch.setattr(
        NoteStore,
        "kept_notes",
        lambda s, digests: asked.append(len(digests)) or kept_notes(s, digests),
    )
    monkeypatch.setattr(row_notes, "NOTES_AT_ONCE", 1)  # one ask per file of the cache
    read, written = 0, 0
    ahead: list[int] = []  # notes read but not yet written, at each write

    def counted():
        nonlocal read
        for note in RowNotes(rows, chosen):
            read += 1
            yield note

    save = Library.save

    def counted_save(self, note, paper):
        nonlocal written
        ahead.append(read - written)
        written += 1
        return save(self, note, paper)

    monkeypatch.setattr(Library, "save", counted_save)
    report = bulk_set.apply(library, counted(), bulk_set.Change(rating=4), kept=2)
    assert written == len(chosen) > 6
    assert max(ahead) <= 2  # each note written as it comes, not all read first
    per_file = Counter(shard_of(str(r[PATH])) for r in rows.rows)
    assert sorted(asked) == sorted(per_file.values()) and len(asked) > 1
    assert report.counts == {"changed": len(chosen), "unchanged": 0, "refused": 0}
    assert (
        len(report.changed) == 2
        and report.summary() == f"{len(chosen)} changed, 0 unchanged, 0 refused"
    )
    assert all(library.note_at(str(r[PATH])).paper.rating == 4 for r in rows.rows)
