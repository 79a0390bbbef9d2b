"""The bits of LaTeX a .bib needs, done by hand (bibtexparser's LaTeX middlewares are ~20x slower).

``escape`` makes text safe inside a braced BibTeX value and, with ``ascii=True``, turns accented
letters into LaTeX accents (``ć`` -> ``{\\'c}``) while leaving Chinese and other scripts as they
are. ``decode`` is the inverse for reading: it understands what ``escape`` writes plus the common
forms found in the wild (``\\'{c}``, ``\\'c``, ``{\\ss}``, ``\\&``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import NamedTuple

from papernotes.formats.bibtex.latex_commands import keep_unknown, read_commands, restore

_SPECIAL = re.compile(r"[\\{}&%$#_~^]")
# Only these can have an ASCII LaTeX form; CJK and other scripts are never looked at.
_LATIN = "[\u00a0-\u024f\u1e00-\u1eff\u2013-\u2026]"
"""A pattern, compiled by ``re`` on first use (only ``--ascii`` exports need it)."""
_SPECIAL_OUT = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# BibTeX balances every brace, escaped or not: a lone ``\{`` would unbalance the entry.
_LONE_BRACE_OUT = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
# combining mark -> accent command
_ACCENTS = {
    "\u0301": "'",
    "\u0300": "`",
    "\u0302": "^",
    "\u0308": '"',
    "\u0303": "~",
    "\u0304": "=",
    "\u0307": ".",
    "\u0306": "u",
    "\u030c": "v",
    "\u030b": "H",
    "\u0327": "c",
    "\u0328": "k",
    "\u030a": "r",
    "\u0323": "d",
    "\u0331": "b",
}
_MARKS = {command: mark for mark, command in _ACCENTS.items()}
_LETTERS = {
    "ß": "ss",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "å": "aa",
    "Å": "AA",
    "ı": "i",
    "ȷ": "j",
}
_LETTER_COMMANDS = {command: letter for letter, command in _LETTERS.items()}
_SYMBOLS = {
    "\u2013": "--",
    "\u2014": "---",
    "\u201c": "``",
    "\u201d": "''",
    "\u2018": "`",
    "\u2019": "'",
    "\u00a0": "~",
    "\u2026": r"\ldots{}",
}


# -- inline math ----------------------------------------------------------------

_MATH_STOP = frozenset("\n%#&")
"""Unescaped, these end a would-be math span: LaTeX math cannot hold them as they are."""


def math_spans(text: str, latex: bool = False) -> list[tuple[int, int]]:
    """``(start, end)`` of each inline math span ``$…$`` in ``text``, left to right.

    A span is what Pandoc takes for math: the opening ``$`` has a non-space after it, the
    closing one a non-space before it and no digit after it (so "from $5 to $10" is not
    math); inside, braces balance and ``% # &``, line breaks and ``$$`` do not occur unescaped.
    ``latex`` says ``text`` is LaTeX (a .bib value), where ``\\$`` outside math is an escaped
    dollar; in plain text (a stored title) a backslash there is just a character.
    """
    spans: list[tuple[int, int]] = []
    if "$" not in text:
        return spans
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if latex and char == "\\":
            i += 2
            continue
        if char == "$":
            end = _math_end(text, i)
            if end:
                spans.append((i, end))
                i = end
                continue
        i += 1
    return spans


def _math_end(text: str, start: int) -> int:
    """The end of the math span opening at ``start``, or 0 when that ``$`` opens none."""
    n = len(text)
    j = start + 1
    if j >= n or text[j].isspace() or text[j] == "$":
        return 0
    depth = 0
    while j < n:
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char in _MATH_STOP:
            return 0
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return 0
        elif char == "$":
            if depth or text[j - 1].isspace() or (j + 1 < n and text[j + 1].isdigit()):
                return 0
            return j + 1
        j += 1
    return 0


def braces_balance(text: str, *, skip_escaped: bool = False) -> bool:
    """Every ``}`` closes an earlier ``{`` and every ``{`` is closed. BibTeX counts every
    brace, escaped or not; with ``skip_escaped`` a backslash and the character after it
    (``\\{``) do not count, as LaTeX reads them."""
    if skip_escaped:
        text = re.sub(_ESCAPED_CHAR, "", text)
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


_ESCAPED_CHAR = r"\\."  # compiled by ``re`` on first use


def split_math(text: str, latex: bool = False) -> list[tuple[str, bool]]:
    """``text`` as ``(piece, is_math)`` pieces: math spans and the text between them."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for start, end in math_spans(text, latex):
        if start > last:
            pieces.append((text[last:start], False))
        pieces.append((text[start:end], True))
        last = end
    if last < len(text) or not pieces:
        pieces.append((text[last:], False))
    return pieces


_MATH_BRACES_OUT = ((r"\{", r"\lbrace{}"), (r"\}", r"\rbrace{}"))


def write_math(span: str) -> str:
    """A math span as a .bib holds it: as written, unless its ``\\{``/``\\}`` unbalance it for
    classic BibTeX (which counts every brace): then they are ``\\lbrace{}``/``\\rbrace{}``,
    which print the same and which ``decode`` reads back as ``\\{``/``\\}``."""
    if "\\" not in span or braces_balance(span):
        return span
    for plain, spelled in _MATH_BRACES_OUT:
        span = span.replace(plain, spelled)
    return span


def _read_math(span: str) -> str:
    """A math span from a .bib as stored: ``\\lbrace{}``/``\\rbrace{}`` back to ``\\{``/``\\}``."""
    if "brace{}" not in span:
        return span
    for plain, spelled in _MATH_BRACES_OUT:
        span = span.replace(spelled, plain)
    return span


def escape(text: str, ascii: bool = False, math: bool = False) -> str:
    """``text`` safe inside braces (``& % $ # _ { } ~ ^`` escaped); accents as LaTeX if ascii.

    With ``math``, inline math spans (``$\\alpha$``, see ``math_spans``) are written as they are.
    """
    if math and "$" in text:
        return "".join(
            write_math(piece) if is_math else escape(piece, ascii)
            for piece, is_math in split_math(text)
        )
    if _SPECIAL.search(text):
        lone = _lone_braces(text)
        text = _SPECIAL.sub(
            lambda m: (_LONE_BRACE_OUT if m.start() in lone else _SPECIAL_OUT)[m.group()], text
        )
    if ascii and not text.isascii():
        text = re.sub(_LATIN, lambda m: _latex_char(m.group()), text)
    return text


def _lone_braces(text: str) -> set[int]:
    """Positions of the braces in ``text`` that have no partner: ``{`` before a matching
    ``}`` become ``\\{ \\}`` (a pair, balanced for BibTeX), the others spelled out."""
    if "{" not in text and "}" not in text:
        return set()
    opened: list[int] = []
    lone: set[int] = set()
    for i, char in enumerate(text):
        if char == "{":
            opened.append(i)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                lone.add(i)
    return lone.union(opened)


def _latex_char(char: str) -> str:
    """One non-ASCII character as LaTeX, or the character itself when LaTeX has no ASCII form."""
    if char in _LETTERS:
        return "{\\" + _LETTERS[char] + "}"
    if char in _SYMBOLS:
        return _SYMBOLS[char]
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not base.isascii() or not marks or any(m not in _ACCENTS for m in marks):
        return char  # CJK and everything else: kept as UTF-8, silently
    out = "\\i" if base == "i" and marks[0] in "\u0301\u0300\u0302\u0308" else base
    for mark in marks:
        command = _ACCENTS[mark]
        if command.isalpha() or len(marks) > 1 or out.startswith("\\"):
            out = f"\\{command}{{{out}}}"
        else:
            out = f"\\{command}{out}"
    return "{" + out + "}"


# -- reading -------------------------------------------------------------


class _Reading(NamedTuple):
    """The patterns that read LaTeX, compiled on first use (``_reading``)."""

    accent_cmd: re.Pattern[str]
    letter_cmd: re.Pattern[str]
    text_cmd: re.Pattern[str]
    escaped: re.Pattern[str]
    line_break: re.Pattern[str]
    """LaTeX's ``\\\\`` (a line break; ``\\\\*``, ``\\\\[2pt]``): a space in one-line text."""
    format_cmd: re.Pattern[str]
    spaces: re.Pattern[str]
    placeholder: re.Pattern[str]


@cache
def _reading() -> _Reading:
    """Compiled when LaTeX is first read (a .bib import), not by every command importing
    this module: compiling them all costs milliseconds of a ``show`` (issue 20)."""
    return _Reading(
        accent_cmd=re.compile(
            r"""\\(?:([`'^"~=.])\s*|([uvHckrdb])(?=[\s{]))\s*"""
            r"(?:\{\s*(\\[ij]|[^{}\\\s])\s*\}|(\\[ij])(?![A-Za-z])|([A-Za-z]))"
        ),
        letter_cmd=re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:\{\})?\s?"),
        text_cmd=re.compile(
            r"\\(textbackslash|textasciitilde|textasciicircum|textbraceleft|textbraceright|ldots|"
            r"textendash|textemdash|dots)(?:\{\}|(?![A-Za-z])\s?)"
        ),
        escaped=re.compile(r"\\([&%$#_{}])"),
        line_break=re.compile(r"\\\\\*?(?:\[[^\]]*\])?"),
        format_cmd=re.compile(
            r"\\(?:emph|textit|textbf|textsc|textrm|texttt|textsf|textsl|textup|textmd|textnormal|"
            r"underline|mathrm|mathit|mathbf|mathsf|mathtt|mbox|hbox|text)\s*(?=\{)"
        ),
        spaces=re.compile(r"\s+"),
        placeholder=re.compile("\x01(\\d+)\x02"),
    )


_TEXT_OUT = {
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbraceleft": "{",
    "textbraceright": "}",
    "ldots": "\u2026",
    "dots": "\u2026",
    "textendash": "\u2013",
    "textemdash": "\u2014",
}


def decode(
    text: str, math: bool = False, spaces: bool = False, unknown: list[str] | None = None
) -> str:
    """LaTeX in a .bib value as plain Unicode: accents composed, escapes and braces removed,
    whitespace runs as one space (kept as they are with ``spaces``: a reading note's text).

    With ``math``, inline math spans (``$\\alpha$``, see ``math_spans``) are kept as they are.
    Commands are read as ``latex_commands`` says; one it does not know is kept as written
    (``\\foo{bar}``) and its name added to ``unknown``.
    """
    if math and "$" in text:
        pieces = split_math(text, latex=True)
        if len(pieces) > 1 or pieces[0][1]:
            text = "".join(
                _read_math(piece) if is_math else _decode(piece, unknown)
                for piece, is_math in pieces
            )
            return _reading().spaces.sub(" ", text).strip()
    text = _decode(text, unknown)
    return text.strip() if spaces else " ".join(text.split())  # as the spaces pattern, stripped


def _decode(text: str, unknown: list[str] | None = None) -> str:
    if "\\" not in text and "{" not in text and "~" not in text:
        return text
    kept: list[str] = []
    reading = _reading()
    text = reading.line_break.sub(" ", text)
    # Escaped characters become placeholders so later steps leave them alone.
    text = reading.text_cmd.sub(lambda m: _placeholder(_TEXT_OUT[m.group(1)]), text)
    text = reading.escaped.sub(lambda m: _placeholder(m.group(1)), text)
    text = read_commands(text, kept)
    text = reading.format_cmd.sub("", text)
    previous = None
    while previous != text:  # nested accents resolve from the inside out
        previous = text
        text = reading.accent_cmd.sub(_accent, text)
        text = reading.letter_cmd.sub(lambda m: _LETTER_COMMANDS[m.group(1)], text)
    text = keep_unknown(text, kept, unknown)
    text = restore(text.replace("{", "").replace("}", "").replace("~", " "), kept)
    return reading.placeholder.sub(lambda m: chr(int(m.group(1))), text)  # no normalisation


def _placeholder(char: str) -> str:
    return f"\x01{ord(char)}\x02"


def _accent(match: re.Match[str]) -> str:
    command = match.group(1) or match.group(2)
    letter = match.group(3) or match.group(4) or match.group(5)
    if letter in ("\\i", "\\j"):
        letter = letter[1]
    return unicodedata.normalize("NFC", letter + _MARKS[command])
