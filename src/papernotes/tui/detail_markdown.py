"""The detail view's text: one paper as Markdown. Pure Python, no Textual."""

from __future__ import annotations

from papernotes.model import Paper, normalize_title
from papernotes.urls import is_browsable


def _escape(text: str) -> str:
    """Keep user text from being read as Markdown markup where it matters most."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")


def _link(label: str, url: str) -> str:
    return f"[{_escape(label)}]({url})" if is_browsable(url) else _escape(url)


def paper_markdown(paper: Paper, path: str = "") -> str:
    """Title (and the arXiv title when it differs), facts, links, abstract and numbered notes."""
    lines = [f"# {_escape(paper.title)}", ""]
    if paper.arxiv_title and normalize_title(paper.arxiv_title) != normalize_title(paper.title):
        lines += [f"*arXiv title:* {_escape(paper.arxiv_title)}", ""]
    if paper.authors:
        lines += [f"**Authors:** {_escape(', '.join(paper.authors))}", ""]
    facts = [
        ("Venue", _escape(paper.venue) if paper.venue else "—"),
        ("Year", str(paper.year)),
        ("Key", _escape(paper.key)),
        ("Status", paper.status),
        ("Tags", ", ".join(_escape(t) for t in paper.tags) if paper.tags else "—"),
        ("File", _escape(path)),
    ]
    lines += [f"- **{name}:** {value}" for name, value in facts if value]
    if paper.arxiv:
        version = f"v{paper.arxiv_version}" if paper.arxiv_version else ""
        abs_url, pdf_url = (f"https://arxiv.org/{kind}/{paper.arxiv}" for kind in ("abs", "pdf"))
        lines.append(f"- **arXiv:** [{paper.arxiv}{version}]({abs_url}) · [PDF]({pdf_url})")
    if paper.code:
        lines.append(f"- **Code:** {_link(paper.code, paper.code)}")
    if paper.doi:
        lines.append(f"- **DOI:** [{_escape(paper.doi)}](https://doi.org/{paper.doi})")
    lines.append("")
    if paper.abstract:
        lines += ["## Abstract", "", _escape(" ".join(paper.abstract.split())), ""]
    lines += ["## Notes", ""]
    if paper.notes:
        lines += [f"{i}. {_escape(note)}" for i, note in enumerate(paper.notes, 1)]
    else:
        lines.append("*No notes yet: press `e` to write some.*")
    if paper.body.strip():
        lines += ["", "## More", "", paper.body.strip()]
    return "\n".join(lines) + "\n"
