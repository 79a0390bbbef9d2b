"""``document.yaml``: the link sections, TOC depth and paper order of the reading-notes document."""

from __future__ import annotations

from papernotes.model import LinkItem, Outline, Section
from papernotes.storage.notefile import dump_yaml, load_yaml

OUTLINE_FILE = "document.yaml"


def render_outline(outline: Outline) -> str:
    data = {
        "toc_depth": outline.toc_depth,
        "year_level": outline.year_level,
        "sections": [_section_data(s) for s in outline.sections],
        "order": list(outline.order),
    }
    header = "# The parts of the reading-notes document that are not papers (kept by papernotes).\n"
    return header + dump_yaml(data)


def parse_outline(text: str) -> Outline:
    """Read ``document.yaml``; raises ``ValueError`` with a readable message when malformed."""
    return outline_from_data(load_yaml(text))


def outline_from_data(data: object) -> Outline:
    """The outline from ``document.yaml``'s parsed YAML (the library cache keeps that data)."""
    data = data or {}
    if not isinstance(data, dict):
        raise ValueError("document.yaml must be a mapping")
    sections = data.get("sections") or []
    order = data.get("order") or []
    if not isinstance(sections, list) or not isinstance(order, list):
        raise ValueError("document.yaml: 'sections' and 'order' must be lists")
    return Outline(
        sections=tuple(_section(s) for s in sections),
        toc_depth=int(data.get("toc_depth") or 0),
        year_level=int(data.get("year_level") or 3),
        order=tuple(str(p) for p in order),
    )


def _section_data(section: Section) -> dict:
    data: dict[str, object] = {"title": section.title, "level": section.level}
    if section.papers:
        data["papers"] = True
    if section.items:
        data["items"] = [_item_data(i) for i in section.items]
    return data


def _item_data(item: LinkItem) -> dict:
    data: dict[str, object] = {}
    if item.label:
        data["label"] = item.label
    if item.url:
        data["url"] = item.url
    if item.markdown_link:
        data["markdown_link"] = True
    if item.gap_before:
        data["gap_before"] = True
    if not item.bullet:
        data["bullet"] = False
    if item.children:
        data["children"] = [_item_data(c) for c in item.children]
    return data


def _section(data: object) -> Section:
    if not isinstance(data, dict) or "title" not in data:
        raise ValueError("document.yaml: every section needs a title")
    return Section(
        title=str(data["title"]),
        level=int(data.get("level") or 1),
        items=tuple(_item(i) for i in data.get("items") or []),
        papers=bool(data.get("papers")),
    )


def _item(data: object) -> LinkItem:
    if not isinstance(data, dict):
        raise ValueError("document.yaml: every item must be a mapping")
    return LinkItem(
        label=str(data.get("label") or ""),
        url=str(data.get("url") or ""),
        markdown_link=bool(data.get("markdown_link")),
        children=tuple(_item(c) for c in data.get("children") or []),
        gap_before=bool(data.get("gap_before")),
        bullet=data.get("bullet", True) is not False,
    )
