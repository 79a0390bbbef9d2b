"""LaTeX commands found in .bib files in the wild, read as the text they print.

``{\\LaTeX}`` is ``LaTeX``, ``\\url{…}`` its address, ``{\\em x}`` and ``\\textsf{x}`` are
``x``, ``50\\,\\%`` is ``50 %`` and ``{\\noop{a}}Sorted`` (a sort-order trick) is ``Sorted``.
A command papernotes does not know is kept as written, with its braced arguments
(``\\foo{bar}``), and named, so that the import can report it and the export write it back.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

_ARG = r"\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}"
"""One braced argument, up to two levels of braces inside it (group 1: its text)."""
_LOGO_TEXT = {"LaTeXe": "LaTeX2e", "AmS": "AMS", "TeXLive": "TeX Live"}


class _Commands(NamedTuple):
    """The patterns of the commands read here, compiled on first use (``_commands``)."""

    url: re.Pattern[str]
    url_escape: re.Pattern[str]
    href: re.Pattern[str]
    dropped_with_arg: re.Pattern[str]
    logos: re.Pattern[str]
    spacing: re.Pattern[str]
    nothing: re.Pattern[str]
    switches: re.Pattern[str]
    unknown: re.Pattern[str]


@cache
def _commands() -> _Commands:
    """Compiled when LaTeX is first read (a .bib import), not by every command importing
    this module (issue 20: start-up)."""
    return _Commands(
        url=re.compile(r"\\(?:url|path|nolinkurl)\s*" + _ARG),
        url_escape=re.compile(r"\\([&%$#_~])"),
        href=re.compile(r"\\href\s*" + _ARG + r"\s*" + _ARG),
        dropped_with_arg=re.compile(
            r"\\(?:noop|nocite|index|label|sortkey|hphantom|vphantom)\s*" + _ARG
        ),
        logos=re.compile(
            r"\\(LaTeXe|LaTeX|TeX|BibTeX|XeTeX|LuaTeX|eTeX|AmS|TeXLive)(?![A-Za-z])(?:\{\})?"
        ),
        spacing=re.compile(r"\\(?:[,;: ]|quad(?![A-Za-z])|qquad(?![A-Za-z])|enspace(?![A-Za-z]))"),
        nothing=re.compile(r"\\[/@\-!](?![A-Za-z])|\\(?:relax|protect|xspace)(?![A-Za-z])\s*"),
        switches=re.compile(
            r"\\(?:em|it|bf|sc|rm|tt|sl|sf|itshape|bfseries|scshape|upshape|slshape|mdseries|"
            r"normalfont|rmfamily|sffamily|ttfamily|small|footnotesize|large|Large|scriptsize|"
            r"tiny|normalsize)(?![A-Za-z])\s*"
        ),
        unknown=re.compile(r"\\([A-Za-z]+)((?:\s*\{(?:[^{}]|\{[^{}]*\})*\})*)"),
    )


_KEPT = "\x03(\\d+)\x04"
"""A placeholder ``keep`` wrote (a pattern: ``re`` compiles it on first use)."""


def read_commands(text: str, kept: list[str]) -> str:
    """``text`` with the commands this module knows replaced by what they print; a URL's
    text is put in ``kept`` (a placeholder stands for it) so no later step changes it."""
    if "\\" not in text:
        return text
    c = _commands()
    text = c.url.sub(lambda m: keep(c.url_escape.sub(r"\1", m.group(1).strip()), kept), text)
    text = c.href.sub(lambda m: m.group(2), text)
    text = c.dropped_with_arg.sub("", text)
    text = c.logos.sub(lambda m: _LOGO_TEXT.get(m.group(1), m.group(1)), text)
    text = c.spacing.sub(" ", text)
    text = c.nothing.sub("", text)
    return c.switches.sub("", text)


def keep_unknown(text: str, kept: list[str], unknown: list[str] | None) -> str:
    """``text`` with each command still in it (one nothing read) kept as written, braced
    arguments included; their names, with the backslash, are added to ``unknown``."""
    if "\\" not in text:
        return text

    def kept_command(match: re.Match[str]) -> str:
        if unknown is not None:
            unknown.append("\\" + match.group(1))
        return keep(match.group(), kept)

    return _commands().unknown.sub(kept_command, text)


def keep(text: str, kept: list[str]) -> str:
    """A placeholder for ``text``, which ``restore`` puts back as it is."""
    kept.append(text)
    return f"\x03{len(kept) - 1}\x04"


def restore(text: str, kept: list[str]) -> str:
    return re.sub(_KEPT, lambda m: kept[int(m.group(1))], text) if kept else text
