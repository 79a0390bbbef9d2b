"""Shell completion: ``papernotes completion bash|zsh|fish`` prints the script (click's
machinery), and PAPER, ``--tag`` and ``--year`` complete with what the library holds.

The candidates are worked out once per state of the library and kept like ``list``'s output
(``Library.cached_output``), so a completion at 10,000 notes stats the files and reads one
small file instead of loading every note.
"""

from __future__ import annotations

from pathlib import Path

import click

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_PAPERNOTES_COMPLETE"


def library_candidates(ctx: click.Context, kind: str) -> list[str]:
    """The library's ``papers`` (keys and slugs), ``tags`` or ``years``; none when the
    library or the config cannot be read (a completion never prints an error)."""
    from papernotes.errors import PapernotesError

    try:
        root = completion_root(ctx)
        from papernotes.library import Library

        library = Library.open(root)
        _, text = library.cached_output(f"complete {kind}", lambda: candidates_text(library, kind))
    except (PapernotesError, OSError):
        return []
    return text.split("\n") if text else []


def completion_root(ctx: click.Context) -> Path:
    """The library the command line being completed names: while completing, the main
    command's callback has not run, so its options are read here."""
    from papernotes.cli.main import notes_root
    from papernotes.config import Setting, load_settings

    params = ctx.find_root().params
    options = {}
    if params.get("notes_dir"):
        options["library"] = Setting("library", str(params["notes_dir"]), "option")
    return notes_root(load_settings(params.get("config_file"), options))


def candidates_text(library, kind: str) -> str:
    """One candidate a line, sorted: every key and slug, every tag, or every year."""
    from papernotes.cli.library_access import load_notes

    notes = load_notes(library).notes()
    if kind == "papers":
        names = {n.paper.key for n in notes if n.paper.key} | {n.slug for n in notes}
    elif kind == "tags":
        names = {tag for n in notes for tag in n.paper.tags}
    else:
        names = {str(n.paper.year) for n in notes}
    return "\n".join(sorted(names, reverse=kind == "years"))


def starting_with(names: list[str], incomplete: str) -> list:
    """The names starting with what was typed, case aside, as click's completion items."""
    from click.shell_completion import CompletionItem  # only while completing

    folded = incomplete.casefold()
    return [CompletionItem(name) for name in names if name.casefold().startswith(folded)]


def complete_paper(ctx: click.Context, _param: click.Parameter, incomplete: str):
    return starting_with(library_candidates(ctx, "papers"), incomplete)


def complete_tag(ctx: click.Context, _param: click.Parameter, incomplete: str):
    return starting_with(library_candidates(ctx, "tags"), incomplete)


def complete_year(ctx: click.Context, _param: click.Parameter, incomplete: str):
    return starting_with(library_candidates(ctx, "years"), incomplete)


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion_cmd(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for SHELL: commands, options, paper keys and
    slugs, tags and years complete with Tab.

    \b
    Examples:
      eval "$(papernotes completion bash)"        # in ~/.bashrc
      eval "$(papernotes completion zsh)"         # in ~/.zshrc
      papernotes completion fish > ~/.config/fish/completions/papernotes.fish
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None  # every name in SHELLS is one of click's
    root = ctx.find_root().command
    click.echo(completer(root, {}, "papernotes", COMPLETE_VAR).source())
