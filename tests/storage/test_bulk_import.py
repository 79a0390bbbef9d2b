"""An import writes its new notes in bulk: all of them, under their names, nothing left over."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from papernotes.library import Library
from papernotes.model import Paper
from papernotes.storage import batch as batch_module


def test_an_import_leaves_every_note_in_place_and_no_temporary_files(empty_library, monkeypatch):
    monkeypatch.setattr(batch_module, "COMMIT_EVERY", 7)  # several flushes, and a partial one
    doc = "# Paper\n\n### 2021\n\n" + "".join(f"- Same title\n  - V{i}\n\n" for i in range(2))
    doc += "".join(f"- Paper {i}: study\n  - ICLR\n\n" for i in range(20))
    report = Library(empty_library).import_markdown(doc, "doc.md")
    assert len(report.added) == 21 and len(report.skipped) == 1  # "Same title" twice
    files = sorted(p.name for p in (empty_library / "2021").iterdir())
    assert len(files) == 21 and all(name.endswith(".md") for name in files)
    library = Library(empty_library)
    assert library.problems() == [] and len(library.notes()) == 21
    assert len({n.slug for n in library.notes()}) == 21


def test_notes_written_before_a_failure_are_kept(empty_library):
    library = Library(empty_library)
    with pytest.raises(RuntimeError), library.store.batch():
        for i in range(3):
            library.store.create(Paper(title=f"Kept {i}", year=2020))
        raise RuntimeError("interrupted")
    assert sorted(p.name for p in (empty_library / "2020").iterdir()) == [
        "kept-0.md",
        "kept-1.md",
        "kept-2.md",
    ]


def test_a_note_still_pending_can_be_updated_in_the_same_batch(empty_library):
    library = Library(empty_library)
    with library.store.batch():
        note = library.store.create(Paper(title="Draft", year=2020))
        saved = library.store.update(note, replace(note.paper, venue="ACL"))
    assert "venue: ACL" in (empty_library / saved.path).read_text(encoding="utf-8")


def test_names_in_a_batch_are_chosen_as_without_one(empty_library):
    """A batch lists each folder once; notes already there, moved or deleted meanwhile count."""
    library = Library(empty_library)
    library.store.create(Paper(title="Same", year=2020))  # on disk before the batch
    with library.store.batch():
        first = library.store.create(Paper(title="Same", year=2020))
        second = library.store.create(Paper(title="Same", year=2020))
        moved = library.store.create(Paper(title="Same", year=2021))
        moved = library.store.update(moved, replace(moved.paper, year=2020))  # into 2020
        after_move = library.store.create(Paper(title="Same", year=2020))
        library.store.delete(first)
        after_delete = library.store.create(Paper(title="Same", year=2020))
        in_2021 = library.store.create(Paper(title="Same", year=2021))
    assert [first.path, second.path, moved.path, after_move.path, after_delete.path] == [
        "2020/same-2.md",
        "2020/same-3.md",
        "2020/same-4.md",
        "2020/same-5.md",
        "2020/same-2.md",
    ]
    assert in_2021.path == "2021/same.md"
    on_disk = sorted(p.name for p in (empty_library / "2020").iterdir())
    assert on_disk == ["same-2.md", "same-3.md", "same-4.md", "same-5.md", "same.md"]


def test_a_bib_import_writes_its_new_notes_in_bulk_with_a_few_syncs(empty_library, monkeypatch):
    """Issue 20: a .bib import flushed two syncs per note (15 s for 10,000 entries)."""
    import os

    from papernotes.library.bib_import import import_bibtex

    syncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (syncs.append(fd), real_fsync(fd))[1])
    bib = "".join(
        f"@article{{paper{i},\n  title = {{Bulk paper {i}}},\n  year = {{20{10 + i % 3}}},\n"
        f"  journal = {{JMLR}}\n}}\n\n"
        for i in range(40)
    )
    report = import_bibtex(Library(empty_library), bib, "in.bib")
    assert len(report.added) == 40 and not report.problems
    assert len(syncs) <= 6  # one per year folder (and the library folder), not 80
    library = Library(empty_library)
    assert library.problems() == [] and len(library.notes()) == 40
    assert not [p for p in empty_library.rglob(".papernotes-*")]


def test_a_bulk_write_never_reuses_an_existing_temporary_file_name(empty_library, monkeypatch):
    """Temporary names of a batch are a random token and a counter, created with O_EXCL: a
    file already holding that name (another writer's) is left alone and a new token drawn."""
    tokens = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(batch_module.secrets, "token_hex", lambda n: next(tokens))
    folder = empty_library / "2020"
    folder.mkdir()
    foreign = folder / ".papernotes-aaaa-1.tmp"
    foreign.write_bytes(b"someone else's write")
    library = Library(empty_library)
    with library.store.batch():
        note = library.store.create(Paper(title="Fresh", year=2020))
    assert foreign.read_bytes() == b"someone else's write"
    assert Library(empty_library).notes()[0].paper.title == "Fresh" and note.path == "2020/fresh.md"
    assert sorted(p.name for p in folder.iterdir()) == [".papernotes-aaaa-1.tmp", "fresh.md"]


def _bib(count: int, big: int | None = None) -> str:
    """``count`` entries, two years; entry ``big`` (if any) carries a 200 kB abstract."""
    return "".join(
        f"@article{{paper{i},\n  title = {{Bulk paper {i}}},\n  year = {{20{10 + i % 2}}},\n"
        f"  journal = {{JMLR}}"
        + (f",\n  abstract = {{{'long ' * 40_000}}}" if i == big else "")
        + "\n}\n\n"
        for i in range(count)
    )


def _created_here(monkeypatch) -> list[str]:
    """The files this process creates (``os.open`` with ``O_CREAT``) from now on."""
    import os

    created: list[str] = []
    real_open = os.open

    def counting_open(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            created.append(os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    return created


def test_a_big_import_has_a_second_process_create_its_files(empty_library, monkeypatch):
    """Issue 20: creating 10,000 files costs this disk 1-2 s of system time; a child process
    creates them while this one parses and renders, so the two overlap."""
    from papernotes.library.bib_import import import_bibtex

    monkeypatch.setattr(batch_module, "COMMIT_EVERY", 100)  # several confirmations
    created = _created_here(monkeypatch)
    report = import_bibtex(Library(empty_library), _bib(300), "in.bib")
    assert len(report.added) == 300 and not report.problems
    temporary = [p for p in created if ".papernotes-" in p]
    assert len(temporary) == batch_module.WRITER_AFTER  # the first ones only: then the child's
    library = Library(empty_library)
    assert library.problems() == [] and len(library.notes()) == 300
    assert {n.paper.title for n in library.notes()} == {f"Bulk paper {i}" for i in range(300)}
    assert not list(empty_library.rglob(".papernotes-*"))


def test_a_small_bulk_change_starts_no_process(empty_library, monkeypatch):
    import subprocess

    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a))
    library = Library(empty_library)
    with library.store.batch(writer_process=True):
        for i in range(batch_module.WRITER_AFTER):
            library.store.create(Paper(title=f"Small {i}", year=2020))
    assert started == [] and len(Library(empty_library).notes()) == batch_module.WRITER_AFTER


def test_a_killed_writer_process_leaves_its_notes_to_the_import(empty_library, monkeypatch):
    """The child dies mid-batch: the notes it did not confirm are written by the importer
    itself, every note is whole, and what the child left is only temporary files."""
    import os
    import signal
    import time

    from papernotes.library.bib_import import import_bibtex
    from papernotes.storage.temp_writer import TempFileWriter

    real_write = TempFileWriter.write
    handed = []

    def dying_write(self, tmp, mode, data):
        handed.append(tmp)
        if len(handed) == 150:  # once the child has created some files: they are left over
            self._flush()
            deadline = time.monotonic() + 30
            while not list(empty_library.rglob(".papernotes-*")) and time.monotonic() < deadline:
                time.sleep(0.01)
            os.kill(self._process.pid, signal.SIGKILL)
        real_write(self, tmp, mode, data)

    monkeypatch.setattr(TempFileWriter, "write", dying_write)
    report = import_bibtex(Library(empty_library), _bib(300), "in.bib")
    assert len(report.added) == 300
    assert not list(empty_library.rglob(".papernotes-*"))  # what the child left: removed
    library = Library(empty_library)
    assert library.problems() == [] and len(library.notes()) == 300
    assert len(Library(empty_library).notes()) == 300


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")
def test_a_note_the_writer_process_cannot_write_is_named_and_nothing_after_it_kept(tmp_path):
    """As with one write at a time: an import stops at the first note that cannot be written
    (here: too large for the file size limit, as on a full disk), names it, keeps the notes
    before it and none after it, and leaves no temporary file."""
    import resource
    import subprocess
    import sys

    root = tmp_path / "notes"
    source = tmp_path / "in.bib"
    source.write_text(_bib(300, big=150), encoding="utf-8")
    limit = 100_000  # bytes per file: the big note needs 240 kB, every other file far less

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(root), "import", str(source)],
        capture_output=True,
        text=True,
        preexec_fn=limited,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "2010/bulk-paper-150.md" in result.stderr, result.stderr
    # how far it got, counted from what is on disk (the writer process's notes included)
    assert "150 notes were added and 0 updated before it" in result.stderr, result.stderr
    kept = {n.paper.title for n in Library(root).notes()}
    assert kept == {f"Bulk paper {i}" for i in range(150)}
    assert not list(root.rglob(".papernotes-*"))
    again = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(root), "import", str(source)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert "150 added, 150 merged" in again.stdout  # as the error said: none added twice
    assert len(Library(root).notes()) == 300


