"""Which ``@`` of a .bib text start something papernotes reads, and which are reported.

bibtexparser only starts a block at ``@word{`` or ``@word(``: everything else between blocks
is a comment to it, so ``@misc a3, …`` or ``@ misc{…}`` vanished without a word. Here every
``@`` at the start of a line (after blanks) outside a parsed block is accounted for: it starts
an entry, ``@string``, ``@preamble`` or ``@comment`` (all legitimate), or it is a problem
(``FILE:LINE``) the import counts as skipped. An ``@`` at a line start *inside* a parsed block
(an e-mail address on its own line of an abstract) is the block's text and never counts. Entry
types are ASCII names, matched case-insensitively in ASCII only: ``@artİcle`` is not
``@article``, and its type could not be written back, so it is reported and skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

_LINE_AT = re.compile(r"^[^\S\n]*@", re.MULTILINE)
_SPACED_TYPE = re.compile(r"@[ \t]+(?=\w+[ \t]*[{(])")
"""``@ misc{``: BibTeX and biber read it as ``@misc{``; bibtexparser does not."""
_BLOCK_TYPE = re.compile(r"@[ \t]*(\w*)")
TYPE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*", re.ASCII)
_COMMENT_WORD = re.compile(r"@[ \t]*comment(?!\w)", re.ASCII | re.IGNORECASE)
_SPECIAL = {"String": "string", "Preamble": "preamble", "ExplicitComment": "comment"}


class ParsedBlock(Protocol):
    """What is used of a bibtexparser block (``bibtexparser.model.Block``): its text."""

    @property
    def raw(self) -> str | None: ...


@dataclass(frozen=True)
class Located:
    """A bibtexparser block with where it is: character offsets and 1-based line."""

    block: ParsedBlock
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Rejected:
    """A block papernotes does not read (an entry type that is not an ASCII name…)."""

    line: int
    message: str


def respell_spaced_types(text: str, stray: list[tuple[int, int]]) -> str:
    """``text`` with ``@ type{`` (a space after ``@``) closed up at the stray ``@``s."""
    out: list[str] = []
    last = 0
    for at, _line in stray:
        match = _SPACED_TYPE.match(text, at)
        if match:
            out.append(text[last:at] + "@")
            last = match.end()
    return "".join(out) + text[last:] if out else text


def locate_blocks(text: str, blocks: Sequence[ParsedBlock]) -> list[Located]:
    """Each block with its offsets in ``text`` and its line (bibtexparser's own line numbers
    drift after a line ending in a backslash, so they are recounted here)."""
    located: list[Located] = []
    pos, line, counted = 0, 1, 0
    for block in blocks:
        raw = block.raw or ""
        start = text.find(raw, pos) if raw else -1
        if start < 0:
            continue
        line += text.count("\n", counted, start)
        counted = start
        located.append(Located(block, start, start + len(raw), line))
        pos = start + len(raw)
    return located


def entry_type(raw: str | None) -> str:
    """The type as written in a block's text (``@Article{`` -> ``Article``)."""
    match = _BLOCK_TYPE.match(raw or "")
    return match.group(1) if match else ""


def check_type(located: Located) -> Rejected | None:
    """Why a parsed entry, ``@string``, ``@preamble`` or ``@comment`` block is not read, if so
    (None for every other block).

    An entry type must be an ASCII name; ``@commentary{…}`` or ``@strings{…}`` are read by
    bibtexparser as a comment or a macro (it compares only the start of the word)."""
    block = located.block
    kind = type(block).__name__
    if kind == "DuplicateFieldKeyBlock":  # an entry with a repeated field: read all the same
        block = getattr(block, "ignore_error_block", None) or block
        kind = type(block).__name__
    if kind != "Entry" and kind not in _SPECIAL:
        return None
    written = entry_type(block.raw)
    if kind in _SPECIAL:
        if written.isascii() and written.lower() == _SPECIAL[kind]:
            return None
        return Rejected(
            located.line,
            f"'@{written}' is neither an entry papernotes can read nor @{_SPECIAL[kind]}; skipped",
        )
    if TYPE_NAME.fullmatch(written):
        return None
    key = getattr(block, "key", "")
    if not written:
        return Rejected(located.line, f"entry {key!r} has no entry type after '@'; skipped")
    hint = _ascii_spelling(written)
    hint = f" (did you mean @{hint}?)" if hint else ""
    return Rejected(
        located.line,
        f"entry {key!r} has the type '@{written}', which is not an ASCII BibTeX type{hint}; "
        "skipped",
    )


def _ascii_spelling(word: str) -> str:
    """``artİcle`` -> ``article``: the word without its accents, if that is an ASCII name."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return bare.lower() if TYPE_NAME.fullmatch(bare) and bare != word else ""


def stray_ats(text: str, located: list[Located]) -> list[tuple[int, int]]:
    """Offsets of the ``@`` at a line start that start no block and lie inside no parsed
    block (a failed block is not parsed: an ``@`` line inside one is stray too), with their
    lines; ``@comment`` without braces (BibTeX's comment command) is not stray."""
    starts = {loc.start for loc in located if type(loc.block).__name__ != "ImplicitComment"}
    spans = sorted(
        (loc.start, loc.end)
        for loc in located
        if type(loc.block).__name__ not in ("ImplicitComment", "ParsingFailedBlock")
    )
    stray, index, line, counted = [], 0, 1, 0
    for match in _LINE_AT.finditer(text):
        at = match.end() - 1
        if at in starts:
            continue
        while index < len(spans) and spans[index][1] <= at:
            index += 1
        if index < len(spans) and spans[index][0] < at:
            continue  # the text of an entry, @string, @preamble or @comment
        if _COMMENT_WORD.match(text, at):
            continue
        line += text.count("\n", counted, at)
        counted = at
        stray.append((at, line))
    return stray


def stray_message(text: str, at: int) -> str:
    end = text.find("\n", at)
    line = text[at : end if end >= 0 else len(text)].rstrip()
    shown = line if len(line) <= 40 else line[:39] + "…"
    return f"{shown!r} does not start an entry (BibTeX wants @type{{key, …}}); skipped"
