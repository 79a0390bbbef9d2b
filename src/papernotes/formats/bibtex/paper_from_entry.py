"""A .bib entry as a paper: title, year, venue (or preprint), arXiv id, the type and fields a
note keeps, tags, code link and reading notes, each decoded from LaTeX (``read.BibEntry`` in).
"""

from __future__ import annotations

import re
from dataclasses import replace

from papernotes.formats.bibtex.author_names import parse_authors, split_top_level
from papernotes.formats.bibtex.blocks import TYPE_NAME
from papernotes.formats.bibtex.latex import decode
from papernotes.formats.bibtex.read import BibEntry
from papernotes.formats.bibtex.values import LATEX_CHARS
from papernotes.formats.bibtex.venues import PREPRINT, VenueTable
from papernotes.formats.bibtex.write import (
    AUTHORLESS_TYPE,
    BIBTEX_EXTRA,
    CLASSIC_EQUIVALENT,
    CLASSIC_TYPES,
    CODE_FIELD,
    CONTAINER_FIELD,
    ENTRY_TYPE,
    LATEX_TITLE,
    NOTES_FIELD,
    PASSTHROUGH_ORDER,
    SUBTYPE_FIELD,
    TAGS_FIELD,
    TYPE_OF_KIND,
    bibtex_fields,
)
from papernotes.model import Paper
from papernotes.text.arxiv_ids import base_id

