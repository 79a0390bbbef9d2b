"""Commands that change one note's file: edit (in $EDITOR) and rm."""

from __future__ import annotations

import click

from papernotes.cli.completion import complete_paper
from papernotes.cli.library_access import open_library
from papernotes.cli.terminal import ask_before_deleting, confirm_deleting, say, warning
from papernotes.errors import AmbiguousError, ConflictError, InvalidInputError
from papernotes.library.names import exact_matches


@click.command("edit")
@click.argument("paper", shell_complete=complete_paper)
@click.pass_context
def edit_cmd(ctx: click.Context, paper):
    """Open a paper's note in $EDITOR (a path such as 2020/bad.md opens even a broken note).

    The editor works on a copy; the edited text is written back only if nobody changed,
    moved or removed the note meanwhile, and kept in a file whose path is printed otherwise.

    \b
    Examples:
      papernotes edit he2021deberta
      papernotes edit 2020/bad.md
    """
    library = open_library(ctx)
    rel = library.file_named(paper) or library.find(paper).path
    if not (library.root / rel).is_file():  # a FIFO: an editor reading it would wait forever
        raise InvalidInputError(f"{rel} is not a regular file, so it is not opened; rm removes it.")
    from papernotes.library.editor import run_editor  # subprocess: not for list or search
    from papernotes.library.note_edit import edit_note, edit_warnings

    edited = edit_note(library, rel, run_editor)
    if edited is None:
        say(f"No changes to {rel}; nothing was written.")
    for problem in edit_warnings(library, edited) if edited is not None else ():
        warning(f"{problem} (the edit is written as it is)")
    click.echo(str(library.root / rel))


@click.command("rm")
@click.argument("paper", shell_complete=complete_paper)
@click.option("--yes", is_flag=True, help="Delete without asking (needed without a terminal).")
@click.pass_context
def rm_cmd(ctx: click.Context, paper, yes):
    """Delete a paper's note (a path such as 2020/bad.md removes even a broken note).

    It asks first; without a terminal to ask on (a script, a pipe) it deletes nothing
    unless --yes is given.

    \b
    Examples:
      papernotes rm he2021deberta
      papernotes rm 2020/bad.md --yes
    """
    library = open_library(ctx)
    rel = library.file_named(paper)
    if rel is not None and all(n.path != rel for n in library.notes()):
        # a file that does not read as a note: removed as it is, without parsing it
        named = ", ".join(exact_matches(library.notes(), paper))
        if named:
            raise AmbiguousError(
                f"{paper!r} names {rel} (which does not read as a note) and {named}; "
                "name one by its path with .md."
            )
        asked = f"Delete {rel} (it does not read as a note)?"
        ask = ask_before_deleting(yes, rel)
        # deleted only if, under the lock, it still holds what it held when asked
        library.remove_file(rel, (lambda: confirm_deleting(asked, rel)) if ask else None)
        click.echo(f"Removed {rel}")
        return
    note = library.find(paper)  # a name two rules give to two papers is an error, never a pick
    confirmed = ask_before_deleting(yes, note.path)
    if confirmed:
        confirm_deleting(f"Delete {note.path} ({note.paper.title})?", note.path)
    # named again, and removed, as the folder is now
    with library.writing(message=f"rm {note.paper.key or note.path}: {note.paper.title}"):
        latest = library.find(paper)
        if latest.path != note.path:
            raise ConflictError(f"{paper!r} names {latest.path} now; nothing was removed.")
        # what was confirmed must still be there; else the file as it is now (not the cache)
        library.remove(note if confirmed else library.current(latest))
    click.echo(f"Removed {note.path}")
