"""How notes are printed: aligned text lines for people, JSON for scripts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from papernotes.model import ARXIV_FIELDS, Note
from papernotes.text.controls import visible_controls

if TYPE_CHECKING:
    from papernotes.library.search import Hit

# The arXiv fields after the common ones (``authors`` is among those, next to the title).
ARXIV_OUTPUT_FIELDS = tuple(name for name in ARXIV_FIELDS if name != "authors")
PASSAGE_CONTEXT = 24
"""Characters shown each side of a search match."""


def note_dict(note: Note) -> dict:
    """The JSON object of one note: every field, notes as a list, path relative to the library."""
    paper = asdict(note.paper)
    data = {
        name: paper[name]
        for name in ("key", "year", "title", "venue", "code", "arxiv", "authors", "tags", "status")
    }
    data["added"] = paper["added"]
    for name in ("priority", "rating", "read_on"):
        data[name] = paper[name]
    data["notes"] = list(note.paper.notes)
    data["path"] = note.path
    for name in ARXIV_OUTPUT_FIELDS:
        data[name] = paper[name]
    for name in ("authors", "tags", "categories"):
        data[name] = list(data[name])
    for name in ("venue_full", "pages", "publisher", "venue_source"):
        if paper[name]:  # what ``venue`` found, only where it found something
            data[name] = paper[name]
    if note.paper.body:
        data["body"] = note.paper.body
    return data


def hit_dict(hit: Hit | None) -> dict | None:
    """Where a search matched, for ``--json``: field, list index, the field's text, span."""
    if hit is None:
        return None
    return {
        "field": hit.field,
        "index": hit.index,
        "text": hit.text,
        "start": hit.start,
        "end": hit.end,
    }


def hit_label(hit: Hit) -> str:
    return hit.field if hit.index is None else f"{hit.field}[{hit.index + 1}]"


def passage(hit: Hit, around: int = PASSAGE_CONTEXT) -> str:
    """The matched text with up to ``around`` characters each side, the match in 【】 (and
    bold on a terminal), on one line."""
    start, end = max(0, hit.start - around), min(len(hit.text), hit.end + around)
    before = ("…" if start else "") + hit.text[start : hit.start]
    after = hit.text[hit.end : end] + ("…" if end < len(hit.text) else "")
    match = visible_controls(hit.text[hit.start : hit.end])
    marked = click.style(f"【{match}】", bold=True)  # styled after the user text is made safe
    return " ".join(f"{visible_controls(before)}{marked}{visible_controls(after)}".split())


_C1 = re.compile("[\x7f-\x9f]")


def echo(text: str, err: bool = False) -> None:
    """Print user text to a person: control characters (``ESC``…) shown as ``\\x1b``, never
    run by the terminal (``text.controls``)."""
    click.echo(visible_controls(text), err=err)


def to_json(data: object) -> str:
    """``data`` as JSON; every control character is a ``\\u`` escape (C1 and DEL too, which
    ``json`` leaves raw with ``ensure_ascii=False``)."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def width(text: str) -> int:
    """Terminal columns ``text`` takes: CJK characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def list_lines(notes: list[Note]) -> list[str]:
    """One line per note: year, key (or slug), title, venue."""
    names = [n.paper.key or n.slug for n in notes]
    widths = [width(name) for name in names]
    column = max(widths, default=0)
    lines = []
    for note, name, used in zip(notes, names, widths, strict=True):
        venue = f"  [{note.paper.venue}]" if note.paper.venue else ""
        lines.append(f"{note.paper.year}  {name}{' ' * (column - used)}  {note.paper.title}{venue}")
    return lines


def show_text(note: Note, linked_from: Sequence[Note] = ()) -> str:
    """A readable page for one note; ``linked_from``: the notes that link to it."""
    paper = note.paper
    rows = [
        ("title", paper.title),
        ("arXiv title", paper.arxiv_title if paper.arxiv_title != paper.title else ""),
        ("year", str(paper.year)),
        ("venue", paper.venue),
        ("full venue", paper.venue_full),
        ("pages", paper.pages),
        ("publisher", paper.publisher),
        ("found by", paper.venue_source),
        ("key", paper.key),
        ("authors", "; ".join(paper.authors)),
        ("code", paper.code),
        ("arXiv", f"{paper.arxiv}  https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else ""),
        ("version", f"v{paper.arxiv_version}" if paper.arxiv_version else ""),
        ("published", paper.published),
        ("updated", paper.updated),
        ("categories", " ".join(paper.categories)),
        ("primary", paper.primary_category),
        ("doi", paper.doi),
        ("journal", paper.journal_ref),
        ("comment", paper.comment),
        ("tags", ", ".join(paper.tags)),
        ("status", paper.status),
        ("priority", paper.priority),
        ("rating", f"{paper.rating}/5" if paper.rating else ""),
        ("read on", paper.read_on),
        ("added", paper.added),
        ("path", note.path),
    ]
    out = [f"{name + ':':<11} {value}" for name, value in rows if value]
    if paper.abstract:
        out += ["", "Abstract:", paper.abstract]
    if paper.notes:
        out += ["", "Notes:"]
        out += [f"{i}. {text}" for i, text in enumerate(paper.notes, 1)]
    if paper.body:
        out += ["", paper.body]
    if linked_from:
        out += ["", "Linked from:"]
        out += [f"  {n.paper.key or n.slug}  {n.paper.title}  ({n.path})" for n in linked_from]
    return "\n".join(out)
