"""BibTeX out, written by hand: fast (10,000 entries in well under a second) and byte-stable.

Entry type from the user's venue: a conference -> ``@inproceedings`` + ``booktitle``, a journal
-> ``@article`` + ``journal``, no venue (a preprint) -> ``@misc``. Full venue names come from
the venue table. A paper without authors is a ``@misc`` with a ``key`` (its short title), so
that every style can sort and label it. Papers with an arXiv id also get ``eprint``/
``archivePrefix``/``primaryClass`` and the arXiv URL (the one field CSL processors keep).
Fields a .bib import brought along (pages, volume, a non-arXiv url, …) live in the note's
``bibtex`` front-matter mapping and are written back as they were read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from papernotes.formats.bibtex.keys import base_key
from papernotes.formats.bibtex.latex import decode, escape
from papernotes.formats.bibtex.values import (
    format_authors,
    format_code,
    format_notes,
    format_tags,
    protect_title,
    short_title,
    verbatim,
)
from papernotes.formats.bibtex.venues import CONFERENCE, JOURNAL, PREPRINT, VenueTable
from papernotes.model import Paper

BIBTEX_EXTRA = "bibtex"
"""Front-matter key holding the fields a .bib import kept verbatim (a mapping)."""
ENTRY_TYPE = "entry_type"
"""Inside that mapping: the entry type when it differs from what the venue gives."""
PASSTHROUGH_ORDER = (
    "editor",
    "volume",
    "number",
    "pages",
    "month",
    "publisher",
    "address",
    "organization",
    "series",
    "edition",
    "chapter",
    "school",
    "institution",
    "howpublished",
    "isbn",
    "issn",
    "note",
    "date",
    "urldate",
)
MONTH_MACROS = frozenset(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
)
"""BibTeX's standard month macros, written without braces (an import reads ``jun`` as is)."""
CONTAINER_FIELD = {"inproceedings": "booktitle", "incollection": "booktitle", "article": "journal"}
"""Entry types whose venue field is required, and that field."""
AUTHORLESS_TYPE = "misc"
"""The type of a paper without authors: the only common one biblatex accepts without them."""
CLASSIC_TYPES = frozenset(
    [
        "article",
        "book",
        "booklet",
        "conference",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
        "phdthesis",
        "proceedings",
        "techreport",
        "unpublished",
    ]
)
"""The entry types of classic BibTeX's standard styles; any other (``@online``, biblatex's
``@report``…) is written as its classic equivalent or a ``@misc``, keeping its type in
``entrysubtype``."""
CLASSIC_EQUIVALENT = {
    "report": "techreport",
    "thesis": "phdthesis",
    "collection": "book",
    "mvbook": "book",
    "mvcollection": "book",
    "reference": "book",
    "mvproceedings": "proceedings",
    "inreference": "incollection",
    "suppbook": "inbook",
    "suppcollection": "incollection",
}
"""biblatex types written as the classic type with their fields (``institution``…); every
other type classic BibTeX lacks is written as a ``@misc``."""
SUBTYPE_FIELD = "entrysubtype"
"""Where such a @misc keeps the paper's own type (``book``…), so an import gives it back; a
biblatex field for every type that the standard styles and BibTeX do not print."""


def render_entry(
    paper: Paper,
    *,
    with_notes: bool = False,
    ascii: bool = False,
    venues: VenueTable | None = None,
    long_label: bool = False,
) -> str:
    """One BibTeX entry for ``paper``, ending in a newline.

    A paper without a stored key gets the scheme's key (no uniqueness suffix: that needs the
    library, see ``library.bibtex_ops.assign_keys``). ``venues`` defaults to the built-in table plus
    the user's ``venues.toml``. A paper without authors is labelled by its short title, or by
    its whole title with ``long_label`` (another such paper has the same short one).
    """
    if venues is None:
        venues = VenueTable.load()
    extra = bibtex_fields(paper)
    kind = venues.kind(paper.venue)
    has_venue = bool(paper.venue) and kind != PREPRINT
    entry_type = _entry_type(extra, kind, has_venue)
    title = paper.arxiv_title or paper.title
    fields: list[tuple[str, str]] = [("title", written_title(title, extra, ascii))]
    if paper.authors:
        fields.append(("author", format_authors(paper.authors, ascii)))
    else:
        label = title if long_label else short_title(title)
        fields += _authorless_fields(title, label, entry_type, TYPE_OF_KIND[kind], ascii)
        entry_type = AUTHORLESS_TYPE
    fields += _venue_fields(paper, entry_type, has_venue, venues, ascii)
    written = {name for name, _ in fields}
    fields.append(("year", str(paper.year)))
    fields += _passthrough_fields(_with_publication(extra, paper, ascii), written, ascii)
    fields += _link_fields(paper, extra, ascii)
    fields += _papernotes_fields(paper, extra, with_notes, ascii)
    if entry_type not in CLASSIC_TYPES:  # @online…: classic BibTeX styles warn about it
        fields.insert(2 if paper.authors else 1, (SUBTYPE_FIELD, entry_type))
        entry_type = CLASSIC_EQUIVALENT.get(entry_type, AUTHORLESS_TYPE)
    return _entry_text(entry_type, paper.key or base_key(paper), fields)


