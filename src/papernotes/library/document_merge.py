"""Merging an imported document's sections into the library's ``document.yaml``, by section.

An imported section replaces the library's section with the same title at the same level
under the same parent headings (its path: ``# B / ## Repo`` is not ``# A / ## Repo``; the
nth one for the nth, when paths repeat), in its place; sections the document does not
have are kept where they are; new sections are appended (a new subsection at the end of
its parent section, the text before the first heading at the start). The papers section is
matched by its role, not its title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from papernotes.model import DocumentLayout, Section


@dataclass
class LayoutMerge:
    layout: DocumentLayout
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


def section_name(section: Section) -> str:
    if not section.level:
        return "(the text before the first heading)"
    return f"{'#' * section.level} {section.title}"


_Path = tuple[tuple[int, str], ...]


def section_paths(sections: Iterable[Section]) -> list[_Path]:
    """Each section's path: the ``(level, title)`` of the headings it lies under, then its
    own; the papers section is named by its role (its title may differ between documents)."""
    paths: list[_Path] = []
    stack: list[tuple[int, str]] = []
    for section in sections:
        own = (section.level, "\0papers" if section.papers else section.title)
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        paths.append((*stack, own))
        if section.level:
            stack.append(own)
    return paths


def path_name(section: Section, path: _Path) -> str:
    """``# B / ## Repo``: a section named with the headings above it, as the report says."""
    above = [f"{'#' * level} {title}" for level, title in path[:-1] if not title.startswith("\0")]
    return " / ".join([*above, section_name(section)])


def merge_layout(
    current: DocumentLayout,
    imported: DocumentLayout,
    *,
    papers_heading: bool = True,
    order: Iterable[str] = (),
) -> LayoutMerge:
    """``current`` with ``imported``'s sections merged in. Applies when a Markdown document
    is imported into a library: its sections and paper order (each paper is ``merge_paper``'s).

    ``order`` (the note paths the document listed) goes first in the paper order, then the
    rest of ``current``'s. ``papers_heading`` is False when the document had year headings
    but no heading above them: its papers section is then only a placeholder.
    """
    order = list(order)
    listed = set(order)
    slots = _Slots(current.sections)
    for section, path in zip(imported.sections, section_paths(imported.sections), strict=True):
        if section.papers and not papers_heading:
            slots.keep_papers_section()
        else:
            slots.merge(section, path)
    has_papers = any(section.papers for section in imported.sections)
    layout = DocumentLayout(
        sections=slots.sections(),
        toc_depth=imported.toc_depth or current.toc_depth,
        order=tuple(order + [p for p in current.order if p not in listed]),
        year_level=imported.year_level if has_papers else current.year_level,
        publish=current.publish,
    )
    return LayoutMerge(layout, slots.added, slots.replaced)


@dataclass
class _Slot:
    """A place in the merged layout: its section, and whether an imported one went there."""

    section: Section
    path: _Path
    matched: bool = False


class _Slots:
    """The library's sections in order, each marked once an imported section has taken its
    place, and the slot each imported section went to, in document order (``placed``)."""

    def __init__(self, sections: Iterable[Section]) -> None:
        sections = list(sections)
        self.slots = [_Slot(s, p) for s, p in zip(sections, section_paths(sections), strict=True)]
        self.placed: list[_Slot] = []
        self.added: list[str] = []
        self.replaced: list[str] = []

    def sections(self) -> tuple[Section, ...]:
        return tuple(s.section for s in self.slots)

    def keep_papers_section(self) -> None:
        """The document's papers section is a placeholder: the library's stays as it is."""
        slot = next((s for s in self.slots if s.section.papers), None)
        if slot is not None:
            slot.matched = True
            self.placed.append(slot)

    def merge(self, section: Section, path: _Path) -> None:
        """``section`` replaces the first unmatched one at its path, else is added. A
        subsection the document puts under no heading replaces the first of its level and
        title, whatever its parent (the report names that parent)."""
        slot = next((s for s in self.slots if not s.matched and s.path == path), None)
        if slot is None and len(path) == 1 and section.level > 1:
            slot = next((s for s in self.slots if not s.matched and s.path[-1] == path[0]), None)
        if slot is None:
            slot = _Slot(section, path, matched=True)
            self.slots.insert(self._new_place(section), slot)
            self.added.append(path_name(section, path))
        else:
            if slot.section != section:
                self.replaced.append(path_name(section, slot.path))
                slot.section = section
            slot.matched = True
        self.placed.append(slot)

    def _new_place(self, section: Section) -> int:
        """Where a new section goes: after its parent's subsections, else at the end."""
        if section.level == 0:
            return 0
        parent = next((s for s in reversed(self.placed) if s.section.level < section.level), None)
        if parent is None or parent.section.level == 0:
            return len(self.slots)
        index = next(i for i, s in enumerate(self.slots) if s is parent) + 1
        while index < len(self.slots) and self.slots[index].section.level > parent.section.level:
            index += 1
        return index
