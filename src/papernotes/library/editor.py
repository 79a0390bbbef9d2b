"""Running the user's editor (the ``editor`` setting, ``$VISUAL``/``$EDITOR``) split like a shell
would, never run by one."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from papernotes.errors import InvalidInputError


def editor_command() -> list[str]:
    """The editor's argv: ``$PAPERNOTES_EDITOR``, else ``editor`` in config.toml, else
    ``$VISUAL`` or ``$EDITOR``, else ``vi`` (as git reads its own setting first)."""
    from papernotes.config import load_settings

    setting = load_settings().values["editor"]
    value, source = str(setting.value), setting.source or "the editor setting"
    try:
        argv = shlex.split(value)
    except ValueError as exc:
        raise InvalidInputError(f"{source} cannot be read ({exc}): {value!r}.") from None
    if not argv:
        raise InvalidInputError(f"{source} is empty; set it to your editor's command.")
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
