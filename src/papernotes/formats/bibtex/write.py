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

from papernotes.formats.bibtex.keys import base_key, is_cjk_name, split_name
from papernotes.formats.bibtex.latex import escape, split_math
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
)
MONTH_MACROS = frozenset(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
)
"""BibTeX's standard month macros, written without braces (an import reads ``jun`` as is)."""
_WORD = re.compile(r"[^\W_]+")
_RUN_GAP = re.compile(r"[ -]+")
_DIGIT = re.compile(r"\d")
_COLON = re.compile("[:：]")
_LETTERS = re.compile(r"[^\W\d_]+")
_AND_WORD = re.compile(r"(?<!\S)and(?!\S)", re.IGNORECASE)
CONTAINER_FIELD = {"inproceedings": "booktitle", "incollection": "booktitle", "article": "journal"}
"""Entry types whose venue field is required, and that field."""
AUTHORLESS_TYPE = "misc"
"""The type of a paper without authors: the only common one biblatex accepts without them."""
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
    entry_type = str(extra.get(ENTRY_TYPE) or TYPE_OF_KIND[kind])
    has_venue = bool(paper.venue) and kind != PREPRINT
    required = CONTAINER_FIELD.get(entry_type)
    if required and not has_venue and not extra.get(required):
        entry_type = TYPE_OF_KIND[kind]  # an @article without a journal is invalid: a preprint
    title = paper.arxiv_title or paper.title
    fields: list[tuple[str, str]] = [("title", protect_title(title, ascii))]
    if paper.authors:
        fields.append(("author", format_authors(paper.authors, ascii)))
    else:
        # biblatex wants an author for every type but @misc; BibTeX styles sort and label an
        # entry without one by its `key`; biblatex and CSL label it by its (short) title
        if entry_type != TYPE_OF_KIND[kind]:
            fields.append((SUBTYPE_FIELD, entry_type))  # a type kept from an import
        entry_type = AUTHORLESS_TYPE
        label = title if long_label else short_title(title)
        fields.append(("key", protect_title(label, ascii)))
        if label != title:
            fields.append(("shorttitle", protect_title(label, ascii)))
    if has_venue:
        container = CONTAINER_FIELD.get(entry_type, "howpublished")
        fields.append((container, escape(venues.full_name(paper.venue), ascii)))
    elif paper.venue and entry_type == "misc":  # "arXiv", "CoRR": as written, so it reads back
        fields.append(("howpublished", escape(paper.venue, ascii)))
    venue_field = {name for name, _ in fields}
    fields.append(("year", str(paper.year)))
    for name in PASSTHROUGH_ORDER:
        value = extra.get(name)
        if value and name not in venue_field:  # the venue's howpublished wins over a kept one
            fields.append((name, verbatim(str(value), ascii)))
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
    if paper.tags:
        fields.append((TAGS_FIELD, format_tags(paper.tags, ascii)))
    if paper.code:
        fields.append((CODE_FIELD, format_code(paper.code, ascii)))
    for name in sorted(k for k in extra if k not in _KNOWN_EXTRA):
        if extra[name] not in (None, ""):
            fields.append((name, verbatim(str(extra[name]), ascii)))
    if with_notes and paper.notes:
        fields.append((NOTES_FIELD, format_notes(paper.notes, ascii)))
    lines = [f"@{entry_type}{{{paper.key or base_key(paper)},"]
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
    ordered = sorted(papers, key=lambda p: (p.year, p.key or base_key(p)))
    shared = _shared_short_titles(ordered)
    return "\n".join(
        render_entry(
            p,
            with_notes=with_notes,
            ascii=ascii,
            venues=venues,
            long_label=_short_label(p) in shared,
        )
        for p in ordered
    )


def _short_label(paper: Paper) -> str:
    return short_title(paper.arxiv_title or paper.title).casefold()


