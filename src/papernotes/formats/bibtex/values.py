"""Field values written as BibTeX: titles whose capitals styles must keep, names in the order
and form BibTeX's name grammar reads, tags, the code link, notes, and LaTeX an import kept."""

from __future__ import annotations

import re
from collections.abc import Iterable

from papernotes.formats.bibtex.keys import is_cjk_name, split_name
from papernotes.formats.bibtex.latex import braces_balance, escape, split_math, write_math

_WORD = re.compile(r"[^\W_]+")
_RUN_GAP = re.compile(r"[ -]+")
_DIGIT = re.compile(r"\d")
_COLON = re.compile("[:：]")
_LETTERS = re.compile(r"[^\W\d_]+")
_AND_WORD = re.compile(r"(?<!\S)and(?!\S)", re.IGNORECASE)

LATEX_CHARS = frozenset("\\{}")
"""Characters that make a value LaTeX rather than plain text (see ``format_code``)."""


def needs_protection(word: str) -> bool:
    """A word a style's lowercasing would change: ``Chinese``, ``BERT``, ``DeBERTa``, ``T5``."""
    return word.lower() != word


def protect_title(title: str, ascii: bool = False) -> str:
    """The title escaped, with every run of words that hold a capital wrapped in braces.

    Styles then print the capitals as written (``{NEZHA}: {Neural Contextualized
    Representation} for {Chinese Language Understanding}``) instead of lowercasing them.
    Inline math (``$\\ell_1$``) is written as it is: no escaping and no braces inside.
    """
    if "$" in title:
        pieces = split_math(title)
        if len(pieces) > 1 or pieces[0][1]:
            return "".join(
                write_math(p) if is_math else protect_title(p, ascii) for p, is_math in pieces
            )
    out = []
    last = 0
    for words in _capital_runs(title):
        out.append(escape(title[last : words[0].start()], ascii))
        run = []
        for i, word in enumerate(words):
            if i:
                run.append(title[words[i - 1].end() : word.start()])  # spaces and hyphens
            run.append(_protect_word(word.group(), ascii))
        out.append("{" + "".join(run) + "}")
        last = words[-1].end()
    out.append(escape(title[last:], ascii))
    return "".join(out)


def _protect_word(word: str, ascii: bool) -> str:
    """A word inside a braced run; capitals mixed with digits (``GPT3``, ``3D``) get their
    letters braced once more: pandoc 2.17 lowercases such a word even in braces (``Gpt3``)."""
    if not _DIGIT.search(word) or word.upper() != word or word[1:].lower() == word[1:]:
        return escape(word, ascii)
    return _LETTERS.sub(lambda m: "{" + escape(m.group(), ascii) + "}", word)


def _capital_runs(text: str) -> list[list[re.Match[str]]]:
    """Words with a capital, grouped when only spaces or hyphens lie between them."""
    runs: list[list[re.Match[str]]] = []
    for match in _WORD.finditer(text):
        if not needs_protection(match.group()):
            continue
        if runs and _RUN_GAP.fullmatch(text, runs[-1][-1].end(), match.start()):
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def short_title(title: str) -> str:
    """The part of a title before its first colon (``NEZHA``, ``Mengzi``; a full-width ``：``
    too), else the whole title."""
    head = _COLON.split(title, 1)[0].strip()
    return head if head != title and head and "$" not in head else title


def format_author(name: str, ascii: bool = False) -> str:
    """``Last, First`` (``Last, Jr., First``); a braced corporate name stays one unit, and so
    does a CJK name (``{魏俊秋}``, ``{山田 太郎}``: styles print and cite it as written).

    A name with a comma is already in that order and is written as it is. A word "and"
    inside a name is braced so that it does not split the author list.
    """
    if name.startswith("{") and name.endswith("}"):
        return "{" + escape(name[1:-1], ascii) + "}"
    if is_cjk_name(name):
        return "{" + escape(name, ascii) + "}"
    if "," not in name:
        family, given, suffix = split_name(name)
        name = ", ".join([family] + ([suffix] if suffix else []) + ([given] if given else []))
    text = escape(name, ascii)
    return _AND_WORD.sub(r"{\g<0>}", text) if "and" in text.lower() else text


