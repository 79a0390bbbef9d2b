"""The decorations a publish profile adds to the exported document, written and read back.

Each is plain GitHub-flavoured Markdown that reads back to what it was made from: the profile
itself (an HTML comment under the papers heading, so an import knows what to expect), a line
of counts, ``<a id="KEY"></a>`` before a title, the title as ``[TITLE](URL)`` and labelled
sub-items (``Authors: …``, ``arXiv: …``, ``Tags: …``, ``Status: …``). Where plain text could be
taken for a decoration, it is written with a leading backslash (which GitHub hides before
``[``, ``<`` and ``\\``) and read back without it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from papernotes.model import SHOWN_FIELDS, STATUSES, TITLE_LINKS, Paper, PublishProfile

ARXIV_PAGE = "https://arxiv.org/abs/"
LABELS = {"authors": "Authors: ", "arxiv": "arXiv: ", "tags": "Tags: ", "status": "Status: "}
_MARKER = re.compile(r"^<!-- papernotes publish: (.*) -->$")
_STATS = re.compile(r"^\d+ papers?(?: · \d{4}: \d+)*$")
_ANCHOR = re.compile(r'^<a id="([^"]*)"></a>')
_ARXIV_SHOWN = re.compile(r"^\[([^\[\]\s]+)\]\(" + re.escape(ARXIV_PAGE) + r"([^\s()]+)\)$")
_PLAIN_START = ("\\", "[", "<")
"""A title starting with one of these, under a profile that decorates titles, could be read
as an anchor or a link: it is written after a backslash."""


def profile_marker(profile: PublishProfile) -> str:
    """The comment that tells an import how the papers below it are decorated."""
    words = []
    if profile.title_link != "none":
        words.append(f"title_link={profile.title_link}")
    if profile.anchors:
        words.append("anchors")
    if profile.show:
        words.append(f"show={','.join(profile.show)}")
    if profile.stats:
        words.append("stats")
    return f"<!-- papernotes publish: {' '.join(words)} -->"


def read_marker(line: str) -> PublishProfile | None:
    """The profile a marker line names; None if ``line`` is not one."""
    match = _MARKER.match(line.strip())
    if not match:
        return None
    options: dict[str, object] = {}
    for word in match.group(1).split():
        name, _, value = word.partition("=")
        if name in ("anchors", "stats") and not value:
            options[name] = True
        elif name == "title_link" and value in TITLE_LINKS:
            options[name] = value
        elif name == "show":
            options[name] = tuple(v for v in dict.fromkeys(value.split(",")) if v in SHOWN_FIELDS)
        else:
            return None  # not written by papernotes: an ordinary line
    return PublishProfile(**options)  # type: ignore[arg-type]


def stats_line(counts: Mapping[int, int]) -> str:
    """``8 papers · 2023: 1 · 2021: 3 …``: the papers published, then per year, newest first
    (``counts``: how many papers each year has)."""
    total = sum(counts.values())
    parts = [f"{total} paper{'' if total == 1 else 's'}"]
    parts += [f"{year}: {counts[year]}" for year in sorted(counts, reverse=True)]
    return " · ".join(parts)


def drop_stats_line(lines: list[tuple[int, str]]) -> None:
    """Drop the papers section's first line when it is the counts ``stats`` writes (made
    anew on export, so never a link item)."""
    first = next((i for i, (_number, text) in enumerate(lines) if text.strip()), None)
    if first is not None and _STATS.match(lines[first][1].strip()):
        del lines[first]


def title_text(paper: Paper, profile: PublishProfile) -> str:
    """What follows ``- `` on a paper's first line: its anchor, then its title or title link."""
    if not (profile.anchors or profile.title_link != "none"):
        return paper.title
    anchor = f'<a id="{html.escape(paper.key)}"></a>' if profile.anchors and paper.key else ""
    url = _title_url(paper, profile.title_link)
    if url:
        return f"{anchor}[{_escape_link_text(paper.title)}]({url})"
    return anchor + ("\\" + paper.title if paper.title.startswith(_PLAIN_START) else paper.title)


