"""The detail view's text: one paper as Markdown. Pure Python, no Textual."""

from __future__ import annotations

import re
from collections.abc import Callable

from papernotes.model import Paper, normalize_title
from papernotes.text.urls import is_browsable

# What makes inline markup: emphasis, code, strikethrough, and with ``[ ] < >`` links,
# images, autolinks and HTML, which could point the terminal at any scheme (smb:, ssh:, …).
_MARKUP = re.compile(r"([\\*_`~\[\]<>])")
# Every ASCII punctuation character: CommonMark lets a backslash make each one literal.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_DESTINATION = re.compile(r"([()<>\\])")

Marker = Callable[[str], list[tuple[int, int]]]
"""Where a search matches in a text: ``(start, end)`` spans to mark."""


def _escape(text: str) -> str:
    """User text as literal Markdown: no emphasis, no links or autolinks, no HTML."""
    return _MARKUP.sub(r"\\\1", text)


def _literal(line: str) -> str:
    """One line of free text, every punctuation character literal."""
    return _PUNCTUATION.sub(r"\\\1", line)


def _marked(text: str, marker: Marker | None, escape: Callable[[str], str] = _escape) -> str:
    """``text`` escaped, with the spans ``marker`` finds as inline code: the detail view's
    mark for a filter match (user text never makes code spans: its backticks are escaped)."""
    spans = marker(text) if marker is not None and text else []
    parts, at = [], 0
    for start, end in spans:
        found = text[start:end]
        if "`" in found or found != found.strip():
            continue
        parts += [escape(text[at:start]), f"`{found}`"]
        at = end
    parts.append(escape(text[at:]))
    return "".join(parts)


def _plain(text: str, marker: Marker | None = None) -> str:
    """Free text shown as written: every line literal (no lists, headings or tables either),
    line breaks kept."""
    lines = [_marked(line.strip(), marker, _literal) for line in text.strip().split("\n")]
    return "\n".join(f"{line}\\" if line and after else line for line, after in _pairs(lines))


def _pairs(lines: list[str]):
    """Each line with whether a non-blank line follows it directly (a hard break is needed)."""
    return [(line, i + 1 < len(lines) and bool(lines[i + 1])) for i, line in enumerate(lines)]


def _link(label: str, url: str) -> str:
    """A link only to an address ``is_browsable`` accepts; else the label as plain text."""
    if not is_browsable(url):
        return _escape(label)
    destination = _DESTINATION.sub(r"\\\1", url)
    return f"[{_escape(label)}]({destination})"


def _same_title(one: str, other: str) -> bool:
    """Whether two titles differ only in case, accents, punctuation and spacing."""
    return "".join(normalize_title(one).split()) == "".join(normalize_title(other).split())


def paper_markdown(
    paper: Paper,
    path: str = "",
    *,
    notes: bool = True,
    marker: Marker | None = None,
    notes_first: bool = False,
) -> str:
    """Title (and the arXiv title when it differs in more than case, spacing or punctuation),
    facts, links, abstract and numbered notes (without ``notes``, the notes are left to the
    note editor shown under this text; with ``notes_first``, as on a short terminal, the
    notes come right after the title, before the metadata); with ``marker``, what it finds
    in the title, authors, venue, tags, notes and body is marked."""
    lines = [f"# {_marked(paper.title, marker)}", ""]
    if paper.arxiv_title and not _same_title(paper.arxiv_title, paper.title):
        lines += [f"*arXiv title:* {_marked(paper.arxiv_title, marker)}", ""]
    if notes and notes_first:
        lines += [*_notes(paper, marker), ""]
    lines += _metadata(paper, path, marker)
    if notes and not notes_first:
        lines += _notes(paper, marker)
    if paper.body.strip():
        lines += ["", "## More", "", _plain(paper.body, marker)]
    return "\n".join(lines) + "\n"


def _notes(paper: Paper, marker: Marker | None) -> list[str]:
    lines = ["## Notes", ""]
    if paper.notes:
        return lines + [f"{i}. {_marked(note, marker)}" for i, note in enumerate(paper.notes, 1)]
    return [*lines, "*No notes yet: press `n` to write some.*"]


_SOURCE_NAMES = {"dblp": "DBLP", "s2": "Semantic Scholar", "crossref": "Crossref"}


def _published(paper: Paper) -> list[str]:
    """Where the paper was published, and which service said so (``papernotes venue``)."""
    lines = []
    if paper.venue_full:
        lines.append(f"- **Published in:** {_escape(paper.venue_full)}")
    if paper.pages:
        lines.append(f"- **Pages:** {_escape(paper.pages)}")
    if paper.publisher:
        lines.append(f"- **Publisher:** {_escape(paper.publisher)}")
    if paper.venue_source:
        name = _SOURCE_NAMES.get(paper.venue_source, paper.venue_source)
        lines.append(f"- **Venue source:** {_escape(name)}")
    return lines


def _metadata(paper: Paper, path: str, marker: Marker | None) -> list[str]:
    """Authors, facts, links and the abstract."""
    lines: list[str] = []
    if paper.authors:
        lines += [f"**Authors:** {_marked(', '.join(paper.authors), marker)}", ""]
    facts = [
        ("Venue", _marked(paper.venue, marker) if paper.venue else "—"),
        ("Year", str(paper.year)),
        ("Key", _marked(paper.key, marker)),
        ("Status", _escape(paper.status)),
        ("Tags", ", ".join(_marked(t, marker) for t in paper.tags) if paper.tags else "—"),
        ("File", _escape(path)),
    ]
    lines += [f"- **{name}:** {value}" for name, value in facts if value]
    lines += _published(paper)
    if paper.arxiv:
        version = f"v{paper.arxiv_version}" if paper.arxiv_version else ""
        abs_url, pdf_url = (f"https://arxiv.org/{kind}/{paper.arxiv}" for kind in ("abs", "pdf"))
        arxiv = _link(f"{paper.arxiv}{version}", abs_url)
        lines.append(f"- **arXiv:** {arxiv} · {_link('PDF', pdf_url)}")
    if paper.code:
        lines.append(f"- **Code:** {_link(paper.code, paper.code)}")
    if paper.doi:
        lines.append(f"- **DOI:** {_link(paper.doi, f'https://doi.org/{paper.doi}')}")
    lines.append("")
    if paper.abstract:
        lines += ["## Abstract", "", _escape(" ".join(paper.abstract.split())), ""]
    return lines
