"""arXiv identifiers: recognising the forms users paste and reducing them to a base id.

Pure string work, so that the commands that never touch the network can use it cheaply.
"""

from __future__ import annotations

import re

from papernotes.errors import InvalidInputError

ACCEPTED_FORMS = (
    "2006.03654, 2006.03654v2, arXiv:2006.03654, https://arxiv.org/abs/2006.03654v1, "
    "https://arxiv.org/pdf/2006.03654.pdf, https://arxiv.org/pdf/2006.03654v2, hep-th/9901001, "
    "cs/0112017v1"
)
_NEW = r"(?P<new_yy>\d\d)(?P<new_mm>\d\d)\.(?P<number>\d{4,5})"
_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/(?P<old_yy>\d\d)(?P<old_mm>\d\d)\d{3}"
_ID = re.compile(rf"^(?P<id>{_NEW}|{_OLD})(?:v(?P<version>\d+))?$")
_URL = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<rest>.+?)(?:\.pdf)?/?$",
    re.IGNORECASE,
)


def parse_arxiv_id(text: str) -> tuple[str, int]:
    """``(base id, version)`` for any accepted form; version is 0 when none was given."""
    value = text.strip()
    url = _URL.match(value)
    if url:
        value = url.group("rest")
    elif value.lower().startswith("arxiv:"):
        value = value[len("arxiv:") :]
    match = _ID.match(value.strip())
    if not match:
        raise InvalidInputError(
            f"{text!r} is not an arXiv id; accepted forms are: {ACCEPTED_FORMS}."
        )
    impossible = _impossible(match)
    if impossible:
        raise InvalidInputError(f"{text!r} cannot be an arXiv id: {impossible}.")
    return match.group("id"), int(match.group("version") or 0)


def _impossible(match: re.Match[str]) -> str:
    """Why a well-formed id names no paper arXiv could have (``""`` if it could).

    New ids (``YYMM.NNNNN``) began in April 2007, with four digits until December 2014 and
    five since; old ids (``archive/YYMMNNN``) ran from 1991 to March 2007. Versions start at 1.
    """
    if match.group("version") is not None and int(match.group("version")) == 0:
        return "versions start at v1"
    if match.group("new_yy") is not None:
        year, month = 2000 + int(match.group("new_yy")), int(match.group("new_mm"))
        digits = len(match.group("number"))
        if not 1 <= month <= 12:
            return f"{month:02d} is not a month"
        if (year, month) < (2007, 4) or year > 2090:
            return "ids of this form began in April 2007 (0704)"
        if digits != (4 if year <= 2014 else 5):
            wanted = "four digits until 2014" if year <= 2014 else "five digits since 2015"
            return f"the number after the dot has {wanted}"
        if int(match.group("number")) == 0:
            return "numbers start at 1"
        return ""
    yy, month = int(match.group("old_yy")), int(match.group("old_mm"))
    year = 1900 + yy if yy >= 91 else 2000 + yy
    if not 1 <= month <= 12:
        return f"{month:02d} is not a month"
    if not (1991, 8) <= (year, month) <= (2007, 3):
        return "ids of the form archive/YYMMNNN ran from August 1991 to March 2007"
    return ""


_MONTH = r"(?:0[1-9]|1[0-2])"
BASE_ID_SHAPE = re.compile(
    r"07(?:0[4-9]|1[0-2])\.(?!0000)\d{4}"  # new ids, April 2007 to 2014: four digits
    rf"|(?:0[89]|1[0-4]){_MONTH}\.(?!0000)\d{{4}}"
    rf"|(?:1[5-9]|[2-8]\d|90){_MONTH}\.(?!00000)\d{{5}}"  # 2015 to 2090: five
    rf"|[a-z][a-z\-]*(?:\.[A-Z]{{2}})?/(?:91(?:0[89]|1[0-2])|9[2-9]{_MONTH}|0[0-6]{_MONTH}"
    r"|070[1-3])\d{3}"  # old ids, August 1991 to March 2007
)
"""A base id as ``base_id`` gives it, worked out in one match: ``BASE_ID_SHAPE.fullmatch(t)``
holds exactly when ``base_id(t) == t != ""`` (``check`` tests 100,000 ids at once)."""


def base_id(text: str) -> str:
    """The base id, or ``""`` when ``text`` is not an arXiv id."""
    try:
        return parse_arxiv_id(text)[0]
    except InvalidInputError:
        return ""