_YEAR_IN_TEXT = re.compile(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)")
_YEAR = re.compile(r"(1\d{3}|2\d{3})")
"""A ``year`` field as biblatex wants it (an integer), braces and spaces aside."""
_DATE_YEAR = re.compile(r"(1\d{3}|2\d{3})(?:[-/?~%T].*)?", re.DOTALL)
"""The year a ``date`` field (ISO 8601: ``2014``, ``2014-05-01``, ``2014/2015``) begins with."""
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arxiv:\s*)([\w.\-/]+?)(?:v\d+)?(?:\.pdf)?(?=$|[\s,;}])",
    re.IGNORECASE,
)
_PREPRINT = re.compile(r"\b(arxiv|corr|preprint)\b", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_URLISH = re.compile(r"\\url|https?:|www\.", re.IGNORECASE)
_PLAIN_PAGES = re.compile(r"[\w.:+, –-]+")
_UNESCAPE = re.compile(r"\\([&%$#_])")
_NOTE_NUMBER = re.compile(r"^\d+[.)]\s+")
_PAGE_DASH = re.compile(r"(?<=\d)\s*(?:--|–)\s*(?=\d)")


def entry_to_paper(
    entry: BibEntry, venues: VenueTable, known_authors: dict[str, str] | None = None
) -> Paper:
    """The paper an entry describes; raises ``ValueError`` when it has no title or year.
    ``known_authors``: the names read so far (``parse_authors``), shared by one import."""
    title = decode(entry.fields.get("title", ""), math=True)
    if not title:
        raise ValueError("has no title")
    year = _year(entry.fields)
    venue, preprint, fields = _read_venue(entry.fields, venues)
    arxiv = _arxiv_id(fields)
    kept_type = _kept_type(entry, fields, venue, preprint, venues)
    pages, publisher = _plain(fields.get("pages", "")), decode(fields.get("publisher", ""))
    fields = {k: v for k, v in fields.items() if not (k == "pages" and pages)}
    fields = {k: v for k, v in fields.items() if not (k == "publisher" and publisher)}
    extra = _kept_fields(fields, arxiv, kept_type)
    return Paper(
        venue_full=_venue_full(entry.fields, venue, preprint, venues),
        pages=_PAGE_DASH.sub("-", pages),
        publisher=publisher,
        title=title,
        year=year,
        venue=venue,
        arxiv=arxiv,
        key=entry.key,
        authors=parse_authors(fields.get("author", ""), known_authors),
        primary_category=decode(fields.get("primaryclass", "")),
        doi=_DOI_PREFIX.sub("", _UNESCAPE.sub(r"\1", fields.get("doi", "").strip())),
        abstract=decode(fields.get("abstract", "")),
        code=read_code(fields.get(CODE_FIELD, "")),
        tags=read_tags(fields.get(TAGS_FIELD, "")),
        notes=read_notes(fields.get(NOTES_FIELD, "")),
        extra=((BIBTEX_EXTRA, extra),) if extra else (),
    )


def _plain(value: str) -> str:
    """``value`` when it holds no LaTeX (a page range such as ``4163--4174``), else ""."""
    text = " ".join(value.split())
    return text if _PLAIN_PAGES.fullmatch(text) else ""


def _venue_full(fields: dict[str, str], venue: str, preprint: bool, venues: VenueTable) -> str:
    """The ``booktitle``/``journal`` as written, when it says more than the venue table's
    full name for ``venue``: one year's proceedings (``… (ICLR 2020)``, ``… EMNLP 2020``)."""
    text = decode(fields.get("booktitle") or fields.get("journal") or "")
    if preprint or not venue or not text or venues.from_full_name(text) is None:
        return ""
    if venues.find(text) is not None and not _YEAR_IN_TEXT.search(text):
        return ""  # ``ICML``, the table's own name: the export writes the table's name
    return text


def _read_venue(fields: dict[str, str], venues: VenueTable) -> tuple[str, bool, dict[str, str]]:
    """``(venue's short name, is a preprint, the other fields)``.

    The venue is the ``booktitle`` or ``journal``, else a ``howpublished`` that is no URL
    (where the writer puts the venue of a @misc; it is then not among the other fields).
    """
    venue = decode(fields.get("booktitle") or fields.get("journal") or "")
    howpublished = fields.get("howpublished", "")
    from_howpublished = bool(not venue and howpublished and not _URLISH.search(howpublished))
    if from_howpublished:
        venue = decode(howpublished)
        fields = {k: v for k, v in fields.items() if k != "howpublished"}
    if venue and _PREPRINT.search(venue):
        # "arXiv preprint arXiv:…" as a journal: a preprint, whatever the type says. Only a
        # venue the writer put in howpublished (the user wrote "arXiv", "CoRR") is kept.
        known = venues.find(venue) if from_howpublished else None
        return (venue if known is not None and known.kind == PREPRINT else ""), True, fields
    return (venues.short_name(venue) if venue else venue), False, fields


def _kept_type(
    entry: BibEntry, fields: dict[str, str], venue: str, preprint: bool, venues: VenueTable
) -> str:
    """The entry's type when the note must keep it, else "".

    The type is kept only when it says more than the venue does and stays valid on export:
    never for a preprint, never an @article/@inproceedings without a journal/booktitle.
    """
    rule_type = TYPE_OF_KIND[venues.kind(venue)]
    entry_type = entry.entry_type
    if _written_without_authors(entry) or _written_as_misc(entry):  # type in entrysubtype
        subtype = fields.get(SUBTYPE_FIELD, "").strip().lower()
        entry_type = subtype if TYPE_NAME.fullmatch(subtype) else rule_type
    needs_venue = entry_type in CONTAINER_FIELD
    if entry_type != rule_type and not preprint and (venue or not needs_venue):
        return entry_type
    return ""


def _kept_fields(fields: dict[str, str], arxiv: str, kept_type: str) -> dict[str, str]:
    """The note's ``bibtex`` mapping: the kept type, the standard fields a paper has no
    place for, and a URL that is not the arXiv page."""
    extra: dict[str, str] = {}
    if kept_type:
        extra[ENTRY_TYPE] = kept_type
    for name in PASSTHROUGH_ORDER:
        if fields.get(name, "").strip():
            extra[name] = " ".join(fields[name].split())
    url = fields.get("url", "").strip()
    if url and not (arxiv and base_id(url) == arxiv):
        extra["url"] = url
    return extra


_DECODED_FIELDS: tuple[str, ...] = ("title", "author", "booktitle", "journal", "howpublished")
_DECODED_FIELDS += ("abstract", TAGS_FIELD, NOTES_FIELD, "primaryclass")


def keep_unknown_latex(entry: BibEntry, paper: Paper) -> tuple[Paper, list[str]]:
    """``paper`` with its .bib title kept as LaTeX when that holds a command papernotes cannot
    read (``\\foo{bar}``: shown as written, exported as it came), and a message per field
    naming such commands, for the import to report."""
    messages: list[str] = []
    for name in _DECODED_FIELDS:
        value = entry.fields.get(name, "")
        if "\\" not in value:
            continue
        unknown: list[str] = []
        decode(value, math=name == "title", unknown=unknown)
        if unknown:
            commands = ", ".join(dict.fromkeys(unknown))
            kept = "kept as written" if name == "title" else "kept as text (exported escaped)"
            messages.append(
                f"entry {entry.key!r}: {name} holds LaTeX papernotes cannot read ({commands}); "
                + kept
            )
            if name == "title":
                extra = dict(bibtex_fields(paper))
                extra[LATEX_TITLE] = " ".join(entry.fields["title"].split())
                paper = replace(paper, extra=((BIBTEX_EXTRA, extra),))
    return paper, messages


def read_tags(value: str) -> tuple[str, ...]:
    """Tags from a comma-separated ``keywords`` value; ``{x, y}`` is one tag."""
    tags = (decode(part) for part in split_top_level(value, ","))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def read_code(value: str) -> str:
    """The code link: as written, or decoded when the writer had to escape it (``\\``, braces)."""
    return decode(value) if LATEX_CHARS.intersection(value) else " ".join(value.split())


def read_notes(value: str) -> tuple[str, ...]:
    """Reading notes from ``annote``: each line is a note (``1.`` numbers dropped), and an
    indented line continues the note above it, as the writer puts a note's further lines."""
    notes: list[list[str]] = []
    for line in value.split("\n"):
        text = decode(line, spaces=True)
        if not text:
            continue
        if line[:1].isspace() and notes:
            notes[-1].append(text)
        else:
            notes.append([_NOTE_NUMBER.sub("", text)])
    return tuple(note for note in ("\n".join(lines).strip() for lines in notes) if note)


def _written_without_authors(entry: BibEntry) -> bool:
    """A @misc with a ``key`` and no author: how papernotes writes a paper without authors,
    whatever its venue, so the type says nothing about the paper (write.AUTHORLESS_TYPE)."""
    fields = entry.fields
    return (
        entry.entry_type == AUTHORLESS_TYPE
        and bool(fields.get("key", "").strip())
        and not fields.get("author", "").strip()
    )


def _written_as_misc(entry: BibEntry) -> bool:
    """A classic entry whose ``entrysubtype`` is a type classic BibTeX lacks (``online`` in a
    @misc, ``report`` in a @techreport): how papernotes writes such an entry
    (write.CLASSIC_TYPES), so that type is the paper's."""
    subtype = entry.fields.get(SUBTYPE_FIELD, "").strip().lower()
    return (
        entry.entry_type == CLASSIC_EQUIVALENT.get(subtype, AUTHORLESS_TYPE)
        and bool(TYPE_NAME.fullmatch(subtype))
        and subtype not in CLASSIC_TYPES
    )


def _year(fields: dict[str, str]) -> int:
    """The entry's year, from ``year``, else from ``date``; ``ValueError`` when neither holds
    one (``abc2014`` is not read as 2014: a guess would file the paper under a wrong year)."""
    name = "year" if fields.get("year", "").strip() else "date"
    value = fields.get(name, "")
    written = value.replace("{", "").replace("}", "").strip()
    if not written:
        raise ValueError("has no year")
    found = (_YEAR if name == "year" else _DATE_YEAR).fullmatch(written)
    if found is None:
        raise ValueError(f"has {name} {value.strip()!r}, which is not a year")
    return int(found.group(1))


def _arxiv_id(fields: dict[str, str]) -> str:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").strip().lower()
    if fields.get("eprint") and prefix == "arxiv":
        found = base_id(decode(fields["eprint"]))
        if found:
            return found
    for name in ("url", "journal", "note", "volume", "howpublished"):
        match = _ARXIV_IN_TEXT.search(fields.get(name, ""))
        if match and base_id(match.group(1)):
            return base_id(match.group(1))
    return ""
