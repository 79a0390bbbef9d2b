"""``papernotes [--notes DIR] COMMAND``: the entry point, its global options (config file,
colour, pager, verbosity) and its error handling and exit statuses.

Commands live in their own modules and are imported only when run, so ``list`` never
pays for Textual, ``arxiv`` or ``bibtexparser``.
"""

from __future__ import annotations

import gc

from papernotes.gc_pause import gc_paused

with gc_paused(freeze=True):  # start-up imports: lasting objects, no garbage (gc_pause)
    import contextlib
    import importlib
    import os
    import sys
    from pathlib import Path
    from typing import Any

    import click

    from papernotes import __version__
    from papernotes.cli.terminal import PAGING, QUIET, SETTINGS, VERBOSE, color_choice, verbose
    from papernotes.errors import InvalidInputError, NetworkError, PapernotesError, user_message
    from papernotes.text.controls import visible_controls

LOCK_TIMEOUT = "papernotes.lock_timeout"  # ctx.meta key: seconds a write waits for the lock
EXIT_PROBLEM, EXIT_USAGE, EXIT_NETWORK = 1, 2, 3
EXIT_INTERRUPTED = 130  # as a shell reports a process Ctrl-C stopped
"""Exit statuses: 0 success; 1 a problem or nothing matched; 2 wrong usage (click's);
3 a web service (arXiv, Semantic Scholar, DBLP, Crossref) could not be reached or failed."""
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
SETTINGS_ERROR = "papernotes.settings_error"  # ctx.meta key: why the config did not read
VERSIONED = ("click", "textual", "arxiv", "bibtexparser", "PyYAML")