def _shared_short_titles(papers: list[Paper]) -> set[str]:
    """Short titles of more than one paper without authors. Those papers are labelled by their
    whole title: natbib shows such a label without the year and tells equal ones apart by a–z,
    which runs out after 26."""
    counts = Counter(_short_label(p) for p in papers if not p.authors)
    return {label for label, count in counts.items() if count > 1}


TYPE_OF_KIND = {CONFERENCE: "inproceedings", JOURNAL: "article", PREPRINT: "misc"}
TAGS_FIELD = "keywords"
"""The note's tags, comma-separated: the conventional field (biblatex, JabRef, Zotero, pandoc)."""
CODE_FIELD = "verba"
"""The code link: a verbatim field of biblatex's data model that no standard style prints and
BibTeX styles ignore, so ``biber --validate-datamodel`` accepts it and no citation shows it."""
NOTES_FIELD = "annote"
_KNOWN_EXTRA = frozenset(PASSTHROUGH_ORDER) | {
    ENTRY_TYPE,
    "url",
    TAGS_FIELD,
    CODE_FIELD,
    NOTES_FIELD,
}
LATEX_CHARS = frozenset("\\{}")
"""Characters that make a value LaTeX rather than plain text (see ``format_code``)."""


def bibtex_fields(paper: Paper) -> dict[str, object]:
    """The ``bibtex`` mapping an import stored in the note (empty when there is none)."""
    for name, value in paper.extra:
        if name == BIBTEX_EXTRA and isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
    return {}


def needs_protection(word: str) -> bool:
    """A word a style's lowercasing would change: ``Chinese``, ``BERT``, ``DeBERTa``, ``T5``."""
    return word.lower() != word


def protect_title(title: str, ascii: bool = False) -> str:
    """The title escaped, with every run of words that hold a capital wrapped in braces.

    Styles then print the capitals as written (``{NEZHA}: {Neural Contextualized
    Representation} for {Chinese Language Understanding}``) instead of lowercasing them.
    Inline math (``$\\ell_1$``) is written as it is: no escaping and no braces inside.
    """
    if "$" in title:
        pieces = split_math(title)
        if len(pieces) > 1 or pieces[0][1]:
            return "".join(p if is_math else protect_title(p, ascii) for p, is_math in pieces)
    out = []
    last = 0
    for words in _capital_runs(title):
        out.append(escape(title[last : words[0].start()], ascii))
        run = []
        for i, word in enumerate(words):
            if i:
                run.append(title[words[i - 1].end() : word.start()])  # spaces and hyphens
            run.append(_protect_word(word.group(), ascii))
        out.append("{" + "".join(run) + "}")
        last = words[-1].end()
    out.append(escape(title[last:], ascii))
    return "".join(out)


def _protect_word(word: str, ascii: bool) -> str:
    """A word inside a braced run; capitals mixed with digits (``GPT3``, ``3D``) get their
    letters braced once more: pandoc 2.17 lowercases such a word even in braces (``Gpt3``)."""
    if not _DIGIT.search(word) or word.upper() != word or word[1:].lower() == word[1:]:
        return escape(word, ascii)
    return _LETTERS.sub(lambda m: "{" + escape(m.group(), ascii) + "}", word)


def _capital_runs(text: str) -> list[list[re.Match[str]]]:
    """Words with a capital, grouped when only spaces or hyphens lie between them."""
    runs: list[list[re.Match[str]]] = []
    for match in _WORD.finditer(text):
        if not needs_protection(match.group()):
            continue
        if runs and _RUN_GAP.fullmatch(text, runs[-1][-1].end(), match.start()):
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def short_title(title: str) -> str:
    """The part of a title before its first colon (``NEZHA``, ``Mengzi``; a full-width ``：``
    too), else the whole title."""
    head = _COLON.split(title, 1)[0].strip()
    return head if head != title and head and "$" not in head else title


