"""PAPER arguments as commands take them: ``-`` stands for the papers named on standard input."""

from __future__ import annotations

import sys


def papers_with_stdin(names: tuple[str, ...]) -> list[str]:
    """``names`` with each ``-`` replaced by the lines of standard input (blank ones and
    ``#`` comments skipped), one paper per line."""
    if "-" not in names:
        return list(names)
    from papernotes.library.files import read_bounded
    from papernotes.text.utf8 import decode_utf8

    text = decode_utf8(read_bounded(sys.stdin.buffer, "Standard input"), "Standard input")
    given = [line.strip() for line in text.splitlines()]
    read = [line for line in given if line and not line.startswith("#")]
    out: list[str] = []
    for name in names:
        out.extend(read if name == "-" else [name])
    return out
