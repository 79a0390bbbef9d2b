"""History and sharing through git: ``git on|off|status``, ``commit``, ``log``, ``undo``,
``redo``, ``sync``, and the merge driver git runs during a sync (hidden)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from papernotes.cli.library_access import existing_library
from papernotes.cli.output import echo, to_json
from papernotes.cli.terminal import say, warning
from papernotes.errors import NotFoundError

if TYPE_CHECKING:
    from papernotes.library import Library


@click.group("git")
def git_cmd() -> None:
    """Keep the library's history in git: on, off, or its status.

    \b
    Examples:
      papernotes git on
      papernotes git status
    """


@git_cmd.command("on")
@click.pass_context
def git_on_cmd(ctx: click.Context) -> None:
    """Commit every change from now on (makes a repository unless the library is in one).

    \b
    Examples:
      papernotes git on
      papernotes --notes ~/papers git on
    """
    library = existing_library(ctx)
    top = library.history.enable()
    echo(f"History is on: every change to {library.root} is committed in the repository at {top}.")


@git_cmd.command("off")
@click.pass_context
def git_off_cmd(ctx: click.Context) -> None:
    """Stop committing changes (the repository and its history stay).

    \b
    Examples:
      papernotes git off
    """
    existing_library(ctx).history.disable()
    echo("History is off: changes are no longer committed (the repository is kept).")


@git_cmd.command("status")
@click.pass_context
def git_status_cmd(ctx: click.Context) -> None:
    """Whether history is on, the repository, branch, and hand edits not committed yet.

    \b
    Examples:
      papernotes git status
    """
    status = existing_library(ctx).history.status()
    echo(f"history: {'on' if status.enabled else 'off'}")
    echo(f"repository: {status.repository or '(none)'}")
    if status.branch:
        echo(f"branch: {status.branch}")
    echo(f"uncommitted files: {len(status.pending)}")
    for rel in status.pending:
        echo(f"  {rel}")
    if status.merging:
        echo("a sync is stopped on conflicts: run 'papernotes sync --continue' or '--abort'")


@click.command("commit")
@click.pass_context
def commit_cmd(ctx: click.Context) -> None:
    """Commit the edits made to the library outside papernotes.

    \b
    Examples:
      papernotes commit
    """
    library = existing_library(ctx)
    with library.writing():
        paths = library.history.commit_pending()
    echo(f"Committed {len(paths)} file(s): {', '.join(paths)}" if paths else "Nothing to commit.")


@click.command("log")
@click.argument("paper", required=False)
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
@click.option("-n", "limit", type=click.IntRange(min=1), default=None, help="At most N changes.")
@click.pass_context
def log_cmd(ctx: click.Context, paper: str | None, as_json: bool, limit: int | None) -> None:
    """The library's changes (or PAPER's), newest first: date, author, what.

    \b
    Examples:
      papernotes log
      papernotes log deberta -n 5
      papernotes log --json
    """
    library = existing_library(ctx)
    rel = paper_path(library, paper) if paper else None
    entries = library.history.log(rel, limit or 0)
    if as_json:
        data = [
            {"commit": e.commit, "date": e.date, "author": e.author, "message": e.subject,
             "change": e.trailer("Papernotes-Change")}
            for e in entries
        ]  # fmt: skip
        echo(to_json(data))
        return
    echo("\n".join(f"{e.date[:16].replace('T', ' ')}  {e.author}  {e.subject}" for e in entries))


def paper_path(library: Library, name: str) -> str:
    """The note path ``name`` names; a path of a removed note (``2021/x.md``) as given."""
    _, note, _ = library.find_named(name)  # a few notes read while the name index holds
    if note is not None:
        return note.path
    try:
        return library.find(name).path
    except NotFoundError:
        if name.endswith(".md") and "/" in name:
            return name
        raise


@click.command("undo")
@click.pass_context
def undo_cmd(ctx: click.Context) -> None:
    """Revert the last papernotes change (as a new commit).

    \b
    Examples:
      papernotes undo
    """
    target = existing_library(ctx).history.undo()
    echo(f"Undid: {target.subject}")


@click.command("redo")
@click.pass_context
def redo_cmd(ctx: click.Context) -> None:
    """Re-apply the change the last undo reverted.

    \b
    Examples:
      papernotes redo
    """
    target = existing_library(ctx).history.redo()
    echo(f"Redid: {target.subject.removeprefix('undo: ')}")


@click.command("sync")
@click.option("--continue", "resume", is_flag=True, help="Finish a sync stopped on conflicts.")
@click.option("--abort", is_flag=True, help="Undo a sync stopped on conflicts.")
@click.pass_context
def sync_cmd(ctx: click.Context, resume: bool, abort: bool) -> None:
    """Commit hand edits, fetch, merge the remote's changes, push.

    \b
    Examples:
      papernotes sync
      papernotes sync --continue
      papernotes sync --abort
    """
    from papernotes.library.sync_ops import sync

    if resume and abort:
        raise click.UsageError("Give --continue or --abort, not both.")
    report = sync(existing_library(ctx), resume=resume, abort=abort)
    if report.aborted:
        echo("The stopped sync is undone: the library is as it was before it.")
        return
    if report.committed:
        echo(f"Committed hand edits: {', '.join(report.committed)}")
    echo(
        f"Synced with {report.remote}: "
        + ("changes received" if report.received else "nothing new")
        + (", changes pushed." if report.pushed else ", nothing to push.")
    )
    if report.received:  # merged notes can clash (one key taken on two machines): say so
        problems = existing_library(ctx).check()  # read again: the merged files
        for problem in problems:
            warning(f"after the merge: {problem}")
        if problems:
            say("Fix these ('papernotes check' lists them) and sync again.")


@click.command("merge-driver", hidden=True)
@click.argument("kind", type=click.Choice(["note", "document"]))
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.argument("name", required=False)
def merge_driver_cmd(kind: str, base: Path, ours: Path, theirs: Path, name: str | None) -> None:
    """The merge driver git runs for notes and document.yaml: the merge is written over
    OURS; exit status 1 when it holds conflicts.

    \b
    Examples:
      papernotes merge-driver %O %A %B %P   (as git runs it; see .gitattributes)
    """
    from papernotes.library.three_way import (
        merge_file_for_driver,
        merge_undecodable,
        unmergeable_by_lines,
    )

    versions = [p.read_bytes() for p in (base, ours, theirs)]
    merged = merge_file_for_driver(kind, *versions)
    if merged is not None:
        ours.write_bytes(merged.text.encode("utf-8"))
        raise SystemExit(1 if merged.conflicts else 0)
    # not UTF-8: never decoded (that would replace bytes), merged as bytes line by line
    data, clean = merge_undecodable(*versions)
    if data != versions[1]:
        ours.write_bytes(data)
    if not clean and unmergeable_by_lines(*versions):
        click.echo(
            f"papernotes: {name or ours} holds a NUL byte, so git cannot merge it line by "
            "line: it is left as this machine's version, unchanged, and the merge stops.",
            err=True,
        )
    elif not clean:
        click.echo(
            f"papernotes: {name or ours} is not valid UTF-8, so it was merged line by line "
            "as bytes, and its conflicts are between '<<<<<<<' and '>>>>>>>' lines.",
            err=True,
        )
    raise SystemExit(0 if clean else 1)
