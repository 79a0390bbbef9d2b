"""Read a reading-notes Markdown document (the seed's format) into papers and a layout.

Papers are the top-level bullets under ``### YEAR`` headings, in either style the seed uses:
(a) a venue/code line and a ``<details>`` block of numbered notes, or (b) a year line,
a ``阅读笔记：`` line with numbered lines under it, and a ``code：URL`` line. Everything
else is a link section, kept with its nesting. Lines that fit nowhere are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TypedDict

from papernotes.errors import InvalidInputError
from papernotes.formats.markdown.publish import (
    drop_stats_line,
    read_marker,
    read_shown,
    read_title,
    read_venue,
    with_title_line,
)
from papernotes.model import DocumentLayout, LinkItem, Paper, Problem, PublishProfile, Section

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_YEAR = re.compile(r"^\d{4}$")
_BULLET = re.compile(r"^(\s*)[-*+]\s?(.*)$")
_NUMBERED = re.compile(r"^(\d+)[.)、]\s*(.*)$")
_BR = re.compile(r"\s*<br\s*/?>\s*$", re.IGNORECASE)
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
"""A CommonMark thematic break at the margin (``---``, ``- - -``, ``* * *``, ``___``)."""
_CODE_LINK = re.compile(r"\[\[code\]\]\((\S+)\)", re.IGNORECASE)  # greedy: URLs may hold ")"
_CODE_LINE = re.compile(r"^code\s*[:：]\s*(\S+)\s*$", re.IGNORECASE)
_NOTES_LINE = re.compile(r"^(阅读笔记|笔记|notes?)\s*[:：]?\s*$", re.IGNORECASE)
_MD_LINK = re.compile(r"^\[(.+)\]\((\S+)\)$")
_TEXT_URL = re.compile(r"^(?:(.*?)\s+)?(https?://\S+)$")
MAX_NESTING = 32
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


def parse_link_item(text: str) -> tuple[str, str, bool]:
    """``(label, url, markdown_link)`` for an item's text."""
    text = text.strip()
    match = _MD_LINK.match(text)
    if match and "](" not in match.group(1):
        return match.group(1), match.group(2), True
    match = _TEXT_URL.match(text)
    if match:
        return (match.group(1) or "").strip(), match.group(2), False
    return text, "", False


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
                bullet = _BULLET.match(line)
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
        if _YEAR.match(title) and (parent is None or level == self.year_level):
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
        bullet = _BULLET.match(line)
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
        paper, problems = _parse_paper(
            lines, self.year, self.source, self.profile or PublishProfile()
        )
        self.papers.append((paper, lines[0][0]))
        self.problems.extend(problems)

    def result(self) -> ParsedDocument:
        sections = []
        for block in self.blocks:
            if block.papers and self.profile is not None and self.profile.stats:
                drop_stats_line(block.lines)
            items = _parse_items(block.lines, self.source)
            if block.level == 0 and not items:
                continue
            sections.append(Section(block.title, block.level, tuple(items), block.papers))
        layout = DocumentLayout(tuple(sections), self.toc_depth, (), self.year_level)
        return ParsedDocument(layout, self.papers, self.problems, self.papers_heading, self.profile)


def _parse_paper(
    lines: list[tuple[int, str]], year: int, source: str, profile: PublishProfile
) -> tuple[Paper, list[Problem]]:
    """A paper from its bullet's lines: the title on the first (with the anchor and link a
    profile puts there), the rest read by ``_PaperLines``."""
    text = " ".join(_BULLET.match(lines[0][1]).group(2).split())  # type: ignore[union-attr]
    title, key, url = read_title(text, profile)
    reader = _PaperLines(source, profile)
    for number, raw in lines[1:]:
        reader.read(number, raw)
    return with_title_line(reader.paper(title, year), key, url, profile), reader.problems


