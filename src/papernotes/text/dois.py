"""DOIs: recognising the forms users paste (``10.18653/v1/…``, ``doi:…``, doi.org links)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from papernotes.errors import InvalidInputError

ACCEPTED_FORMS = "10.18653/v1/2020.findings-emnlp.372, doi:10.1162/tacl_a_00001, https://doi.org/10.1162/tacl_a_00001"
_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def parse_doi(text: str) -> str:
    """The bare DOI in ``text`` (any accepted form); a user error for anything else."""
    value = unquote(_PREFIX.sub("", text.strip()))
    if not _DOI.match(value):
        raise InvalidInputError(f"{text.strip()!r} is not a DOI; give one as {ACCEPTED_FORMS}.")
    return value
