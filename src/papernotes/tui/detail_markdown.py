"""The detail view's text: one paper as Markdown. Pure Python, no Textual."""

from __future__ import annotations

import re

from papernotes.model import Paper, normalize_title
from papernotes.text.urls import is_browsable

# What makes inline markup: emphasis, code, strikethrough, and with ``[ ] < >`` links,
# images, autolinks and HTML, which could point the terminal at any scheme (smb:, ssh:, …).
_MARKUP = re.compile(r"([\\*_`~\[\]<>])")
# Every ASCII punctuation character: CommonMark lets a backslash make each one literal.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_DESTINATION = re.compile(r"([()<>\\])")


def _escape(text: str) -> str:
    """User text as literal Markdown: no emphasis, no links or autolinks, no HTML."""
    return _MARKUP.sub(r"\\\1", text)


def _plain(text: str) -> str:
    """Free text shown as written: every line literal (no lists, headings or tables either),
    line breaks kept."""
    lines = [_PUNCTUATION.sub(r"\\\1", line.strip()) for line in text.strip().split("\n")]
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


def paper_markdown(paper: Paper, path: str = "", *, notes: bool = True) -> str:
    """Title (and the arXiv title when it differs), facts, links, abstract and numbered notes
    (without ``notes``, the notes are left to the note editor shown under this text)."""
    lines = [f"# {_escape(paper.title)}", ""]
    if paper.arxiv_title and normalize_title(paper.arxiv_title) != normalize_title(paper.title):
        lines += [f"*arXiv title:* {_escape(paper.arxiv_title)}", ""]
    if paper.authors:
        lines += [f"**Authors:** {_escape(', '.join(paper.authors))}", ""]
    facts = [
        ("Venue", _escape(paper.venue) if paper.venue else "—"),
        ("Year", str(paper.year)),
        ("Key", _escape(paper.key)),
        ("Status", _escape(paper.status)),
        ("Tags", ", ".join(_escape(t) for t in paper.tags) if paper.tags else "—"),
        ("File", _escape(path)),
    ]
    lines += [f"- **{name}:** {value}" for name, value in facts if value]
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
    if notes:
        lines += ["## Notes", ""]
        if paper.notes:
            lines += [f"{i}. {_escape(note)}" for i, note in enumerate(paper.notes, 1)]
        else:
            lines.append("*No notes yet: press `n` to write some.*")
    if paper.body.strip():
        lines += ["", "## More", "", _plain(paper.body)]
    return "\n".join(lines) + "\n"
