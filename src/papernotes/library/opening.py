"""Why a folder cannot be opened as a library (``Library.open``, ``to_fill``): one sentence
saying what was found there and how to make or choose a library instead. Imported only when
a folder is refused, so opening a library costs nothing more."""

from __future__ import annotations

import shlex
from pathlib import Path

from papernotes.errors import NotFoundError
from papernotes.storage.library_folder import MARKER_FILE, MISSING


def not_a_library(root: Path) -> str:
    """The error for a folder that holds files but is not a papernotes library."""
    return (
        f"{root} is not a papernotes library (it holds other files but no document.yaml "
        f"or {MARKER_FILE}), so nothing was read or written; to keep notes there run "
        f"'papernotes --notes {shlex.quote(str(root))} init', or choose the library with "
        "--notes DIR or $PAPERNOTES_DIR."
    )


def unopenable(root: Path, kind: str) -> NotFoundError:
    """The error refusing ``root``, a folder of ``kind`` missing or other (``folder_kind``)."""
    if kind == MISSING:
        return NotFoundError(
            f"There is no library at {root}; create one with 'papernotes init' "
            "or point to one with --notes."
        )
    return NotFoundError(not_a_library(root))
