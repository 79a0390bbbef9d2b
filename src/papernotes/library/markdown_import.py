"""Importing a reading-notes Markdown document into a library (``Library.import_markdown``):
one note added or updated per paper, the document's sections merged into ``document.yaml``."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from papernotes.errors import NO_PAPERS, InvalidInputError
from papernotes.library.document_merge import merge_layout
from papernotes.library.import_keys import linked_keys
from papernotes.library.index import PaperIndex
from papernotes.library.link_export import imported_paper, shown_in_document, unlisted_links_kept
from papernotes.library.note_writes import free_key
from papernotes.model import ImportReport, Note, Paper, Problem, PublishProfile, merge_paper

if TYPE_CHECKING:
    from papernotes.library.api import Library


def import_markdown(library: Library, text: str, source: str, dry_run: bool) -> ImportReport:
    """Add or update one note per paper of the document; keep its link sections. A dry run
    writes nothing; otherwise one writer, one fresh read, and new notes flushed together."""
    if dry_run:
        return _import(library, text, source, dry_run)
    from papernotes.library.stopped_import import counted_if_stopped

    name = source.replace("\\", "/").rsplit("/", 1)[-1] or source

    # the writer process creates the files of a big import (storage/temp_writer.py)
    with (
        counted_if_stopped(library, name) as before_writing,
        library.writing(batch=True, writer_process=True),
    ):
        library.index_rows()  # a big library's notes not loaded: their identity rows
        library.refuse_unseen()
        before_writing()
        report = _import(library, text, source, dry_run)
        library.store.confirm_batch()  # a note not written ends it here, undescribed
        library.history.describe(
            f"import {name}: {len(report.added)} added, {len(report.updated)} updated",
            override=True,
        )
        return report


def _import(library: Library, text: str, source: str, dry_run: bool) -> ImportReport:
    from papernotes.formats.markdown.read import parse_document

    parsed = parse_document(text, source)
    current = library.layout()  # a broken document.yaml refuses the import before any write
    if not parsed.papers and not any(s.level for s in parsed.layout.sections):
        raise InvalidInputError(
            f"{source}:1: {NO_PAPERS} and no headings at all; nothing was imported."
        )
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    skipped: list[str] = []
    problems = list(parsed.problems)
    order: list[str] = []
    claimed: set[str] = set()
    shown = shown_in_document(library, current)  # a link to a paper left out: words there
    pending = PaperIndex([])  # a dry run's papers to add, matched as the real run's new notes
    linked = linked_keys(text, [paper for paper, _ in parsed.papers])
    reserved = {key.casefold() for key in linked.values()}  # no usual key may take one
    for number, (paper, line) in enumerate(parsed.papers):
        try:
            read = imported_paper(paper)  # before a link typed as a slug becomes the key
            paper = library.validated(read)
        except InvalidInputError as exc:
            problems.append(Problem(source, line, str(exc)))
            skipped.append(paper.title)
            continue
        existing = library.match(paper) or (pending.match(paper) if dry_run else None)
        if existing is None and number in linked:  # a new paper: the key its links name
            paper = _with_linked_key(library, pending, paper, linked[number])
        if existing is None and not paper.key:  # its usual key, never one a link reserves
            paper = replace(paper, key=free_key(library, paper, None, reserved))
        if existing and existing.path in claimed:
            problems.append(Problem(source, line, f"{paper.title!r} appears twice; skipped"))
            skipped.append(paper.title)
            continue
        if existing is None:
            # valid already and checked against the library, under the lock (add()
            # without doing both again)
            if dry_run:
                path = f"{paper.year}: {paper.title}"
                pending.add(Note(paper, path))
            else:
                path = library.add_checked(paper, False).path
            added.append(path)
        else:
            paper = unlisted_links_kept(existing.paper, paper, shown, read)
            merged = _merged(existing.paper, paper, parsed.profile)
            path = existing.path
            if merged == existing.paper:
                unchanged.append(path)
            else:
                if not dry_run:
                    path = library.save(existing, merged).path
                updated.append(path)
        claimed.add(path)
        order.append(path)
    if current.publish.exclude_tags:
        hidden = {n.path for n in library.notes() if not current.publish.publishes(n.paper)}
        order = _with_unpublished(order, current.order, hidden)
    layout_merge = merge_layout(
        current, parsed.layout, papers_heading=parsed.papers_heading, order=order
    )
    layout = layout_merge.layout
    publish = _document_profile(parsed.profile, current.publish)
    if publish is not None:
        layout = replace(layout, publish=publish)
    if not dry_run and layout != current:
        library.save_layout(layout)
    return ImportReport(
        tuple(added),
        tuple(updated),
        tuple(unchanged),
        tuple(skipped),
        tuple(problems),
        tuple(layout_merge.added),
        tuple(layout_merge.replaced),
        publish,
    )


def _with_linked_key(library: Library, pending: PaperIndex, paper: Paper, key: str) -> Paper:
    """``paper`` with the key the document's links give it, when that key is valid and names
    no paper yet (key, slug or arXiv id; nor one this dry run adds); else as it was."""
    if paper.key or library.notes_named(key) or pending.named(key):
        return paper
    try:
        keyed = library.validated(replace(paper, key=key))
    except InvalidInputError:
        return paper
    return keyed if library.match(keyed) is None and pending.match(keyed) is None else paper


def _merged(old: Paper, new: Paper, profile: PublishProfile | None) -> Paper:
    """``merge_paper``, except that a status or tags the document shows are the paper's now
    (the document lists them all, so a tag taken out there is taken out)."""
    merged = merge_paper(old, new)
    shown = profile.show if profile is not None else ()
    if "status" in shown:
        merged = replace(merged, status=new.status)
    if "tags" in shown:
        merged = replace(merged, tags=new.tags)
    return merged


def _document_profile(
    named: PublishProfile | None, current: PublishProfile
) -> PublishProfile | None:
    """The profile a document names becomes the library's (so it exports the same document),
    keeping the library's excluded tags, which the document never shows; None if unchanged."""
    if named is None:
        return None
    profile = replace(named, exclude_tags=current.exclude_tags)
    return profile if profile != current else None


def _with_unpublished(order: list[str], previous: tuple[str, ...], hidden: set[str]) -> list[str]:
    """The document's paper order with the papers it could not show (left out by
    ``exclude_tags``) kept where they were: each after the paper it followed before."""
    listed = set(order)
    after: dict[str, list[str]] = {}
    first: list[str] = []
    anchor = ""
    for path in previous:
        if path in listed:
            anchor = path
        elif path in hidden:
            (after.setdefault(anchor, []) if anchor else first).append(path)
    result = first
    for path in order:
        result.append(path)
        result.extend(after.pop(path, ()))
    return result
