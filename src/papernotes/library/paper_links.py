"""Links between papers: ``[[key]]`` in a note's lines or free text.

The links are computed from the notes when asked (a scan for ``[[`` is cheap, so there is no
cache): who links to whom (``links``, ``show``, the TUI), links to no paper (``check``), a
key change rewriting every link to the old key, and a name typed in a link (a slug, an arXiv
id) turned into the paper's key when a note is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import chain
from typing import TYPE_CHECKING, TypeVar

from papernotes.model import Note, Paper, Problem
from papernotes.text.paper_links import PaperLink, find_links, may_hold_links, renamed_links
from papernotes.text.short_names import short_name

if TYPE_CHECKING:
    from papernotes.library.api import Library

T = TypeVar("T")


def holds_links(paper: Paper) -> bool:
    return may_hold_links(paper.body) or any(may_hold_links(n) for n in paper.notes)


def with_texts(paper: Paper, change: Callable[[str], str]) -> Paper:
    """``paper`` with ``change`` applied to each note line and to its free text."""
    if not holds_links(paper):
        return paper
    return replace(paper, notes=tuple(change(n) for n in paper.notes), body=change(paper.body))


def resolved_links(paper: Paper, target: Callable[[str], Note | None]) -> Paper:
    """``paper`` with each link naming a paper by its slug or arXiv id (or its key in another
    case) naming it by its key, as saved; a link to no paper stays as typed."""

    def key_for(name: str) -> str | None:
        note = target(name)
        return note.paper.key if note is not None and note.paper.key else None

    return with_texts(paper, lambda text: renamed_links(text, key_for))


def link_target(notes_named: Callable[[str], list[Note]], name: str) -> Note | None:
    """The note ``name`` links to: the one whose key it is, else the one note whose key
    (ignoring case), slug or arXiv id it is; None when it names none, or several."""
    return target_among(notes_named(name), name, _key_of)


def target_among(named: list[T], name: str, key: Callable[[T], str]) -> T | None:
    """``link_target`` among the papers ``named`` (in the library's order), each with its
    key (``key``): the one whose key ``name`` is, else the only one."""
    exact = [n for n in named if key(n) == name]
    if len(exact) == 1:
        return exact[0]
    return named[0] if len(named) == 1 else None


def _key_of(note: Note) -> str:
    return note.paper.key


def label(note: Note) -> str:
    """How a link to ``note`` shows without words of its own: the paper's short name, else
    its title."""
    return short_name(note.paper.title, note.paper.arxiv_title) or note.paper.title


@dataclass(frozen=True)
class LinkUse:
    """One link in a note file: in ``source`` at ``line`` (0 when the file could not be
    read again), a line whose text is ``text``, naming ``target`` (None: no paper)."""

    source: Note
    line: int
    text: str
    link: PaperLink
    target: Note | None


def file_lines(library: Library, note: Note) -> list[tuple[int, str]]:
    """The lines of ``note``'s file after its front matter, numbered as in the file; the
    note's own lines (numbered 0) when the file cannot be read."""
    try:
        data: bytes | None = library.store.note_bytes(note.path)
    except OSError:
        data = None
    return lines_after_front(data, note.paper)


def lines_after_front(data: bytes | None, paper: Paper) -> list[tuple[int, str]]:
    """``file_lines`` of a note file holding ``data`` (None: unread), whose note is
    ``paper``."""
    from papernotes.storage.note_format import front_matter_end

    try:
        lines = data.decode("utf-8").split("\n") if data is not None else []
    except UnicodeDecodeError:
        lines = []
    end = front_matter_end(lines) if lines and lines[0].strip() == "---" else None
    if end is None:
        texts = [*paper.notes, *paper.body.split("\n")]
        return [(0, line) for text in texts for line in text.split("\n")]
    return [(number, line) for number, line in enumerate(lines[end + 1 :], end + 2)]


def uses_in(
    library: Library, note: Note, named: Callable[[str], list[Note]] | None = None
) -> list[LinkUse]:
    """Every link in ``note``, with its file line and target (``named`` as in
    ``linked_from``)."""
    named = named or library.notes_named
    return [
        LinkUse(note, number, text.strip(), link, link_target(named, link.name))
        for number, text in file_lines(library, note)
        for link in find_links(text)
    ]


def linking_notes(notes: Iterable[Note]) -> list[Note]:
    return notes_holding(list(notes), "[[")


def notes_holding(notes: list[Note], text: str) -> list[Note]:
    """The notes whose free text or a note line holds ``text`` (``holds_links`` for
    ``[[``): looked for in a thousand notes' texts joined at a time, each note of a thousand
    that holds it looked at alone (most libraries hold no link and no conflict marker)."""
    found = []
    for start in range(0, len(notes), 1000):
        some = notes[start : start + 1000]
        papers = [n.paper for n in some]
        bodies = "\0".join([p.body for p in papers])  # (text holds no NUL: never found
        lines = "\0".join(chain.from_iterable([p.notes for p in papers]))  # across two)
        if text in bodies or text in lines:
            found += [
                n for n in some if text in n.paper.body or any(text in t for t in n.paper.notes)
            ]
    return found


def outgoing(library: Library, note: Note) -> list[LinkUse]:
    return uses_in(library, note)


def incoming(library: Library, note: Note) -> list[LinkUse]:
    """Every link in another note (or this one) that names ``note``."""
    named = library.notes_named
    found: list[LinkUse] = []
    for other in linking_notes(library.notes()):
        if any(_names(named, link.name, note) for link in _links_of(other.paper)):
            found += [use for use in uses_in(library, other) if _is(use.target, note)]
    return found


def linked_from(
    library: Library,
    note: Note,
    linking: Iterable[Note] | None = None,
    named: Callable[[str], list[Note]] | None = None,
) -> list[Note]:
    """The notes that link to ``note`` (no file is read again), in the library's order;
    ``linking``: the notes holding links, when the caller has them already; ``named``: what
    resolves a name (``library.notes_named`` unless given: the TUI's rows give one)."""
    named = named or library.notes_named
    return [
        other
        for other in (linking_notes(library.notes()) if linking is None else linking)
        if other.path != note.path
        and any(_names(named, link.name, note) for link in _links_of(other.paper))
    ]


def links_to(
    library: Library, note: Note, named: Callable[[str], list[Note]] | None = None
) -> list[Note]:
    """The papers ``note`` links to, each once, in the order the links come (``named`` as
    in ``linked_from``)."""
    named = named or library.notes_named
    return linked(note.paper, note.path, lambda name: link_target(named, name), _path_of)


def linked(
    paper: Paper, own: str, target: Callable[[str], T | None], path: Callable[[T], str]
) -> list[T]:
    """The papers ``paper`` (of the note at ``own``) links to, as ``target`` names them,
    each once (by ``path``), in the order the links come; none for the note itself."""
    targets: dict[str, T] = {}
    for link in _links_of(paper):
        found = target(link.name)
        if found is not None and path(found) != own:
            targets.setdefault(path(found), found)
    return list(targets.values())


def _path_of(note: Note) -> str:
    return note.path


def dangling(library: Library) -> list[Problem]:
    """A problem at ``path:line`` for each link that names no paper (or several)."""
    problems = []
    for note in linking_notes(library.notes()):
        for use in uses_in(library, note):
            if use.target is None:
                several = len(library.notes_named(use.link.name)) > 1
                why = "names several papers" if several else "names no paper"
                problems.append(Problem(note.path, use.line, f"link {use.link.source} {why}"))
    return problems


def relink(library: Library, old: str, new: str) -> list[Note]:
    """Rewrite every ``[[old]]`` (and ``[[old|text]]``, ``old`` in any case) as ``[[new…]]``;
    called under ``writing()`` by the key change, so the key and the links land in one batch."""
    folded = old.casefold()  # a link names a key in any case

    def renamed(name: str) -> str | None:
        return new if name.casefold() == folded else None

    changed = []
    for note in linking_notes(list(library.notes())):
        if not any(renamed(link.name) for link in _links_of(note.paper)):
            continue
        fresh = library.current(note)
        paper = with_texts(fresh.paper, lambda text: renamed_links(text, renamed))
        if paper != fresh.paper:
            changed.append(library.save(fresh, paper))
    return changed


def link_names_of(paper: Paper) -> list[str]:
    """The name of each link in ``paper``'s note lines and free text."""
    return [link.name for link in _links_of(paper)]


def _links_of(paper: Paper) -> list[PaperLink]:
    return [link for text in (*paper.notes, paper.body) for link in find_links(text)]


def _names(named: Callable[[str], list[Note]], name: str, note: Note) -> bool:
    return _is(link_target(named, name), note)


def _is(target: Note | None, note: Note) -> bool:
    return target is not None and target.path == note.path
