"""Three-way merges for ``papernotes sync`` (run by git as merge drivers): a note by its
front-matter fields, numbered notes and free text; ``document.yaml`` by paper order and
sections. What changed on one side only is taken; additions on both sides are both kept; a
value changed differently on both sides is a conflict, written between git's markers."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, fields, replace
from typing import TypeVar

from papernotes.library.document_merge import section_paths
from papernotes.model import DocumentLayout, Paper, Section
from papernotes.storage.document_file import LayoutFormatError, parse_layout, render_layout
from papernotes.storage.note_format import NoteFormatError, parse_note, render_note

T = TypeVar("T", bound=Hashable)
V = TypeVar("V")
OURS, THEIRS = "<<<<<<< this machine", ">>>>>>> the remote"
MARKERS = ("<<<<<<< ", "=======", ">>>>>>> ", "||||||| ")


@dataclass(frozen=True)
class Merged:
    """A merged file's text and what conflicted in it (field names; empty when clean)."""

    text: str
    conflicts: tuple[str, ...] = ()


def merge_value(base: V, ours: V, theirs: V) -> tuple[V, bool]:
    """The merged value and whether both sides changed it differently (then ours)."""
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    return ours, True


def merge_list(base: Sequence[T], ours: Sequence[T], theirs: Sequence[T]) -> list[T]:
    """Ours without what theirs removed, with what theirs added placed after the item it
    follows there (after this side's own additions at that place): both sides' additions
    are kept, each once."""
    gone = set(base) - set(theirs)
    result = [item for item in ours if item not in gone]
    present = set(result)
    known = set(base) | set(theirs)  # what is not in it was added on this side
    for number, item in enumerate(theirs):
        if item in present or item in base:
            continue
        after = theirs[number - 1] if number else None  # first there: first here
        place = result.index(after) + 1 if after in present else len(result) if number else 0
        while place < len(result) and result[place] not in known:
            place += 1  # this side's own additions there come first
        result.insert(place, item)
        present.add(item)
    return result


_SCALARS = [f.name for f in fields(Paper) if f.name not in ("notes", "body", "extra", "tags")]


def merge_papers(
    base: Paper, ours: Paper, theirs: Paper, merge_text: Callable[[str, str, str], str | None]
) -> tuple[Paper, Paper, list[str], str | None]:
    """(merged with our values where both changed, the same with theirs, the conflicting
    fields, the body with conflict markers when the free text conflicted). ``merge_text``
    merges the free text line by line (git merge-file): None when it conflicts."""
    mine: dict[str, object] = {}
    other: dict[str, object] = {}
    conflicts: list[str] = []
    for name in _SCALARS:
        value, clash = merge_value(getattr(base, name), getattr(ours, name), getattr(theirs, name))
        mine[name] = value
        other[name] = getattr(theirs, name) if clash else value
        if clash:
            conflicts.append(name)
    for name in ("tags", "notes"):
        value = tuple(merge_list(getattr(base, name), getattr(ours, name), getattr(theirs, name)))
        mine[name] = other[name] = value
    extra = _merge_extra(base.extra, ours.extra, theirs.extra, conflicts)
    mine["extra"], other["extra"] = extra
    body, clash = merge_value(base.body, ours.body, theirs.body)
    marked = None
    if clash:
        merged_body = merge_text(base.body, ours.body, theirs.body)
        if merged_body is None:
            conflicts.append("notes text")
            marked = _marked(ours.body.splitlines(True), theirs.body.splitlines(True))
        else:
            body = merged_body
    mine["body"] = other["body"] = body
    return replace(ours, **mine), replace(ours, **other), conflicts, marked  # type: ignore[arg-type]


