"""Case-insensitive matching of papers against a query, Chinese substrings included."""

from __future__ import annotations

import unicodedata

from papernotes.model import Paper


def text_of(paper: Paper) -> str:
    """All the text a search looks at, one field per line (a term never spans two)."""
    return "\n".join(
        (
            paper.title,
            paper.arxiv_title,
            paper.venue,
            paper.key,
            paper.arxiv,
            str(paper.year),
            *paper.authors,
            *paper.tags,
            *paper.notes,
            paper.body,
        )
    )


def haystack(paper: Paper) -> str:
    """The search text folded once, so that each keystroke only scans strings."""
    return text_of(paper).casefold()


def terms(query: str) -> list[str]:
    return query.casefold().split()


def caseless(term: str) -> bool:
    """True for a term of wide characters without case (Chinese, Japanese, Korean).

    Folding never creates or removes such characters, so they can be looked for in the
    unfolded text: a one-off ``search 蒸馏`` skips folding 10,000 notes.
    """
    return all(
        unicodedata.east_asian_width(c) in "WF" and c.upper() == c == c.casefold() for c in term
    )


def matches(text: str, query_terms: list[str]) -> bool:
    """True when every term occurs in ``text`` (folded, unless every term is caseless)."""
    return all(term in text for term in query_terms)
