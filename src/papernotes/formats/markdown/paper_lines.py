"""The lines of one paper in a reading-notes document: its title bullet and what is under it
(venue and code sub-items, notes in a ``<details>`` block or style (b)'s numbered lines, free
text), read into a ``Paper``."""

from __future__ import annotations

import re
from dataclasses import replace

from papernotes.formats.markdown.link_items import BULLET
from papernotes.formats.markdown.publish import read_shown, read_title, read_venue, with_title_line
from papernotes.model import Paper, Problem, PublishProfile

YEAR = re.compile(r"^\d{4}$")
"""A year (a ``### YEAR`` heading, or style (b)'s year line under a paper)."""
_NUMBERED = re.compile(r"^(\d+)[.)、]\s*(.*)$")
_BR = re.compile(r"\s*<br\s*/?>\s*$", re.IGNORECASE)
_CODE_LINK = re.compile(r"\[\[code\]\]\((\S+)\)", re.IGNORECASE)  # greedy: URLs may hold ")"
_CODE_LINE = re.compile(r"^code\s*[:：]\s*(\S+)\s*$", re.IGNORECASE)
_NOTES_LINE = re.compile(r"^(阅读笔记|笔记|notes?)\s*[:：]?\s*$", re.IGNORECASE)


def parse_paper(
    lines: list[tuple[int, str]], year: int, source: str, profile: PublishProfile
) -> tuple[Paper, list[Problem]]:
    """A paper from its bullet's lines: the title on the first (with the anchor and link a
    profile puts there), the rest read by ``_PaperLines``."""
    text = " ".join(BULLET.match(lines[0][1]).group(2).split())  # type: ignore[union-attr]
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
        bullet = BULLET.match(raw)
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
        body = BULLET.match(raw).group(2).strip()  # type: ignore[union-attr]
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
        elif YEAR.match(body):
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
    bullet = BULLET.match(raw)
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
    bullet = BULLET.match(text)
    if bullet and not bullet.group(1):
        text = bullet.group(2).strip()
    match = _NUMBERED.match(text)
    if match:
        notes.append(match.group(2).strip())
    elif notes:
        notes[-1] = f"{notes[-1]}\n{text}" if notes[-1] else text
    elif text:
        notes.append(text)
