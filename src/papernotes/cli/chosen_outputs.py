"""``--json`` and ``--format`` outputs of chosen papers (``list`` with a filter or an order,
``queue --json``) from the kept rows and each note's ``list --json`` text kept per year
folder (``library/note_texts.py``): after an edit only the changed notes are read and
rendered, none is built. Where nothing is kept yet, the full path loads the notes and keeps
every folder's text as ``list --json`` does (``block_outputs.full_json``), so the next
output after an edit reads only what changed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from papernotes.cli.block_outputs import (
    JOINER,
    VARIANT,
    json_setup,
    note_json,
    write_json_array,
    write_pieces,
)
from papernotes.cli.json_text import indented_json_item
from papernotes.cli.output import escape_c1, hit_dict, note_dict, write_json_list
from papernotes.library.list_rows import (
    ADDED,
    ARXIV,
    KEY,
    NAME,
    PATH,
    RAW_TITLE,
    STATUS,
    TAGS,
    VENUE,
    YEAR,
    Row,
)

if TYPE_CHECKING:
    from papernotes.cli.output import LineTemplate
    from papernotes.library import Library
    from papernotes.library.chosen_blocks import Pick
    from papernotes.library.search import Hit
    from papernotes.model import Problem

ITEM_END = b"\n  }"
"""How a note's ``list --json`` item ends (an object one level in)."""
KEEP = "keep"
"""What ``chosen_json`` gives when no text is kept yet."""
Choose = Callable[["list[Row]"], "list[Row]"]
"""The rows an output prints, in its order, of every note's row in the library's order."""


def chosen_output(  # noqa: PLR0913 - the output and how its papers are chosen
    library: Library,
    choose: Choose,
    as_json: bool,
    template: LineTemplate | None,
    every_json: bool = False,
    pick: Pick | None = None,
) -> tuple[bool, str | None, bool]:
    """``list --json`` (``chosen_json``, or of ``every_json`` paper ``every_json_text``:
    written here, the problems warned) or ``--format`` (``chosen_lines``, given) of the
    papers ``choose`` picks, from the kept rows and texts: whether it is done, the text
    (None: written and too long to keep), and, when not done, whether the full path is to
    keep every note's text (none kept yet)."""
    from papernotes.cli.library_access import warn

    if every_json:  # the texts kept per year folder whole: only changes are read
        from papernotes.cli.block_outputs import every_json_text

        return True, every_json_text(library, warn), False
    if as_json:
        written, text = chosen_json(library, choose, warn, pick)
        return written, text if written else None, text == KEEP
    if template is not None:
        text, keep = chosen_lines(library, choose, template.fields, template.filled)
        return text is not None, text, keep
    return False, None, False


def chosen_json(
    library: Library,
    choose: Choose,
    warn: Callable[[list[Problem]], None],
    pick: Pick | None = None,
) -> tuple[bool, str | None]:
    """Write the JSON list of the papers ``choose`` picks (``pick``: the same, folder by
    folder: ``library/chosen_blocks.py``) from the kept texts, the problems ``warn``-ed
    first: True and the text when short enough to keep whole, True and None when longer.
    Else nothing is written (the full path: ``full_chosen_json``): False and ``KEEP`` when
    no text is kept yet, False and None when kept texts cannot serve."""
    from papernotes.library.note_texts import chosen_texts

    got = chosen_texts(library, choose, VARIANT, json_setup, JOINER, pick)
    if isinstance(got, bool):
        return False, None if got else KEEP
    problems, _, texts = got
    warn(problems)
    return True, write_json_array(texts.joined(JOINER), texts.empty, texts.close)


def loaded_keeping(library: Library, keep: bool) -> Library:
    """``library`` with its notes loaded (``load_notes``); with ``keep`` (no text kept yet,
    or too many notes changed since: ``chosen_output``), every note's ``list --json`` text
    kept per year folder as ``list --json`` keeps it (``text_blocks_keep.BlocksKeeper``),
    so the next output after an edit reads only what changed."""
    from papernotes.cli.library_access import load_notes

    load_notes(library)
    if keep:
        from papernotes.library.text_blocks_keep import BlocksKeeper

        keeper = BlocksKeeper(library, VARIANT, "", JOINER)
        if keeper.on:
            for note in library.notes():
                keeper.add(note, note_json(note).encode("utf-8", "surrogateescape"))
            keeper.finish()
    return library


def chosen_lines(
    library: Library, choose: Choose, fields: set[str], fill: Callable[[dict[str, object]], str]
) -> tuple[str | None, bool]:
    """``list --format``'s text of the papers ``choose`` picks, each line ``fill``-ed from
    its values of the template's ``fields`` (``output.FORMAT_FIELDS``), taken from its kept
    row and, for a field rows do not hold, its kept JSON text; else None (the full path)
    and whether it is to keep the texts (as ``chosen_json``)."""
    from papernotes.cli.library_access import kept_rows
    from papernotes.library.note_texts import chosen_texts

    if fields <= ROW_FIELDS.keys():
        rows = kept_rows(library)
        if rows is None:
            return None, False
        return "\n".join(fill(row_values(row, fields)) for row in choose(rows)), False
    got = chosen_texts(library, choose, VARIANT, json_setup, JOINER)
    if isinstance(got, bool):
        return None, not got
    _, chosen, texts = got
    try:
        lines = [
            fill(row_values(row, fields, text))
            for row, text in zip(chosen, texts.items(), strict=True)
        ]
    finally:
        texts.close()
    return "\n".join(lines), False