def read_title(text: str, profile: PublishProfile) -> tuple[str, str, str]:
    """``(title, key, url)`` from a paper's first line as ``title_text`` wrote it."""
    if not (profile.anchors or profile.title_link != "none"):
        return text, "", ""
    key = ""
    anchor = _ANCHOR.match(text) if profile.anchors else None
    if anchor:
        key, text = html.unescape(anchor.group(1)), text[anchor.end() :]
    if text.startswith("\\"):
        return text[1:], key, ""
    link = _split_link(text) if profile.title_link != "none" else None
    if link is None or (profile.title_link == "arxiv" and not link[1].startswith(ARXIV_PAGE)):
        return text, key, ""
    return link[0], key, link[1]


def with_title_line(paper: Paper, key: str, url: str, profile: PublishProfile) -> Paper:
    """``paper`` with what ``read_title`` found: the key of its anchor, and the arXiv id or
    code its title linked to (the sub-items' own arXiv id or code come first)."""
    if url and profile.title_link == "arxiv":
        paper = replace(paper, arxiv=paper.arxiv or url.removeprefix(ARXIV_PAGE))
    elif url:
        paper = replace(paper, code=paper.code or url)
    return replace(paper, key=key) if key else paper


def _title_url(paper: Paper, title_link: str) -> str:
    if title_link == "arxiv" and paper.arxiv:
        return ARXIV_PAGE + paper.arxiv
    if title_link == "code" and paper.code:
        return paper.code
    return ""


def _escape_link_text(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def _split_link(text: str) -> tuple[str, str] | None:
    """``(text, url)`` of ``[TEXT](URL)`` with ``\\``, ``[`` and ``]`` escaped in TEXT."""
    if not text.startswith("["):
        return None
    out: list[str] = []
    index = 1
    while index < len(text) and text[index] != "]":
        if text[index] == "[":
            return None
        if text[index] == "\\" and index + 1 < len(text):
            index += 1
        out.append(text[index])
        index += 1
    rest = text[index + 1 :]
    if not (rest.startswith("(") and rest.endswith(")") and len(rest) > 2):
        return None
    if any(c.isspace() for c in rest):
        return None
    return "".join(out), rest[1:-1]


def shown_lines(paper: Paper, profile: PublishProfile) -> list[str]:
    """The sub-items ``show`` asks for (a field the paper lacks gives none)."""
    lines = []
    for name in profile.show:
        if name == "authors" and paper.authors:
            lines.append(LABELS[name] + _join(paper.authors))
        elif name == "arxiv" and paper.arxiv:
            lines.append(f"{LABELS[name]}[{paper.arxiv}]({ARXIV_PAGE}{paper.arxiv})")
        elif name == "tags" and paper.tags:
            lines.append(LABELS[name] + _join(paper.tags))
        elif name == "status":
            lines.append(LABELS[name] + paper.status)
    return lines


def read_shown(text: str, profile: PublishProfile) -> tuple[str, object] | None:
    """``(field, value)`` of a sub-item ``shown_lines`` wrote; None for any other line."""
    for name in profile.show:
        label = LABELS[name]
        if not text.startswith(label):
            continue
        value = text[len(label) :].strip()
        if name in ("authors", "tags"):
            return name, _split(value)
        if name == "status":
            return (name, value) if value in STATUSES else None
        match = _ARXIV_SHOWN.match(value)
        return (name, match.group(1)) if match and match.group(1) == match.group(2) else None
    return None


def venue_text(venue: str, profile: PublishProfile) -> str:
    """A venue that would read back as a shown line (or starts with a backslash) gets one."""
    if profile.show and venue.startswith(("\\", *LABELS.values())):
        return "\\" + venue
    return venue


def read_venue(venue: str, profile: PublishProfile) -> str:
    return venue[1:] if profile.show and venue.startswith("\\") else venue


def _join(values: Sequence[str]) -> str:
    """Names or tags joined by ``, ``; their own ``\\`` and ``,`` escaped (GitHub shows them
    plain)."""
    return ", ".join(v.replace("\\", "\\\\").replace(",", "\\,") for v in values)


def _split(text: str) -> tuple[str, ...]:
    values: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index + 1])
            index += 2
            continue
        if char == ",":
            values.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    values.append("".join(current))
    return tuple(v.strip() for v in values if v.strip())
