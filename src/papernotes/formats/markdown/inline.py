"""A heading's inline Markdown read as GitHub reads it: its text, and a spelling of it that
can sit inside a TOC link.

GitHub's heading anchor is made from the text of the rendered heading: the text of links,
emphasis and code, no Markdown syntax, nothing from an image (an ``<img>`` has no text). So the
heading is parsed here the CommonMark way (cmark-gfm is what GitHub runs): backslash escapes,
entities, code spans, autolinks, raw HTML, inline links and images, ``*``/``_`` emphasis and
``~`` strikethrough with their delimiter rules (``snake_case`` keeps its underscores, which an
anchor keeps too). Not handled: reference links (``[text][ref]``) and raw HTML spanning lines.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass, field

from papernotes.formats.markdown.emphasis import (
    ESCAPABLE,
    Delimiter,
    delimiter_run,
    is_punctuation,
    process_emphasis,
    spell,
)

_SPECIAL = re.compile(r"[\\`<&!\[\]*_~]|(?:https?://|ftp://|www\.)")
_ENTITY = re.compile(r"&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));")
_AUTOLINK = re.compile(
    r"<([A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>\x00-\x1f]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>"
)
_ATTRIBUTE = r"""\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_HTML = re.compile(
    rf"<([A-Za-z][A-Za-z0-9-]*)(?:{_ATTRIBUTE})*\s*/?>|</([A-Za-z][A-Za-z0-9-]*)\s*>"
    r"|<!---->|<!--(?!>|->)(?:[^-]|-(?!-))*-->|<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>"
)
_FILTERED_TAGS = frozenset(
    ["title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"]
)
"""Tags GitHub's tagfilter shows as text (``&lt;script>``) instead of passing them on."""
_BARE_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<]*")
_TITLE = re.compile(r"""[ \t]+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))""")
_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")


@dataclass
class _Piece:
    """A stretch of the heading's source: the text it shows and how a TOC link spells it."""

    text: str
    toc: str
    in_image: bool = False


@dataclass
class _Bracket:
    piece: _Piece
    index: int
    delims: int
    image: bool
    active: bool = True


@dataclass
class _Heading:
    source: str
    pieces: list[_Piece] = field(default_factory=list)
    delims: list[Delimiter] = field(default_factory=list)
    brackets: list[_Bracket] = field(default_factory=list)
    backticks: dict[int, int] = field(default_factory=dict)
    scanned_backticks: bool = False


def heading_content(line_text: str) -> str:
    """What follows ``## `` as cmark keeps it: blanks around and a closing ``#`` run removed."""
    return _CLOSING.sub("", line_text.strip()).strip()


def heading_text(source: str) -> str:
    """The heading's text as GitHub renders it (what its anchor is computed from)."""
    return "".join(p.text for p in _parse(heading_content(source)) if not p.in_image)


def toc_label(source: str) -> str:
    """The heading spelled for a TOC link's text: as GitHub shows it, links unwrapped (a link
    inside a link is invalid), stray brackets and delimiters escaped so nothing leaks out."""
    return "".join(p.toc for p in _parse(heading_content(source)))


def _parse(source: str) -> list[_Piece]:
    state = _Heading(source)
    i = 0
    while i < len(source):
        match = _SPECIAL.search(source, i)
        if match is None:
            _plain(state, source[i:])
            break
        if match.start() > i:
            _plain(state, source[i : match.start()])
        i = _special(state, match.start())
    _emphasis(state, 0)
    for bracket in state.brackets:  # never closed: literal
        bracket.piece.toc = "!\\[" if bracket.image else "\\["
    return state.pieces


def _plain(state: _Heading, text: str) -> None:
    state.pieces.append(_Piece(text, text))