def test_a_markdown_import_stopped_by_a_year_it_cannot_write_says_how_many_notes_it_added(
    empty_library, tmp_path
):
    """The Markdown import reports the same: the notes before the failing one are kept and
    counted, and the user learns that the rest of the document was not imported."""
    import subprocess
    import sys

    root = empty_library
    (root / "2011").write_text("a file where the year's folder would go\n", encoding="utf-8")
    source = tmp_path / "reading-notes.md"
    papers = "".join(f"- Paper number {i}\n" for i in range(80))
    source.write_text(f"### 2010\n\n{papers}\n### 2011\n\n- The first of 2011\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(root), "import", str(source)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "2011/" in result.stderr
    assert "80 notes were added and 0 updated before it" in result.stderr, result.stderr
    assert "Import reading-notes.md again once this is fixed" in result.stderr
    assert len(Library(root).notes()) == 80


def test_an_import_that_fails_before_writing_anything_gives_only_its_reason(empty_library):
    """No count when nothing was written: the error alone says it all."""
    from papernotes.library.bib_import import import_bibtex

    (empty_library / "2010").write_text("not a folder\n", encoding="utf-8")
    with pytest.raises(OSError) as raised:
        import_bibtex(Library(empty_library), _bib(4), "in.bib")
    assert "stopped there" not in str(raised.value)
    assert Library(empty_library).notes() == []


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")
def test_after_an_import_stopped_by_a_note_it_cannot_write_the_library_holds_what_is_on_disk(
    empty_library,
):
    """The child reports the failure at the end of the batch, after later entries were
    handled: those are not written, and the library in memory must not show them."""
    import resource

    from papernotes.errors import ImportStoppedError
    from papernotes.library.bib_import import import_bibtex

    library = Library(empty_library)
    library.notes()  # held from the start, as in the TUI
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))
    try:
        with pytest.raises(ImportStoppedError, match="bulk-paper-150.*150 notes were added"):
            import_bibtex(library, _bib(300, big=150), "in.bib")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    held = {n.paper.title for n in library.notes()}
    assert held == {f"Bulk paper {i}" for i in range(150)}
    assert held == {n.paper.title for n in Library(empty_library).notes()}


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")
def test_a_write_the_batch_does_not_hold_back_waits_for_the_notes_before_it(empty_library):
    """A note moving to another year is written at once, not with the batch: if an earlier
    note of the batch could not be written (the child learns it first), the move must not
    happen, as it would not have with one write at a time."""
    import resource

    library = Library(empty_library)
    mover = library.store.create(Paper(title="Mover", year=2019))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))
    try:
        with pytest.raises(OSError, match="big-one"), library.store.batch(writer_process=True):
            for i in range(100):
                title = "Big one" if i == 80 else f"Small {i}"
                body = "long " * 40_000 if i == 80 else ""
                library.store.create(Paper(title=title, year=2020, body=body))
            library.store.update(mover, replace(mover.paper, year=2021))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert (empty_library / mover.path).exists() and not (empty_library / "2021").exists()
    written = sorted(p.name for p in (empty_library / "2020").iterdir())
    assert written == sorted(f"small-{i}.md" for i in range(80))


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")
def test_a_bulk_change_of_many_notes_refuses_the_one_it_cannot_write_and_writes_the_others(
    empty_library,
):
    """A bulk change (``set``, the TUI's) refuses a note it cannot write and goes on: its
    writes never go to the writer process, whose errors are learnt only at the end (that
    stopped every note after the one that failed, without a word)."""
    import resource

    from papernotes.library import bulk_set
    from papernotes.library.bib_import import import_bibtex

    count = batch_module.WRITER_AFTER + 36
    import_bibtex(Library(empty_library), _bib(count, big=70), "in.bib")
    library = Library(empty_library)
    notes = library.notes()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))
    try:
        report = bulk_set.apply(library, notes, bulk_set.make_change(status="read"))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert [note.paper.title for note, _why in report.refused] == ["Bulk paper 70"]
    assert len(report.changed) == count - 1
    read = {n.paper.title for n in Library(empty_library).notes() if n.paper.status == "read"}
    assert read == {f"Bulk paper {i}" for i in range(count) if i != 70}


