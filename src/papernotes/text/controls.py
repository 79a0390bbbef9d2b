"""Control characters in user text: a terminal runs them (``ESC ]0;…`` retitles the window,
``ESC ]52;…`` writes the clipboard), so one-line fields refuse them and printed text shows them.

C0 (U+0000–U+001F but tab and line feed), DEL and C1 (U+0080–U+009F) count; a one-line field
refuses tab and line feed too, but its whitespace is tidied into spaces before it is checked.
"""

from __future__ import annotations

import re

from papernotes.errors import InvalidInputError
from papernotes.model import Paper

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def first_control(text: str) -> str:
    """The first control character of ``text`` as ``U+001B``, or ``""`` when it has none."""
    match = _CONTROL.search(text)
    return f"U+{ord(match.group()):04X}" if match else ""


def control_line(text: str) -> str:
    """``line 3 holds the control character U+001B`` for the first control character of a
    note's text (a carriage return of a CRLF line end is none), or ``""``."""
    match = _CONTROL.search(text.replace("\r\n", "\n"))
    if not match:
        return ""
    line = text.replace("\r\n", "\n").count("\n", 0, match.start()) + 1
    return f"line {line} holds the control character U+{ord(match.group()):04X}"


def visible_controls(text: str) -> str:
    """``text`` with each control character (tab and line feed kept) shown as ``\\x1b``, so
    printing it to a terminal runs nothing."""
    if text.isprintable() and "\x85" not in text:
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def refuse_controls(paper: Paper) -> None:
    """Refuse a one-line field holding a control character (``ESC``…): printed by ``list``
    or ``show`` a terminal would run it (``text.controls``)."""
    fields = [("title", paper.title), ("venue", paper.venue), ("code link", paper.code)]
    fields += [("arXiv id", paper.arxiv), ("key", paper.key), ("date added", paper.added)]
    fields += [("author", a) for a in paper.authors] + [("tag", t) for t in paper.tags]
    for name, value in fields:
        control = first_control(value)
        if control:
            raise InvalidInputError(
                f"The {name} '{visible_controls(value)}' holds the control character "
                f"{control}; remove it (a terminal would run it)."
            )
