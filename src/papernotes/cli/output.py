"""How notes are printed: aligned text lines for people, JSON for scripts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING

import click

from papernotes.library.list_rows import NAME, TITLE, VENUE, WIDTH, YEAR, Row, rows_of
from papernotes.model import ARXIV_FIELDS, Note
from papernotes.text.columns import display_width
from papernotes.text.controls import visible_controls

if TYPE_CHECKING:
    from papernotes.library.search import Hit

# The arXiv fields after the common ones (``authors`` is among those, next to the title).
ARXIV_OUTPUT_FIELDS = tuple(name for name in ARXIV_FIELDS if name != "authors")
PASSAGE_CONTEXT = 24
"""Characters shown each side of a search match."""


def note_dict(note: Note) -> dict:
    """The JSON object of one note: every field, notes as a list, path relative to the library."""
    paper = note.paper  # its fields are strings, numbers and tuples of strings: no copy needed
    data = {
        name: getattr(paper, name)
        for name in ("key", "year", "title", "venue", "code", "arxiv", "authors", "tags", "status")
    }
    data["added"] = paper.added
    for name in ("priority", "rating", "read_on"):
        data[name] = getattr(paper, name)
    data["notes"] = list(paper.notes)
    data["path"] = note.path
    for name in ARXIV_OUTPUT_FIELDS:
        data[name] = getattr(paper, name)
    for name in ("authors", "tags", "categories"):
        data[name] = list(data[name])
    for name in ("venue_full", "pages", "publisher", "venue_source"):
        value = getattr(paper, name)
        if value:  # what ``venue`` found, only where it found something
            data[name] = value
    if paper.body:
        data["body"] = paper.body
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


def paint(text: str, code: str, colour: bool) -> str:
    """``text`` in an ANSI colour (``code``: ``"36"``, ``"1;31"``) when ``colour``; the user's
    own control characters must already be made visible."""
    return f"\x1b[{code}m{text}\x1b[0m" if colour and text else text


YEAR_COLOUR, NAME_COLOUR, VENUE_COLOUR, LABEL, MATCH = "33", "36", "32", "1;34", "1;31"
"""The colours: years yellow, keys cyan, venues green, field names blue, matches red."""


def passage(hit: Hit, around: int = PASSAGE_CONTEXT, colour: bool = False) -> str:
    """The matched text with up to ``around`` characters each side, the match in 【】 (and
    bold red with ``colour``), on one line."""
    text, first, last = hit.text, hit.start, hit.end
    start, end = first - around, last + around  # a slice past the end stops at the end
    before = ("…" if start > 0 else "") + text[max(start, 0) : first]
    after = text[last:end] + ("…" if end < len(text) else "")
    if not colour:  # a character at a time, so the whole line at once (search prints thousands)
        shown = f"{before}【{text[first:last]}】{after}"
        return " ".join((shown if shown.isprintable() else visible_controls(shown)).split())
    match = visible_controls(text[first:last])
    marked = paint(f"【{match}】", MATCH, colour)  # styled after the user text is made safe
    return " ".join(f"{visible_controls(before)}{marked}{visible_controls(after)}".split())


def found_lines(rows: list[Row], hits: Iterable[Hit | None], colour: bool = False) -> str:
    """What ``search`` prints: each paper's ``list`` line (``row_lines``), then where the query
    matched it (``hits``: one per row), indented, as one text."""
    parts = found_parts(rows, hits, colour)
    heads, widths = [part[0] for part in parts], [part[1] for part in parts]
    return joined_lines(heads, widths, [part[2] for part in parts], range(len(parts)))


def found_parts(
    rows: list[Row], hits: Iterable[Hit | None], colour: bool = False
) -> list[tuple[str, int, str]]:
    """``found_lines``' line of each row in three parts (``line_parts``), where the query
    matched it added to the last: so the lines of a year's papers can be kept
    (``search_answers``) and padded once all are known."""
    if colour:
        parts = line_parts(rows, colour)
        for i, hit in enumerate(hits):
            if hit is not None:
                head, width, tail = parts[i]
                parts[i] = (
                    head,
                    width,
                    f"{tail}\n      {hit_label(hit)}: {passage(hit, colour=True)}",
                )
        return parts
    parts = []  # plain: ``line_parts`` and ``passage`` in one loop (tens of thousands of hits)
    add, around, controls = parts.append, PASSAGE_CONTEXT, visible_controls
    for r, hit in zip(rows, hits, strict=True):
        tail = f"  {r[TITLE]}  [{r[VENUE]}]" if r[VENUE] else f"  {r[TITLE]}"
        if hit is not None:
            text, first, last = hit.text, hit.start, hit.end
            start, end = first - around, last + around
            before = ("…" if start > 0 else "") + text[max(start, 0) : first]
            after = text[last:end] + ("…" if end < len(text) else "")
            shown = f"{before}【{text[first:last]}】{after}"
            shown = " ".join((shown if shown.isprintable() else controls(shown)).split())
            label = hit.field if hit.index is None else f"{hit.field}[{hit.index + 1}]"
            tail = f"{tail}\n      {label}: {shown}"
        add((f"{r[YEAR]}  {r[NAME]}", r[WIDTH], tail))
    return parts


def line_parts(rows: list[Row], colour: bool = False) -> list[tuple[str, int, str]]:
    """Each row's ``list`` line in three parts: the line before the padding after the name,
    the name's width, the rest. One loop (tens of thousands of rows at 100,000 notes)."""
    if not colour:
        return [
            (f"{r[YEAR]}  {r[NAME]}", r[WIDTH], f"  {r[TITLE]}  [{r[VENUE]}]")
            if r[VENUE]
            else (f"{r[YEAR]}  {r[NAME]}", r[WIDTH], f"  {r[TITLE]}")
            for r in rows
        ]
    parts = []
    for r in rows:
        year, name = paint(str(r[YEAR]), YEAR_COLOUR, True), paint(r[NAME], NAME_COLOUR, True)
        venue = f"  {paint(f'[{r[VENUE]}]', VENUE_COLOUR, True)}" if r[VENUE] else ""
        parts.append((f"{year}  {name}", r[WIDTH], f"  {r[TITLE]}{venue}"))
    return parts