def _entry_type(extra: dict[str, object], kind: str, has_venue: bool) -> str:
    """The type an import kept, else the venue's; never one whose venue field would be empty."""
    entry_type = str(extra.get(ENTRY_TYPE) or TYPE_OF_KIND[kind])
    required = CONTAINER_FIELD.get(entry_type)
    if required and not has_venue and not extra.get(required):
        return TYPE_OF_KIND[kind]  # an @article without a journal is invalid: a preprint
    return entry_type


def _authorless_fields(
    title: str, label: str, entry_type: str, venue_type: str, ascii: bool
) -> list[tuple[str, str]]:
    """What labels a paper without authors (written as a @misc).

    biblatex wants an author for every type but @misc; BibTeX styles sort and label an entry
    without one by its `key`; biblatex and CSL label it by its (short) title."""
    fields = []
    if entry_type != venue_type:
        fields.append((SUBTYPE_FIELD, entry_type))  # a type kept from an import
    fields.append(("key", protect_title(label, ascii)))
    if label != title:
        fields.append(("shorttitle", protect_title(label, ascii)))
    return fields


def _venue_fields(
    paper: Paper, entry_type: str, has_venue: bool, venues: VenueTable, ascii: bool
) -> list[tuple[str, str]]:
    """The venue's full name in the type's container field (``howpublished`` for a @misc)."""
    if has_venue:
        container = CONTAINER_FIELD.get(entry_type, "howpublished")
        return [(container, escape(paper.venue_full or venues.full_name(paper.venue), ascii))]
    if paper.venue and entry_type == "misc":  # "arXiv", "CoRR": as written, so it reads back
        return [("howpublished", escape(paper.venue, ascii))]
    return []


def _with_publication(extra: dict[str, object], paper: Paper, ascii: bool) -> dict[str, object]:
    """``extra`` with the paper's own pages (``4163-4174`` as ``4163--4174``) and publisher,
    as LaTeX (they are plain text in the note)."""
    if not (paper.pages or paper.publisher):
        return extra
    extra = dict(extra)
    if paper.pages:
        pages = re.sub(r"(?<=\d)\s*[-–]\s*(?=\d)", "--", paper.pages)
        extra["pages"] = escape(pages, ascii)
    if paper.publisher:
        extra["publisher"] = escape(paper.publisher, ascii)
    return extra


def _passthrough_fields(
    extra: dict[str, object], written: set[str], ascii: bool
) -> list[tuple[str, str]]:
    """The standard fields an import kept, in ``PASSTHROUGH_ORDER``."""
    return [
        (name, verbatim(str(extra[name]), ascii))
        for name in PASSTHROUGH_ORDER
        # the venue's howpublished wins over a kept one
        if extra.get(name) and name not in written
    ]


def _link_fields(paper: Paper, extra: dict[str, object], ascii: bool) -> list[tuple[str, str]]:
    """arXiv's eprint fields, the DOI and the URL (a kept one, else the arXiv page)."""
    fields = []
    if paper.arxiv:
        fields.append(("eprint", verbatim(paper.arxiv)))
        fields.append(("archivePrefix", "arXiv"))
        if paper.primary_category:
            fields.append(("primaryClass", verbatim(paper.primary_category)))
    if paper.doi:
        # DOIs and URLs are written raw, as is usual
        fields.append(("doi", verbatim(paper.doi, respell=False)))
    if extra.get("url"):
        fields.append(("url", verbatim(str(extra["url"]), ascii, respell=False)))
    elif paper.arxiv:
        fields.append(("url", f"https://arxiv.org/abs/{verbatim(paper.arxiv)}"))
    return fields


def _papernotes_fields(
    paper: Paper, extra: dict[str, object], with_notes: bool, ascii: bool
) -> list[tuple[str, str]]:
    """The note's tags and code, the other fields an import kept, and (``with_notes``) the notes."""
    fields = []
    if paper.tags:
        fields.append((TAGS_FIELD, format_tags(paper.tags, ascii)))
    if paper.code:
        fields.append((CODE_FIELD, format_code(paper.code, ascii)))
    for name in sorted(k for k in extra if k not in _KNOWN_EXTRA):
        if extra[name] not in (None, ""):
            fields.append((name, verbatim(str(extra[name]), ascii)))
    if with_notes and paper.notes:
        fields.append((NOTES_FIELD, format_notes(paper.notes, ascii)))
    return fields


