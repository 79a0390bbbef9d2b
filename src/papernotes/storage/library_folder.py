"""Telling a papernotes library from any other folder, so that an unrelated ``notes/``
(a diary, an Obsidian vault) is never written to by mistake."""

from __future__ import annotations

import os
from pathlib import Path

from papernotes.storage.atomic import TEMP_PREFIX, TEMP_SUFFIX, atomic_write
from papernotes.storage.library_lock import HOLDER_FILE

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
    """``MISSING``, ``EMPTY`` (a folder with nothing in it but what a papernotes making it a
    library right now leaves on the way), ``LIBRARY``, or ``OTHER`` (a folder with files
    that papernotes did not make).

    Decided from one listing, looked at again before saying ``OTHER``: another papernotes may
    be marking the folder meanwhile, and it writes the marker before anything else, so a file
    of its own seen in the listing means the marker is there by the time we look again."""
    try:
        with os.scandir(root) as entries:
            names = [entry.name for entry in entries]
    except (FileNotFoundError, NotADirectoryError):
        return MISSING
    except OSError:  # a folder we may not list: its marker may still be seen (as before)
        if _marked(root):
            return LIBRARY
        raise
    if any(name in _EVIDENCE for name in names):
        return LIBRARY
    if all(_made_on_the_way(name) for name in names):
        return EMPTY
    return LIBRARY if _marked(root) else OTHER


def _marked(root: Path) -> bool:
    """Whether any file that makes a folder a library is in ``root`` now."""
    return any(os.path.lexists(os.path.join(root, name)) for name in _EVIDENCE)


def _made_on_the_way(name: str) -> bool:
    """A file another papernotes creates while it marks the folder: the marker's temporary
    file (before its rename) or the lock holder's pid file."""
    return name == HOLDER_FILE or (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX))


def mark_library(root: Path) -> None:
    """Create ``root`` if needed and mark it as a library (kept if already there)."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / MARKER_FILE).exists():
        atomic_write(root / MARKER_FILE, MARKER_TEXT.encode("utf-8"))