def format_author(name: str, ascii: bool = False) -> str:
    """``Last, First`` (``Last, Jr., First``); a braced corporate name stays one unit, and so
    does a CJK name (``{魏俊秋}``, ``{山田 太郎}``: styles print and cite it as written).

    A name with a comma is already in that order and is written as it is. A word "and"
    inside a name is braced so that it does not split the author list.
    """
    if name.startswith("{") and name.endswith("}"):
        return "{" + escape(name[1:-1], ascii) + "}"
    if is_cjk_name(name):
        return "{" + escape(name, ascii) + "}"
    if "," not in name:
        family, given, suffix = split_name(name)
        name = ", ".join([family] + ([suffix] if suffix else []) + ([given] if given else []))
    text = escape(name, ascii)
    return _AND_WORD.sub(r"{\g<0>}", text) if "and" in text.lower() else text


def format_authors(authors: Iterable[str], ascii: bool = False) -> str:
    return " and ".join(parseable_name(format_author(a, ascii)) for a in authors)


def parseable_name(name: str) -> str:
    """A written name, braced whole when BibTeX's name grammar would reject it.

    BibTeX splits a name at its commas (outside braces) into at most three parts and each
    part into words at spaces, ``-`` and ``~``: ``Smith, --`` has an empty part (an error in
    bibtex, a crash in biber), as do ``, Smith`` and ``A, B, C, D`` (too many commas)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(name):  # BibTeX counts every brace, escaped or not
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif char == "," and depth == 0:
            parts.append(name[start:i])
            start = i + 1
    parts.append(name[start:])
    if len(parts) <= 3 and all(part.strip(" -~\t\n") for part in parts):
        return name
    return "{" + name + "}"


def format_tags(tags: Iterable[str], ascii: bool = False) -> str:
    """``a, b, c``; a tag with a comma in it is braced (``{x, y}``) so it stays one tag."""
    return ", ".join(
        "{" + escape(tag, ascii) + "}" if "," in tag else escape(tag, ascii) for tag in tags
    )


def format_code(code: str, ascii: bool = False) -> str:
    """The code link as it is (a URL, like ``url``), or escaped when it holds a backslash or a
    brace (or, with ``ascii``, an accent): then the value has a backslash and reads back decoded."""
    if LATEX_CHARS.intersection(code) or (ascii and not code.isascii()):
        return escape(code, ascii)
    return code


def format_notes(notes: Iterable[str], ascii: bool = False) -> str:
    """One numbered line per note (``1. …``); a note's further lines are indented under it."""
    lines = []
    for number, note in enumerate(notes, 1):
        first, *rest = note.split("\n")
        lines.append(f"{number}. {escape(first, ascii)}")
        lines.extend("   " + escape(line, ascii) for line in rest)
    return "\n".join(lines)


def verbatim(value: str, ascii: bool = False, respell: bool = True) -> str:
    """A value an import kept as LaTeX: written as is when its braces balance, else escaped.

    LaTeX's ``\\{`` and ``\\}`` do not count for LaTeX, but classic BibTeX counts them too:
    when they alone unbalance the value they are spelled ``\\textbraceleft{}`` and
    ``\\textbraceright{}`` (``\\lbrace`` and ``\\rbrace`` in math), which print the same.
    Not with ``respell=False`` (DOIs, URLs: printed character for character)."""
    if not _balanced(value.replace("\\{", "").replace("\\}", "")):
        return escape(value, ascii)
    if respell and not _balanced(value):
        value = "".join(
            _respell(piece, _MATH_BRACES if is_math else _TEXT_BRACES)
            for piece, is_math in split_math(value, latex=True)
        )
    return escape_accents_only(value) if ascii and not value.isascii() else value


_TEXT_BRACES = (r"\textbraceleft{}", r"\textbraceright{}")
_MATH_BRACES = (r"\lbrace ", r"\rbrace ")


def _respell(text: str, braces: tuple[str, str]) -> str:
    return text.replace("\\{", braces[0]).replace("\\}", braces[1])


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def escape_accents_only(value: str) -> str:
    """Accents to LaTeX without escaping LaTeX the value already contains."""
    return "".join(c if c.isascii() else escape(c, ascii=True) for c in value)
