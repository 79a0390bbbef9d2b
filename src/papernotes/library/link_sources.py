"""Where the library's web links are, for ``check --links``: each URL with its place.

A place is ``path:line`` in a note (the ``code`` field, the ``arxiv`` id as its abstract
page, every http(s) URL in the numbered notes and the free text) or the heading of a
``document.yaml`` link section (``# Repo``). ``rewrite_urls`` puts new addresses in their
place (``--fix-redirects``), in the note's fields or the section's items.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from papernotes.model import DocumentLayout, LinkItem, Note, Paper, Section
from papernotes.text.urls import is_browsable

if TYPE_CHECKING:
    from papernotes.library import Library

ARXIV_ABS_URL_ENV = "PAPERNOTES_ARXIV_ABS_URL"
ARXIV_ABS_URL = "https://arxiv.org/abs/"
"""Where an ``arxiv`` id's abstract page is (the environment variable is for tests)."""

# A URL runs to white space, quotes, angle or square brackets, or CJK punctuation.
_URL = re.compile(
    r"""https?://[^\s<>"'`\[\]{}|\\^，。；：！？、（）【】「」《》]+""", re.IGNORECASE
)
_TRAILING = ".,;:!?*_~"


@dataclass(frozen=True)
class LinkPlace:
    """One URL where it is written."""

    where: str
    """``2021/deberta.md:5`` or a section heading, ``# Repo``."""
    url: str
    note_path: str = ""
    """The note holding it; empty for a document section."""
    rewritable: bool = True
    """False for an address papernotes makes (an arXiv id's page): never rewritten."""


def arxiv_abs_url(arxiv_id: str) -> str:
    base = os.environ.get(ARXIV_ABS_URL_ENV) or ARXIV_ABS_URL
    return base.rstrip("/") + "/" + arxiv_id


def url_spans(text: str) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of every http(s) URL in ``text``; trailing punctuation and a
    closing parenthesis without its opening one (``[x](URL)``) are not part of it."""
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start:
            last = text[end - 1]
            unopened = last == ")" and text.count("(", start, end) < text.count(")", start, end)
            if last not in _TRAILING and not unopened:
                break
            end -= 1
        if is_browsable(text[start:end]):
            yield start, end


def find_urls(text: str) -> list[str]:
    return [text[start:end] for start, end in url_spans(text)]


def replace_urls(text: str, new: Callable[[str], str | None]) -> str:
    """``text`` with each URL for which ``new(url)`` gives an address replaced by it."""
    parts, last = [], 0
    for start, end in url_spans(text):
        target = new(text[start:end])
        if target is not None:
            parts += [text[last:start], target]
            last = end
    return "".join(parts) + text[last:] if parts else text


def library_links(library: Library) -> list[LinkPlace]:
    """Every link in the notes (in library order), then in the document's link sections."""
    places: list[LinkPlace] = []
    for note in library.notes():
        places += note_links(library, note)
    places += layout_links(library.layout())
    return places


def note_links(library: Library, note: Note) -> list[LinkPlace]:
    """``note``'s links: the ``code`` field, the arXiv page, then the body's URLs by line."""
    try:
        text = library.store.note_bytes(note.path).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # ``check`` reports an unreadable note itself
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    paper, path = note.paper, note.path
    places = [
        LinkPlace(f"{path}:{_field_line(lines, 'code')}", url, path)
        for url in find_urls(paper.code)
    ]
    if paper.arxiv:
        where = f"{path}:{_field_line(lines, 'arxiv')}"
        places.append(LinkPlace(where, arxiv_abs_url(paper.arxiv), path, rewritable=False))
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), 0)
    for number, line in enumerate(lines[end + 1 :], end + 2):
        places += [LinkPlace(f"{path}:{number}", url, path) for url in find_urls(line)]
    return places


def _field_line(lines: list[str], name: str) -> int:
    for number, line in enumerate(lines[1:], 2):
        if line.rstrip() == "---":
            break
        if not line[:1].isspace() and line.split(":", 1)[0].strip().strip("'\"") == name:
            return number
    return 1


def layout_links(layout: DocumentLayout) -> list[LinkPlace]:
    """The URLs of the document's link sections (item addresses and URLs in labels)."""
    places = []
    for section in layout.sections:
        if section.papers:
            continue
        heading = f"{'#' * section.level} {section.title}"
        for item in _walk(section.items):
            for url in [*find_urls(item.label), *find_urls(item.url)]:
                places.append(LinkPlace(heading, url))
    return places


def _walk(items: tuple[LinkItem, ...]) -> Iterator[LinkItem]:
    for item in items:
        yield item
        yield from _walk(item.children)


def rewritten_paper(paper: Paper, new: Callable[[str], str | None]) -> Paper:
    """``paper`` with its code link, notes and free text rewritten by ``new``."""
    return replace(
        paper,
        code=replace_urls(paper.code, new),
        notes=tuple(replace_urls(n, new) for n in paper.notes),
        body=replace_urls(paper.body, new),
    )


def rewritten_layout(layout: DocumentLayout, new: Callable[[str], str | None]) -> DocumentLayout:
    """``layout`` with the URLs of its link sections rewritten by ``new``."""

    def item(old: LinkItem) -> LinkItem:
        return replace(
            old,
            label=replace_urls(old.label, new),
            url=replace_urls(old.url, new),
            children=tuple(item(c) for c in old.children),
        )

    def section(old: Section) -> Section:
        return old if old.papers else replace(old, items=tuple(item(i) for i in old.items))

    return replace(layout, sections=tuple(section(s) for s in layout.sections))