def test_a_year_folder_that_is_a_symlink_to_another_shares_its_names(empty_library):
    """Two year folders that are one folder (a symlink between them): a name pending in one
    is taken in the other, so a bulk write never gives two notes one file."""
    (empty_library / "2020").mkdir()
    (empty_library / "2021").symlink_to("2020")
    library = Library(empty_library)
    with library.store.batch(writer_process=True):
        first = library.store.create(Paper(title="Same", year=2020))
        second = library.store.create(Paper(title="Same", year=2021))
    names = sorted(note.path.split("/")[1] for note in (first, second))
    assert names[0] != names[1]
    assert sorted(p.name for p in (empty_library / "2020").iterdir()) == names


def test_a_year_that_cannot_be_made_a_folder_names_the_note_in_a_big_import(empty_library):
    """The writer process's notes go through the same naming of errors: a year that is a file
    is reported with the note that was to go there, not only the folder."""
    from papernotes.errors import InvalidInputError

    (empty_library / "2011").write_text("not a folder\n", encoding="utf-8")
    library = Library(empty_library)
    with (
        pytest.raises((OSError, InvalidInputError), match=r"2011/bulk-paper-\d+\.md"),
        library.store.batch(writer_process=True),
    ):
        for i in range(batch_module.WRITER_AFTER + 10):
            library.store.create(Paper(title=f"Bulk paper {i}", year=2010 + (i > 70)))