class _PaperLines:
    """Reads the lines under a paper's title bullet, one at a time: its venue and code
    sub-items, its notes (a ``<details>`` block or style (b)'s numbered lines) and free text."""

    def __init__(self, source: str, profile: PublishProfile) -> None:
        self.source = source
        self.profile = profile
        self.shown: dict[str, object] = {}  # fields read from the lines ``show`` adds
        self.venue = self.code = ""
        self.notes: list[str] = []
        self.kept: list[str] = []  # lines not understood, kept in the free text
        self.problems: list[Problem] = []
        self.mode = ""  # "details", "notes" (style b) or ""
        self.seen_sub = False
        self.text_column = 0  # where the text of the last numbered note starts
        self.blank = False  # the last line was blank (outside the <details> block)
        self.free: list[str] | None = None  # the free text, once it has started
        self.details_closed = (
            False  # after </details> (where export puts free text) nothing continues
        )

    def read(self, number: int, raw: str) -> None:
        if self.free is not None:
            self.free.append(_dedent(raw))
            return
        text = raw.strip()
        if not text:
            self.blank = self.mode != "details"
            return
        if self.blank and raw[:1].isspace() and not self._continues(raw):
            # A blank line, then indented lines: the paper's free text, taken literally.
            self.free = [_dedent(raw)]
            return
        self.blank = False
        if self.mode == "details":
            self._details_line(raw, text)
        elif self._is_sub_item(raw):
            self._sub_item(number, raw)
        elif self.mode == "notes":
            _add_note_line(self.notes, text)
        else:
            self._not_understood(number, raw)

    def paper(self, title: str, year: int) -> Paper:
        paper = Paper(
            title=title,
            year=year,
            venue=read_venue(self.venue, self.profile),
            code=self.code,
            notes=tuple(n for n in self.notes if n),
            body="\n".join(_trim_blank_lines(self.kept + (self.free or []))),
        )
        return replace(paper, **self.shown)  # type: ignore[arg-type]

    def _continues(self, raw: str) -> bool:
        """After a blank line: still the paper's own lines (never after ``</details>``)."""
        return not self.details_closed and continues_paper(raw, self.mode)

    def _is_sub_item(self, raw: str) -> bool:
        """An indented bullet: a sub-item, unless it is one of style (b)'s nested notes."""
        bullet = _BULLET.match(raw)
        return bool(bullet and bullet.group(1)) and not (self.mode == "notes" and _is_deeper(raw))

    def _details_line(self, raw: str, text: str) -> None:
        """A line inside the ``<details>`` block: a note, a note's continuation, or its end."""
        indent = len(raw) - len(raw.lstrip())
        if self.notes and self.text_column and indent >= self.text_column:
            # aligned under the note's text: a continuation line, taken literally
            line = _BR.sub("", text).strip()
            self.notes[-1] = f"{self.notes[-1]}\n{line}" if self.notes[-1] else line
        elif text.lower().startswith("</details>"):
            self.mode = ""
            self.details_closed = True
        elif not text.lower().startswith("<summary>"):
            numbered = _NUMBERED.match(_BR.sub("", text))
            self.text_column = indent + numbered.start(2) if numbered else self.text_column
            _add_note_line(self.notes, text)

    def _sub_item(self, number: int, raw: str) -> None:
        """A sub-item: opens the notes (either style), or gives the venue or the code."""
        self.mode = ""
        body = _BULLET.match(raw).group(2).strip()  # type: ignore[union-attr]
        shown = read_shown(body, self.profile) if self.profile.show else None
        if shown is not None and shown[0] not in self.shown:
            self.shown[shown[0]] = shown[1]
        elif body.lower().startswith("<details>"):
            self.mode = "details"
            rest = body[len("<details>") :].strip()
            if rest and not rest.lower().startswith("<summary>"):
                _add_note_line(self.notes, rest)
        elif _NOTES_LINE.match(body):
            self.mode = "notes"
        elif not self._venue_or_code(body):
            self._not_understood(number, raw)
        self.seen_sub = True

    def _venue_or_code(self, body: str) -> bool:
        """Take the venue and/or code from a sub-item's text; False when it gives neither."""
        if match := _CODE_LINE.match(body):
            self.code = match.group(1)
        elif _YEAR.match(body):
            pass  # style (b) repeats the year the heading already gives
        elif match := _CODE_LINK.search(body):
            self.code = match.group(1)
            self.venue = (body[: match.start()] + body[match.end() :]).strip() or self.venue
        elif not self.seen_sub and "://" not in body:
            self.venue = body
        else:
            return False
        return True

    def _not_understood(self, number: int, raw: str) -> None:
        self.kept.append(_dedent(raw.rstrip()))
        self.problems.append(
            Problem(self.source, number, "line not understood; kept in the note's free text")
        )


