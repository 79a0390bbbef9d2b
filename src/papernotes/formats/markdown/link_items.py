"""The link sections of a reading-notes document: list items nested by indentation, each a
label and a URL (a Markdown link or ``text URL``)."""

from __future__ import annotations

import re
from typing import TypedDict

from papernotes.errors import InvalidInputError
from papernotes.model import LinkItem

BULLET = re.compile(r"^(\s*)[-*+]\s?(.*)$")
"""A bullet list item: its indent and its text."""
_MD_LINK = re.compile(r"^\[(.+)\]\((\S+)\)$")
_TEXT_URL = re.compile(r"^(?:(.*?)\s+)?(https?://\S+)$")
MAX_NESTING = 32


def parse_link_item(text: str) -> tuple[str, str, bool]:
    """``(label, url, markdown_link)`` for an item's text."""
    text = text.strip()
    match = _MD_LINK.match(text)
    if match and "](" not in match.group(1):
        return match.group(1), match.group(2), True
    match = _TEXT_URL.match(text)
    if match:
        return (match.group(1) or "").strip(), match.group(2), False
    return text, "", False


class _ItemNode(TypedDict):
    """A list item while its nesting is worked out (``_item`` makes it a ``LinkItem``)."""

    text: str
    bullet: bool
    gap: bool
    kids: list[_ItemNode]


def parse_items(lines: list[tuple[int, str]], source: str = "<document>") -> list[LinkItem]:
    """Nested list items by indentation; plain lines become non-bullet items."""
    root: list[_ItemNode] = []
    stack: list[tuple[int, list[_ItemNode]]] = [(-1, root)]
    gap = False
    for number, raw in lines:
        if not raw.strip():
            gap = True
            continue
        indent = len(raw) - len(raw.lstrip(" \t"))
        bullet = BULLET.match(raw)
        text = bullet.group(2) if bullet else raw.strip()
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()
        if len(stack) > MAX_NESTING:  # deeper lists would overflow the recursive writers
            raise InvalidInputError(
                f"{source}:{number}: a list nested more than {MAX_NESTING} levels deep "
                "cannot be imported; nothing was imported."
            )
        siblings = stack[-1][1]
        node: _ItemNode = {
            "text": text.strip(),
            "bullet": bool(bullet),
            "gap": gap and bool(siblings),
            "kids": [],
        }
        siblings.append(node)
        stack.append((indent, node["kids"]))
        gap = False
    return [_item(node) for node in root]


def _item(node: _ItemNode) -> LinkItem:
    label, url, markdown_link = parse_link_item(node["text"])
    return LinkItem(
        label=label,
        url=url,
        markdown_link=markdown_link,
        children=tuple(_item(k) for k in node["kids"]),
        gap_before=node["gap"],
        bullet=node["bullet"],
    )
