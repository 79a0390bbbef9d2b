"""``papernotes [--notes DIR] COMMAND``: the entry point and its error handling.

Commands live in their own modules and are imported only when run, so ``list`` never
pays for Textual, ``arxiv`` or ``bibtexparser``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from papernotes import __version__
from papernotes.errors import InvalidInputError, PapernotesError, user_message
from papernotes.text.controls import visible_controls

LOCK_TIMEOUT = "papernotes.lock_timeout"  # ctx.meta key: seconds a write waits for the lock

# command name -> "module:function", imported on use
COMMANDS = {
    "init": "papernotes.cli.notes_cmds:init_cmd",
    "add": "papernotes.cli.notes_cmds:add_cmd",
    "list": "papernotes.cli.notes_cmds:list_cmd",
    "show": "papernotes.cli.notes_cmds:show_cmd",
    "search": "papernotes.cli.notes_cmds:search_cmd",
    "edit": "papernotes.cli.notes_cmds:edit_cmd",
    "note": "papernotes.cli.note_cmd:note_cmd",
    "rm": "papernotes.cli.notes_cmds:rm_cmd",
    "check": "papernotes.cli.notes_cmds:check_cmd",
    "import": "papernotes.cli.transfer_cmds:import_cmd",
    "export": "papernotes.cli.transfer_cmds:export_cmd",
    "key": "papernotes.cli.bib_cmds:key_cmd",
    "link": "papernotes.cli.arxiv_cmds:link_cmd",
    "links": "papernotes.cli.links_cmd:links_cmd",
    "venue": "papernotes.cli.venue_cmd:venue_cmd",
    "tui": "papernotes.cli.tui_cmd:tui_cmd",
    "git": "papernotes.cli.history_cmds:git_cmd",
    "commit": "papernotes.cli.history_cmds:commit_cmd",
    "log": "papernotes.cli.history_cmds:log_cmd",
    "undo": "papernotes.cli.history_cmds:undo_cmd",
    "redo": "papernotes.cli.history_cmds:redo_cmd",
    "sync": "papernotes.cli.history_cmds:sync_cmd",
    "merge-driver": "papernotes.cli.history_cmds:merge_driver_cmd",
    "set": "papernotes.cli.queue_cmds:set_cmd",
    "queue": "papernotes.cli.queue_cmds:queue_cmd",
    "stats": "papernotes.cli.queue_cmds:stats_cmd",
}


class TextCheckedContext(click.Context):
    """Refuses a text argument that is not UTF-8 before its command runs. On POSIX such bytes
    reach click as surrogates (``b'\\xff'`` as ``'\\udcff'``), which would fail only when
    written, as a traceback; paths (``click.Path``) may hold any bytes and are left alone."""

    def invoke(self, callback, /, *args, **kwargs):
        if self.command is not None and callback is self.command.callback:
            refuse_undecodable_text(self)
        return super().invoke(callback, *args, **kwargs)


def refuse_undecodable_text(ctx: click.Context) -> None:
    """One sentence naming the first text parameter of ``ctx`` that is not UTF-8, and where."""
    from papernotes.text.utf8 import describe, escaped_byte

    for param in ctx.command.params:
        if not isinstance(param.type, click.types.StringParamType):
            continue
        value = ctx.params.get(param.name or "")
        values = value if isinstance(value, (tuple, list)) else (value,)
        for number, text in enumerate(values, start=1):
            where = escaped_byte(text) if isinstance(text, str) else None
            if where is None:
                continue
            name = max(param.opts, key=len) if param.param_type_name == "option" else None
            name = name or param.human_readable_name
            if len(values) > 1:
                name = f"{name} (value {number})"
            raise InvalidInputError(
                f"{name} is not valid UTF-8 at {describe(where)}; nothing was changed."
            )


class LazyGroup(click.Group):
    """Loads each command's module on demand and turns user errors into one clean line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        command.context_class = TextCheckedContext
        return command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            quiet_broken_pipe()
        except (PapernotesError, OSError) as exc:
            message = user_message(exc) or str(exc)  # a title in it shows its controls
            raise click.ClickException(visible_controls(message)) from None


class LockSeconds(click.FloatRange):
    """A number of seconds from ``min`` up; ``nan``, which every comparison lets through, is
    refused like a negative number."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        seconds: float = super().convert(value, param, ctx)
        if seconds != seconds:  # nan
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        return seconds


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.option(
    "--notes",
    "notes_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The library folder (default: $PAPERNOTES_DIR, else ./notes, else the user data "
    "folder); a folder holding other files is used only after 'init' marks it.",
)
@click.option(
    "--lock-timeout",
    type=LockSeconds(min=0),
    default=30.0,
    envvar="PAPERNOTES_LOCK_TIMEOUT",
    show_envvar=True,
    show_default=True,
    metavar="SECONDS",
    help="How long a write waits for another papernotes writing to the library.",
)
@click.version_option(__version__, prog_name="papernotes")
@click.pass_context
def cli(ctx: click.Context, notes_dir: Path | None, lock_timeout: float) -> None:
    """papernotes: reading notes on research papers, one file per paper, by year."""
    ctx.obj = notes_root(notes_dir)
    ctx.meta[LOCK_TIMEOUT] = lock_timeout  # read by cli/library_access.py
    if ctx.invoked_subcommand is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        tui = cli.get_command(ctx, "tui") if interactive else None  # None if not installed
        if tui is not None:
            ctx.invoke(tui)
        else:
            click.echo(ctx.get_help())


def notes_root(option: Path | None) -> Path:
    """The library folder: --notes, else $PAPERNOTES_DIR, else ./notes, else the data folder."""
    if option is not None:
        return option
    env = os.environ.get("PAPERNOTES_DIR")
    if env:
        return Path(env)
    local = Path("notes")
    if local.is_dir():
        return local
    from papernotes.user_folders import data_folder

    return data_folder() / "notes"


def quiet_broken_pipe() -> None:
    """The reader of our output went away (``papernotes list | head``): stop quietly, with
    the status a process killed by SIGPIPE has, as ``cat`` or ``grep`` would."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's flush of stdout cannot fail
    sys.exit(141)


def main() -> None:
    try:
        cli(prog_name="papernotes")
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        quiet_broken_pipe()
