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
_NEW = r"\d{4}\.\d{4,5}"
_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
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
    return match.group("id"), int(match.group("version") or 0)


def base_id(text: str) -> str:
    """The base id, or ``""`` when ``text`` is not an arXiv id."""
    try:
        return parse_arxiv_id(text)[0]
    except InvalidInputError:
        return ""
