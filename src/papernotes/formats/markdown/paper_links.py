"""Paper links in the Markdown document: ``[[key]]`` written as an HTML link, read back.

A link is written ``<a href="URL" title="[[key]]">words</a>``: HTML, because the notes sit in
a ``<details>`` block, where GitHub renders no Markdown. The ``title`` holds the link exactly
as the note has it, so the import turns it back byte for byte; a link a user wrote himself
(``[DeBERTa](https://arxiv.org/abs/2006.03654)``, an ``<a>`` without such a title) is never
taken for one. Without a URL the ``<a>`` has no ``href`` and GitHub shows plain words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from papernotes.text.paper_links import LINK, PaperLink, replace_links

_WRITTEN = re.compile(r'<a (?:href="[^"<>\n]*" )?title="(\[\[[^"<>\n]*\]\])">[^<>\n]*</a>')
"""A link as ``written_links`` writes it; group 1 is the escaped ``[[…]]``."""
_WRITTEN_PARTS = re.compile(
    r'<a (?:href="([^"<>\n]*)" )?title="(\[\[[^"<>\n]*\]\])">([^<>\n]*)</a>'
)
"""``_WRITTEN`` with its href (group 1, absent without one), link and words in groups."""


def written_links(
    text: str,
    href_of: Callable[[str], str | None],
    label_of: Callable[[str], str | None],
    as_words: Callable[[PaperLink], str | None] = lambda link: None,
) -> str:
    """``text`` with every link to a known paper as an ``<a>``: to ``href_of(key)`` (an arXiv
    page, a code link, later an anchor ``#key``; none when it gives None), showing the link's
    own words or ``label_of(key)``. A link ``label_of`` knows no paper for stays as written;
    one ``as_words`` gives words for is those words, in the same pass, so they are never
    read as a link again (``[[[[key|name]]]]`` gives ``[[name]]``, text, not a link)."""

    def written(link: PaperLink) -> str | None:
        words = as_words(link)
        if words is not None:
            return words
        label = label_of(link.name)
        if label is None:
            return None
        href = href_of(link.name)
        words = link.text if link.text is not None else label
        attributes = f'href="{escape(href)}" ' if href else ""
        return f'<a {attributes}title="{escape(link.source)}">{escape(words, quote=False)}</a>'

    return replace_links(text, written)


def read_links(text: str) -> str:
    """``text`` with every ``<a>`` that ``written_links`` wrote turned back into its
    ``[[key]]`` or ``[[key|text]]``."""
    if "<a " not in text:
        return text

    def source(match: re.Match[str]) -> str:
        link = unescape(match.group(1))
        return link if LINK.fullmatch(link) else match.group(0)

    return _WRITTEN.sub(source, text)


def written_link_parts(text: str) -> list[tuple[str, PaperLink, str]]:
    """Each link ``written_links`` wrote in ``text``: where it points ("" for nowhere), the
    ``[[…]]`` it stands for, and the words it shows (unescaped)."""
    if "<a " not in text:
        return []
    found = []
    for match in _WRITTEN_PARTS.finditer(text):
        link = unescape(match.group(2))
        parsed = LINK.fullmatch(link)
        if parsed is None or not parsed.group(1).strip():
            continue
        name = PaperLink(parsed.group(1).strip(), parsed.group(2), 0, len(link))
        found.append((unescape(match.group(1) or ""), name, unescape(match.group(3))))
    return found