def _merge_extra(
    base: tuple[tuple[str, object], ...],
    ours: tuple[tuple[str, object], ...],
    theirs: tuple[tuple[str, object], ...],
    conflicts: list[str],
) -> tuple[tuple[tuple[str, object], ...], tuple[tuple[str, object], ...]]:
    old, mine, other = dict(base), dict(ours), dict(theirs)
    keys = merge_list(list(old), list(mine), list(other))
    keys += [k for k in mine if k not in keys and k not in old]  # removed there, changed here
    missing = object()
    ours_choice: list[tuple[str, object]] = []
    theirs_choice: list[tuple[str, object]] = []
    for key in keys:
        sides = (old.get(key, missing), mine.get(key, missing), other.get(key, missing))
        value, clash = merge_value(*sides)
        if clash:
            conflicts.append(key)
        for chosen, out in ((value, ours_choice), (sides[2] if clash else value, theirs_choice)):
            if chosen is not missing:
                out.append((key, chosen))
    return tuple(ours_choice), tuple(theirs_choice)


def _marked(ours: list[str], theirs: list[str]) -> str:
    """``ours`` and ``theirs`` with every differing run of lines between conflict markers."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += ours[i1:i2]
            continue
        out += [
            OURS + "\n",
            *_ended(ours[i1:i2]),
            "=======\n",
            *_ended(theirs[j1:j2]),
            THEIRS + "\n",
        ]
    return "".join(out)


def _ended(lines: list[str]) -> list[str]:
    return [line if line.endswith("\n") else line + "\n" for line in lines]


def merge_note(
    base: str, ours: str, theirs: str, merge_text: Callable[[str, str, str], str | None]
) -> Merged | None:
    """The three versions of a note merged field by field; None when one of them does not
    read as a note (then git's line merge applies)."""
    try:
        papers = [parse_note(text) if text.strip() else None for text in (base, ours, theirs)]
    except NoteFormatError:
        return None
    old, mine, other = papers
    if mine is None or other is None:
        return None
    if old is None:  # added on both sides: compared against an empty paper of the same title
        old = Paper(title="", year=0, status="")
    ours_choice, theirs_choice, conflicts, marked_body = merge_papers(old, mine, other, merge_text)
    text = render_note(ours_choice)
    if not conflicts:
        return Merged(text)
    other_text = render_note(theirs_choice)
    merged = _marked(text.splitlines(True), other_text.splitlines(True))
    if marked_body is not None:
        merged = merged.replace(ours_choice.body.strip("\n") + "\n", marked_body, 1)
    return Merged(merged, tuple(conflicts))


def merge_document(base: str, ours: str, theirs: str) -> Merged | None:
    """The three versions of ``document.yaml`` merged: the paper order as lists (both
    sides' additions kept), sections by their heading path, TOC depth and year level as
    values. None when one does not read (then git's line merge applies)."""
    try:
        old, mine, other = (
            parse_layout(text) if text.strip() else DocumentLayout()
            for text in (base, ours, theirs)
        )
    except LayoutFormatError:
        return None
    conflicts: list[str] = []
    order = tuple(merge_list(old.order, mine.order, other.order))
    toc, clash_toc = merge_value(old.toc_depth, mine.toc_depth, other.toc_depth)
    year_level, clash_level = merge_value(old.year_level, mine.year_level, other.year_level)
    sections_a, sections_b, clashed = _merge_sections(old.sections, mine.sections, other.sections)
    conflicts += ["toc_depth"] * clash_toc + ["year_level"] * clash_level + clashed
    ours_choice = DocumentLayout(sections_a, toc, order, year_level)
    text = render_layout(ours_choice)
    if not conflicts:
        return Merged(text)
    theirs_choice = DocumentLayout(
        sections_b,
        other.toc_depth if clash_toc else toc,
        order,
        other.year_level if clash_level else year_level,
    )
    marked = _marked(text.splitlines(True), render_layout(theirs_choice).splitlines(True))
    return Merged(marked, tuple(conflicts))


_Key = tuple[tuple[tuple[int, str], ...], int]


def _keyed(sections: Sequence[Section]) -> dict[_Key, Section]:
    """Sections by (heading path, occurrence): the nth section of a path for the nth."""
    seen: dict[tuple[tuple[int, str], ...], int] = {}
    keyed: dict[_Key, Section] = {}
    for section, path in zip(sections, section_paths(sections), strict=True):
        count = seen.get(path, 0)
        seen[path] = count + 1
        keyed[(path, count)] = section
    return keyed


def _merge_sections(
    base: Sequence[Section], ours: Sequence[Section], theirs: Sequence[Section]
) -> tuple[tuple[Section, ...], tuple[Section, ...], list[str]]:
    old, mine, other = _keyed(base), _keyed(ours), _keyed(theirs)
    keys = merge_list(list(old), list(mine), list(other))
    chosen_a: list[Section] = []
    chosen_b: list[Section] = []
    clashed: list[str] = []
    for key in keys:
        a, b, o = mine.get(key), other.get(key), old.get(key)
        if key in old and (key not in mine or key not in other):  # removed on a side
            kept = a if key in mine else b
            if kept is not None and kept != o:  # removed there, changed here: keep it
                chosen_a.append(kept)
                chosen_b.append(kept)
            continue
        value, clash = merge_value(o, a, b)
        if clash:
            name = " / ".join(
                "the papers section" if title == "\0papers" else f"{'#' * level} {title}"
                for level, title in key[0]
            )
            clashed.append(f"section {name}")
        if value is not None:
            chosen_a.append(value)
        other_value = b if clash else value
        if other_value is not None:
            chosen_b.append(other_value)
    return tuple(chosen_a), tuple(chosen_b), clashed


def merge_for_driver(kind: str, base: str, ours: str, theirs: str) -> Merged:
    """What git's merge driver writes for a note (``kind`` "note") or ``document.yaml``
    ("document"): papernotes' merge, else (a file that does not read) git's line merge."""
    from papernotes.history.git import merge_text

    def by_lines(a: str, b: str, c: str) -> str | None:
        text, clean = merge_text(a, b, c)
        return text if clean else None

    merged = (
        merge_note(base, ours, theirs, by_lines)
        if kind == "note"
        else merge_document(base, ours, theirs)
    )
    if merged is not None:
        return merged
    text, clean = merge_text(base, ours, theirs)
    return Merged(text, () if clean else ("lines",))


def merge_file_for_driver(kind: str, base: bytes, ours: bytes, theirs: bytes) -> Merged | None:
    """``merge_for_driver`` of three files' bytes; None when one is not UTF-8: such a file is
    never decoded (a replaced byte would change the note), ``merge_undecodable`` takes it."""
    try:
        texts = [data.decode("utf-8") for data in (base, ours, theirs)]
    except UnicodeDecodeError:
        return None
    return merge_for_driver(kind, *texts)


def merge_undecodable(base: bytes, ours: bytes, theirs: bytes) -> tuple[bytes, bool]:
    """Three versions of a file that is not UTF-8 merged line by line as bytes, as git merges
    text (no byte changed; conflicts between this machine's and the remote's markers), and
    whether that was clean."""
    from papernotes.history.git import merge_bytes

    labels = (OURS.removeprefix("<<<<<<< "), "base", THEIRS.removeprefix(">>>>>>> "))
    return merge_bytes(base, ours, theirs, labels)


def unmergeable_by_lines(*versions: bytes) -> bool:
    """Whether git cannot merge ``versions`` line by line (one holds a NUL byte, which git
    takes for binary): the merge is then this machine's version, unchanged."""
    from papernotes.history.git import binary_to_git

    return any(map(binary_to_git, versions))


def conflict_lines(text: str) -> list[int]:
    """The 1-based lines of ``text`` that are git conflict markers."""
    return [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if line.startswith(MARKERS)
        and (line.rstrip() == "=======" or line[:7] in ("<<<<<<<", ">>>>>>>", "|||||||"))
    ]