def _special(state: _Heading, i: int) -> int:
    source, char = state.source, state.source[i]
    if char == "\\":
        if i + 1 < len(source) and source[i + 1] in ESCAPABLE:
            state.pieces.append(_Piece(source[i + 1], source[i : i + 2]))
            return i + 2
        state.pieces.append(_Piece("\\", "\\\\"))
        return i + 1
    if char == "`":
        return _code_span(state, i)
    if char == "<":
        return _angle(state, i)
    if char == "&":
        match = _ENTITY.match(source, i)
        if match:
            state.pieces.append(_Piece(_entity(match), match.group()))
            return match.end()
        state.pieces.append(_Piece("&", "\\&"))  # unwrapping ``&[amp](u);`` makes no entity
        return i + 1
    if char == "!" and source.startswith("![", i):
        piece = _Piece("![", "![")
        state.pieces.append(piece)
        state.brackets.append(_Bracket(piece, len(state.pieces), len(state.delims), True))
        return i + 2
    if char == "!":
        state.pieces.append(_Piece("!", "!"))
        return i + 1
    if char == "[":
        piece = _Piece("[", "[")
        state.pieces.append(piece)
        state.brackets.append(_Bracket(piece, len(state.pieces), len(state.delims), False))
        return i + 1
    if char == "]":
        return _close_bracket(state, i)
    if char in "*_~":
        delim = delimiter_run(source, i, len(state.pieces))
        end = i + delim.length
        state.pieces.append(_Piece(source[i:end], source[i:end]))
        state.delims.append(delim)
        return end
    return _bare_url(state, i)


def _entity(match: re.Match[str]) -> str:
    hex_digits, digits, name = match.groups()
    if name is not None:
        return html.entities.html5.get(name + ";", match.group())
    code = int(hex_digits, 16) if hex_digits is not None else int(digits)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


def _code_span(state: _Heading, i: int) -> int:
    """A code span, or literal backticks. As cmark-gfm (so GitHub) does, the search for a
    closing run remembers where runs of each length were last seen, even when a later search
    moved that mark back: a run that mark puts after the last one of its length is literal."""
    source = state.source
    run = len(source[i:]) - len(source[i:].lstrip("`"))
    end = i + run
    if not (state.scanned_backticks and state.backticks.get(run, -1) <= end):
        for match in re.finditer(r"`+", source[end:]):
            state.backticks[len(match.group())] = end + match.start()
            if len(match.group()) == run:
                content = source[end : end + match.start()].replace("\n", " ")
                if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                    content = content[1:-1]
                close = end + match.end()
                state.pieces.append(_Piece(content, source[i:close]))
                return close
        state.scanned_backticks = True
    state.pieces.append(_Piece("`" * run, "\\`" * run))
    return end


def _angle(state: _Heading, i: int) -> int:
    source = state.source
    match = _AUTOLINK.match(source, i)
    if match:
        state.pieces.append(_Piece(match.group(1), _escape(match.group(1))))
        return match.end()
    match = _HTML.match(source, i)
    if match:
        name = (match.group(1) or match.group(2) or "").lower()
        if name in _FILTERED_TAGS:
            state.pieces.append(_Piece(match.group(), _escape(match.group())))
        elif name == "a":  # an <a> inside a TOC link would nest links
            state.pieces.append(_Piece("", ""))
        else:  # a tag shows no text
            state.pieces.append(_Piece("", match.group()))
        return match.end()
    state.pieces.append(_Piece("<", "\\<"))
    return i + 1


def _bare_url(state: _Heading, i: int) -> int:
    """GFM's autolink extension: a bare URL is taken whole, so ``_`` in it is no emphasis."""
    source = state.source
    before = source[i - 1] if i else " "
    match = _BARE_URL.match(source, i)
    if source.startswith("www.", i):  # a scheme may follow anything but an ASCII letter
        allowed = before.isspace() or before in "*_~("
    else:
        allowed = not (before.isascii() and before.isalpha())
    allowed = allowed and not state.brackets  # never inside what may be a link's text
    found = match.group() if match and allowed else ""
    www = found.startswith("www.")
    domain = i if www else i + found.find("://") + 3
    url = _trim_url(found) if found and _valid_domain(source[domain:], www) else ""
    if not url:
        state.pieces.append(_Piece(source[i], source[i]))
        return i + 1
    state.pieces.append(_Piece(url, _escape(url)))
    return i + len(url)


