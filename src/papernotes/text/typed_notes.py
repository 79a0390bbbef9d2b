"""Reading notes typed one per line (piped stdin, the ``$EDITOR`` template, the TUI form)."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^\d+[.)、]\s*")


def typed_notes(text: str, *, comments: bool = False) -> tuple[str, ...]:
    """One note per non-empty line, trimmed, without a leading ``1.``, ``1)`` or ``1、``.

    With ``comments`` (the ``$EDITOR`` template only), lines starting with ``#`` are dropped.
    """
    text = text.removeprefix("\ufeff")  # a byte order mark some editors and tools write first
    lines = (line.strip() for line in text.splitlines())
    return tuple(
        _NUMBER.sub("", line) for line in lines if line and not (comments and line.startswith("#"))
    )
