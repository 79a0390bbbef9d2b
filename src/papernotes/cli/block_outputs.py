"""``list --json`` of every paper through the text kept per year folder
(``library/text_blocks.py``), and writing outputs given as UTF-8 bytes and text: the kept
texts go to standard output as they are, never decoded and encoded again (120 MB of JSON at
100,000 notes) where standard output is UTF-8."""

from __future__ import annotations

import codecs
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import click

from papernotes.cli import output
from papernotes.cli.json_text import ITEM_SEPARATOR, indented_json_item
from papernotes.cli.output import escape_c1, note_dict

if TYPE_CHECKING:
    from papernotes.library import Library
    from papernotes.library.text_blocks import Render
    from papernotes.model import DocumentLayout, Note, Problem

VARIANT = "json"
JOINER = ITEM_SEPARATOR.encode()


def note_json(note: Note) -> str:
    """``note``'s text in ``list --json``: its item of the list, without the separator."""
    return escape_c1(indented_json_item(note_dict(note)))


def json_setup(layout: DocumentLayout) -> tuple[str, Render]:
    """A note's JSON depends on the note alone: one style."""
    return "", note_json


def kept_json(library: Library, warn: Callable[[list[Problem]], None]) -> tuple[bool, str | None]:
    """Write ``list --json`` of every paper from the kept blocks, the problems ``warn``-ed
    first: True and the text when it is short enough to keep whole (``output.KEPT_JSON_CHARS``),
    True and None when longer; False and None when nothing was written (the full path)."""
    from papernotes.library.text_blocks import kept_output

    kept = kept_output(library, VARIANT, json_setup, JOINER)
    if kept is None:
        return False, None
    warn(kept.problems)

    def items() -> Iterator[bytes]:
        for index, year in enumerate(kept.years):
            if index:
                yield JOINER
            yield from year.pieces()

    return True, write_json_array(items(), not kept.years, kept.close)


def write_json_array(items: Iterable[bytes], empty: bool, close: Callable[[], None]) -> str | None:
    """Write a JSON array of the items whose texts (``JOINER`` between them) ``items``
    gives, ``[]`` when ``empty``, and a newline; ``close()`` once they are written or the
    writing failed. The text when it is short enough to keep whole
    (``output.KEPT_JSON_CHARS``), else None."""

    def pieces() -> Iterator[bytes]:
        if empty:
            yield b"[]"
            return
        yield b"[\n  "
        yield from items
        yield b"\n]"

    try:
        text = write_pieces(pieces(), echo=True, keep=output.KEPT_JSON_CHARS)
    finally:
        close()
    write_pieces([b"\n"], echo=True)
    return text


def every_json_text(library: Library, warn: Callable[[list[Problem]], None]) -> str | None:
    """Write ``list --json`` of every paper, the problems ``warn``-ed first: from the kept
    blocks (``kept_json``), else from the notes (``full_json``); the text when short enough
    to keep whole, else None."""
    from papernotes.cli.library_access import load_notes

    written, text = kept_json(library, warn)
    if written:
        return text
    notes = load_notes(library).notes()
    warn(library.problems())
    return full_json(library, notes)


def full_json(library: Library, notes: list[Note]) -> str | None:
    """``write_json_list`` of every note (loaded, in the library's order), keeping each
    year's text as its folder's block as it is made (``text_blocks_keep.BlocksKeeper``):
    each note's text encoded once, for both."""
    from papernotes.library.text_blocks_keep import BlocksKeeper

    keeper = BlocksKeeper(library, VARIANT, "", JOINER)
    add = keeper.add if keeper.on else None

    def pieces() -> Iterator[bytes]:
        separator = b"[\n  "
        for note in notes:
            text = note_json(note).encode("utf-8", "surrogateescape")
            if add is not None:
                add(note, text)
            yield separator + text
            separator = JOINER
        keeper.finish()
        yield b"[]" if separator.startswith(b"[") else b"\n]"

    keep = output.KEPT_JSON_CHARS  # a text foreseen longer (from the first note) is not held
    if notes and len(note_json(notes[0])) * len(notes) > keep:
        keep = 0
    text = write_pieces(pieces(), echo=True, keep=keep)
    write_pieces([b"\n"], echo=True)
    return text


def write_pieces(pieces: Iterable[str | bytes], echo: bool = False, keep: int = 0) -> str | None:
    """Write ``pieces`` to standard output: where it is UTF-8, as bytes (text encoded) in
    writes of about ``output.WRITE_CHARS`` bytes; else bytes decoded, each piece as
    ``click.echo`` (``echo``) or ``sys.stdout.write`` writes text. Gives the whole text when
    it is at most ``keep`` bytes long, else None (a longer one is never held)."""
    stream = sys.stdout
    raw = getattr(stream, "buffer", None) is not None
    raw = raw and _is_utf8(getattr(stream, "encoding", None) or "")
    errors = getattr(stream, "errors", None) or "strict"
    kept: list[bytes] | None = [] if keep else None
    batch: list[bytes] = []
    size = batched = 0
    for piece in pieces:
        if raw or kept is not None:
            data = piece if isinstance(piece, bytes) else piece.encode("utf-8", errors)
            if kept is not None:
                size += len(data)
                if size <= keep:
                    kept.append(data)
                else:
                    kept = None
            if raw:
                batch.append(data)
                batched += len(data)
                if batched >= output.WRITE_CHARS:
                    click.echo(b"".join(batch), nl=False)
                    batch, batched = [], 0
                continue
        text = piece.decode("utf-8", "surrogateescape") if isinstance(piece, bytes) else piece
        if echo:
            click.echo(text, nl=False)
        else:
            stream.write(text)
    if batch:
        click.echo(b"".join(batch), nl=False)
    return None if kept is None else b"".join(kept).decode("utf-8", "surrogateescape")


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False
