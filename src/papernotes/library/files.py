"""Files the UIs write outside the library (exports), through the same atomic writes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from papernotes.errors import InvalidInputError
from papernotes.storage.atomic import write_named_file


def write_text_file(path: Path, text: str | Iterable[str | bytes]) -> None:
    """Replace ``path`` (a symlink's target, if it is one) with ``text`` (or its pieces, each
    encoded as it comes; bytes are UTF-8 already) in UTF-8, atomically: a reader sees the old
    file or the new one, never half of it."""
    if isinstance(text, str):
        write_named_file(path, text.encode("utf-8"))
    else:
        write_named_file(path, (p if isinstance(p, bytes) else p.encode("utf-8") for p in text))


def write_export(library_root: Path, path: Path, text: str | Iterable[str | bytes]) -> None:
    """``write_text_file`` for an export, refused (one sentence) when ``path`` — symlinks
    resolved — is the library folder or anything inside it: an export never replaces a note,
    ``document.yaml`` or the lock, which only the library's own writes may touch."""
    root = Path(os.path.realpath(library_root))
    target = Path(os.path.realpath(path))
    if target == root or root in target.parents:
        where = "is the library folder" if target == root else "is inside the library"
        raise InvalidInputError(
            f"{path} {where} {library_root}; an export is written outside it (nothing was written)."
        )
    write_text_file(path, text)


MAX_INPUT_BYTES = 256 * 1024 * 1024
"""The largest file ``import`` reads (a .bib of a million entries is far smaller)."""
MAX_NOTES_BYTES = 16 * 1024 * 1024
"""The most notes ``add`` reads from standard input."""


def read_input_file(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file the user gave to read (``import FILE``): a regular file of at most
    ``limit`` bytes, else ``InvalidInputError``. A device such as ``/dev/zero``, a FIFO or a
    socket is refused without being read, so it never blocks nor fills the memory."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb") as handle:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise InvalidInputError(
                f"{path} is not a regular file (a device, FIFO or socket), so it was not read; "
                "nothing was imported."
            )
        data = handle.read(limit + 1)
    if status.st_size > limit or len(data) > limit:
        raise InvalidInputError(_too_large(str(path), limit, "nothing was imported"))
    return data


def read_bounded(stream: BinaryIO, what: str, limit: int = MAX_NOTES_BYTES) -> bytes:
    """At most ``limit`` bytes of ``stream`` (standard input), else ``InvalidInputError``
    naming ``what``: ``add < /dev/zero`` stops there instead of filling the memory."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInputError(_too_large(what, limit, "nothing was written"))
    return data


def _too_large(what: str, limit: int, outcome: str) -> str:
    return f"{what} is larger than {limit // (1024 * 1024)} MB; {outcome}."
