"""The entries of a plain .bib read without bibtexparser: the same blocks, cut five times faster.

bibtexparser's splitter steps from mark to mark in Python (every brace, comma, quote and
newline), a third of a .bib import. Most files are plain: only ``@type{key, name = value,
…}`` entries with braced or bare values, as papernotes and most reference managers write
them. For such a file the cuts are found here with the splitter's own rules (a character
after a backslash is no mark, braces nest, a value ends at a comma or the entry's closing
brace outside braces) and the same entries come out. Anything else gives None
and the file goes through bibtexparser: an ``@`` between entries, ``@string``,
``@comment``, ``@preamble``, ``@type(…)``, a type that is not an ASCII name, a quoted value,
a field or key repeated, a field without ``=``, an entry without fields, an unbalanced
brace, or an ``@word{`` inside an entry. ``tests/formats/test_bibtex_plain_entries.py``
compares both ways.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_BLOCK_START = re.compile(r"@[\w]*( |\t)*(?=[{(])")
"""Where bibtexparser starts a block (its ``_BLOCK_START``)."""
_ENTRY_HEAD = re.compile(r"@([A-Za-z][A-Za-z0-9_]*)\{([^{}\",=\\]*),")
_ENTRY_END = re.compile(r"\s*\}")
_MAX_DEPTH = 8
"""Braces nested deeper than this in a value send the file through bibtexparser."""


def _field_pattern() -> re.Pattern[str]:
    """``name = value`` then the comma or brace that ends it: a value is characters other
    than quotes, commas and braces, escaped characters (``\\x``: no mark, as the splitter's
    look-behind says, given no ``\\\\`` in the text) and balanced braced groups.

    The repeats are possessive (``*+``, ``++``): a value can be matched one way only (its
    alternatives never start alike, a braced group ends where its braces balance), so giving
    characters back never finds another match, and without the states kept for it a 9 MB
    value took 1.7 GB."""
    group = r"\{(?:[^{}\\]++|\\.)*+\}"
    for _ in range(_MAX_DEPTH - 1):
        group = r"\{(?:[^{}\\]++|\\.|" + group + r")*+\}"
    return re.compile(r'([^{}",=\\]*)=((?:[^{}",\\]++|\\.|' + group + r")*+)([,}])", re.DOTALL)


_FIELD = _field_pattern()
PlainEntry = tuple[str, str, dict[str, str], int]
"""Type (lower case), key, fields by lower-case name, line: a ``read.BibEntry``'s parts."""
_SPECIAL_TYPES = ("comment", "preamble", "string")
"""bibtexparser reads a block whose type starts with one of these as that (``@strings{``)."""


def plain_entries(text: str, value_of: Callable[[str], str]) -> list[PlainEntry] | None:
    """The entries of ``text`` (each field's raw value passed through ``value_of``), as
    bibtexparser and ``read.parse_bibtex`` read them, or None when ``text`` is not plain."""
    if "\\\\" in text:
        return None  # ``\\\\`` (not stood in for): the look-behind and the escapes differ
    entries: list[PlainEntry] = []
    keys: set[str] = set()
    pos, line, counted = 0, 1, 0
    for start in _BLOCK_START.finditer(text):
        at = start.start()
        if at < pos or "@" in text[pos:at]:
            return None  # inside the entry before, or an ``@`` between entries
        head = _ENTRY_HEAD.match(text, at)
        if head is None or head.group(1).lower().startswith(_SPECIAL_TYPES):
            return None
        fields = _fields(text, head.end(), value_of)
        if fields is None:
            return None
        pos, found = fields
        key = head.group(2).strip()
        if key.casefold() in keys:
            return None
        keys.add(key.casefold())
        line += text.count("\n", counted, at)
        counted = at
        entries.append((head.group(1).lower(), key, found, line))
    if "@" in text[pos:]:
        return None
    return entries


def _fields(
    text: str, pos: int, value_of: Callable[[str], str]
) -> tuple[int, dict[str, str]] | None:
    """The fields of the entry whose first field starts at ``pos`` and where the entry ends,
    or None when it is not plain."""
    fields: dict[str, str] = {}
    field_at, end_at = _FIELD.match, _ENTRY_END.match
    while True:
        end = end_at(text, pos)
        if end is not None:
            return (end.end(), fields) if fields else None
        field = field_at(text, pos)
        if field is None:
            return None  # no ``=``, a quoted value, unbalanced or too deep braces
        name = field.group(1).strip().lower()
        if not name or name in fields:
            return None
        fields[name] = value_of(field.group(2).strip())
        pos = field.end()
        if field.group(3) == "}":
            return pos, fields
