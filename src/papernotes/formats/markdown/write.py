"""Write the library back as one reading-notes Markdown document (papers in style (a)).

Output is canonical: trailing spaces dropped, one blank line around headings and
between papers, every note line ending in ``  <br>``; the same library gives the same bytes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar
from urllib.parse import quote

from papernotes.formats.markdown.inline import heading_text, toc_label
from papernotes.formats.markdown.paper_lines import continues_paper
from papernotes.formats.markdown.publish import (
    profile_marker,
    shown_lines,
    stats_line,
    title_text,
    venue_text,
)
from papernotes.model import DocumentLayout, LinkItem, Paper, PublishProfile, Section

TOC_HEADER = (
    "<!-- START doctoc generated TOC please keep comment here to allow auto update -->\n"
    "<!-- DON'T EDIT THIS SECTION, INSTEAD RE-RUN doctoc TO UPDATE -->\n"
    "**Table of Contents**  *generated with [DocToc](https://github.com/thlorenz/doctoc)*\n"
)
TOC_FOOTER = "<!-- END doctoc generated TOC please keep comment here to allow auto update -->\n"
T = TypeVar("T")
_ANCHOR_KEEPS = ("L", "M", "Nd", "Nl", "Pc")
"""Unicode categories an anchor keeps (with ``-`` and the space): letters, marks, digits,
letter numbers and connector punctuation (``_``); all other punctuation and symbols go."""


def render_document(
    layout: DocumentLayout, papers: Iterable[Paper], profile: PublishProfile | None = None
) -> str:
    """The whole document: TOC, each section in order, papers by year newest first, as
    ``profile`` (else the layout's ``publish`` profile) presents them."""
    return "".join(document_pieces(layout, papers, profile))


def document_pieces(
    layout: DocumentLayout, papers: Iterable[Paper], profile: PublishProfile | None = None
) -> Iterator[str]:
    """``render_document`` in pieces (a heading, a paper...), each made when asked for: an
    export of 100,000 papers is written as it is made, never held as one text."""
    profile = layout.publish if profile is None else profile
    by_year: dict[int, list[Paper]] = {}
    for paper in papers:
        if profile.publishes(paper):
            by_year.setdefault(paper.year, []).append(paper)
    shown = profile

    def year_papers(year: int) -> Iterator[str]:
        return ("\n" + render_paper(paper, shown) for paper in by_year[year])

    counts = {year: len(papers) for year, papers in by_year.items()}
    return year_document_pieces(layout, counts, year_papers, profile)


YearPapers = Callable[[int], Iterable[T]]
"""The text of a year's papers as ``document_pieces`` writes them after the year's heading:
each paper's ``render_paper`` after a newline (the blank line between blocks)."""


def year_document_pieces(
    layout: DocumentLayout,
    counts: Mapping[int, int],
    year_papers: YearPapers[T],
    profile: PublishProfile | None = None,
) -> Iterator[str | T]:
    """``document_pieces`` with each year's papers given as text: ``counts`` says how many
    papers of each year the document shows (none: the year is not in it), ``year_papers``
    gives their text (``YearPapers``; asked once per year, newest first, per papers
    section), so a year's text may come from where it was kept (``library/text_blocks.py``)."""
    profile = layout.publish if profile is None else profile
    sections = list(layout.sections)
    if counts and not any(s.papers for s in sections):
        sections.append(Section("Paper", 1, papers=True))
    separator = ""  # the blocks are joined by a blank line's newline

    def block(text: str) -> str:
        nonlocal separator
        piece = separator + text
        separator = "\n"
        return piece

    years = sorted(counts, reverse=True)
    if layout.toc_depth:
        yield block(_toc(sections, years, layout))
    for section in sections:
        if section.level:
            yield block(f"{'#' * section.level} {section.title}\n")
        if section.papers and profile.decorated:
            yield block(profile_marker(profile) + "\n")
            if profile.stats and counts:  # no papers, no counts (nor year headings)
                yield block(stats_line(counts) + "\n")
        if section.items:
            yield block(_items(section.items, 0))
        if section.papers:
            for year in years:
                yield block(f"{'#' * layout.year_level} {year}\n")
                yield from year_papers(year)


def render_paper(paper: Paper, profile: PublishProfile | None = None) -> str:
    """One paper in style (a): title, venue and code line, the lines ``profile`` shows, notes
    in a ``<details>`` block, then its free text (the body) indented under it after a blank
    line."""
    profile = profile or PublishProfile()
    lines = [f"- {title_text(paper, profile)}".rstrip()]
    venue = venue_text(paper.venue, profile)
    venue_line = " ".join(
        part for part in (venue, f" [[code]]({paper.code})" if paper.code else "") if part
    ).strip()
    if venue_line:
        lines.append(f"  - {venue_line}")
    lines.extend(f"  - {line}" for line in shown_lines(paper, profile))
    if paper.notes or _free_text_needs_a_block(paper.body):
        lines.append("  - <details>")
        lines.append("    <summary>阅读笔记: </summary>")
        for number, note in enumerate(paper.notes, 1):
            # Every line ends in a <br> the reader strips again, so a note's own trailing
            # <br> survives; continuation lines sit under the note's text, read literally.
            marker = f"{number}. "
            first, *rest = note.split("\n")
            lines.append(f"    {marker}{first}".rstrip() + "  <br>")
            lines.extend(f"    {' ' * len(marker)}{line}".rstrip() + "  <br>" for line in rest)
        lines.append("    </details>")
    if paper.body:
        # The free text, after a blank line and indented into the paper's list item, as
        # written: the reader takes every such line back literally, never as a paper line.
        lines.append("")
        lines.extend(f"  {line}" if line else "" for line in paper.body.split("\n"))
    return "".join(line + "\n" for line in lines)


def _free_text_needs_a_block(body: str) -> bool:
    """Whether free text would read back as the paper's own lines (a code line, a
    ``<details>`` block…): then an empty notes block goes before it, since the reader takes
    everything after a closed block literally."""
    first = next((line for line in body.split("\n") if line.strip()), "")
    return bool(first) and continues_paper(f"  {first}", "")


def _items(items: tuple[LinkItem, ...], depth: int) -> str:
    out: list[str] = []
    for index, item in enumerate(items):
        if item.gap_before and index:
            out.append("\n")
        indent = "  " * depth
        marker = "- " if item.bullet else ""
        out.append(f"{indent}{marker}{item.text}".rstrip() + "\n")
        if item.children:
            out.append(_items(item.children, depth + 1))
    return "".join(out)


def _toc(sections: list[Section], years: list[int], layout: DocumentLayout) -> str:
    headings: list[tuple[int, str]] = []
    for section in sections:
        if section.level:
            headings.append((section.level, section.title))
        if section.papers:
            headings.extend((layout.year_level, str(y)) for y in years)
    shown = [(lvl, title) for lvl, title in headings if lvl <= layout.toc_depth]
    top = min((lvl for lvl, _ in shown), default=1)
    seen: dict[str, int] = {}
    lines = []
    for level, title in headings:
        anchor = github_anchor(title, seen)
        if level <= layout.toc_depth:
            lines.append(f"{'  ' * (level - top)}- [{toc_label(title)}](#{anchor})\n")
    return TOC_HEADER + "\n" + "".join(lines) + "\n" + TOC_FOOTER


def github_anchor(title: str, seen: dict[str, int] | None = None) -> str:
    """The anchor GitHub gives a heading, percent-encoded as doctoc writes it.

    From the heading's rendered text (``heading_text``: the text of links, code and emphasis,
    nothing of images): lowercased, every character but letters, marks, digits, ``_``, ``-``
    and spaces dropped, spaces made hyphens. A repeated anchor gets ``-1``, ``-2``…, skipping
    any already taken (``echo``, ``echo``, ``echo 1`` give ``echo``, ``echo-1``, ``echo-1-1``).
    """
    text = heading_text(title).lower()
    slug = "".join(c for c in text if c in " -" or _kept(c)).replace(" ", "-")
    if seen is not None:
        original = slug
        while slug in seen:
            seen[original] += 1
            slug = f"{original}-{seen[original]}"
        seen[slug] = 0
    return quote(slug, safe="-_")


def _kept(char: str) -> bool:
    return unicodedata.category(char).startswith(_ANCHOR_KEEPS)
