"""Emphasis in a heading as cmark-gfm (GitHub) reads it: ``*``/``_`` delimiter runs and
``~`` strikethrough, whether each can open or close, and how they pair ("process emphasis"
of CommonMark, with cmark-gfm's details checked against cmarkgfm: ``~`` is skipped when a
run looks at its neighbours, and unmatched openers are remembered by character and length).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass
class Delimiter:
    """A run of ``*``, ``_`` or ``~`` and what pairing made of it."""

    piece: int
    """Index of the run's piece in the heading being read."""
    char: str
    length: int
    can_open: bool
    can_close: bool
    inert: bool = False
    """A ``_`` right between two letters or digits (``snake_case``): never a delimiter, so
    left unescaped when literal."""
    remaining: int = 0
    opened: list[int] = field(default_factory=list)
    """How many characters each emphasis it opened took, innermost first."""
    closed: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.remaining = self.length


def delimiter_run(source: str, i: int, piece: int) -> Delimiter:
    """The run starting at ``source[i]``, with what it can do where it stands."""
    char = source[i]
    end = i
    while end < len(source) and source[end] == char:
        end += 1
    before, after = _neighbours(source, i, end)
    left, right = _flanking(before, after)
    if char == "_":
        can_open = left and (not right or is_punctuation(before))
        can_close = right and (not left or is_punctuation(after))
    else:
        can_open, can_close = left, right
    if char == "~" and end - i > 2:
        can_open = can_close = False
    inert = char == "_" and source[i - 1 : i].isalnum() and source[end : end + 1].isalnum()
    return Delimiter(piece, char, end - i, can_open, can_close, inert)


def _neighbours(source: str, start: int, stop: int) -> tuple[str, str]:
    """The characters before and after the run ``source[start:stop]`` (a space at either end).

    cmark-gfm's strikethrough makes ``~`` a "skip" character: the neighbours that decide
    whether a run opens or closes are found past any ``~`` (``_em_~x`` is no emphasis)."""
    while start and source[start - 1] == "~":
        start -= 1
    while stop < len(source) and source[stop] == "~":
        stop += 1
    before = source[start - 1] if start else " "
    after = source[stop] if stop < len(source) else " "
    return before, after


def _flanking(before: str, after: str) -> tuple[bool, bool]:
    """CommonMark's (left-flanking, right-flanking) for a run between these characters."""
    left = not after.isspace() and (
        not is_punctuation(after) or before.isspace() or is_punctuation(before)
    )
    right = not before.isspace() and (
        not is_punctuation(before) or after.isspace() or is_punctuation(after)
    )
    return left, right


def is_punctuation(char: str) -> bool:
    """Punctuation as cmark-gfm's flanking rules see it: ASCII punctuation and Unicode ``P*``;
    symbols such as ``€`` or ``©`` are not (checked against cmarkgfm)."""
    return char in ESCAPABLE or unicodedata.category(char).startswith("P")


def process_emphasis(delims: list[Delimiter], bottom: int) -> None:
    """CommonMark's "process emphasis" over the delimiters from ``bottom`` on."""
    openers_bottom: dict[tuple[str, int], int] = {}  # as cmark-gfm: by character and length
    current = bottom
    while current < len(delims):
        closer = delims[current]
        if not (closer.can_close and closer.remaining):
            current += 1
            continue
        key = (closer.char, closer.length % 3)
        found = _opener(delims, current, max(bottom, openers_bottom.get(key, bottom)))
        if found is None:
            openers_bottom[key] = current  # no opener at or below this one for such closers
            if not closer.can_open:
                closer.can_close = False
            current += 1
            continue
        opener = delims[found]
        if closer.char == "~":
            used = closer.remaining
        else:
            used = 2 if opener.remaining >= 2 and closer.remaining >= 2 else 1
        opener.remaining -= used
        opener.opened.append(used)
        closer.remaining -= used
        closer.closed.append(used)
        for between in delims[found + 1 : current]:
            between.can_open = between.can_close = False  # literal from now on
        if not closer.remaining:
            current += 1


def _opener(delims: list[Delimiter], current: int, lowest: int) -> int | None:
    closer = delims[current]
    for j in range(current - 1, lowest - 1, -1):
        opener = delims[j]
        if opener.char != closer.char or not (opener.can_open and opener.remaining):
            continue
        if closer.char == "~":
            if opener.remaining == closer.remaining:
                return j
            continue
        if (
            not (closer.can_open or opener.can_close)
            or closer.length % 3 == 0
            or (opener.length + closer.length) % 3 != 0
        ):
            return j
    return None


def spell(delim: Delimiter) -> tuple[str, str]:
    """A run's text (its unmatched characters) and its spelling in a TOC link: emphasis as
    HTML tags (``<em>``, ``<strong>``, ``<del>``), the rest escaped, since delimiters would
    pair up differently once links are unwrapped and the heading sits inside ``[…]``."""
    char = delim.char
    literal = char if delim.inert else "\\" + char
    closing = "".join(f"</{_tag(char, used)}>" for used in delim.closed)
    opening = "".join(f"<{_tag(char, used)}>" for used in reversed(delim.opened))
    return char * delim.remaining, closing + literal * delim.remaining + opening


def _tag(char: str, used: int) -> str:
    return "del" if char == "~" else ("strong" if used == 2 else "em")
