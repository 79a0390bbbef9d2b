"""Links between papers in note text: ``[[key]]`` and ``[[key|text]]``.

Pure string work: finding the links in a text, renaming their targets, and turning them into
plain words. ``[[code]](url)``, the seed's code link, is Markdown, not a paper link: a ``[[…]]``
followed by ``(`` is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

LINK = re.compile(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]*))?\]\](?!\()")
"""``[[NAME]]`` or ``[[NAME|TEXT]]`` on one line; NAME holds no ``[ ] |``."""


@dataclass(frozen=True)
class PaperLink:
    """One ``[[…]]`` in a text: the paper it names, its own words (None when it has none),
    and where it stands."""

    name: str
    text: str | None
    start: int
    end: int

    @property
    def source(self) -> str:
        """The link as written back: ``[[name]]`` or ``[[name|text]]``."""
        return link_source(self.name, self.text)


def link_source(name: str, text: str | None = None) -> str:
    return f"[[{name}]]" if text is None else f"[[{name}|{text}]]"


def may_hold_links(text: str) -> bool:
    """A cheap test that spares the regular expression for most texts."""
    return "[[" in text


def find_links(text: str) -> list[PaperLink]:
    """Every paper link in ``text``, in order (the name trimmed of spaces)."""
    if not may_hold_links(text):
        return []
    return [
        PaperLink(m.group(1).strip(), m.group(2), m.start(), m.end())
        for m in LINK.finditer(text)
        if m.group(1).strip()
    ]


def replace_links(text: str, replacement: Callable[[PaperLink], str | None]) -> str:
    """``text`` with each link replaced by ``replacement(link)`` (kept as written on None)."""
    links = find_links(text)
    if not links:
        return text
    parts, at = [], 0
    for link in links:
        new = replacement(link)
        if new is None:
            continue
        parts += [text[at : link.start], new]
        at = link.end
    parts.append(text[at:])
    return "".join(parts)


def renamed_links(text: str, rename: Callable[[str], str | None]) -> str:
    """``text`` with each link's name replaced by ``rename(name)`` (unchanged on None), its
    words kept: ``[[deberta|the model]]`` -> ``[[he2021deberta|the model]]``."""

    def renamed(link: PaperLink) -> str | None:
        new = rename(link.name)
        return None if new is None or new == link.name else link_source(new, link.text)

    return replace_links(text, renamed)


def plain_links(text: str, label: Callable[[str], str | None]) -> str:
    """``text`` with each link as words: its own text, else ``label(name)`` (a title), else
    the name itself."""
    return replace_links(
        text, lambda link: link.text if link.text is not None else (label(link.name) or link.name)
    )
