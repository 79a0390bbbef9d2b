"""Turning what was typed in the add form into a ``Paper``. Pure Python, no Textual."""

from __future__ import annotations

import re

from papernotes.errors import InvalidInputError
from papernotes.model import Paper
from papernotes.text.arxiv_ids import parse_arxiv_id
from papernotes.text.typed_notes import typed_notes

FIELDS = ("year", "title", "venue", "code", "arxiv", "tags", "notes")
_TAG_SEPARATORS = re.compile(r"[,，;；]")


class FormError(InvalidInputError):
    """A field of the form holds something unusable; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def split_tags(text: str) -> tuple[str, ...]:
    tags = (" ".join(t.split()) for t in _TAG_SEPARATORS.split(text))
    return tuple(dict.fromkeys(t for t in tags if t))


def paper_from_form(values: dict[str, str]) -> Paper:
    """The paper the form describes; raises ``FormError`` naming the first bad field."""
    title = " ".join(values.get("title", "").split())
    if not title:
        raise FormError("title", "A paper needs a title.")
    year_text = values.get("year", "").strip()
    if not re.fullmatch(r"\d{4}", year_text):
        raise FormError("year", "The year must have four digits, e.g. 2024.")
    code = values.get("code", "").strip()
    if code and not code.startswith(("http://", "https://")):
        raise FormError("code", "The code link must be an http(s) URL.")
    arxiv = values.get("arxiv", "").strip()
    if arxiv:
        try:
            arxiv = parse_arxiv_id(arxiv)[0]
        except InvalidInputError as exc:
            raise FormError("arxiv", str(exc)) from None
    return Paper(
        title=title,
        year=int(year_text),
        venue=" ".join(values.get("venue", "").split()),
        code=code,
        arxiv=arxiv,
        tags=split_tags(values.get("tags", "")),
        notes=typed_notes(values.get("notes", "")),
    )