def _dedent(line: str) -> str:
    """A line of a paper's free text without the two spaces that put it inside the paper."""
    return line[2:] if line.startswith("  ") else line.lstrip(" ")


def _trim_blank_lines(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def continues_paper(raw: str, mode: str) -> bool:
    """After a blank line: is this still one of the paper's own lines (hand-written documents
    often put blank lines between a paper's sub-items or its style (b) notes)?"""
    bullet = _BULLET.match(raw)
    if mode == "notes" and _NUMBERED.match(raw.strip()):
        return True
    if not bullet or not bullet.group(1):
        return False
    body = bullet.group(2).strip()
    return bool(
        body.lower().startswith("<details>")
        or _NOTES_LINE.match(body)
        or _CODE_LINE.match(body)
        or _CODE_LINK.search(body)
    )


def _is_deeper(raw: str) -> bool:
    """In style (b), numbered notes may themselves be written as nested bullets."""
    indent = len(raw) - len(raw.lstrip())
    return indent >= 4


def _add_note_line(notes: list[str], text: str) -> None:
    text = _BR.sub("", text).strip()
    bullet = _BULLET.match(text)
    if bullet and not bullet.group(1):
        text = bullet.group(2).strip()
    match = _NUMBERED.match(text)
    if match:
        notes.append(match.group(2).strip())
    elif notes:
        notes[-1] = f"{notes[-1]}\n{text}" if notes[-1] else text
    elif text:
        notes.append(text)


class _ItemNode(TypedDict):
    """A list item while its nesting is worked out (``_item`` makes it a ``LinkItem``)."""

    text: str
    bullet: bool
    gap: bool
    kids: list[_ItemNode]


def _parse_items(lines: list[tuple[int, str]], source: str = "<document>") -> list[LinkItem]:
    """Nested list items by indentation; plain lines become non-bullet items."""
    root: list[_ItemNode] = []
    stack: list[tuple[int, list[_ItemNode]]] = [(-1, root)]
    gap = False
    for number, raw in lines:
        if not raw.strip():
            gap = True
            continue
        indent = len(raw) - len(raw.lstrip(" \t"))
        bullet = _BULLET.match(raw)
        text = bullet.group(2) if bullet else raw.strip()
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()
        if len(stack) > MAX_NESTING:  # deeper lists would overflow the recursive writers
            raise InvalidInputError(
                f"{source}:{number}: a list nested more than {MAX_NESTING} levels deep "
                "cannot be imported; nothing was imported."
            )
        siblings = stack[-1][1]
        node: _ItemNode = {
            "text": text.strip(),
            "bullet": bool(bullet),
            "gap": gap and bool(siblings),
            "kids": [],
        }
        siblings.append(node)
        stack.append((indent, node["kids"]))
        gap = False
    return [_item(node) for node in root]


def _item(node: _ItemNode) -> LinkItem:
    label, url, markdown_link = parse_link_item(node["text"])
    return LinkItem(
        label=label,
        url=url,
        markdown_link=markdown_link,
        children=tuple(_item(k) for k in node["kids"]),
        gap_before=node["gap"],
        bullet=node["bullet"],
    )
