"""``document.yaml``: the ``DocumentLayout`` (sections, TOC depth, paper order) of the library's
Markdown document, read and written."""

from __future__ import annotations

from collections.abc import Callable

from papernotes.model import (
    SHOWN_FIELDS,
    TITLE_LINKS,
    DocumentLayout,
    LinkItem,
    PublishProfile,
    Section,
)
from papernotes.storage.note_format import dump_yaml

LAYOUT_FILE = "document.yaml"
Where = Callable[..., int]
"""``where(container, key=None)``: the line of ``container[key]`` (or of ``container``)."""


def render_layout(layout: DocumentLayout) -> str:
    data: dict[str, object] = {"toc_depth": layout.toc_depth, "year_level": layout.year_level}
    if layout.publish != PublishProfile():  # no mapping: the document as before
        data["publish"] = publish_data(layout.publish)
    data["sections"] = [_section_data(s) for s in layout.sections]
    data["order"] = list(layout.order)
    header = "# The parts of the reading-notes document that are not papers (kept by papernotes).\n"
    return header + dump_yaml(data)


class LayoutFormatError(ValueError):
    """A ``document.yaml`` that cannot be used; ``line`` is 1-based within the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_layout(text: str) -> DocumentLayout:
    """Read ``document.yaml``; raises ``LayoutFormatError`` with the offending line."""
    import yaml  # on use: not every command reads the document

    from papernotes.storage.safe_yaml import load_located

    try:
        data, where = load_located(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise LayoutFormatError(mark.line + 1 if mark else 1, f"invalid YAML: {problem}") from None
    return layout_from_data(data, where.line)


def _nowhere(container: object, key: object = None) -> int:
    return 1


def layout_from_data(data: object, where: Where = _nowhere) -> DocumentLayout:
    """The layout from ``document.yaml``'s parsed YAML (the library cache keeps that data);
    ``where(container, key)`` gives the line of a value for ``LayoutFormatError``."""
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise LayoutFormatError(1, "document.yaml must be a mapping of fields")
    sections = _list(data, "sections", where)
    order = _list(data, "order", where)
    if any(issubclass(kind, list | dict) for kind in set(map(type, order))):  # 100,000 paths
        for index, path in enumerate(order):  # the first one named
            if isinstance(path, list | dict):
                raise LayoutFormatError(where(order, index), "every 'order' entry must be a path")
    return DocumentLayout(
        sections=tuple(_section(sections, i, where) for i in range(len(sections))),
        toc_depth=_whole(data, "toc_depth", 0, 0, 999_999_999, where),
        year_level=_whole(data, "year_level", 3, 1, 6, where),
        order=tuple(map(str, order)),
        publish=_publish(data, where),
    )


PUBLISH_OPTIONS = ("title_link", "anchors", "show", "exclude_tags", "stats")


def publish_data(profile: PublishProfile) -> dict[str, object]:
    """The ``publish:`` mapping of ``document.yaml`` (also what ``publish config`` prints)."""
    return {
        "title_link": profile.title_link,
        "anchors": profile.anchors,
        "show": list(profile.show),
        "exclude_tags": list(profile.exclude_tags),
        "stats": profile.stats,
    }


def _publish(data: dict[object, object], where: Where) -> PublishProfile:
    """The ``publish:`` mapping as a ``PublishProfile``; a bad value names its line."""
    value = data.get("publish")
    if value is None:
        return PublishProfile()
    if not isinstance(value, dict):
        raise LayoutFormatError(
            where(data, "publish"), f"'publish' must be a mapping of {', '.join(PUBLISH_OPTIONS)}"
        )
    for name in value:
        if name not in PUBLISH_OPTIONS:
            raise LayoutFormatError(
                where(value, name),
                f"unknown publish option {name!r}; the options are {', '.join(PUBLISH_OPTIONS)}",
            )
    title_link = value.get("title_link") or "none"
    if title_link not in TITLE_LINKS:
        raise LayoutFormatError(
            where(value, "title_link"),
            f"'title_link' must be none, arxiv or code, not {str(title_link)!r}",
        )
    show = _texts(value, "show", where)
    for index, name in enumerate(show):
        if name not in SHOWN_FIELDS:
            raise LayoutFormatError(
                where(value["show"], index),
                f"'show' takes {', '.join(SHOWN_FIELDS)}, not {name!r}",
            )
    return PublishProfile(
        title_link=str(title_link),
        anchors=_flag(value, "anchors", where),
        show=tuple(dict.fromkeys(show)),
        exclude_tags=tuple(dict.fromkeys(t for t in _texts(value, "exclude_tags", where) if t)),
        stats=_flag(value, "stats", where),
    )


def _flag(data: dict[object, object], name: str, where: Where) -> bool:
    value = data.get(name)
    if value is not None and not isinstance(value, bool):
        raise LayoutFormatError(where(data, name), f"{name!r} must be true or false")
    return bool(value)


def _texts(data: dict[object, object], name: str, where: Where) -> list[str]:
    """A list of one-line texts (a missing or empty value: none)."""
    values = _list(data, name, where)
    for index, item in enumerate(values):
        if item is None or isinstance(item, list | dict):
            raise LayoutFormatError(where(values, index), f"every {name!r} entry must be text")
    return [" ".join(str(item).split()) for item in values]


def _list(data: dict[object, object], name: str, where: Where) -> list[object]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise LayoutFormatError(where(data, name), f"{name!r} must be a list")
    return value


def _whole(
    data: dict[object, object], name: str, default: int, low: int, high: int, where: Where
) -> int:
    """``data[name]`` as a whole number from ``low`` to ``high`` (missing, 0 or empty: the
    default, as before)."""
    value = data.get(name) or default
    text = str(value).strip() if isinstance(value, int | str) else ""
    digits = text.isascii() and text.isdigit() and len(text) < 10
    if isinstance(value, bool) or not digits or not low <= int(text) <= high:
        raise LayoutFormatError(
            where(data, name), f"{name!r} must be a whole number from {low} to {high}"
        )
    return int(text)


def _section_data(section: Section) -> dict[str, object]:
    data: dict[str, object] = {"title": section.title, "level": section.level}
    if section.papers:
        data["papers"] = True
    if section.items:
        data["items"] = [_item_data(i) for i in section.items]
    return data


def _item_data(item: LinkItem) -> dict[str, object]:
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


def _section(sections: list[object], index: int, where: Where) -> Section:
    data = sections[index]
    if not isinstance(data, dict) or "title" not in data:
        raise LayoutFormatError(where(sections, index), "every section needs a title")
    return Section(
        title=_text(data, "title", where),
        level=_whole(data, "level", 1, 1, 6, where),
        items=_items(_list(data, "items", where), where),
        papers=bool(data.get("papers")),
    )


def _items(items: list[object], where: Where) -> tuple[LinkItem, ...]:
    return tuple(_item(items, i, where) for i in range(len(items)))


def _item(items: list[object], index: int, where: Where) -> LinkItem:
    data = items[index]
    if not isinstance(data, dict):
        raise LayoutFormatError(where(items, index), "every item must be a mapping of fields")
    return LinkItem(
        label=_text(data, "label", where),
        url=_text(data, "url", where),
        markdown_link=bool(data.get("markdown_link")),
        children=_items(_list(data, "children", where), where),
        gap_before=bool(data.get("gap_before")),
        bullet=data.get("bullet", True) is not False,
    )


def _text(data: dict[object, object], name: str, where: Where) -> str:
    value = data.get(name)
    if isinstance(value, list | dict):
        raise LayoutFormatError(where(data, name), f"{name!r} must be text")
    return str(value or "")
