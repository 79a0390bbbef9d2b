"""JSON text exactly as ``json.dumps(data, ensure_ascii=False, indent=2)`` writes it, made
several times faster: with an indent, ``json`` encodes in pure Python, a few calls per
value, and ``search --json`` at 100,000 notes prints millions of values. Here each string is
encoded by ``json``'s own C function and each container is one loop
(``tests/cli/test_json_text.py`` compares the two on random data).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring

INDENT = "  "


def indented_json(data: object) -> str:
    """``data`` as ``json.dumps(data, ensure_ascii=False, indent=2)`` gives it (any value
    ``json`` encodes; anything else raises as it does)."""
    parts: list[str] = []
    try:
        _value(data, "\n", parts)
    except _Unusual:  # a float, a key that is not a string, a subclass: as json has it
        return json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(parts)


def indented_json_items(items: Iterable[object]) -> Iterator[str]:
    """``indented_json(list(items))`` in pieces: the opening bracket, each item's text (with
    the separator before it) as it is made, the closing bracket; so a list of 100,000 notes
    is written as it is made, never held as one text."""
    separator = "[\n" + INDENT
    for item in items:
        yield separator + indented_json_item(item)
        separator = ITEM_SEPARATOR
    yield "[]" if separator.startswith("[") else "\n]"


ITEM_SEPARATOR = ",\n" + INDENT
"""What stands between two items of a top-level list (``indented_json_items``)."""


def indented_json_item(item: object) -> str:
    """The text of ``item`` as an item of a top-level list (``indented_json_items``), without
    the separator before it."""
    parts: list[str] = []
    try:
        _value(item, "\n" + INDENT, parts)
    except _Unusual:  # as json has it, one level in
        text = json.dumps(item, ensure_ascii=False, indent=2)
        return text.replace("\n", "\n" + INDENT)
    return "".join(parts)


class _Unusual(Exception):
    """A value this module leaves to ``json`` (its encoding takes more rules)."""


def _value(value: object, newline: str, parts: list[str]) -> None:
    """Append the text of ``value`` at the depth whose line start is ``newline``."""
    kind = type(value)
    if kind is str:
        parts.append(encode_basestring(value))  # type: ignore[arg-type]
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is list or kind is tuple:
        _list(value, newline, parts)  # type: ignore[arg-type]
    elif kind is dict:
        _dict(value, newline, parts)  # type: ignore[arg-type]
    else:
        raise _Unusual


def _list(items: list[object] | tuple[object, ...], newline: str, parts: list[str]) -> None:
    if not items:
        parts.append("[]")
        return
    inner = newline + INDENT
    add = parts.append
    add("[")
    separator = inner
    for item in items:
        add(separator)
        if type(item) is str:  # most items: no call
            add(encode_basestring(item))
        elif newline == "\n":  # an item of the top list: joined at once (fewer objects held)
            own: list[str] = []
            _value(item, inner, own)
            add("".join(own))
        else:
            _value(item, inner, parts)
        separator = "," + inner
    add(newline)
    add("]")


def _dict(data: dict[object, object], newline: str, parts: list[str]) -> None:
    if not data:
        parts.append("{}")
        return
    inner = newline + INDENT
    add = parts.append
    add("{")
    separator = inner
    for key, value in data.items():
        if type(key) is not str:
            raise _Unusual
        add(separator)
        add(encode_basestring(key))
        add(": ")
        if type(value) is str:
            add(encode_basestring(value))
        else:
            _value(value, inner, parts)
        separator = "," + inner
    add(newline)
    add("}")