def _entry_text(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    """``@type{key,`` then one ``name = {value}`` line per non-empty field, and ``}``."""
    lines = [f"@{entry_type}{{{key},"]
    lines.extend(
        f"  {name} = {value.lower()},"  # a month macro: styles print "June", not "jun"
        if name == "month" and value.lower() in MONTH_MACROS
        else f"  {name} = {{{value}}},"
        for name, value in fields
        if value
    )
    lines[-1] = lines[-1].removesuffix(",")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_bibliography(
    papers: Iterable[Paper],
    *,
    with_notes: bool = False,
    ascii: bool = False,
    venues: VenueTable | None = None,
) -> str:
    """The .bib text for ``papers``: ordered by year then key, one blank line between entries."""
    if venues is None:
        venues = VenueTable.load()
    listed = list(papers)
    return "\n".join(
        render_entry(
            listed[index], with_notes=with_notes, ascii=ascii, venues=venues, long_label=long
        )
        for index, long in bibliography_order(listed)
    )


OrderFacts = tuple[int, str, str, bool]
"""What a paper's place in the .bib depends on: year, sort key (the key, else the key the
scheme would give it), short title (casefolded) and whether it has authors."""


def order_facts(paper: Paper) -> OrderFacts:
    """The facts of ``paper`` that ``ordered_by_facts`` reads."""
    return (paper.year, paper.key or base_key(paper), _short_label(paper), bool(paper.authors))


def bibliography_order(papers: list[Paper]) -> list[tuple[int, bool]]:
    """The order ``render_bibliography`` writes ``papers`` in (their indexes) and whether each
    is labelled by its whole title (``long_label``, which depends on the other papers)."""
    return ordered_by_facts([order_facts(paper) for paper in papers])


def ordered_by_facts(facts: list[OrderFacts]) -> list[tuple[int, bool]]:
    """``bibliography_order`` of the papers with these ``order_facts``: by year then sort key
    (equal ones keep their order), each with whether it is labelled by its whole title."""
    places = [(year, sort_key) for year, sort_key, _, _ in facts]
    ordered = sorted(range(len(facts)), key=places.__getitem__)
    shared = _shared_short_titles(facts)
    return [(i, facts[i][2] in shared) for i in ordered]


def _short_label(paper: Paper) -> str:
    return short_title(paper.arxiv_title or paper.title).casefold()


def _shared_short_titles(facts: list[OrderFacts]) -> set[str]:
    """Short titles of more than one paper without authors. Those papers are labelled by their
    whole title: natbib shows such a label without the year and tells equal ones apart by a–z,
    which runs out after 26."""
    counts = Counter(label for _, _, label, has_authors in facts if not has_authors)
    return {label for label, count in counts.items() if count > 1}


TYPE_OF_KIND = {CONFERENCE: "inproceedings", JOURNAL: "article", PREPRINT: "misc"}
TAGS_FIELD = "keywords"
"""The note's tags, comma-separated: the conventional field (biblatex, JabRef, Zotero, pandoc)."""
CODE_FIELD = "verba"
"""The code link: a verbatim field of biblatex's data model that no standard style prints and
BibTeX styles ignore, so ``biber --validate-datamodel`` accepts it and no citation shows it."""
NOTES_FIELD = "annote"
LATEX_TITLE = "title"
"""In the ``bibtex`` mapping: the title as a .bib wrote it, kept when it holds a LaTeX command
papernotes cannot read (``paper_from_entry.keep_unknown_latex``), so the export writes that
LaTeX back."""
_KNOWN_EXTRA = frozenset(PASSTHROUGH_ORDER) | {
    ENTRY_TYPE,
    LATEX_TITLE,
    "url",
    TAGS_FIELD,
    CODE_FIELD,
    NOTES_FIELD,
}


def bibtex_fields(paper: Paper) -> dict[str, object]:
    """The ``bibtex`` mapping an import stored in the note (empty when there is none)."""
    for name, value in paper.extra:
        if name == BIBTEX_EXTRA and isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
    return {}


def written_title(title: str, extra: dict[str, object], ascii: bool = False) -> str:
    """The title field: the LaTeX an import kept (``LATEX_TITLE``) while the title still reads
    as it (not edited since), else the title escaped and protected (``protect_title``)."""
    latex = extra.get(LATEX_TITLE)
    if isinstance(latex, str) and latex and decode(latex, math=True) == title:
        return verbatim(latex, ascii)
    return protect_title(title, ascii)
