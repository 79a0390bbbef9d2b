"""``papernotes note PAPER [TEXT…]``: take notes from the shell, one numbered line at a time."""

from __future__ import annotations

import sys

import click

from papernotes.cli.completion import complete_paper
from papernotes.cli.library_access import existing_library, load_notes, open_library, warn
from papernotes.cli.output import echo
from papernotes.errors import InvalidInputError
from papernotes.library import Library
from papernotes.library.note_lines import (
    Append,
    Move,
    NoteChange,
    Remove,
    Replace,
    change_notes,
    numbered,
)
from papernotes.model import Note


@click.command("note")
@click.argument("paper", shell_complete=complete_paper)
@click.argument("texts", metavar="[TEXT]...", nargs=-1)
@click.option("--edit", "edit", type=int, metavar="N", help="Replace note N with TEXT.")
@click.option("--rm", "remove", type=int, metavar="N", help="Remove note N (the rest renumber).")
@click.option("--move", "move", type=int, nargs=2, metavar="N M", help="Make note N note M.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the notes after a change.")
@click.pass_context
def note_cmd(ctx: click.Context, paper, texts, edit, remove, move, quiet):
    """Append each TEXT as the paper's next numbered note ('-' reads one note per line of
    standard input); with no TEXT, print the numbered notes.

    Each change is one atomic write under the library's lock; nothing is written when
    the number, the text or the paper is wrong.

    \b
    Examples:
      papernotes note he2021deberta "disentangled attention: content and position"
      papernotes note he2021deberta --edit 2 "a better second note"
      papernotes note he2021deberta
    """
    change = note_change(texts, edit, remove, move)
    if change is None:  # only printed: a few notes read while the name index holds (show's)
        print_notes(named_note(existing_library(ctx), paper))
        return
    library = open_library(ctx)
    note = change_notes(library, library.find(paper), change)
    if not quiet:
        print_notes(note)


def named_note(library: Library, paper: str) -> Note:
    """The note ``paper`` names, the load's problems warned of (as ``open_library`` does)."""
    problems, note, _ = library.find_named(paper)
    if note is None:
        problems = load_notes(library).problems()
    warn(problems)
    return note or library.find(paper)


def note_change(texts: tuple[str, ...], edit, remove, move) -> NoteChange | None:
    """What the arguments ask for; None to only print. Usage errors before the library opens."""
    chosen = [
        name
        for name, value in (("--edit", edit), ("--rm", remove), ("--move", move))
        if value is not None
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} cannot be used together.")
    if edit is not None:
        if len(texts) != 1:
            raise click.UsageError("--edit N takes one TEXT (quote a text with spaces).")
        return Replace(edit, read_stdin() if texts[0] == "-" else texts[0])
    if remove is not None or move is not None:
        if texts:
            raise click.UsageError(f"{chosen[0]} takes no TEXT.")
        return Remove(remove) if remove is not None else Move(*move)
    if not texts:
        return None
    if "-" in texts:
        if len(texts) > 1:
            raise click.UsageError("'-' reads the notes from standard input; give no other TEXT.")
        from papernotes.text.typed_notes import typed_notes

        lines = typed_notes(read_stdin())
        if not lines:
            raise InvalidInputError("Standard input holds no note; nothing was written.")
        return Append(lines)
    return Append(texts)


def read_stdin() -> str:
    from papernotes.library.files import read_bounded
    from papernotes.text.utf8 import decode_utf8

    data = read_bounded(sys.stdin.buffer, "Standard input")
    return decode_utf8(data, "Standard input")


def print_notes(note: Note) -> None:
    """The numbered notes, control characters shown as ``\\x1b`` (``cli.output.echo``)."""
    if note.paper.notes:
        echo("\n".join(numbered(note.paper.notes)))
    else:
        echo(f"{note.path} has no notes yet; add one with: papernotes note PAPER TEXT", err=True)
