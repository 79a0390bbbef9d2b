"""Reading a TOML settings file so that every problem names its ``file:line``.

``tomllib`` gives values but not where they stand; ``key_lines`` finds the line of each key
(tables, dotted keys, quoted keys) with a plain scan, good enough to point a person at it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from papernotes.errors import InvalidInputError

_HEADER = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*(?P<key>(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_PART = re.compile(r"""[A-Za-z0-9_-]+|"([^"]*)"|'([^']*)'""")
_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def dotted(text: str) -> tuple[str, ...]:
    """``a."b.c".d`` as ``("a", "b.c", "d")``."""
    parts = []
    for match in _PART.finditer(text):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        parts.append(quoted if quoted is not None else match.group())
    return tuple(parts)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (from 1) of every table header and key of ``text``, by its full path."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        header = _HEADER.match(line)
        if header:
            table = dotted(header.group("name"))
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = table + dotted(key.group("key"))
            for end in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:end], number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_string = quote
    return lines


class TomlFile:
    """A parsed TOML file and the lines of its keys, for ``file:line`` messages."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        try:
            self.data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = _LINE.search(str(exc))
            line = found.group(1) if found else str(text.count("\n") + 1)
            message = _LINE.sub("", str(exc)).strip()
            raise InvalidInputError(f"{path}:{line}: not valid TOML: {message}.") from None
        self.lines = key_lines(text)

    @classmethod
    def read(cls, path: Path) -> TomlFile | None:
        """The file at ``path``, or None if there is none."""
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise InvalidInputError(f"{path} cannot be read: {exc.strerror or exc}.") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InvalidInputError(f"{path}:{line}: the file is not valid UTF-8.") from None
        return cls(path, text)

    def where(self, *path: str) -> str:
        """``file:line`` of the key ``path`` (or of the nearest table holding it)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return f"{self.path}:{line}"
        return f"{self.path}:1"