def format_authors(authors: Iterable[str], ascii: bool = False) -> str:
    return " and ".join(parseable_name(format_author(a, ascii)) for a in authors)


def parseable_name(name: str) -> str:
    """A written name, braced whole when BibTeX's name grammar would reject it.

    BibTeX splits a name at its commas (outside braces) into at most three parts and each
    part into words at spaces, ``-`` and ``~``: ``Smith, --`` has an empty part (an error in
    bibtex, a crash in biber), as do ``, Smith`` and ``A, B, C, D`` (too many commas)."""
    if "{" not in name and "}" not in name:  # the common case: commas split it as they stand
        plain = name.split(",")
        return name if len(plain) <= 3 and all(p.strip(" -~\t\n") for p in plain) else f"{{{name}}}"
    parts, depth, start = [], 0, 0
    for i, char in enumerate(name):  # BibTeX counts every brace, escaped or not
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif char == "," and depth == 0:
            parts.append(name[start:i])
            start = i + 1
    parts.append(name[start:])
    if len(parts) <= 3 and all(part.strip(" -~\t\n") for part in parts):
        return name
    return "{" + name + "}"


def format_tags(tags: Iterable[str], ascii: bool = False) -> str:
    """``a, b, c``; a tag with a comma in it is braced (``{x, y}``) so it stays one tag."""
    return ", ".join(
        "{" + escape(tag, ascii) + "}" if "," in tag else escape(tag, ascii) for tag in tags
    )


def format_code(code: str, ascii: bool = False) -> str:
    """The code link as it is (a URL, like ``url``), or escaped when it holds a backslash or a
    brace (or, with ``ascii``, an accent): then the value has a backslash and reads back decoded."""
    if LATEX_CHARS.intersection(code) or (ascii and not code.isascii()):
        return escape(code, ascii)
    return code


def format_notes(notes: Iterable[str], ascii: bool = False) -> str:
    """One numbered line per note (``1. …``); a note's further lines are indented under it."""
    lines = []
    for number, note in enumerate(notes, 1):
        first, *rest = note.split("\n")
        lines.append(f"{number}. {escape(first, ascii)}")
        lines.extend("   " + escape(line, ascii) for line in rest)
    return "\n".join(lines)


def verbatim(value: str, ascii: bool = False, respell: bool = True) -> str:
    """A value an import kept as LaTeX: written as is when its braces balance, else escaped.

    LaTeX's ``\\{`` and ``\\}`` do not count for LaTeX, but classic BibTeX counts them too:
    when they alone unbalance the value they are spelled ``\\textbraceleft{}`` and
    ``\\textbraceright{}`` (``\\lbrace`` and ``\\rbrace`` in math), which print the same.
    Not with ``respell=False`` (DOIs, URLs: printed character for character)."""
    if not braces_balance(value.replace("\\{", "").replace("\\}", "")):
        return escape(value, ascii)
    if respell and not braces_balance(value):
        value = "".join(
            _respell(piece, _MATH_BRACES if is_math else _TEXT_BRACES)
            for piece, is_math in split_math(value, latex=True)
        )
    return escape_accents_only(value) if ascii and not value.isascii() else value


_TEXT_BRACES = (r"\textbraceleft{}", r"\textbraceright{}")
_MATH_BRACES = (r"\lbrace ", r"\rbrace ")


def _respell(text: str, braces: tuple[str, str]) -> str:
    return text.replace("\\{", braces[0]).replace("\\}", braces[1])


def escape_accents_only(value: str) -> str:
    """Accents to LaTeX without escaping LaTeX the value already contains."""
    return "".join(c if c.isascii() else escape(c, ascii=True) for c in value)
