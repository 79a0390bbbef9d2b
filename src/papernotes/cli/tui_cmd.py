"""``papernotes tui``: open the terminal UI (Textual is imported only here)."""

from __future__ import annotations

import click


@click.command("tui")
@click.pass_context
def tui_cmd(ctx: click.Context) -> None:
    """Browse, search, add and edit notes in the terminal UI (also: papernotes alone, in
    a terminal).

    \b
    Examples:
      papernotes tui
      papernotes --notes ~/papers tui
    """
    from papernotes.cli.library_access import lock_wait
    from papernotes.tui.start import build_app

    build_app(ctx.obj, lock_wait(ctx).timeout).run()
