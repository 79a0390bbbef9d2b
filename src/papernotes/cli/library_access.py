"""Opening the library for a command, with the lock wait the user chose (``--lock-timeout``)
and a line on stderr while another papernotes holds the lock; reading its notes, with what
could not be read shown as warnings."""

from __future__ import annotations

from collections.abc import Callable

import click

from papernotes.cli.main import LOCK_TIMEOUT
from papernotes.cli.terminal import warning
from papernotes.gc_pause import gc_paused
from papernotes.library import Library
from papernotes.library.api import DEFAULT_LOCK_TIMEOUT, LockWait
from papernotes.model import Problem


def lock_wait(ctx: click.Context) -> LockWait:
    """The wait for the library lock: ``--lock-timeout`` seconds, saying once who we wait for."""
    timeout = ctx.meta.get(LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT)
    return LockWait(timeout=timeout, on_wait=say_waiting)


def say_waiting(pid: int | None) -> None:
    who = f"another papernotes (pid {pid})" if pid else "another papernotes"
    click.echo(f"waiting for {who} to finish …", err=True)


def existing_library(ctx: click.Context) -> Library:
    """The library the command works on; it must exist (an empty folder will do)."""
    return Library.open(ctx.obj, lock_wait(ctx))


def library_to_fill(ctx: click.Context) -> Library:
    """The library ``import`` fills: an existing one, or a missing or empty folder."""
    return Library.to_fill(ctx.obj, lock_wait(ctx))


def open_library(ctx: click.Context) -> Library:
    """The library with its notes read; what could not be read is shown as warnings."""
    library = load_notes(existing_library(ctx))
    warn(library.problems())
    return library


def load_notes(library: Library) -> Library:
    """``library`` with its notes read. A command is short and keeps what it read to the end,
    so the cyclic garbage collector is paused while the notes are built and they are frozen
    out of its sight after (at 100,000 notes it otherwise walks them three times: half a
    second). Notes hold no cycles; reference counting still frees them."""
    with gc_paused(freeze=True):
        library.notes()
    return library


def kept_rows(library: Library) -> list[tuple[object, ...]] | None:
    """``list``'s kept rows (``Library.list_rows``), the collector paused and the rows frozen
    out of its sight as ``load_notes`` does for notes."""
    with gc_paused(freeze=True):
        return library.list_rows()


def kept_text(
    library: Library,
    colour: bool,
    every_paper: bool,
    from_rows: Callable[[list[tuple[object, ...]]], str] | None,
) -> str | None:
    """``list``'s text without loading the notes: for a list of ``every_paper`` (no option),
    from the text kept per year folder (``library/list_blocks.py``), else ``from_rows`` of
    the kept rows (``kept_rows``) when given; None when neither is kept."""
    text = kept_list_text(library, colour) if every_paper else None
    if text is None and from_rows is not None:
        rows = kept_rows(library)
        text = None if rows is None else from_rows(rows)
    return text


def kept_list_text(library: Library, colour: bool) -> str | None:
    """The default ``list``'s text from the text kept per year folder
    (``library/list_blocks.py``), the collector paused as for ``kept_rows``; None to take
    the full path."""
    from papernotes.cli.output import row_lines
    from papernotes.library.list_blocks import blocks_text

    def render(rows: list[tuple[object, ...]], column: int) -> str:
        return "\n".join(row_lines(rows, colour, column))

    with gc_paused(freeze=True):
        return blocks_text(library, render, "colour" if colour else "plain")


def warn(problems: list[Problem]) -> None:
    for problem in problems:
        warning(str(problem))
