"""File names for notes: short, readable (Chinese too), and never a path."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_CHARS = 48
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Names Windows reserves for devices, with or without an extension ("con.md" included).
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{n}" for d in ("com", "lpt") for n in range(10)]
)


def slugify(title: str) -> str:
    """A slug for ``title``: the short name before a colon when there is one, else a few words.

    Only letters, digits and single hyphens survive, so the result cannot contain
    ``/``, ``..`` or a leading dot; Chinese characters are kept as they are. A name Windows
    reserves (``con``, ``nul``, ``com1``…) gets ``-paper`` appended.
    """
    text = unicodedata.normalize("NFKC", title).strip()
    head, sep, _ = text.partition(":")
    if not sep:
        head, sep, _ = text.partition("：")
    if sep and 0 < len(_WORD.findall(head)) <= 3 and len(head) <= 30:
        text = head
    words = [w.lower() for w in _WORD.findall(text)]
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_CHARS or (slug and len(candidate.split("-")) > 5):
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:MAX_SLUG_CHARS]
    if _CJK.search(slug) and len(slug) > 20:
        slug = slug[:20].rstrip("-")
    slug = slug or "paper"
    return f"{slug}-paper" if slug in WINDOWS_RESERVED else slug


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
