"""A paper's short name from its title: ``DeBERTa`` from ``DeBERTa: Decoding-enhanced BERT…``.

Used to label a link (``[[he2021deberta]]`` shows as DeBERTa) and to find notes that mention
another paper by name without linking it. Only a one-word name before a colon counts, and not
a common word (``Survey: …``, ``Attention: …``), so suggestions stay free of noise.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")
_COMMON = frozenset(
    [
        "attention",
        "beyond",
        "benchmark",
        "benchmarking",
        "challenges",
        "deep",
        "generation",
        "introduction",
        "language",
        "learning",
        "model",
        "models",
        "network",
        "networks",
        "neural",
        "overview",
        "perspective",
        "position",
        "pretraining",
        "retrieval",
        "revisiting",
        "rethinking",
        "review",
        "survey",
        "towards",
        "transformer",
        "transformers",
        "tutorial",
        "understanding",
    ]
)
MIN_LENGTH = 3


def folded_name(word: str) -> str:
    """A name as matched: case, ``-`` and ``.`` ignored (``deberta-v3`` is ``DeBERTaV3``)."""
    return word.casefold().replace("-", "").replace(".", "")


def short_name(title: str, arxiv_title: str = "") -> str:
    """The name before the colon of ``title`` (spelt as ``arxiv_title`` has it when that is
    the same name: ``DEBERTA`` -> ``DeBERTa``); "" when there is none or it is a common word."""
    name = _head(title)
    if not name:
        return ""
    other = _head(arxiv_title)
    if other and folded_name(other) == folded_name(name):
        name = other
    return name


def _head(title: str) -> str:
    head, colon, _ = title.partition(":")
    head = head.strip()
    if not colon or not _NAME.fullmatch(head) or len(folded_name(head)) < MIN_LENGTH:
        return ""
    if folded_name(head) in _COMMON:
        return ""
    return head


def name_words(text: str) -> list[tuple[int, int, str]]:
    """Every ASCII word of ``text`` (``deberta``, ``deberta-v3``) as ``(start, end, folded)``:
    Chinese around it needs no spaces (``模型延续了deberta``)."""
    return [(m.start(), m.end(), folded_name(m.group())) for m in _NAME.finditer(text)]
