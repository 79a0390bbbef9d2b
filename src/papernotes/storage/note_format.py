"""One note file: YAML front matter in a fixed order, then the numbered notes and free Markdown."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from papernotes.model import (
    FRONT_MATTER_FIELDS,
    LIST_FIELDS,
    PRIORITIES,
    RATINGS,
    STATUSES,
    Paper,
    is_day,
)

_NOTE_ITEM = re.compile(r"^(\d+)[.)](?:\s+(.*))?$")
_DAY_VALUE = re.compile(r":\s+(\d{4})-(\d{1,2})-(\d{1,2})\b")
_INT_FIELDS = frozenset({"year", "arxiv_version", "rating"})
_TYPED_FIELDS = _INT_FIELDS | LIST_FIELDS
"""The fields whose text ``_coerce`` turns into a number or a list."""


class NoteFormatError(ValueError):
    """A note file that cannot be read; ``line`` is 1-based within the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str) -> object:
    """Parse YAML with the safe loader on libyaml (no tags that build Python objects), nesting
    bounded so hostile input is a ``yaml.YAMLError``, not a crash (``safe_yaml.py``)."""
    # imported on use: a warm ``list`` served from the cache never needs PyYAML
    from papernotes.storage.safe_yaml import load_yaml as bounded_load

    return bounded_load(text)


def dump_yaml(data: object) -> str:
    """YAML as PyYAML's C dumper writes it; front matters papernotes writes skip PyYAML."""
    if isinstance(data, dict):
        from papernotes.storage.frontmatter import render_front  # not on a cached `list`

        fast = render_front(data)  # the same text, several times faster (frontmatter.py)
        if fast is not None:
            return fast
    from papernotes.storage.safe_yaml import dump_yaml as safe_dump

    return safe_dump(data)


_ALWAYS_WRITTEN = frozenset(FRONT_MATTER_FIELDS[:10])  # written even when empty


def render_note(paper: Paper) -> str:
    """The text of ``paper``'s note file."""
    front: dict[str, object] = {}
    for name in FRONT_MATTER_FIELDS:
        value = getattr(paper, name)
        if name in LIST_FIELDS:
            value = list(value)
        if value or name in _ALWAYS_WRITTEN:
            front[name] = value
    for name, value in paper.extra:
        front[name] = value
    parts = ["---\n", dump_yaml(front), "---\n"]
    notes = render_notes(paper.notes)
    if notes:
        parts.append(notes)
    if paper.body.strip():
        if notes:
            parts.append("\n")
        parts.append(paper.body.strip("\n") + "\n")
    return "".join(parts)


def render_notes(notes: tuple[str, ...]) -> str:
    lines = []
    for number, note in enumerate(notes, 1):
        first, *rest = note.split("\n")
        lines.append(f"{number}. {first}".rstrip())
        lines.extend(f"   {line}".rstrip() for line in rest)
    return "".join(line + "\n" for line in lines)


def parse_note(text: str) -> Paper:
    """Read a note file's text; raises ``NoteFormatError`` with the offending line."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise NoteFormatError(1, "a note must start with '---' and YAML front matter")
    end = front_matter_end(lines)
    if end is None:
        raise NoteFormatError(1, "the front matter has no closing '---' line")
    front_text = "\n".join(lines[1:end])
    from papernotes.storage.frontmatter import parse_front  # its regexes cost ~10 ms to build

    front: object = parse_front(front_text)  # the subset papernotes writes, read without PyYAML
    if front is None:
        front = _load_front(front_text, end)
    if not isinstance(front, dict):
        raise NoteFormatError(2, "the front matter must be a mapping of fields")
    notes, body = parse_body(lines[end + 1 :])
    return _paper_from_front(front, lines, notes, body)


def _load_front(front_text: str, end: int) -> object:
    import yaml

    try:
        return load_yaml(front_text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = max(2, min(mark.line + 2, end)) if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise NoteFormatError(line, f"invalid YAML front matter: {problem}") from None
    except ValueError as exc:  # PyYAML builds an unquoted 2024-02-30 as a date: no such day
        line = next((n for n, text in enumerate(front_text.split("\n"), 2) if _no_day(text)), 2)
        raise NoteFormatError(line, f"invalid date in the front matter: {exc}") from None


def _no_day(line: str) -> bool:
    """True for a front matter line whose value reads as a date that does not exist."""
    match = _DAY_VALUE.search(line)
    if match is None:
        return False
    try:
        dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return True
    return False


def parse_body(lines: list[str]) -> tuple[tuple[str, ...], str]:
    """Split the body into the leading numbered notes and the free Markdown after them."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    notes: list[str] = []
    while i < len(lines):
        match = _NOTE_ITEM.match(lines[i])
        if match:
            notes.append((match.group(2) or "").strip())
            i += 1
        elif notes and lines[i].startswith((" ", "\t")) and lines[i].strip():
            notes[-1] += "\n" + lines[i].strip()
            i += 1
        else:
            break
    rest = lines[i:]
    while rest and not rest[0].strip():  # blank lines at either end are no text (as saved:
        rest.pop(0)  # model._tidy_body), so a spaces-only last line is not kept by one path
    while rest and not rest[-1].strip():  # and lost by another
        rest.pop()
    return tuple(n for n in notes if n), "\n".join(rest)


