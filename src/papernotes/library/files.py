"""Files the UIs write outside the library (exports), through the same atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

from papernotes.errors import InvalidInputError
from papernotes.storage.atomic import write_named_file


def write_text_file(path: Path, text: str) -> None:
    """Replace ``path`` (a symlink's target, if it is one) with ``text`` in UTF-8, atomically:
    a reader sees the old file or the new one, never half of it."""
    write_named_file(path, text.encode("utf-8"))


def write_export(library_root: Path, path: Path, text: str) -> None:
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
