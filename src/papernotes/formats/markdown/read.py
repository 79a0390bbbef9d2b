"""Read a reading-notes Markdown document (the seed's format) into papers and a layout.

Papers are the top-level bullets under ``### YEAR`` headings, in either style the seed uses:
(a) a venue/code line and a ``<details>`` block of numbered notes, or (b) a year line,
a ``阅读笔记：`` line with numbered lines under it, and a ``code：URL`` line. Everything
else is a link section, kept with its nesting (``link_items``). Lines that fit nowhere are
reported. A paper's own lines are read by ``paper_lines``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from papernotes.formats.markdown.link_items import BULLET, parse_items
from papernotes.formats.markdown.paper_lines import YEAR, parse_paper
from papernotes.formats.markdown.publish import drop_stats_line, read_marker
from papernotes.model import DocumentLayout, Paper, Problem, PublishProfile, Section

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
"""A CommonMark thematic break at the margin (``---``, ``- - -``, ``* * *``, ``___``)."""
_TOC_START = "<!-- START doctoc"
_TOC_END = "<!-- END doctoc"


@dataclass
class ParsedDocument:
    layout: DocumentLayout
    papers: list[tuple[Paper, int]] = field(default_factory=list)
    """Each paper with the line its bullet starts on."""
    problems: list[Problem] = field(default_factory=list)
    papers_heading: bool = True
    """False when the year headings had no heading above them (the papers section is implied)."""
    profile: PublishProfile | None = None
    """The publish profile the document says it was written with; None when it says none."""


def parse_document(text: str, source: str = "<document>") -> ParsedDocument:
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reader = _Reader(source)
    reader.run(lines)
    return reader.result()


@dataclass
class _Block:
    """A section being read: its heading and raw (line number, text) lines."""

    title: str
    level: int
    lines: list[tuple[int, str]] = field(default_factory=list)
    papers: bool = False


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: list[_Block] = [_Block("", 0)]
        self.toc_depth = 0
        self.year_level = 3
        self.papers_block: _Block | None = None
        self.papers_heading = True
        self.year: int | None = None
        self.paper_lines: list[tuple[int, str]] = []
        self.papers: list[tuple[Paper, int]] = []
        self.problems: list[Problem] = []
        self.profile: PublishProfile | None = None  # from the document's marker line

    def run(self, lines: list[str]) -> None:
        in_toc = False
        toc_levels: list[int] = []
        fence = False
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip()
            if line.startswith(_TOC_START):
                in_toc = True
                continue
            if in_toc:
                if line.startswith(_TOC_END):
                    in_toc = False
                    self.toc_depth = max(toc_levels, default=0)
                    continue
                bullet = BULLET.match(line)
                if bullet and bullet.group(2).startswith("["):
                    toc_levels.append(len(bullet.group(1).expandtabs(2)) // 2 + 1)
                continue
            # Inside the papers only a fence at the margin counts: indented lines there
            # (notes, free text) are taken literally.
            if line.startswith("```") or (self.year is None and line.lstrip().startswith("```")):
                fence = not fence
            heading = None if fence else _HEADING.match(line)
            if heading:
                self.heading(number, len(heading.group(1)), heading.group(2).strip())
            elif self.year is not None:
                self.paper_line(number, raw)
            elif not fence and (profile := read_marker(line)) is not None:
                # How the papers are decorated, not a link item; written under the papers
                # heading, so that section holds the papers even when none is published.
                self.profile = profile
                self.blocks[-1].papers = self.blocks[-1].level > 0 or self.blocks[-1].papers
            else:
                self.blocks[-1].lines.append((number, line))
        self.finish_paper()

    def heading(self, number: int, level: int, title: str) -> None:
        self.finish_paper()
        parent = self.papers_block
        if YEAR.match(title) and (parent is None or level == self.year_level):
            if parent is None:
                parent = next((b for b in reversed(self.blocks) if b.level < level), None)
                if parent is None or parent.level == 0:
                    parent = _Block("Paper", 1, papers=True)
                    self.blocks.append(parent)
                    self.papers_heading = False
                parent.papers = True
                self.papers_block = parent
                self.year_level = level
            self.year = int(title)
            return
        if self.year is not None and level > (parent.level if parent else 0):
            self.problems.append(
                Problem(
                    self.source,
                    number,
                    f"heading {title!r} inside a year's papers; kept as a section",
                )
            )
        self.year = None
        self.blocks.append(_Block(title, level))

    def paper_line(self, number: int, line: str) -> None:
        if not line.strip():
            if self.paper_lines:
                self.paper_lines.append((number, line))
            return
        if _THEMATIC_BREAK.match(line):  # ``---``, ``- - -``, ``* * *``: a rule, no paper
            self.finish_paper()
            rule = line.strip()
            self.problems.append(
                Problem(self.source, number, f"{rule!r} is a thematic break, not a paper; skipped")
            )
            return
        bullet = BULLET.match(line)
        if bullet and not bullet.group(1):
            self.finish_paper()
            self.paper_lines.append((number, line))
        elif self.paper_lines and (line[0].isspace() or self.paper_lines[-1][1].strip()):
            self.paper_lines.append((number, line))
        else:
            # A blank line then unindented text ends the paper: that text is not part of it.
            self.finish_paper()
            self.problems.append(
                Problem(
                    self.source, number, f"not part of any paper, not imported: {line.strip()!r}"
                )
            )

    def finish_paper(self) -> None:
        if not self.paper_lines:
            return
        lines, self.paper_lines = self.paper_lines, []
        assert self.year is not None
        paper, problems = parse_paper(
            lines, self.year, self.source, self.profile or PublishProfile()
        )
        self.papers.append((paper, lines[0][0]))
        self.problems.extend(problems)

    def result(self) -> ParsedDocument:
        sections = []
        for block in self.blocks:
            if block.papers and self.profile is not None and self.profile.stats:
                drop_stats_line(block.lines)
            items = parse_items(block.lines, self.source)
            if block.level == 0 and not items:
                continue
            sections.append(Section(block.title, block.level, tuple(items), block.papers))
        layout = DocumentLayout(tuple(sections), self.toc_depth, (), self.year_level)
        return ParsedDocument(layout, self.papers, self.problems, self.papers_heading, self.profile)
