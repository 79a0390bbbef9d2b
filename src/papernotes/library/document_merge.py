"""Merging an imported document's sections into the library's ``document.yaml``, by section.

An imported section replaces the library's section with the same title at the same level
(the nth one for the nth, when titles repeat), in its place; sections the document does not
have are kept where they are; new sections are appended (a new subsection at the end of
its parent section, the text before the first heading at the start). The papers section is
matched by its role, not its title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from papernotes.model import DocumentLayout, Section

_Slot = list[Any]
"""``[section, matched]``: a ``Section`` and whether an imported one went there (updated in
place as the merge goes)."""


@dataclass
class LayoutMerge:
    layout: DocumentLayout
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


def section_name(section: Section) -> str:
    if not section.level:
        return "(the text before the first heading)"
    return f"{'#' * section.level} {section.title}"


def merge_layout(
    current: DocumentLayout,
    imported: DocumentLayout,
    *,
    papers_heading: bool = True,
    order: Iterable[str] = (),
) -> LayoutMerge:
    """``current`` with ``imported``'s sections merged in.

    ``order`` (the note paths the document listed) goes first in the paper order, then the
    rest of ``current``'s. ``papers_heading`` is False when the document had year headings
    but no heading above them: its papers section is then only a placeholder.
    """
    order = list(order)
    listed = set(order)
    slots: list[_Slot] = [[s, False] for s in current.sections]  # [section, matched]
    placed: list[_Slot] = []  # the slot each imported section went to, in document order
    result = LayoutMerge(current)
    has_papers = False
    for section in imported.sections:
        if section.papers:
            has_papers = True
        if section.papers and not papers_heading:
            slot = next((s for s in slots if s[0].papers), None)
            if slot is not None:
                slot[1] = True
                placed.append(slot)
            continue
        slot = next(
            (
                s
                for s in slots
                if not s[1]
                and s[0].papers == section.papers
                and (section.papers or (s[0].level, s[0].title) == (section.level, section.title))
            ),
            None,
        )
        if slot is not None:
            if slot[0] != section:
                result.replaced.append(section_name(section))
                slot[0] = section
            slot[1] = True
        else:
            slot = [section, True]
            slots.insert(_new_place(slots, placed, section), slot)
            result.added.append(section_name(section))
        placed.append(slot)
    result.layout = DocumentLayout(
        sections=tuple(s[0] for s in slots),
        toc_depth=imported.toc_depth or current.toc_depth,
        order=tuple(order + [p for p in current.order if p not in listed]),
        year_level=imported.year_level if has_papers else current.year_level,
    )
    return result


def _new_place(slots: list[_Slot], placed: list[_Slot], section: Section) -> int:
    """Where a new section goes: after its parent's subsections, else at the end."""
    if section.level == 0:
        return 0
    parent = next((s for s in reversed(placed) if s[0].level < section.level), None)
    if parent is None or parent[0].level == 0:
        return len(slots)
    index = next(i for i, s in enumerate(slots) if s is parent) + 1
    while index < len(slots) and slots[index][0].level > parent[0].level:
        index += 1
    return index