# command name -> "module:function", imported on use
COMMANDS = {
    "init": "papernotes.cli.add_cmds:init_cmd",
    "add": "papernotes.cli.add_cmds:add_cmd",
    "list": "papernotes.cli.view_cmds:list_cmd",
    "show": "papernotes.cli.view_cmds:show_cmd",
    "search": "papernotes.cli.view_cmds:search_cmd",
    "edit": "papernotes.cli.edit_cmds:edit_cmd",
    "note": "papernotes.cli.note_cmd:note_cmd",
    "rm": "papernotes.cli.edit_cmds:rm_cmd",
    "check": "papernotes.cli.check_cmd:check_cmd",
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
    "config": "papernotes.cli.config_cmd:config_cmd",
    "completion": "papernotes.cli.completion:completion_cmd",
    "man": "papernotes.cli.man_cmd:man_cmd",
    "publish": "papernotes.cli.publish_cmds:publish_cmd",
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
        with gc_paused(freeze=True):  # as the start-up's imports (above)
            command = getattr(importlib.import_module(module), attr)
        command.context_class = TextCheckedContext
        return command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            quiet_broken_pipe()
        except KeyboardInterrupt:  # click would say "Aborted!" and exit 1
            click.echo("Interrupted.", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except (PapernotesError, OSError) as exc:
            message = user_message(exc) or str(exc)  # a title in it shows its controls
            network = isinstance(exc, NetworkError) and exc.reached_network
            failure = (NetworkFailure if network else click.ClickException)(
                visible_controls(message)
            )
            raise failure from None


class NetworkFailure(click.ClickException):
    """A failure of the network (arXiv, a web service): its own exit status."""

    exit_code = EXIT_NETWORK


class LockSeconds(click.FloatRange):
    """A number of seconds from ``min`` up; ``nan``, which every comparison lets through, and
    ``inf`` are refused like a negative number (as ``lock_timeout`` in config.toml is)."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        seconds: float = super().convert(value, param, ctx)
        if seconds != seconds or seconds == float("inf"):  # nan, inf
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        return seconds


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``-V``: papernotes' version and those of Python and the packages it runs on, read from
    their metadata (importing Textual or arxiv would cost a quarter second)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    lines = [f"papernotes {__version__}", f"Python {sys.version.split()[0]}"]
    for name in VERSIONED:
        try:
            lines.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            lines.append(f"{name} (not installed)")
    click.echo("\n".join(lines))
    ctx.exit()


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--notes",
    "notes_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The library folder (default: $PAPERNOTES_DIR, else 'library' in config.toml, else "
    "./notes, else the user data folder); a folder holding other files is used only after "
    "'init' marks it.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The config file (default: $PAPERNOTES_CONFIG, else config.toml in the user config "
    "folder; 'papernotes config path' names it).",
)
@click.option(
    "--lock-timeout",
    type=LockSeconds(min=0),
    envvar="PAPERNOTES_LOCK_TIMEOUT",
    show_envvar=True,
    metavar="SECONDS",
    help="How long a write waits for another papernotes writing to the library (default 30).",
)
@click.option(
    "--color",
    "--colour",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    help="Colour: on a terminal only (auto, the default), always or never; NO_COLOR=1 means never.",
)
@click.option("--no-pager", is_flag=True, help="Never page output (show, export, long lists).")
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings or notices, only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Say which library and config are used.")
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=print_version,
    help="Show the versions of papernotes, Python and its packages, and exit.",
)
@click.pass_context
def cli(  # noqa: PLR0913 - a click command takes one parameter per option
    ctx: click.Context,
    notes_dir: Path | None,
    config_file: Path | None,
    lock_timeout: float | None,
    color: str | None,
    no_pager: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """papernotes: reading notes on research papers, one file per paper, by year.

    \b
    Examples:
      papernotes add --arxiv 2006.03654     add a paper with arXiv's metadata
      papernotes list --year 2020           the papers of 2020
      papernotes search 蒸馏                 search titles, notes, tags and authors
      papernotes                            the terminal UI (in a terminal)
    """
    ctx.meta[QUIET], ctx.meta[VERBOSE] = quiet and not verbose, verbose
    ctx.meta[PAGING] = not no_pager
    settings = read_settings(ctx, config_file)
    ctx.meta[SETTINGS] = settings
    ctx.obj = notes_root(settings, notes_dir)
    lock = settings["lock_timeout"] if settings is not None else lock_timeout
    ctx.meta[LOCK_TIMEOUT] = 30.0 if lock is None else lock  # read by cli/library_access.py
    ctx.color = color_choice(color or (settings["color"] if settings is not None else "auto"))
    if settings is not None:
        verbose_settings(ctx, settings)
    if ctx.invoked_subcommand is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        tui = cli.get_command(ctx, "tui") if interactive else None  # None if not installed
        if tui is not None:
            ctx.invoke(tui)
        else:
            click.echo(ctx.get_help())


def command_line_settings(ctx: click.Context) -> dict:
    """The settings the command line (options, or click's envvars for them) gives, with
    their origin, for ``config.load_settings``."""
    from click.core import ParameterSource

    from papernotes.config import Setting

    given = {}
    params = ctx.params
    for param, name, value in (
        ("notes_dir", "library", params.get("notes_dir")),
        ("lock_timeout", "lock_timeout", params.get("lock_timeout")),
        ("color", "color", params.get("color")),
        ("no_pager", "pager", "" if params.get("no_pager") else None),
    ):
        if value is None:
            continue
        source = ctx.get_parameter_source(param)
        if source == ParameterSource.ENVIRONMENT:
            given[name] = Setting(name, value, "environment", "$PAPERNOTES_LOCK_TIMEOUT")
        elif source == ParameterSource.COMMANDLINE:
            option = "--no-pager" if param == "no_pager" else f"--{param.replace('_', '-')}"
            given[name] = Setting(name, value, "option", option.replace("notes-dir", "notes"))
    if "library" in given:
        given["library"] = Setting("library", str(params["notes_dir"]), "option", "--notes")
    return given


def read_settings(ctx: click.Context, config_file: Path | None):
    """The settings in effect. ``--config FILE`` is passed on as ``$PAPERNOTES_CONFIG`` so
    that all the command runs (the library layer, the TUI, the editor) reads the same file.
    ``config path`` and ``config edit`` work even when the file is wrong (to mend it)."""
    from papernotes.config import CONFIG_ENV, load_settings

    if config_file is not None:
        before = os.environ.get(CONFIG_ENV)
        os.environ[CONFIG_ENV] = str(config_file)
        ctx.call_on_close(lambda: restore_env(CONFIG_ENV, before))
    try:
        return load_settings(config_file, command_line_settings(ctx))
    except PapernotesError as exc:
        if ctx.invoked_subcommand == "config":  # 'config' shows it; 'config edit' mends it
            ctx.meta[SETTINGS_ERROR] = exc
            return None
        raise click.ClickException(visible_controls(str(exc))) from None


def restore_env(name: str, value: str | None) -> None:
    """Put a variable back as it was (for a CLI run inside another program, as in tests)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def verbose_settings(ctx: click.Context, settings) -> None:
    shown = "none" if not settings.exists else str(settings.path)
    verbose(f"papernotes: library {ctx.obj}; config file {shown}")


def notes_root(settings, option: Path | None = None) -> Path:
    """The library folder: --notes, else $PAPERNOTES_DIR, else ``library`` in config.toml,
    else ./notes, else the user data folder's (``settings`` None: the config did not read)."""
    chosen = settings["library"] if settings is not None else ""
    if settings is None:
        chosen = option or os.environ.get("PAPERNOTES_DIR", "")
    if chosen:
        return Path(chosen)
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
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        quiet_broken_pipe()
    except UnicodeEncodeError:
        encoding = getattr(sys.stdout, "encoding", None) or ""
        if encoding.replace("-", "").lower() in ("utf8", ""):
            raise  # not the output's encoding: a bug, shown as one
        print(
            f"Error: the output holds characters that standard output's encoding "
            f"({encoding}) cannot write; use a UTF-8 locale (LANG=C.UTF-8) or "
            "PYTHONIOENCODING=utf-8.",
            file=sys.stderr,
        )
        sys.exit(1)
    finally:
        # The process ends: what is alive now lives to its end, so the interpreter's last
        # collections need not walk it (a fifth of a warm ``show KEY``'s own work).
        gc.freeze()
