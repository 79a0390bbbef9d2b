"""A fast path for the YAML that papernotes itself writes in a note's front matter.

PyYAML spends most of its time building Python objects, not scanning: about 0.08 ms to
read and 0.2 ms to write one small front matter even with libyaml. The front matter
papernotes writes uses a tiny subset of YAML, read and written here directly:

    key: plain scalar            key: 'single-quoted scalar'      key: []
    key:                         year: 2021   (a decimal integer)
    - item                       (a block list of scalars, not indented)

Both directions give exactly what PyYAML gives (the same Python values, the same text;
``tests/storage/test_frontmatter.py`` compares them on generated front matters and every shipped
note). Anything outside the subset — double quotes, other flow collections, anything
spanning lines, comments, anchors, tags, tabs or control characters, a plain scalar
YAML 1.1 would read as anything but a string or a decimal integer — makes the functions
return None and the caller uses PyYAML for the whole document, so errors and their line
numbers come from PyYAML as before (and anchors and aliases are refused there: safe_yaml.py).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from papernotes.model import FRONT_MATTER_FIELDS

# PyYAML's implicit resolvers (yaml/resolver.py, YAML 1.1), by first character; a plain
# scalar matching one of them is not a string. The test suite checks this copy against
# PyYAML's own table.
_BOOL = re.compile(
    r"""^(?:yes|Yes|YES|no|No|NO
    |true|True|TRUE|false|False|FALSE
    |on|On|ON|off|Off|OFF)$""",
    re.X,
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
    re.X,
)
_MERGE = re.compile(r"^(?:<<)$")
_NULL = re.compile(
    r"""^(?: ~
    |null|Null|NULL
    | )$""",
    re.X,
)
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
     (?:[Tt]|[ \t]+)[0-9][0-9]?
     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
_VALUE = re.compile(r"^(?:=)$")
_YAML = re.compile(r"^(?:!|&|\*)$")

RESOLVERS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {}
for _tag, _pattern, _firsts in (
    ("bool", _BOOL, "yYnNtTfFoO"),
    ("float", _FLOAT, "-+0123456789."),
    ("int", _INT, "-+0123456789"),
    ("merge", _MERGE, "<"),
    ("null", _NULL, ["~", "n", "N", ""]),
    ("timestamp", _TIMESTAMP, "0123456789"),
    ("value", _VALUE, "="),
    ("yaml", _YAML, "!&*"),
):
    for _first in _firsts:
        RESOLVERS[_first] = (*RESOLVERS.get(_first, ()), (f"tag:yaml.org,2002:{_tag}", _pattern))
del _tag, _pattern, _firsts, _first


def implicit_tag(value: str) -> str | None:
    """The tag PyYAML gives ``value`` as a plain scalar, or None for a string."""
    for tag, pattern in RESOLVERS.get(value[:1], ()):
        if pattern.match(value):
            return tag
    return None


# -- reading ---------------------------------------------------------------

# Characters libyaml reads and writes as themselves (its IS_PRINTABLE, minus the BOM, tab,
# CR and the Unicode line breaks), plus astral characters, which it reads but never writes.
# Written as the characters outside those ranges: a negated class of them costs 35 ms to
# compile (a bitmap of the whole BMP), a fifth of a `show` (tests/storage/test_frontmatter.py
# checks both spellings agree on every code point).
_OUTSIDE_READ = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_FIELDS = frozenset(FRONT_MATTER_FIELDS)  # keys known to be plain strings (a test checks)
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_MAX_DIGITS = 4000  # Python refuses to convert more than 4300 digits (ValueError)
# Plain scalars read here: none starting with an indicator (even those that may start one in
# some contexts), a document marker or a space, ending in a space or ':', or holding ': '
# (a mapping) or ' #' (a comment).
_NOT_PLAIN_READ = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@` ]|^---|^\.\.\.|: | #|[ :]$")


def _plain_key(name: str) -> bool:
    return name in _FIELDS or (_KEY.fullmatch(name) is not None and implicit_tag(name) is None)


@lru_cache(maxsize=1 << 14)
def _scalar(text: str) -> str | int | None:
    """The value of one scalar written on one line, or None when outside the subset. Kept for
    the values seen last: most repeat from note to note (authors, tags, statuses, days), and
    a load that parses 10,000 notes then checks each only once (an eighth of its work)."""
    if not text:
        return None
    first = text[0]
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            return None
        return inner.replace("''", "'")
    if _NOT_PLAIN_READ.search(text):
        return None
    tag = implicit_tag(text)
    if tag is None:
        return text
    if tag == "tag:yaml.org,2002:int" and _DECIMAL.fullmatch(text) and len(text) <= _MAX_DIGITS:
        return int(text)  # a longer one is left to PyYAML, which reports it at its line
    return None


def parse_front(text: str) -> dict[str, object] | None:
    """The mapping PyYAML would load from ``text``, or None to let PyYAML read it."""
    if not text or _OUTSIDE_READ.search(text):
        return None
    front: dict[str, object] = {}
    listing = ""  # the key whose ``key:`` line opened a block list, if the last line did
    items: list[object] = []
    for line in text.split("\n"):
        if line.startswith("- "):
            item = _scalar(line[2:])
            if not listing or item is None:
                return None
            if front[listing] is None:  # ``key:`` with no items below it is null
                items = front[listing] = []
            items.append(item)
            continue
        name, colon, rest = line.partition(":")
        if not colon or not _plain_key(name) or name in front:
            return None
        listing = ""
        if not rest:
            listing = name
            front[name] = None
            continue
        value: list[object] | str | int | None = (
            [] if rest == " []" else _scalar(rest[1:]) if rest[0] == " " else None
        )
        if value is None:
            return None
        front[name] = value
    return front


# -- writing ---------------------------------------------------------------

# What libyaml writes as itself with allow_unicode (its IS_PRINTABLE, no line breaks), spelled
# as the characters outside it (see _OUTSIDE_READ).
_OUTSIDE_WRITE = "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe-\U0010ffff]"
"""A pattern, compiled on the first write (``_writing``): reading commands never need it."""
_MAX_LINE = 4000  # libyaml folds a scalar at a space past column 4096 (width=4096)


# libyaml's ``block_plain_allowed`` is false for a one-line scalar of printable characters
# that starts with an indicator, with '-', '?' or ':' and a space, with a document marker
# or a space, that ends with a space or ':', or holds ': ' or ' #'.
_NOT_PLAIN_WRITE = r"^[ #,\[\]{}&*!|>'\"%@`]|^[-?:](?: |$)|^---|^\.\.\.|: | #|[ :]$"


@cache
def _writing() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """``_OUTSIDE_WRITE`` and ``_NOT_PLAIN_WRITE`` compiled, once a note is written."""
    return re.compile(_OUTSIDE_WRITE), re.compile(_NOT_PLAIN_WRITE)


def _emit(value: str) -> str | None:
    """``value`` as libyaml writes it in block context, or None when outside the subset."""
    outside, not_plain = _writing()
    if outside.search(value):
        return None
    if value and not not_plain.search(value) and implicit_tag(value) is None:
        return value
    return "'" + value.replace("'", "''") + "'"


def render_front(front: dict[str, object]) -> str | None:
    """The text PyYAML's ``dump`` gives for ``front`` (see ``note_format.dump_yaml``), or None."""
    lines: list[str] = []
    for name, value in front.items():
        if type(name) is not str or not _plain_key(name):
            return None
        if type(value) is str:
            text = _emit(value)
            if text is None:
                return None
            lines.append(f"{name}: {text}")
        elif type(value) is int:
            lines.append(f"{name}: {value}")
        elif type(value) is list:
            if not value:
                lines.append(f"{name}: []")
                continue
            lines.append(f"{name}:")
            for item in value:
                text = _emit(item) if type(item) is str else None
                if text is None:
                    return None
                lines.append(f"- {text}")
        else:
            return None
    if not lines or max(map(len, lines)) > _MAX_LINE:
        return None
    return "\n".join(lines) + "\n"
