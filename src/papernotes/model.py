"""The data papernotes works with: papers, stored notes, link sections, problems.

Plain frozen dataclasses; this module imports nothing else of papernotes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

STATUSES = ("unread", "reading", "read")
PRIORITIES = ("high", "medium", "low")
"""A paper's reading priority, most urgent first; ``""`` is none."""
RATINGS = range(1, 6)
"""A paper's rating: 1 to 5 stars; 0 is none."""

# Front matter field order: fixed so that edits give small git diffs.
FRONT_MATTER_FIELDS = (
    "title",
    "year",
    "venue",
    "code",
    "arxiv",
    "key",
    "authors",
    "tags",
    "status",
    "added",
    "arxiv_version",
    "arxiv_title",
    "abstract",
    "published",
    "updated",
    "categories",
    "primary_category",
    "doi",
    "journal_ref",
    "comment",
    "venue_full",
    "pages",
    "publisher",
    "venue_source",
    "priority",
    "rating",
    "read_on",
)
LIST_FIELDS = frozenset({"authors", "tags", "categories"})
ARXIV_FIELDS = (
    "arxiv_version",
    "arxiv_title",
    "authors",
    "abstract",
    "published",
    "updated",
    "categories",
    "primary_category",
    "doi",
    "journal_ref",
    "comment",
)


@dataclass(frozen=True)
class Paper:
    """One paper and the user's reading notes on it."""

    title: str
    year: int
    venue: str = ""
    code: str = ""
    arxiv: str = ""
    key: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "unread"
    added: str = ""
    arxiv_version: int = 0
    arxiv_title: str = ""
    abstract: str = ""
    published: str = ""
    updated: str = ""
    categories: tuple[str, ...] = ()
    primary_category: str = ""
    doi: str = ""
    journal_ref: str = ""
    comment: str = ""
    notes: tuple[str, ...] = ()
    body: str = ""
    extra: tuple[tuple[str, object], ...] = ()
    """Front matter keys papernotes does not know, kept as written (in order)."""
    venue_full: str = ""
    """The published venue's full name as a bibliography prints it (``booktitle``/``journal``);
    empty: the venue table's full name for ``venue``."""
    pages: str = ""
    publisher: str = ""
    venue_source: str = ""
    """Which service gave the published venue (``dblp``, ``s2``, ``crossref``); empty: the user."""
    priority: str = ""
    """``high``, ``medium``, ``low``, or ``""`` for none."""
    rating: int = 0
    """1 to 5; 0 for none."""
    read_on: str = ""
    """The day (``YYYY-MM-DD``) the paper first became ``read``; set when it does."""


