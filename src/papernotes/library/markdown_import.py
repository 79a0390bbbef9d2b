"""Importing a reading-notes Markdown document into a library (``Library.import_markdown``):
one note added or updated per paper, the document's sections merged into ``document.yaml``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.errors import NO_PAPERS, InvalidInputError
from papernotes.library.document_merge import merge_layout
from papernotes.library.index import PaperIndex
from papernotes.library.link_export import imported_paper
from papernotes.model import ImportReport, Note, Problem, merge_paper

if TYPE_CHECKING:
    from papernotes.library.api import Library


def import_markdown(library: Library, text: str, source: str, dry_run: bool) -> ImportReport:
    """Add or update one note per paper of the document; keep its link sections. A dry run
    writes nothing; otherwise one writer, one fresh read, and new notes flushed together."""
    if dry_run:
        return _import(library, text, source, dry_run)
    with library.writing(batch=True):
        library.refuse_unseen()
        report = _import(library, text, source, dry_run)
        name = source.replace("\\", "/").rsplit("/", 1)[-1] or source
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
    pending = PaperIndex([])  # a dry run's papers to add, matched as the real run's new notes
    for paper, line in parsed.papers:
        try:
            paper = library.validated(imported_paper(paper))
        except InvalidInputError as exc:
            problems.append(Problem(source, line, str(exc)))
            skipped.append(paper.title)
            continue
        existing = library.match(paper) or (pending.match(paper) if dry_run else None)
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
            merged = merge_paper(existing.paper, paper)
            path = existing.path
            if merged == existing.paper:
                unchanged.append(path)
            else:
                if not dry_run:
                    path = library.save(existing, merged).path
                updated.append(path)
        claimed.add(path)
        order.append(path)
    layout_merge = merge_layout(
        current, parsed.layout, papers_heading=parsed.papers_heading, order=order
    )
    if not dry_run and layout_merge.layout != current:
        library.save_layout(layout_merge.layout)
    return ImportReport(
        tuple(added),
        tuple(updated),
        tuple(unchanged),
        tuple(skipped),
        tuple(problems),
        tuple(layout_merge.added),
        tuple(layout_merge.replaced),
    )
