"""Telling a papernotes library from any other folder, so that an unrelated ``notes/``
(a diary, an Obsidian vault) is never written to by mistake."""

from __future__ import annotations

import os
from pathlib import Path

from papernotes.storage.atomic import atomic_write

MARKER_FILE = ".papernotes.library"  # written by init and import
MARKER_TEXT = (
    "This folder is a papernotes library. papernotes uses a folder only when it holds\n"
    "this file or document.yaml; keep it.\n"
)
# Any one of these makes a folder a library: document.yaml (import), the marker (init,
# import), or the lock file every papernotes write has created (libraries made before
# the marker existed).
_EVIDENCE = ("document.yaml", MARKER_FILE, ".papernotes.lock")

MISSING, EMPTY, LIBRARY, OTHER = "missing", "empty", "library", "other"


def folder_kind(root: Path) -> str:
    """``MISSING``, ``EMPTY`` (a folder with nothing in it), ``LIBRARY``, or ``OTHER``
    (a folder with files that papernotes did not make)."""
    if any(os.path.lexists(os.path.join(root, name)) for name in _EVIDENCE):
        return LIBRARY
    try:
        with os.scandir(root) as entries:
            return OTHER if next(entries, None) is not None else EMPTY
    except (FileNotFoundError, NotADirectoryError):
        return MISSING


def mark_library(root: Path) -> None:
    """Create ``root`` if needed and mark it as a library (kept if already there)."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / MARKER_FILE).exists():
        atomic_write(root / MARKER_FILE, MARKER_TEXT.encode("utf-8"))
