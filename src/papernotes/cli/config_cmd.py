"""``papernotes config``: the settings in effect and where each came from; ``config path``,
``config edit``."""

from __future__ import annotations

import os

import click

from papernotes.cli.main import SETTINGS_ERROR
from papernotes.cli.output import echo
from papernotes.cli.terminal import SETTINGS, say
from papernotes.config import Setting, Settings, config_path
from papernotes.config.settings import SPECS
from papernotes.errors import InvalidInputError


@click.group("config", invoke_without_command=True)
@click.pass_context
def config_cmd(ctx: click.Context) -> None:
    """Print every setting in effect, where it came from (default, file, environment or
    option), and the folders papernotes uses.

    Settings live in config.toml in the user config folder ($XDG_CONFIG_HOME/papernotes
    on Linux), or the file $PAPERNOTES_CONFIG or --config FILE names.

    \b
    Examples:
      papernotes config                      every setting and its origin
      papernotes --color never config        an option wins over the file
      papernotes config path                 where config.toml is
      papernotes config edit                 open it in your editor
    """
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_or_error(ctx)
    echo(settings_text(settings, ctx.obj))


def settings_or_error(ctx: click.Context) -> Settings:
    error = ctx.meta.get(SETTINGS_ERROR)
    if error is not None:
        raise InvalidInputError(f"{error}\n(mend it with: papernotes config edit)")
    return ctx.meta[SETTINGS]


def origin_text(setting: Setting) -> str:
    return f"{setting.origin} ({setting.source})" if setting.source else setting.origin


def settings_text(settings: Settings, library) -> str:
    """The table ``papernotes config`` prints: setting, value, origin; then the paths."""
    rows = []
    for spec in SPECS:
        setting = settings.values[spec.name]
        value = setting.value
        if spec.name == "library":
            value = os.path.abspath(library)
        shown = repr(value) if isinstance(value, str) else str(value).lower()
        rows.append((spec.name, shown, origin_text(setting)))
    venues = len(settings.venues)
    rows.append(("venues", f"{venues} in config.toml", "file" if venues else "default"))
    width = max(len(name) for name, _, _ in rows)
    value_width = min(40, max(len(value) for _, value, _ in rows))
    lines = ["Settings (an option beats the environment, which beats config.toml):"]
    lines += [f"  {n:<{width}}  {v:<{value_width}}  {o}" for n, v, o in rows]
    lines += ["", "Paths:"]
    lines += [f"  {name:<13} {path}" for name, path in paths(settings, library)]
    return "\n".join(lines)


def paths(settings: Settings, library) -> list[tuple[str, str]]:
    """The files and folders papernotes reads and writes, for ``papernotes config``."""
    from papernotes.user_folders import cache_folder, config_folder, data_folder

    state = "" if settings.exists else "  (none yet: defaults apply)"
    venues = config_folder() / "venues.toml"
    caches = cache_folder()
    off = os.environ.get("PAPERNOTES_NO_CACHE", "").strip() not in ("", "0")
    return [
        ("library", str(library)),
        ("config file", f"{settings.path}{state}"),
        ("venues.toml", f"{venues}{'' if venues.is_file() else '  (none)'}"),
        ("caches", f"{caches / 'libraries'}{'  (off: PAPERNOTES_NO_CACHE)' if off else ''}"),
        ("arXiv cache", str(caches / "arxiv")),
        ("edit copies", str(data_folder())),
    ]


@config_cmd.command("path")
@click.pass_context
def path_cmd(ctx: click.Context) -> None:
    """Print the path of the config file in effect (it may not exist yet).

    \b
    Examples:
      papernotes config path
      cat "$(papernotes config path)"
    """
    click.echo(str(chosen_path(ctx)))


def chosen_path(ctx: click.Context):
    settings = ctx.meta.get(SETTINGS)
    return settings.path if settings is not None else config_path().value


@config_cmd.command("edit")
@click.pass_context
def edit_cmd(ctx: click.Context) -> None:
    """Open the config file in your editor, creating it with every setting commented out
    first; it is checked when the editor closes.

    \b
    Examples:
      papernotes config edit
      EDITOR=nano papernotes config edit
    """
    from papernotes.config import load_settings
    from papernotes.config.template import config_template
    from papernotes.library.editor import run_editor

    path = chosen_path(ctx)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(config_template(), encoding="utf-8")
        say(f"created {path}")
    run_editor(path)
    try:
        load_settings(path)
    except InvalidInputError as exc:
        raise InvalidInputError(
            f"{exc}\n(the file is kept as you left it; run "
            "'papernotes config edit' again to mend it)"
        ) from None
    click.echo(str(path))