@dataclass(frozen=True, slots=True)  # slots: 100,000 notes take 18 MB fewer
class Note:
    """A paper as stored in the library: where it lives and what was read."""

    paper: Paper
    path: str
    """Path relative to the library root, with forward slashes: ``2021/deberta.md``."""
    digest: str = ""
    """Hash of the file's bytes when read; a write refuses if the file changed since."""

    @property
    def slug(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")


@dataclass(frozen=True)
class Problem:
    """Something wrong in a file, reported as ``path:line: message``; line 0 stands for the
    whole file or folder (``path: message``: one that is not a regular file, or unreadable)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        if not self.line:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class LinkItem:
    """One entry of a link collection: a list item (or a loose paragraph line)."""

    label: str = ""
    url: str = ""
    markdown_link: bool = False
    """Written as ``[label](url)`` rather than ``label url``."""
    children: tuple[LinkItem, ...] = ()
    gap_before: bool = False
    """A blank line stood before this item in the document."""
    bullet: bool = True
    """False for a plain text line that is not a list item."""

    @property
    def text(self) -> str:
        if self.markdown_link:
            return f"[{self.label}]({self.url})"
        return " ".join(part for part in (self.label, self.url) if part)


@dataclass(frozen=True)
class Section:
    """A heading of the reading-notes document with its link items.

    The section that holds the papers (``# Paper`` in the seed) has ``papers=True``;
    its papers live in the note files, not here.
    """

    title: str
    level: int
    items: tuple[LinkItem, ...] = ()
    papers: bool = False


TITLE_LINKS = ("none", "arxiv", "code")
SHOWN_FIELDS = ("authors", "arxiv", "tags", "status")


@dataclass(frozen=True)
class PublishProfile:
    """How the exported document presents each paper (a published README): the title as a
    link, an HTML anchor per paper, extra lines, papers left out by tag, a line of counts.
    The default changes nothing: the document is the seed's format."""

    title_link: str = "none"
    """``none``, ``arxiv`` (the paper's arXiv page) or ``code`` (its code link)."""
    anchors: bool = False
    """``<a id="KEY"></a>`` before each title, so ``#KEY`` links to one paper."""
    show: tuple[str, ...] = ()
    """Extra lines per paper, in this order: any of ``SHOWN_FIELDS``."""
    exclude_tags: tuple[str, ...] = ()
    """Papers with one of these tags (case ignored) are left out of the document."""
    stats: bool = False
    """A line of counts (papers, then per year) under the papers heading."""

    @property
    def decorated(self) -> bool:
        """Whether papers are written other than in the seed's format (the document then
        says how, so an import reads the decorations back)."""
        return self.title_link != "none" or self.anchors or bool(self.show) or self.stats

    def publishes(self, paper: Paper) -> bool:
        """Whether ``paper`` is in the document (none of its tags is excluded)."""
        if not self.exclude_tags:
            return True
        excluded = {t.casefold() for t in self.exclude_tags}
        return not any(t.casefold() in excluded for t in paper.tags)

    def anchor(self, paper: Paper) -> str:
        """The fragment that links to ``paper`` in the document (``#KEY``), or "" when the
        document has no anchor for it (anchors off, no key, or the paper left out)."""
        if self.anchors and paper.key and self.publishes(paper):
            return f"#{paper.key}"
        return ""


@dataclass(frozen=True)
class DocumentLayout:
    """The Markdown document around the papers: its sections (headings, link lists), TOC depth
    and paper order. Saved as ``document.yaml`` (``storage.document_file``)."""

    sections: tuple[Section, ...] = ()
    toc_depth: int = 0
    """Deepest heading level in the doctoc table of contents; 0 when there is none."""
    order: tuple[str, ...] = ()
    """Note paths in the order the document listed them within each year."""
    year_level: int = 3
    """Heading level of the ``### YEAR`` headings under the papers section."""
    publish: PublishProfile = PublishProfile()
    """How ``export --md`` decorates the papers (``publish:`` in ``document.yaml``)."""


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    sections_added: tuple[str, ...] = ()
    """Link sections new to the library, as headings: ``# Other links``."""
    sections_replaced: tuple[str, ...] = ()
    """Sections of the library whose content the document's same-titled section replaced."""
    publish: PublishProfile | None = None
    """The publish profile the document set (it named one that differs), else None."""

    def summary(self) -> str:
        text = (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
        )
        if self.problems:
            text += f", {len(self.problems)} problem(s) reported"
        return text


_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
# Venues the reading-notes document cannot hold: they read back as another kind of line.
_UNWRITABLE_VENUE = re.compile(
    r"^\d{4}$|^<details>|^(阅读笔记|笔记|notes?)\s*[:：]?$|^code\s*[:：]|://|\[\[code\]\]",
    re.IGNORECASE,
)


def normalize_title(title: str) -> str:
    """Title for matching: case, accents, punctuation and spacing ignored."""
    if title.isascii():  # the same result without decomposing: ASCII has no accents
        return _PUNCT.sub(" ", title.casefold()).strip()
    decomposed = unicodedata.normalize("NFKD", title)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _PUNCT.sub(" ", stripped.casefold()).strip()


def clean_paper(paper: Paper) -> Paper:
    """``paper`` with single-line fields tidied; raises ``ValueError`` naming a bad field."""
    title = _one_line(paper.title)
    if not title:
        raise ValueError("a paper needs a title")
    if not 1000 <= paper.year <= 2999:
        raise ValueError(f"year must be a four-digit year, not {paper.year}")
    if paper.status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {paper.status!r}")
    if paper.priority and paper.priority not in PRIORITIES:
        raise ValueError(
            f"priority must be one of {', '.join(PRIORITIES)} (or none), not {paper.priority!r}"
        )
    if paper.rating and paper.rating not in RATINGS:
        raise ValueError(f"rating must be a whole number from 1 to 5, not {paper.rating!r}")
    if paper.read_on and not is_day(paper.read_on):
        raise ValueError(f"read_on must be a date such as 2024-05-01, not {paper.read_on!r}")
    one_line = {
        name: _one_line(str(getattr(paper, name)))
        for name in ("venue", "code", "arxiv", "key", "added")
    }

    if _UNWRITABLE_VENUE.search(one_line["venue"]):
        raise ValueError(
            f"venue {one_line['venue']!r} would be read back as a year, code or notes line; "
            "a venue is a name such as ICLR (links go in code)"
        )
    tidied: dict[str, Any] = dict(
        one_line,
        title=title,
        authors=tuple(a for a in (_one_line(x) for x in paper.authors) if a),
        tags=tuple(dict.fromkeys(t for t in (_one_line(x) for x in paper.tags) if t)),
        notes=tuple(n for n in (_tidy_note(n) for n in paper.notes) if n),
        body=_tidy_body(paper.body),
        venue_full=_one_line(paper.venue_full),
        pages=_one_line(paper.pages),
        publisher=_one_line(paper.publisher),
        venue_source=_one_line(paper.venue_source),
    )
    # only what changed: a paper already tidy (most of an import's) is not copied
    changed = {name: value for name, value in tidied.items() if value != getattr(paper, name)}
    return replace(paper, **changed) if changed else paper


def is_day(text: str) -> bool:
    """True for a real calendar day written ``YYYY-MM-DD``."""
    if not _DAY.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _one_line(text: str) -> str:
    """Whitespace runs as one space, in Unicode NFC (BibTeX and LaTeX keep no other form)."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _tidy_note(note: str) -> str:
    """A note as a note file keeps it: lines stripped, blank lines dropped, ``\n`` line ends."""
    return "\n".join(line.strip() for line in _lines(note) if line.strip())


def _tidy_body(body: str) -> str:
    """Free Markdown kept as written, minus blank lines at either end; ``\n`` line ends."""
    lines = _lines(body)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def merge_paper(old: Paper, new: Paper) -> Paper:
    """``old`` with what ``new`` says about it: ``new``'s fields win where it has them,
    ``old``'s key is kept, tags are united; arXiv data, status and the rest stay ``old``'s.

    Applies when the user says the paper again: ``add --update`` and a Markdown import of a
    paper the library has (the user's newer words win)."""
    return replace(
        old,
        title=new.title or old.title,
        year=new.year,
        venue=new.venue or old.venue,
        code=new.code or old.code,
        arxiv=new.arxiv or old.arxiv,
        key=old.key or new.key,
        authors=new.authors or old.authors,
        tags=tuple(dict.fromkeys(old.tags + new.tags)),
        notes=new.notes or old.notes,
        body=new.body or old.body,
    )
