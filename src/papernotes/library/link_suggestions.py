"""``links --suggest``: notes that mention another paper by its short name without linking it
(``模型延续了deberta`` in a note while DeBERTa is in the library). Read only: nothing is written.

A paper's short name is the one word before the colon of its title (``text/short_names.py``);
a name two papers share is no evidence and is skipped. Words inside links, URLs, HTML tags
and code spans are not mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from papernotes.library.paper_links import file_lines, holds_links, links_to
from papernotes.model import Note
from papernotes.text.paper_links import LINK
from papernotes.text.short_names import folded_name, name_words, short_name

if TYPE_CHECKING:
    from papernotes.library.api import Library

_NOT_PROSE = re.compile(r"https?://\S+|www\.\S+|<[^>\n]*>|`[^`\n]*`|" + LINK.pattern)
"""Text whose words are no mention: URLs, HTML tags, code spans and the links themselves."""


@dataclass(frozen=True)
class Suggestion:
    """``word`` at ``line`` of ``source`` (a line reading ``text``) names ``target``."""

    source: Note
    line: int
    text: str
    word: str
    target: Note


def short_names(notes: Iterable[Note]) -> dict[str, Note]:
    """Each short name (folded) that exactly one paper has, with that paper."""
    owners: dict[str, list[Note]] = {}
    for note in notes:
        name = short_name(note.paper.title, note.paper.arxiv_title)
        if name:
            owners.setdefault(folded_name(name), []).append(note)
    return {name: found[0] for name, found in owners.items() if len(found) == 1}


def mentions(text: str, names: dict[str, Note]) -> list[tuple[str, Note]]:
    """The words of ``text`` (outside URLs, tags, code and links) that are a short name."""
    prose = _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
    return [(text[s:e], names[folded]) for s, e, folded in name_words(prose) if folded in names]


def suggestions(library: Library, notes: Iterable[Note] | None = None) -> list[Suggestion]:
    """Every unlinked mention in ``notes`` (default: all) of another paper's short name, one
    per line and paper, skipping papers the note already links to."""
    names = short_names(library.notes())
    found: list[Suggestion] = []
    for note in library.notes() if notes is None else notes:
        texts = [*note.paper.notes, note.paper.body]
        wanted = {m[1].path for text in texts for m in mentions(text, names)} - {note.path}
        if not wanted:
            continue
        if holds_links(note.paper):
            wanted -= {target.path for target in links_to(library, note)}
        seen: set[tuple[int, str]] = set()
        for number, text in file_lines(library, note):
            for word, target in mentions(text, names):
                if target.path in wanted and (number, target.path) not in seen:
                    seen.add((number, target.path))
                    found.append(Suggestion(note, number, text.strip(), word, target))
    return found
