"""What the terminal gets: colour (``--color``, ``NO_COLOR``), a pager (``$PAGER``, else
``less -R``; never when piped) and how much is said on stderr (``--quiet``, ``--verbose``).

Colour is written as ANSI codes and left to click, which strips them when the output is not
a terminal (or ``--color never``) and keeps them with ``--color always``.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from papernotes.config import Settings

SETTINGS = "papernotes.settings"  # ctx.meta key: the Settings in effect (cli/main.py)
PAGING = "papernotes.paging"  # ctx.meta key: False after --no-pager
QUIET, VERBOSE = "papernotes.quiet", "papernotes.verbose"
PAGER_ENV_DEFAULTS = {"LESS": "FRX", "LV": "-c"}
"""As git sets them: less quits at once when the text fits one screen and keeps colours."""


def current_meta() -> dict:
    ctx = click.get_current_context(silent=True)
    return ctx.meta if ctx is not None else {}


def color_choice(value: str) -> bool | None:
    """click's ``color``: True keeps ANSI codes, False strips them, None decides by the
    terminal (``auto``)."""
    return {"always": True, "never": False}.get(value)


def colour_on(err: bool = False) -> bool:
    """Whether ANSI codes written now would reach the user as colour."""
    from click.globals import resolve_color_default

    chosen = resolve_color_default()
    if chosen is not None:
        return chosen
    stream = sys.stderr if err else sys.stdout
    return bool(stream is not None and stream.isatty())


def say(text: str) -> None:
    """A line for the person on stderr that ``--quiet`` silences (a notice, not an error)."""
    if not current_meta().get(QUIET):
        click.echo(text, err=True)


def warning(text: str) -> None:
    """``warning: text`` on stderr (its control characters shown visibly), the prefix in
    yellow on a terminal; ``--quiet`` silences it."""
    from papernotes.text.controls import visible_controls

    if not current_meta().get(QUIET):
        prefix = click.style("warning:", fg="yellow", bold=True)
        click.echo(f"{prefix} {visible_controls(text)}", err=True)


def ask_before_deleting(yes: bool, path: str) -> bool:
    """Whether to ask before deleting ``path``: not with ``--yes``; yes on a terminal. Without
    one (a script, a pipe) nobody can answer, so the deletion is refused: never done unasked."""
    from papernotes.errors import InvalidInputError

    if yes:
        return False
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    raise InvalidInputError(
        f"{path} was not deleted: there is no terminal to confirm it on, so pass --yes "
        "to delete without asking."
    )


def confirm_deleting(question: str, path: str) -> None:
    """Ask ``question`` on stderr; any answer but yes (no, the end of input, Ctrl-C) stops
    the command with one sentence saying nothing was deleted, exit 1 (not click's bare
    ``Aborted!``)."""
    try:
        yes = click.confirm(question, default=False, err=True)
    except click.Abort:
        yes = False
    if not yes:
        click.echo(f"Nothing was deleted: {path} is kept.", err=True)
        raise click.exceptions.Exit(1)


def verbose(text: str) -> None:
    """A line only ``--verbose`` shows."""
    if current_meta().get(VERBOSE):
        click.echo(click.style(text, dim=True), err=True)


def pager_command(settings: Settings | None, paging: bool, terminal: bool) -> str | None:
    """The pager to run, or None: never without a terminal or with ``--no-pager``; else the
    ``pager`` setting (``$PAPERNOTES_PAGER``, ``config.toml``, ``$PAGER``, ``less -R``)."""
    if not paging or not terminal:
        return None
    command = str(settings["pager"]) if settings is not None else "less -R"
    return command.strip() or None


def page(text: str, longer_than_screen: bool = False) -> None:
    """Print ``text``, through the pager when stdout is a terminal (only if it does not fit
    the screen, with ``longer_than_screen``)."""
    meta = current_meta()
    terminal = sys.stdout is not None and sys.stdout.isatty()
    command = pager_command(meta.get(SETTINGS), meta.get(PAGING, True), terminal)
    if command is not None and longer_than_screen:
        import shutil

        if text.count("\n") + 1 < shutil.get_terminal_size().lines:
            command = None  # it fits the screen
    if command is None:
        click.echo(text)
        return
    run_pager(command, text if colour_on() else click.unstyle(text))


def run_pager(command: str, text: str) -> None:
    """Feed ``text`` to ``command`` (a shell command, as ``$PAGER`` is) and wait for it; the
    user quitting early is not an error."""
    import subprocess  # only for a terminal: not for list | grep

    env = {**os.environ}
    for name, value in PAGER_ENV_DEFAULTS.items():
        env.setdefault(name, value)
    sys.stdout.flush()
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)  # noqa: S602
    except OSError:
        click.echo(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write((text + "\n").encode("utf-8", "surrogateescape"))
        proc.stdin.close()
    except BrokenPipeError:  # quit before reading everything
        pass
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager, as with git
            continue
    if proc.returncode == 127:  # the shell found no such pager: the text is not lost
        click.echo(text)
