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
from papernotes.cli.output import escape_c1, note_dict, write_json_texts

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

    def pieces() -> Iterator[bytes]:
        if not kept.years:
            yield b"[]"
            return
        yield b"[\n  "
        for index, year in enumerate(kept.years):
            if index:
                yield JOINER
            yield from year.pieces()
        yield b"\n]"

    try:
        text = write_pieces(pieces(), echo=True, keep=output.KEPT_JSON_CHARS)
    finally:
        kept.close()
    write_pieces([b"\n"], echo=True)
    return True, text


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
    year's text as its folder's block as it is made (``text_blocks_keep.BlocksKeeper``)."""
    from papernotes.library.text_blocks_keep import BlocksKeeper

    keeper = BlocksKeeper(library, VARIANT, "", JOINER)

    def texts() -> Iterator[str]:
        for note in notes:
            text = note_json(note)
            keeper.add(note, text)
            yield text
        keeper.finish()

    return write_json_texts(texts(), len(notes))


def write_pieces(pieces: Iterable[str | bytes], echo: bool = False, keep: int = 0) -> str | None:
    """Write ``pieces`` to standard output: bytes as they are where it is UTF-8 (else decoded),
    text as ``click.echo`` (``echo``) or ``sys.stdout.write`` writes it. Gives the whole text
    when it is at most ``keep`` bytes long, else None (a longer one is never held)."""
    stream = sys.stdout
    binary = getattr(stream, "buffer", None)
    raw = binary is not None and _is_utf8(getattr(stream, "encoding", None) or "")
    kept: list[bytes] | None = [] if keep else None
    size = 0
    texts = True  # text may be waiting in the stream: flushed before bytes go past it
    for piece in pieces:
        if kept is not None:
            data = piece if isinstance(piece, bytes) else piece.encode("utf-8", "surrogatepass")
            size += len(data)
            if size <= keep:
                kept.append(data)
            else:
                kept = None
        if raw and isinstance(piece, bytes):
            if texts:
                stream.flush()
                texts = False
            binary.write(piece)  # type: ignore[union-attr]
            continue
        text = piece.decode("utf-8") if isinstance(piece, bytes) else piece
        if echo:
            click.echo(text, nl=False)
        else:
            stream.write(text)
        texts = True
    if raw and not texts:
        binary.flush()  # type: ignore[union-attr]
    return None if kept is None else b"".join(kept).decode("utf-8", "surrogatepass")


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def whole(pieces: str | Iterable[str | bytes]) -> str:
    """An output given in pieces as one text (to page or compare)."""
    if isinstance(pieces, str):
        return pieces
    return "".join(p.decode("utf-8") if isinstance(p, bytes) else p for p in pieces)
