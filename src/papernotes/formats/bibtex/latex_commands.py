"""LaTeX commands found in .bib files in the wild, read as the text they print.

``{\\LaTeX}`` is ``LaTeX``, ``\\url{…}`` its address, ``{\\em x}`` and ``\\textsf{x}`` are
``x``, ``50\\,\\%`` is ``50 %`` and ``{\\noop{a}}Sorted`` (a sort-order trick) is ``Sorted``.
A command papernotes does not know is kept as written, with its braced arguments
(``\\foo{bar}``), and named, so that the import can report it and the export write it back.
"""

from __future__ import annotations

import re

_ARG = r"\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}"
"""One braced argument, up to two levels of braces inside it (group 1: its text)."""
_URL = re.compile(r"\\(?:url|path|nolinkurl)\s*" + _ARG)
_URL_ESCAPE = re.compile(r"\\([&%$#_~])")
_HREF = re.compile(r"\\href\s*" + _ARG + r"\s*" + _ARG)
_DROPPED_WITH_ARG = re.compile(r"\\(?:noop|nocite|index|label|sortkey|hphantom|vphantom)\s*" + _ARG)
_LOGOS = re.compile(
    r"\\(LaTeXe|LaTeX|TeX|BibTeX|XeTeX|LuaTeX|eTeX|AmS|TeXLive)(?![A-Za-z])(?:\{\})?"
)
_LOGO_TEXT = {"LaTeXe": "LaTeX2e", "AmS": "AMS", "TeXLive": "TeX Live"}
_SPACING = re.compile(r"\\(?:[,;: ]|quad(?![A-Za-z])|qquad(?![A-Za-z])|enspace(?![A-Za-z]))")
_NOTHING = re.compile(r"\\[/@\-!](?![A-Za-z])|\\(?:relax|protect|xspace)(?![A-Za-z])\s*")
_SWITCHES = re.compile(
    r"\\(?:em|it|bf|sc|rm|tt|sl|sf|itshape|bfseries|scshape|upshape|slshape|mdseries|"
    r"normalfont|rmfamily|sffamily|ttfamily|small|footnotesize|large|Large|scriptsize|"
    r"tiny|normalsize)(?![A-Za-z])\s*"
)
_UNKNOWN = re.compile(r"\\([A-Za-z]+)((?:\s*\{(?:[^{}]|\{[^{}]*\})*\})*)")
_KEPT = re.compile("\x03(\\d+)\x04")


def read_commands(text: str, kept: list[str]) -> str:
    """``text`` with the commands this module knows replaced by what they print; a URL's
    text is put in ``kept`` (a placeholder stands for it) so no later step changes it."""
    if "\\" not in text:
        return text
    text = _URL.sub(lambda m: keep(_URL_ESCAPE.sub(r"\1", m.group(1).strip()), kept), text)
    text = _HREF.sub(lambda m: m.group(2), text)
    text = _DROPPED_WITH_ARG.sub("", text)
    text = _LOGOS.sub(lambda m: _LOGO_TEXT.get(m.group(1), m.group(1)), text)
    text = _SPACING.sub(" ", text)
    text = _NOTHING.sub("", text)
    return _SWITCHES.sub("", text)


def keep_unknown(text: str, kept: list[str], unknown: list[str] | None) -> str:
    """``text`` with each command still in it (one nothing read) kept as written, braced
    arguments included; their names, with the backslash, are added to ``unknown``."""
    if "\\" not in text:
        return text

    def kept_command(match: re.Match[str]) -> str:
        if unknown is not None:
            unknown.append("\\" + match.group(1))
        return keep(match.group(), kept)

    return _UNKNOWN.sub(kept_command, text)


def keep(text: str, kept: list[str]) -> str:
    """A placeholder for ``text``, which ``restore`` puts back as it is."""
    kept.append(text)
    return f"\x03{len(kept) - 1}\x04"


def restore(text: str, kept: list[str]) -> str:
    return _KEPT.sub(lambda m: kept[int(m.group(1))], text) if kept else text