ROW_FIELDS: dict[str, Callable[[Row], object]] = {
    "key": itemgetter(KEY),
    "name": itemgetter(NAME),  # key, else slug: controls made visible, as fill makes them
    "slug": lambda r: r[PATH].rsplit("/", 1)[-1].removesuffix(".md"),
    "year": itemgetter(YEAR),
    "title": itemgetter(RAW_TITLE),
    "venue": itemgetter(VENUE),  # controls made visible, as fill makes them
    "arxiv": itemgetter(ARXIV),
    "tags": lambda r: ",".join(r[TAGS]),
    "status": itemgetter(STATUS),
    "added": itemgetter(ADDED),
    "path": itemgetter(PATH),
}
"""``output.FORMAT_FIELDS`` that a kept row holds."""
JSON_FIELDS: dict[str, Callable[[Any], object]] = {
    "doi": str,
    "code": str,
    "authors": "; ".join,
    "notes": len,
}
"""The other ``output.FORMAT_FIELDS``, from the field of that name of a note's ``list --json``
item (``note_dict``)."""


def row_values(row: Row, fields: set[str], item: bytes = b"") -> dict[str, object]:
    """The values of ``fields`` for the note of ``row`` (``item``: its ``list --json``
    text, for the fields rows do not hold)."""
    text = item.decode("utf-8", "surrogateescape") if item else ""
    return {
        name: ROW_FIELDS[name](row)
        if name in ROW_FIELDS
        else JSON_FIELDS[name](item_field(text, name))
        for name in fields
    }


_DECODE = json.JSONDecoder().raw_decode


def item_field(item: str, name: str) -> Any:
    """The value of the field ``name`` of a note's ``list --json`` item, decoding that field
    alone: in the item's text (``json.dumps`` with ``indent=2``, one level in) a field
    starts a line indented by four spaces, and no string holds a line break (``json``
    escapes it)."""
    head = '\n    "' + name + '": '
    start = item.find(head)
    if start < 0:
        raise KeyError(name)
    return _DECODE(item, start + len(head))[0]


def found_json(
    library: Library, query: str, exact: bool, warn: Callable[[list[Problem]], None]
) -> int | None:
    """Write ``search --json`` of ``query`` from the kept search forms (the problems
    ``warn``-ed first): the papers found and where it matched, as ``search`` finds them
    (each year's answer kept: ``library/search_listing.py``), each written as its
    ``list --json`` text kept per year folder with ``"match"`` added; else each note found
    built (``library/search_json.py``). How many were found, or None when the forms are not
    kept (nothing written)."""
    from papernotes.library.search_json import found_texts
    from papernotes.library.search_listing import HIT, listed_lines

    def matches(found: list) -> list:
        return [(match_text(paper[HIT]), 0, "") for paper in found]

    got = listed_lines(library, query, exact, "json", matches, at=True)
    if got is None:
        return None
    problems, lines = got
    order = lines.order
    paths = list(map(lines.paths.__getitem__, order))
    at = None if lines.at is None else list(map(lines.at.__getitem__, order))
    texts = None
    if order and lines.scan is not None:
        texts = found_texts(library, lines.scan, paths, at, json_setup, JOINER)
        if texts is None:
            return built_json(library, query, exact, warn)
    warn(problems)
    ends = map(lines.heads.__getitem__, order)

    def pieces() -> Iterator[bytes]:
        separator = b"[\n  "
        for text, end in zip(texts.items() if texts is not None else (), ends, strict=True):
            yield b"".join((separator, text[: -len(ITEM_END)], end.encode(), ITEM_END))
            separator = JOINER
        yield b"[]" if separator.startswith(b"[") else b"\n]"

    try:
        write_pieces(pieces(), echo=True)
    finally:
        if texts is not None:
            texts.close()
    write_pieces([b"\n"], echo=True)
    return len(order)


def built_json(
    library: Library, query: str, exact: bool, warn: Callable[[list[Problem]], None]
) -> int | None:
    """``found_json`` where the texts are not kept: the papers found worked out from the
    forms again, and only those notes built."""
    from papernotes.library.search_json import built_notes, found_paths

    found = found_paths(library, query, exact)
    notes = None if found is None else built_notes(library, found)
    if found is None or notes is None:
        return None
    warn(found.problems)
    pairs = [(notes[path], hit) for path, hit in found.ranked]
    write_json_list(({**note_dict(n), "match": hit_dict(h)} for n, h in pairs), len(pairs))
    return len(pairs)


def match_text(hit: Hit | None) -> str:
    """What follows the last field of a note's ``list --json`` item in its ``search --json``
    item, to the item's end (``ITEM_END``, not included): ``"match"`` and where the query
    matched (``output.hit_dict``), as ``to_json`` writes it (one format: tens of thousands
    of papers found)."""
    if hit is not None and type(hit.field) is type(hit.text) is str:
        index = hit.index
        if (index is None or type(index) is int) and type(hit.start) is type(hit.end) is int:
            shown = "null" if index is None else str(index)
            return escape_c1(  # as below, for hit_dict's five fields of these kinds
                f',\n    "match": {{\n      "field": {encode_basestring(hit.field)},'
                f'\n      "index": {shown},\n      "text": {encode_basestring(hit.text)},'
                f'\n      "start": {hit.start},\n      "end": {hit.end}\n    }}'
            )
    data = hit_dict(hit)
    if data is None:
        return ',\n    "match": null'
    fields = []
    for name, value in data.items():
        kind = type(value)
        if kind is str:
            shown = encode_basestring(value)
        elif kind is int:
            shown = str(value)
        elif value is None:
            shown = "null"
        else:  # as json has it
            item = escape_c1(indented_json_item({"match": data}))  # "{...\n  }"
            return "," + item[1 : -len(ITEM_END)]
        fields.append(f"\n      {encode_basestring(name)}: {shown}")
    text = ',\n    "match": {' + ",".join(fields) + "\n    }" if fields else ',\n    "match": {}'
    return escape_c1(text)