def joined_lines(
    heads: Sequence[str], widths: Sequence[int], tails: Sequence[str], order: Iterable[int]
) -> str:
    """The lines of ``found_parts`` (given as parallel lists) in ``order``, each name padded
    to the widest, as one text."""
    column = max(widths, default=0)
    pads = [" " * n for n in range(column + 1)]
    return "\n".join([f"{heads[i]}{pads[column - widths[i]]}{tails[i]}" for i in order])


_C1 = re.compile("[\x7f-\x9f]")


def echo(text: str, err: bool = False) -> None:
    """Print user text to a person: control characters (``ESC``…) shown as ``\\x1b``, never
    run by the terminal (``text.controls``)."""
    click.echo(visible_controls(text), err=err)


def to_json(data: object) -> str:
    """``data`` as JSON; every control character is a ``\\u`` escape (C1 and DEL too, which
    ``json`` leaves raw with ``ensure_ascii=False``)."""
    from papernotes.cli.json_text import indented_json

    text = indented_json(data)  # json.dumps(data, ensure_ascii=False, indent=2), faster
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_pieces(items: Iterable[object]) -> Iterator[str]:
    """``to_json(list(items))`` in pieces, made one item at a time
    (``json_text.indented_json_items``): what a long list is written from."""
    from papernotes.cli.json_text import indented_json_items

    escape, search = _C1.sub, _C1.search
    for piece in indented_json_items(items):
        yield escape(_c1_escape, piece) if search(piece) else piece


KEPT_JSON_CHARS = 16 * 2**20
"""A ``--json`` list longer than this is written as it is made and not kept as a whole."""
KEPT_BESIDE_NOTES = 2**20
"""The longest JSON text kept whole while every note is in memory (a first output: at
100,000 notes the notes are 210 MB, and a text of 16 million characters held twice more
took the command over 250 MB); a longer one is made from the kept texts next time."""
WRITE_CHARS = 2**16
"""About how much JSON is written at a time."""


def write_json_list(items: Iterable[object], count: int, keep: int | None = None) -> str | None:
    """Write ``to_json(list(items))`` and a newline to standard output as ``click.echo``
    does, in pieces as the items' texts are made (one item's dict and text held at a
    time); the whole text when it is at most ``keep`` characters (``KEPT_JSON_CHARS`` when
    not given) so it can be kept, else None: the length is foreseen from the first of the
    ``count`` items, and a longer text is never held."""
    most = KEPT_JSON_CHARS if keep is None else keep
    return _write_json_pieces(json_pieces(items), count, most)


def escape_c1(text: str) -> str:
    """``text`` with C1 and DEL as ``\\u`` escapes (as ``to_json`` writes them)."""
    return _C1.sub(_c1_escape, text) if _C1.search(text) else text


def _write_json_pieces(pieces: Iterable[str], count: int, keep: int) -> str | None:
    kept: list[str] | None = []
    batch: list[str] = []
    made = batched = 0
    for done, piece in enumerate(pieces, 1):
        batch.append(piece)
        batched += len(piece)
        made += len(piece)
        if kept is not None:
            kept.append(piece)
            if made > keep or made * count > keep * done:
                kept = None
        if batched >= WRITE_CHARS:
            click.echo("".join(batch), nl=False)
            batch, batched = [], 0
    batch.append("\n")
    click.echo("".join(batch), nl=False)
    return None if kept is None else "".join(kept)


