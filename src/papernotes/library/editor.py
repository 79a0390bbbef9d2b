"""Running the user's editor: ``$VISUAL``/``$EDITOR`` split like a shell would, never run by one."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from papernotes.errors import InvalidInputError


def editor_command() -> list[str]:
    """The editor's argv from ``$VISUAL`` or ``$EDITOR`` (``vi`` when neither is set)."""
    value = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        argv = shlex.split(value)
    except ValueError as exc:
        raise InvalidInputError(f"$EDITOR cannot be read ({exc}): {value!r}.") from None
    if not argv:
        raise InvalidInputError("$EDITOR is empty; set it to your editor's command.")
    return argv


def run_editor(path: Path) -> None:
    """Open ``path`` in the editor and wait; a failing or missing editor is a user error."""
    argv = [*editor_command(), str(path)]
    try:
        result = subprocess.run(argv, check=False)
    except OSError as exc:
        raise InvalidInputError(
            f"Cannot run the editor {argv[0]!r} ({exc.strerror or exc}); nothing was changed."
        ) from None
    if result.returncode != 0:
        raise InvalidInputError(
            f"The editor {argv[0]!r} exited with status {result.returncode}; nothing was changed."
        )
