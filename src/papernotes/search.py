"""Case-insensitive matching of papers against a query, Chinese substrings included."""

from __future__ import annotations

from papernotes.model import Paper


def haystack(paper: Paper) -> str:
    """All the text a search looks at, folded once so each keystroke only scans strings."""
    parts = [
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
    ]
    return "\n".join(p for p in parts if p).casefold()


def terms(query: str) -> list[str]:
    return query.casefold().split()


def matches(text: str, query_terms: list[str]) -> bool:
    """True when every term occurs in the folded ``text``."""
    return all(term in text for term in query_terms)
