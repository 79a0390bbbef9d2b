"""Cache files with mapped sections (storage/caches/mapped_file.py, the search forms' format):
read back exactly as written, or not at all when torn, damaged or of another kind."""

from __future__ import annotations

import os
import struct

import pytest

from papernotes.storage.caches import mapped_file
from papernotes.storage.caches.mapped_file import ALIGN, read_mapped, write_mapped
from papernotes.storage.caches.note_cache import stat_key

HEAD = b"papernotes test file\nformat 1\n"
SMALL = b"the small part \x00\xff"
SECTIONS = [b"folded \xe8\x92\xb8\xe9\xa6\x8f\n" * 700, b"", b"x", b"texts\n" * (ALIGN // 6 + 1)]


def as_bytes(got: tuple[tuple[bytes, list], bytes] | None) -> tuple[bytes, list[bytes]] | None:
    """The small part and sections a read gave, as ``bytes``."""
    return None if got is None else (got[0][0], [section[:] for section in got[0][1]])


@pytest.fixture(params=[True, False], ids=["mapped", "read"])
def mapping(request, monkeypatch):
    """Both ways of reading: mapped (POSIX) and read into bytes (elsewhere)."""
    monkeypatch.setattr(mapped_file, "_MAPPING", request.param)
    return request.param


def test_a_mapped_file_reads_back_its_small_part_and_sections_as_written(tmp_path, mapping):
    path = tmp_path / "2020"
    assert write_mapped(path, HEAD, SMALL, SECTIONS) is not None
    (small, sections), key = read_mapped(path, HEAD, len(SECTIONS))  # type: ignore[misc]
    assert small == SMALL and [s[:] for s in sections] == SECTIONS
    assert key == stat_key(os.stat(path))
    assert sections[3].find(b"texts", 6) == 6 and len(sections[0]) == len(SECTIONS[0])
    assert os.path.getsize(path) % ALIGN == len(SECTIONS[3]) % ALIGN  # sections aligned
    assert read_mapped(path, HEAD, 3) is None  # another count of sections
    assert read_mapped(path, HEAD.replace(b"1", b"2"), len(SECTIONS)) is None  # other code
    assert os.listdir(tmp_path) == ["2020"]  # no temporary file left


def test_a_torn_or_damaged_mapped_file_reads_as_nothing(tmp_path, mapping):
    path = tmp_path / "2020"
    sections = [b"abc\n" * 50, b"", b"\xe8\x92\xb8" * 30]
    assert write_mapped(path, HEAD, SMALL, sections) is not None
    whole = path.read_bytes()
    damaged = tmp_path / "damaged"
    for at in range(len(whole)):  # every byte, the padding between sections included
        damaged.write_bytes(whole[:at] + bytes([whole[at] ^ 0x41]) + whole[at + 1 :])
        assert read_mapped(damaged, HEAD, 3) is None, at
    for length in (0, 1, len(HEAD), len(HEAD) + 20, len(whole) // 2, len(whole) - 1):
        damaged.write_bytes(whole[:length])  # torn
        assert read_mapped(damaged, HEAD, 3) is None, length
    damaged.write_bytes(whole + b"\0")
    assert read_mapped(damaged, HEAD, 3) is None
    assert as_bytes(read_mapped(path, HEAD, 3)) == (SMALL, sections)


def test_a_fifo_or_folder_in_place_of_a_mapped_file_is_a_miss_never_waited_on(tmp_path, mapping):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    os.symlink(tmp_path / "fifo", tmp_path / "link")
    for name in ("fifo", "folder", "link", "missing"):
        assert read_mapped(tmp_path / name, HEAD, 1) is None


def test_mapped_sections_keep_their_bytes_when_the_file_is_replaced(tmp_path, mapping):
    """A search holding a year's mapped forms while that year's file is rewritten (by
    itself, or another process) still reads what it mapped: files are replaced, never
    rewritten in place."""
    path = tmp_path / "2020"
    assert write_mapped(path, HEAD, SMALL, SECTIONS) is not None
    got = read_mapped(path, HEAD, len(SECTIONS))
    assert got is not None
    assert write_mapped(path, HEAD, b"new", [b"other" * 9000, b"", b"y", b"z"]) is not None
    assert [s[:] for s in got[0][1]] == SECTIONS
    assert as_bytes(read_mapped(path, HEAD, 4)) == (b"new", [b"other" * 9000, b"", b"y", b"z"])


def test_a_file_found_intact_is_not_checked_again_unless_its_stat_changed(tmp_path):
    """``intact``: the stat key a file had when its checksum was checked (in this boot,
    ``intact_files``); a write in place changes the key, so the file is checked again."""
    path = tmp_path / "2020"
    written = write_mapped(path, HEAD, SMALL, SECTIONS)
    assert written == stat_key(os.stat(path))  # the key of the file written, renamed
    with open(path, "r+b") as handle:  # damaged in place, times put back
        handle.seek(-3, os.SEEK_END)
        handle.write(b"???")
    os.utime(path, ns=(os.stat(path).st_atime_ns, struct.unpack("<qqqQQ", written)[1]))
    assert read_mapped(path, HEAD, len(SECTIONS), intact=written) is None  # ctime moved
    damaged = stat_key(os.stat(path))
    got = read_mapped(path, HEAD, len(SECTIONS), intact=damaged)
    assert got is not None and got[1] == damaged  # trusted as found intact: not checked
    assert read_mapped(path, HEAD, len(SECTIONS)) is None