@pytest.mark.skipif(os.name != "posix", reason="SIGALRM is POSIX")
def test_ctrl_c_while_a_record_is_gathered_for_the_writer_process_never_hangs(empty_library):
    """Ctrl-C landing between the pieces of a record (here: while its length is read) left a
    part record in the buffer; the commit sent it with the count request, and the child and
    the importer each waited for the other for ever. Now the record is dropped, the child is
    no longer trusted, and the batch ends with the interrupt and whole notes."""
    import signal

    from papernotes.storage.temp_writer import TempFileWriter

    class Interrupting(bytes):
        def __len__(self):
            raise KeyboardInterrupt

    real_write = TempFileWriter.write
    calls = []

    def write(self, tmp, mode, data):
        calls.append(tmp)
        real_write(self, tmp, mode, Interrupting(data) if len(calls) == 5 else data)

    def hung(*_args):
        raise AssertionError("the batch hung waiting for the writer process")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        library = Library(empty_library)
        with (
            pytest.MonkeyPatch.context() as patch,
            pytest.raises(KeyboardInterrupt),
            library.store.batch(writer_process=True),
        ):
            patch.setattr(TempFileWriter, "write", write)
            for i in range(batch_module.WRITER_AFTER + 10):
                library.store.create(Paper(title=f"Paper {i}", year=2020))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    library = Library(empty_library)
    assert library.problems() == []
    titles = {n.paper.title for n in library.notes()}
    before = {f"Paper {i}" for i in range(batch_module.WRITER_AFTER + 4)}
    assert before <= titles <= before | {f"Paper {batch_module.WRITER_AFTER + 4}"}