def _c1_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def width(text: str) -> int:
    """Terminal columns ``text`` takes: CJK characters take two."""
    return display_width(text)


def list_lines(notes: list[Note], colour: bool = False) -> list[str]:
    """One line per note: year, key (or slug), title, venue; control characters shown
    visibly, and coloured with ``colour``."""
    return row_lines(rows_of(notes), colour)


def row_lines(rows: list[Row], colour: bool = False, column: int | None = None) -> list[str]:
    """``list_lines`` from ``list``'s rows (``library/list_rows.py``: the name, title and
    venue in them have their control characters made visible already); the names padded to
    ``column`` (default: the widest of ``rows``)."""
    if column is None:
        column = max(map(itemgetter(WIDTH), rows), default=0)
    return [
        f"{head}{' ' * (column - width)}{tail}" for head, width, tail in line_parts(rows, colour)
    ]


FORMAT_FIELDS = {
    "key": lambda n: n.paper.key,
    "name": lambda n: n.paper.key or n.slug,
    "slug": lambda n: n.slug,
    "year": lambda n: n.paper.year,
    "title": lambda n: n.paper.title,
    "venue": lambda n: n.paper.venue,
    "arxiv": lambda n: n.paper.arxiv,
    "doi": lambda n: n.paper.doi,
    "code": lambda n: n.paper.code,
    "tags": lambda n: ",".join(n.paper.tags),
    "status": lambda n: n.paper.status,
    "authors": lambda n: "; ".join(n.paper.authors),
    "added": lambda n: n.paper.added,
    "notes": lambda n: len(n.paper.notes),
    "path": lambda n: n.path,
}
"""``list --format`` fields: what ``{name}`` stands for in a template."""


def line_template(template: str) -> LineTemplate:
    """A function giving ``template`` filled in for a note (``\\t`` is a tab); an unknown
    field, a malformed template or anything but a plain ``{field}`` (a width, ``!r``,
    ``.attr``, ``[0]``: they reach into Python objects or allocate at will) is a usage error
    naming it."""
    from string import Formatter

    template = template.replace("\\t", "\t").replace("\\n", "\n")
    known = ", ".join("{" + name + "}" for name in FORMAT_FIELDS)
    try:
        parts = [part for part in Formatter().parse(template) if part[1] is not None]
    except ValueError as exc:
        raise click.UsageError(f"--format {template!r} cannot be read ({exc}).") from None
    for _, field, spec, conversion in parts:
        shown = "{" + str(field) + ("!" + conversion if conversion else "")
        shown += (":" + spec if spec else "") + "}"
        if re.split(r"[.\[]", str(field), maxsplit=1)[0] not in FORMAT_FIELDS:
            raise click.UsageError(f"--format: unknown field {shown}; the fields are {known}.")
        if field not in FORMAT_FIELDS or spec or conversion:
            raise click.UsageError(
                f"--format: {shown} is not a plain field; write only {{name}}, such as {{key}}."
            )
    return LineTemplate(template, {str(field) for _, field, _, _ in parts})


class LineTemplate:
    """A checked ``--format`` template: called with a note, its line; ``filled`` gives the
    line from the values of its ``fields`` (``FORMAT_FIELDS``) found elsewhere."""

    def __init__(self, template: str, fields: set[str]) -> None:
        self.template, self.fields = template, fields

    def __call__(self, note: Note) -> str:
        return self.filled({name: FORMAT_FIELDS[name](note) for name in self.fields})

    def filled(self, values: dict[str, object]) -> str:
        safe = {k: visible_controls(v) if isinstance(v, str) else v for k, v in values.items()}
        try:
            return self.template.format_map(safe)
        except (ValueError, IndexError, AttributeError, KeyError, TypeError) as exc:
            raise click.UsageError(
                f"--format {self.template!r} cannot be filled in ({exc})."
            ) from None


def show_text(note: Note, linked_from: Sequence[Note] = (), colour: bool = False) -> str:
    """A readable page for one note, control characters shown visibly; ``linked_from``: the
    notes that link to it; field names coloured with ``colour``."""
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
    out = [
        f"{paint(f'{name + chr(58):<11}', LABEL, colour)} {visible_controls(value)}"
        for name, value in rows
        if value
    ]
    if paper.abstract:
        out += ["", paint("Abstract:", LABEL, colour), visible_controls(paper.abstract)]
    if paper.notes:
        out += ["", paint("Notes:", LABEL, colour)]
        out += [f"{i}. {visible_controls(text)}" for i, text in enumerate(paper.notes, 1)]
    if paper.body:
        out += ["", visible_controls(paper.body)]
    if linked_from:
        out += ["", paint("Linked from:", LABEL, colour)]
        out += [
            f"  {n.paper.key or n.slug}  {visible_controls(n.paper.title)}  ({n.path})"
            for n in linked_from
        ]
    return "\n".join(out)
