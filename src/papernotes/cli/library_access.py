"""Opening the library for a command, with the lock wait the user chose (``--lock-timeout``)
and a line on stderr while another papernotes holds the lock."""

from __future__ import annotations

import click

from papernotes.cli.main import LOCK_TIMEOUT
from papernotes.library import Library
from papernotes.library.api import DEFAULT_LOCK_TIMEOUT, LockWait


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