def _trim_url(url: str) -> str:
    while url:
        unbalanced = url[-1] == ")" and url.count(")") > url.count("(")
        if url[-1] in "?!.,:*_~'\"" or unbalanced:
            url = url[:-1]
        elif url.endswith(";") and re.search(r"&[A-Za-z0-9]+;$", url):
            url = url[: url.rindex("&")]
        else:
            break
    return url


def _valid_domain(rest: str, www: bool) -> bool:
    """cmark-gfm's domain check over the rest of the heading from the domain's first
    character: byte by byte from the second to the last but one, looking through a backslash
    followed by two more; ``.``, ``_``, ``-`` and characters that are neither blank nor
    punctuation go on (a character's second UTF-8 byte stops it); no ``_`` in the last two
    segments (``x.org_em_`` is no domain); ``www.`` needs a dot, which it has."""
    if not rest or rest[0].isspace() or is_punctuation(rest[0]):
        return False
    size = len(rest.encode())
    index, last, before_last = 1, 0, 0
    while index < size - 1 and index < len(rest):
        if rest[index] == "\\" and index < size - 2:
            index += 1
        char = rest[index]
        if char == "_":
            last += 1
        elif char == ".":
            before_last, last = last, 0
        elif char != "-" and (char.isspace() or is_punctuation(char)):
            break
        if not char.isascii():
            break
        index += 1
    return not (last or before_last) and (www or index > 0)


def _close_bracket(state: _Heading, i: int) -> int:
    if not state.brackets:
        state.pieces.append(_Piece("]", "\\]"))
        return i + 1
    opener = state.brackets.pop()
    end = _inline_link_end(state.source, i + 1) if opener.active else None
    if end is None:
        opener.piece.toc = "!\\[" if opener.image else "\\["
        state.pieces.append(_Piece("]", "\\]"))
        return i + 1
    _emphasis(state, opener.delims)
    del state.delims[opener.delims :]
    tail = state.source[i:end]
    opener.piece.text = ""
    if opener.image:
        for piece in state.pieces[opener.index :]:
            piece.in_image = True
        state.pieces.append(_Piece("", tail))
    else:
        opener.piece.toc = ""
        state.pieces.append(_Piece("", ""))
        for bracket in state.brackets:  # no link inside a link
            if not bracket.image:
                bracket.active = False
    return end


def _inline_link_end(source: str, i: int) -> int | None:
    """Where ``(destination "title")`` right after a link's ``]`` ends, if it is one."""
    if not source.startswith("(", i):
        return None
    j = i + 1
    while j < len(source) and source[j] in " \t":
        j += 1
    if source.startswith("<", j):
        match = re.compile(r"<(?:[^<>\n\\]|\\.)*>").match(source, j)
        if not match:
            return None
        j = match.end()
    else:
        bare_end = _bare_destination_end(source, j)
        if bare_end is None:
            return None
        j = bare_end
    match = _TITLE.match(source, j)
    if match:
        j = match.end()
    while j < len(source) and source[j] in " \t":
        j += 1
    return j + 1 if source.startswith(")", j) else None


def _bare_destination_end(source: str, start: int) -> int | None:
    """Where a link destination without ``<>`` that starts at ``start`` ends: at a space, a
    control character or an unmatched ``)``. None if its parentheses do not balance, or
    if it is empty and no ``)`` follows."""
    j, depth = start, 0
    while j < len(source) and not source[j].isspace() and ord(source[j]) > 0x1F:
        if source[j] == "\\" and j + 1 < len(source) and source[j + 1] in ESCAPABLE:
            j += 2
            continue
        if source[j] == "(":
            depth += 1
        elif source[j] == ")":
            if depth == 0:
                break
            depth -= 1
        j += 1
    if depth or (j == start and not source.startswith(")", j)):
        return None
    return j


def _emphasis(state: _Heading, bottom: int) -> None:
    """Pair the delimiters from ``bottom`` on; what each run shows is then settled."""
    process_emphasis(state.delims, bottom)
    for delim in state.delims[bottom:]:
        piece = state.pieces[delim.piece]
        piece.text, piece.toc = spell(delim)


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_~\[\]<>&!])", r"\\\1", text)