def front_matter_end(lines: list[str]) -> int | None:
    """The index of the ``---`` line that closes the front matter opened by ``lines[0]``."""
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)


def field_line(lines: list[str], name: str, default: int = 2) -> int:
    """The number of the line of the top-level ``name:`` in the front matter of ``lines``."""
    end = front_matter_end(lines) or len(lines)
    for number, line in enumerate(lines[1:end], 2):
        if not line[:1].isspace() and line.split(":", 1)[0].strip().strip("'\"") == name:
            return number
    return default


def _paper_from_front(
    front: dict[object, object], lines: list[str], notes: tuple[str, ...], body: str
) -> Paper:
    values: dict[str, Any] = {}  # each of the type its field has: _coerce made sure
    extra: list[tuple[str, object]] = []
    for name, value in front.items():
        name = str(name)
        if name not in FRONT_MATTER_FIELDS:
            extra.append((name, value))
            continue
        if type(value) is str and name not in _TYPED_FIELDS:  # most values: _coerce's answer
            values[name] = value.strip()
            continue
        try:
            values[name] = _coerce(name, value)
        except ValueError as exc:
            raise NoteFormatError(field_line(lines, name), str(exc)) from None
    if not values.get("title"):
        raise NoteFormatError(field_line(lines, "title"), "the note has no title")
    if "year" not in values:
        raise NoteFormatError(2, "the note has no year")
    status = values.get("status") or "unread"
    if status not in STATUSES:
        raise NoteFormatError(
            field_line(lines, "status"),
            f"status must be one of {', '.join(STATUSES)}, not {status!r}",
        )
    values["status"] = status
    _check_queue_fields(values, lines)
    return Paper(**values, notes=notes, body=body, extra=tuple(extra))


def _check_queue_fields(values: dict[str, Any], lines: list[str]) -> None:
    """Refuse a priority, rating or read_on papernotes would not write, at its line."""
    priority, rating, read_on = (values.get(n) for n in ("priority", "rating", "read_on"))
    if priority and priority not in PRIORITIES:
        raise NoteFormatError(
            field_line(lines, "priority"),
            f"priority must be one of {', '.join(PRIORITIES)} (or none), not {priority!r}",
        )
    if rating and rating not in RATINGS:
        raise NoteFormatError(
            field_line(lines, "rating"), f"rating must be a whole number from 1 to 5, not {rating}"
        )
    if read_on and not is_day(read_on):
        raise NoteFormatError(
            field_line(lines, "read_on"),
            f"read_on must be a date such as 2024-05-01, not {read_on!r}",
        )


def _coerce(name: str, value: object) -> object:
    if name in _INT_FIELDS:
        if value in (None, "") and name != "year":
            return 0
        text = str(value).strip()
        if isinstance(value, bool) or not text.isascii() or not text.isdigit():
            raise ValueError(f"{name} must be a whole number, not {_shown(value, text)}")
        number = int(text) if len(text) <= 18 else -1  # int() refuses over 4300 digits
        if name == "year" and not 1000 <= number <= 2999:
            raise ValueError(f"year must be a four-digit year, not {_shown(value, text)}")
        if number < 0:
            raise ValueError(
                f"{name} must be a whole number below 10**18, not {_shown(value, text)}"
            )
        return number
    if name in LIST_FIELDS:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,) if value.strip() else ()
        if not isinstance(value, list):
            raise ValueError(f"{name} must be a list")
        return tuple([item for item in map(_scalar, value) if item])
    if isinstance(value, list | dict):
        raise ValueError(f"{name} must be a single value, not a {type(value).__name__}")
    return _scalar(value)


def _shown(value: object, text: str) -> str:
    """A number that is not one, as an error names it."""
    return repr(value) if len(text) <= 40 else f"a number of {len(text)} digits"


def _scalar(value: object) -> str:
    if type(value) is str:  # nearly every value: no other test needed
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).strip()
