"""Author lists from BibTeX: split at ``and`` outside braces, each name read as a note keeps
it (``First Last``, ``Last, First``, a CJK name as one unit, a ``{Corporate}`` name braced).
"""

from __future__ import annotations

import re

from papernotes.formats.bibtex.keys import is_cjk_name, split_name
from papernotes.formats.bibtex.latex import braces_balance, decode

_KNOWN_SEPARATORS = (r"\s+and\s+", ",")
_PLAIN_SEPARATORS = {sep: re.compile(sep, re.IGNORECASE | re.DOTALL) for sep in _KNOWN_SEPARATORS}
"""The separators split on (``split_top_level``), for values without braces or escapes."""
_SEPARATORS = {
    sep: re.compile(rf"\\.|[{{}}]|{sep}", re.IGNORECASE | re.DOTALL) for sep in _KNOWN_SEPARATORS
}
"""The same separators, for values with braces or escapes (skipped over, never split)."""


def parse_authors(value: str, known: dict[str, str] | None = None) -> tuple[str, ...]:
    """Authors as notes keep them: ``First Last`` if that splits back alike, or ``Last, First``;
    a CJK name as one unit, family name first (``{魏俊秋}`` and ``魏, 俊秋`` give 魏俊秋).

    ``known`` maps each name as written to how it was read, for a caller reading many entries:
    the same co-authors recur in a .bib, and reading a name is a third of reading an entry."""
    names = (r.strip() for r in _split_and(value))
    if known is None:
        return tuple(_author(raw) for raw in names if raw)
    authors = []
    for raw in names:
        if raw:
            read = known.get(raw)
            if read is None:
                read = known[raw] = _author(raw)
            authors.append(read)
    return tuple(authors)


def _author(raw: str) -> str:
    """One author as a note keeps it, from the LaTeX between two ``and``s."""
    if (
        raw.startswith("{")
        and raw.endswith("}")
        and braces_balance(raw[1:-1], skip_escaped=True)
        and "," not in raw
    ):
        inner = decode(raw[1:-1])
        # {魏俊秋}, {山田 太郎}: a CJK name as written; anything else braced is corporate
        return inner if is_cjk_name(inner) else "{" + inner + "}"
    name = decode(raw)
    parts = _name_parts(raw, name) if "," in name else None
    if parts is None:
        return name
    family, given, suffix = parts
    if not suffix and " " not in family + given and is_cjk_name(family + " " + given):
        return family + given  # "魏, 俊秋" (older exports): 魏俊秋
    display = " ".join(p for p in (given, family, suffix) if p)
    return display if split_name(display) == (family, given, suffix) else name


def _name_parts(raw: str, name: str) -> tuple[str, str, str] | None:
    """``(family, given, suffix)`` when ``name`` (``raw`` decoded) is exactly ``Last, First`` /
    ``Last, Jr, First`` as a writer puts it, else None.

    The parts are cut from the LaTeX at its commas outside braces and then decoded, so an
    escaped brace (``\\{, Jacob \\}``) is a character, not a corporate name's braces.
    """
    parts = [decode(p) for p in split_top_level(raw, ",")]
    if len(parts) != len(name.split(",")):
        family, given, suffix = split_name(name)  # a comma inside braces: read as text
    elif len(parts) >= 3:
        family, suffix, given = parts[0], parts[1], ", ".join(parts[2:])
    else:
        family, given, suffix = parts[0], parts[1], ""
    if ", ".join(p for p in (family, suffix, given) if p) != " ".join(name.split()):
        return None
    return family, given, suffix


def _split_and(value: str) -> list[str]:
    """Split an author list at `` and `` outside braces."""
    return split_top_level(value, r"\s+and\s+")


def split_top_level(value: str, separator: str) -> list[str]:
    """Split ``value`` at ``separator`` (a regex) outside braces; ``\\x`` is one character."""
    plain = _PLAIN_SEPARATORS.get(separator)
    if plain is not None and "\\" not in value and "{" not in value and "}" not in value:
        return plain.split(value)  # nothing to skip: the same cuts, in C
    parts, depth, start = [], 0, 0
    pattern = _SEPARATORS[separator]
    for match in pattern.finditer(value):
        token = match.group()
        if token.startswith("\\"):
            continue  # an escaped character, \{ included
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            parts.append(value[start : match.start()])
            start = match.end()
    parts.append(value[start:])
    return parts
