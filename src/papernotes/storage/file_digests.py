"""The digest of every note file's bytes on two cores, for ``check`` (which reads every
file to verify the note cache): the second half read and hashed by a forked child
(``split_stat.py``), as the stat of every file is.

Each answer is the 32 hex digits of the bytes' digest (``note_writes.digest``) and 8 spaces,
or ``UNREAD`` for a file that could not be read as a regular file: the caller reads such a
file (and any whose digest is not the expected one) itself, so its problem is reported as
before. A failed child means this process reads its half too (``split_stat_keys``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from stat import S_ISREG

from papernotes.blake2 import blake2b
from papernotes.storage.regular_file import read_regular
from papernotes.storage.split_stat import KEY_SIZE, split_stat_keys

UNREAD = b"-" * KEY_SIZE
_PAD = b" " * (KEY_SIZE - 32)
PARENT_SHARE = 0.47
"""The files ``keyed_digests`` reads in this process (the child the rest): ``check`` has
about a tenth of a second of work to do meanwhile (``check_load``: the kept state, the note
cache's checksums, ``document.yaml``), the child nothing else."""
KEYED_SIZE = KEY_SIZE + KEY_SIZE
UNREAD_KEYED = b"-" * KEYED_SIZE
"""``keyed_digests``' answer for a file that could not be read as a regular file."""


def file_digests(prefix: str, rels: list[str]) -> list[bytes]:
    """``prefix + rel``'s digest for each of ``rels`` (``UNREAD`` where it did not read), the
    second half worked out by a child when that is safe and worth it."""
    return split_stat_keys(prefix, rels, _digests)


def _digests(prefix: str, rels: list[str]) -> list[bytes]:
    answers = []
    for rel in rels:
        try:
            data = read_regular(prefix + rel)
        except OSError:
            answers.append(UNREAD)
            continue
        answers.append(blake2b(data, digest_size=16).hexdigest().encode() + _PAD)
    return answers


def keyed_digests(
    prefix: str, rels: list[str], meanwhile: Callable[[], object] | None = None
) -> list[bytes]:
    """``file_digests`` with each file's stat key (``note_cache.stat_key`` of the open file)
    first: ``KEYED_SIZE`` bytes each, ``UNREAD_KEYED`` where the file did not read. One pass
    over the files where ``check`` made two (the stats, then the bytes). ``meanwhile``:
    called by this process once it has read its share, while the child reads the rest."""
    return split_stat_keys(
        prefix, rels, _keyed, size=KEYED_SIZE, share=PARENT_SHARE, meanwhile=meanwhile
    )


def _keyed(prefix: str, rels: list[str]) -> list[bytes]:
    """``keyed_digests`` in one pass, in this process: ``read_regular_stat`` made lean (no
    call per file but the system's; a read shorter than asked is the end of a regular file,
    so no second read finds it), since it is most of a check after an edit."""
    from papernotes.storage.caches.note_cache import _STAT

    pack, fstat, read, close, is_regular = _STAT.pack, os.fstat, os.read, os.close, S_ISREG
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    answers = []
    for rel in rels:
        try:
            fd = os.open(prefix + rel, flags)
        except OSError:
            answers.append(UNREAD_KEYED)
            continue
        try:
            s = fstat(fd)
            if not is_regular(s.st_mode):
                answers.append(UNREAD_KEYED)
                continue
            data = read(fd, s.st_size + 1)
            if len(data) > s.st_size:  # grown since: read on to the end
                pieces = [data]
                while piece := read(fd, 1 << 16):
                    pieces.append(piece)
                data = b"".join(pieces)
        except OSError:
            answers.append(UNREAD_KEYED)
            continue
        finally:
            close(fd)
        key = pack(s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino, s.st_dev)
        answers.append(key + blake2b(data, digest_size=16).hexdigest().encode() + _PAD)
    return answers
