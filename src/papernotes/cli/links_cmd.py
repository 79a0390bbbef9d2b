"""``papernotes links PAPER``: the links between one paper and the others, and
``links --suggest``: mentions of another paper's short name that could be links."""

from __future__ import annotations

import click

from papernotes.cli.library_access import existing_library
from papernotes.cli.output import echo, to_json
from papernotes.library.paper_links import LinkUse, incoming, outgoing
from papernotes.model import Note


@click.command("links")
@click.argument("paper", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (array with --suggest).")
@click.option(
    "--suggest",
    is_flag=True,
    help="List notes (PAPER's, or all) that mention another paper's short name without a "
    "link; writes nothing.",
)
@click.pass_context
def links_cmd(ctx: click.Context, paper: str | None, as_json: bool, suggest: bool):
    """List PAPER's links: the papers its notes link to with [[key]], and the notes that
    link to it, each with the note line it comes from.

    \b
    Examples:
      papernotes links deberta
      papernotes links --suggest
      papernotes links deberta --json
    """
    library = existing_library(ctx)
    if suggest:
        suggest_links(library, library.find(paper) if paper else None, as_json)
        return
    if not paper:
        raise click.UsageError("Name a paper (or use --suggest).")
    from papernotes.library.index_links import kept_links

    found = kept_links(library, paper)  # a few notes read while the name index holds
    if found is None:
        note = library.find(paper)
        out, into = outgoing(library, note), incoming(library, note)
    else:
        note, out, into = found
    if as_json:
        echo(
            to_json(
                {
                    "paper": _ref(note),
                    "links_to": [_use(u) for u in out],
                    "linked_from": [_use(u) for u in into],
                }
            )
        )
        return
    lines = [f"{note.paper.key or note.slug}  {note.paper.title}  ({note.path})", "Links to:"]
    lines += [f"  {_name(u.target, u)}  {_where(u)}" for u in out] or ["  (none)"]
    lines.append("Linked from:")
    lines += [f"  {_name(u.source, u)}  {_where(u)}" for u in into] or ["  (none)"]
    echo("\n".join(lines))


def suggest_links(library, note: Note | None, as_json: bool) -> None:
    from papernotes.library.link_suggestions import suggestions

    found = suggestions(library, None if note is None else [note])
    if as_json:
        echo(
            to_json(
                [
                    {
                        "path": s.source.path,
                        "line": s.line,
                        "word": s.word,
                        "line_text": s.text,
                        "paper": _ref(s.target),
                        "link": f"[[{s.target.paper.key}|{s.word}]]",
                    }
                    for s in found
                ]
            )
        )
        return
    shown = [
        f"{s.source.path}:{s.line}: {s.word} -> [[{s.target.paper.key or s.target.slug}]]  "
        f"{s.target.paper.title}"
        for s in found
    ]
    if shown:
        echo("\n".join(shown))
    click.echo(
        f"{len(found)} mention(s) without a link; nothing was written "
        "(write [[key]] or [[key|text]] in the note to link).",
        err=True,
    )


def _ref(note: Note | None) -> dict | None:
    if note is None:
        return None
    return {"key": note.paper.key, "path": note.path, "title": note.paper.title}


def _use(use: LinkUse) -> dict:
    return {
        "link": use.link.source,
        "source": _ref(use.source),
        "target": _ref(use.target),
        "line": use.line,
        "line_text": use.text,
    }


def _name(note: Note | None, use: LinkUse) -> str:
    if note is None:
        return f"{use.link.source} (no such paper)"
    return f"{note.paper.key or note.slug} ({note.path})"


def _where(use: LinkUse) -> str:
    place = f"{use.source.path}:{use.line}" if use.line else use.source.path
    return f"{place}: {use.text}"
