"""The citation keys a Markdown document still knows: its links.

A document in the seed's format shows no keys, but each paper link in it is written
``<a href="URL" title="[[key]]">words</a>``: the key of the paper it points to. Importing the
document into a new library gives a new paper the key its links name (when free), so the
links between the papers keep pointing at them instead of dangling.
"""

from __future__ import annotations

from collections.abc import Sequence

from papernotes.formats.markdown.paper_links import written_link_parts
from papernotes.model import Paper
from papernotes.text.short_names import folded_name, short_name


def linked_keys(text: str, papers: Sequence[Paper]) -> dict[int, str]:
    """For each of ``papers`` (by index) that has no key of its own, the one key the links of
    ``text`` (the whole document) give it. A link finds its paper by where it points (the
    paper's arXiv page or code link), else, when it shows the paper's own name (no words of
    its own), by that name or title, and only when exactly one paper fits; a paper two keys
    name, or a key two papers get, is left to the usual key."""
    names: dict[int, set[str]] = {}
    for href, link, words in written_link_parts(text):
        fits = _papers_at(href, papers) or (
            _papers_named(words, papers) if link.text is None else []
        )
        if len(fits) == 1 and not papers[fits[0]].key:
            names.setdefault(fits[0], set()).add(link.name)
    chosen = {index: next(iter(found)) for index, found in names.items() if len(found) == 1}
    given = list(chosen.values())
    taken = {paper.key for paper in papers if paper.key}
    return {i: key for i, key in chosen.items() if given.count(key) == 1 and key not in taken}


def _papers_at(href: str, papers: Sequence[Paper]) -> list[int]:
    if not href or href.startswith("#"):
        return []
    return [
        i
        for i, paper in enumerate(papers)
        if (paper.arxiv and href == f"https://arxiv.org/abs/{paper.arxiv}") or href == paper.code
    ]


def _papers_named(words: str, papers: Sequence[Paper]) -> list[int]:
    folded = folded_name(words)
    if not folded:
        return []
    return [
        i
        for i, paper in enumerate(papers)
        if folded in (folded_name(paper.title), folded_name(short_name(paper.title)))
    ]
