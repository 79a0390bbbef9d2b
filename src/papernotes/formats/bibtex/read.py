"""BibTeX in: the only module that imports ``bibtexparser`` (lazily, so ``list`` never loads it).

bibtexparser splits the file into blocks and reports broken ones (duplicate keys, unbalanced
braces); everything after that — ``@string`` macros and ``#`` concatenation, LaTeX accents,
names, venues — is done here by hand: bibtexparser's LaTeX middleware is far too slow.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from papernotes.formats.bibtex.blocks import (
    TYPE_NAME,
    Located,
    check_type,
    entry_type,
    locate_blocks,
    respell_spaced_types,
    stray_ats,
    stray_message,
)
from papernotes.formats.bibtex.keys import is_cjk_name, split_name
from papernotes.formats.bibtex.latex import braces_balance, decode
from papernotes.formats.bibtex.plain_entries import plain_entries
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
from papernotes.model import Paper, Problem
from papernotes.text.arxiv_ids import base_id

if TYPE_CHECKING:
    from bibtexparser import Library
    from bibtexparser.model import Entry, ParsingFailedBlock

_YEAR = re.compile(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)")
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
_SEPARATORS: dict[str, re.Pattern[str]] = {}
_PLAIN_SEPARATORS = {sep: re.compile(sep, re.IGNORECASE | re.DOTALL) for sep in (r"\s+and\s+", ",")}
"""The separators split on (``_split_top_level``), for values without braces or escapes."""
_FAILED_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()]+)")


@dataclass(frozen=True)
class BibEntry:
    """One entry as read: lower-case type and field names, values with macros resolved (LaTeX)."""

    entry_type: str
    key: str
    fields: dict[str, str]
    line: int


@dataclass
class ParsedBib:
    """What a .bib holds: its entries, the problems that skipped something, and the
    warnings about entries that were read all the same (a repeated field: the first is kept)."""

    entries: list[BibEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


_BACKSLASH_PAIR = "\\\\"
_PAIR_STAND_IN = "\ufdd0\ufdd1"
"""``\\\\`` (an escaped backslash) while bibtexparser splits the text: it skips a brace after
a backslash, BibTeX counts it (``{… \\\\}`` is a whole value to BibTeX)."""


def parse_bibtex(text: str, source: str) -> ParsedBib:
    """The entries of a .bib text; broken blocks and every ``@`` at a line start that does
    not become an entry (``@misc a3, …``, ``@artİcle{…}``) become problems
    (``source:line: message``), each one a skipped entry. See ``formats.bibtex.blocks``."""
    from bibtexparser import model

    original = text
    if _BACKSLASH_PAIR in text and _PAIR_STAND_IN[0] not in text:
        text = text.replace(_BACKSLASH_PAIR, _PAIR_STAND_IN)
    plain = plain_entries(text, _field_value)
    if plain is not None:  # the same entries bibtexparser gives, with no problem to report
        parsed = ParsedBib([BibEntry(*entry) for entry in plain])
        _inherit_crossrefs(parsed, source)
        return parsed
    library, located, stray = _split_blocks(text)
    respelled = respell_spaced_types(text, stray)  # ``@ misc{``, as BibTeX reads it
    if respelled != text:
        text = respelled
        library, located, stray = _split_blocks(text)
    parsed = ParsedBib()
    lines: dict[int, int] = {id(loc.block): loc.line for loc in located}
    read: set[int] = set(lines)
    for loc in located:
        rejected = check_type(loc)
        if rejected:
            read.discard(id(loc.block))
            parsed.problems.append(Problem(source, rejected.line, rejected.message))
    strings: dict[str, str] = {}
    for string in sorted(library.strings, key=lambda b: lines.get(id(b), 0)):
        if id(string) in read:
            value = str(string.value).replace(_PAIR_STAND_IN, _BACKSLASH_PAIR)
            strings[string.key.lower()] = resolve_value(value, strings)
    entries = _entries_in_order(library, lines, read, Problem(source, 0, ""), parsed.problems)
    for entry, line in entries:
        fields = _first_fields(entry, strings, Problem(source, line, ""), parsed.warnings)
        # the type as written, lowered in ASCII only (bibtexparser lowers ``İ`` to ``i̇``)
        kind = entry_type(entry.raw).lower()
        parsed.entries.append(BibEntry(kind, entry.key, fields, line))
    for block in library.failed_blocks:
        line = lines.get(id(block), (block.start_line or 0) + 1)
        if isinstance(block, model.DuplicateFieldKeyBlock):
            continue  # read above with its first values (or rejected for its type)
        parsed.problems.append(Problem(source, line, _failed_block_message(block, lines)))
    _inherit_crossrefs(parsed, source)
    for at, line in stray:
        parsed.problems.append(Problem(source, line, stray_message(original, at)))
    parsed.problems.sort(key=lambda p: p.line)
    return parsed


def _entries_in_order(
    library: Library, lines: dict[int, int], read: set[int], where: Problem, problems: list[Problem]
) -> list[tuple[Entry, int]]:
    """The entries to read with their lines, in file order: those with a repeated field too
    (bibtexparser fails them), and of two with one key the first, as BibTeX keeps it."""
    from bibtexparser import model

    candidates = [(lines[id(e)], e) for e in library.entries if id(e) in read]
    for block in library.failed_blocks:
        entry = block.ignore_error_block
        repeated_field = isinstance(block, model.DuplicateFieldKeyBlock)
        if repeated_field and isinstance(entry, model.Entry) and id(block) in read:
            candidates.append((lines.get(id(block), (block.start_line or 0) + 1), entry))
    entries: list[tuple[model.Entry, int]] = []
    first_line: dict[str, int] = {}
    for line, entry in sorted(candidates, key=lambda pair: pair[0]):
        if entry.key in first_line:  # after an entry with a repeated field, which bibtexparser
            message = (  # did not count: the first of the two wins, as in BibTeX
                f"duplicate key {entry.key!r} (first at line {first_line[entry.key]}); "
                "this entry was skipped"
            )
            problems.append(Problem(where.path, line, message))
            continue
        first_line[entry.key] = line
        entries.append((entry, line))
    return entries


_COLLECTIONS = frozenset(["proceedings", "book", "collection", "mvbook", "mvproceedings"])


def _inherit_crossrefs(parsed: ParsedBib, source: str) -> None:
    """Fill each entry with a ``crossref`` from the entry it names, as BibTeX and biber do:
    the fields it lacks (a proceedings' title becomes its ``booktitle``). papernotes keeps
    no links between papers, so the ``crossref`` field itself is dropped, with a warning."""
    by_key = {entry.key.casefold(): entry for entry in parsed.entries}
    for index, entry in enumerate(parsed.entries):
        target = entry.fields.get("crossref", "").strip()
        if not target:
            continue
        fields = {k: v for k, v in entry.fields.items() if k != "crossref"}
        parent = by_key.get(target.casefold())
        if parent is None:
            message = f"entry {entry.key!r}: crossref {target!r} is not in this file; not kept"
        else:
            inherited = {k: v for k, v in parent.fields.items() if k not in fields}
            if parent.entry_type in _COLLECTIONS and "booktitle" not in fields:
                inherited.setdefault("booktitle", parent.fields.get("title", ""))
            inherited.pop("crossref", None)
            fields.update((k, v) for k, v in inherited.items() if v)
            names = ", ".join(sorted(k for k, v in inherited.items() if v)) or "nothing"
            message = (
                f"entry {entry.key!r}: took {names} from its crossref {target!r}; "
                "the crossref itself is not kept"
            )
        parsed.warnings.append(Problem(source, entry.line, message))
        parsed.entries[index] = replace(entry, fields=fields)


def _first_fields(
    entry: Entry, strings: dict[str, str], where: Problem, warnings: list[Problem]
) -> dict[str, str]:
    """An entry's fields by lower-case name, each with its first value, as BibTeX keeps it;
    a repeated field (``title`` twice, or ``title`` and ``Title``) is a warning."""
    fields: dict[str, str] = {}
    repeated: list[str] = []
    for item in entry.fields:
        name = item.key.lower()
        if name in fields:
            repeated.append(name)
            continue
        fields[name] = _field_value(str(item.value), strings)
    for name in dict.fromkeys(repeated):
        message = f"entry {entry.key!r}: duplicate field {name}; kept the first (as BibTeX does)"
        warnings.append(Problem(where.path, where.line, message))
    return fields


def _field_value(raw: str, strings: dict[str, str] | None = None) -> str:
    """A field's value as split (``\\\\`` stood in for) with macros and ``#`` resolved."""
    return resolve_value(raw.replace(_PAIR_STAND_IN, _BACKSLASH_PAIR), strings or {})


def _failed_block_message(block: ParsingFailedBlock, lines: dict[int, int]) -> str:
    """Why bibtexparser could not read ``block`` (``lines``: each block's line, by id)."""
    from bibtexparser import model

    if isinstance(block, model.DuplicateBlockKeyBlock):
        first = lines.get(id(block.previous_block))
        where = f" (first at line {first})" if first is not None else ""
        return f"duplicate key {block.key!r}{where}; this entry was skipped"
    if isinstance(block, model.DuplicateFieldKeyBlock):
        names = ", ".join(sorted(block.duplicate_keys))
        # the block has no key of its own: the entry it stands for does
        entry_key = getattr(block.ignore_error_block, "key", "?")
        return f"entry {entry_key!r} repeats field(s) {names}; skipped"
    match = _FAILED_KEY.search(block.raw or "")
    name = f"entry {match.group(1)!r}" if match else "a block"
    reason = getattr(getattr(block, "error", None), "abort_reason", "")
    reason = " ".join(str(reason).split()).rstrip(".") or "unbalanced braces or quotes?"
    return f"cannot parse {name} ({reason}); skipped"


def _split_blocks(text: str) -> tuple[Library, list[Located], list[tuple[int, int]]]:
    """bibtexparser's blocks, located, and the stray ``@`` lines between them."""
    import bibtexparser

    with _quiet("bibtexparser.splitter"):
        library = bibtexparser.parse_string(text, parse_stack=[])
    located = locate_blocks(text, library.blocks)
    return library, located, stray_ats(text, located)


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's log lines while it runs; its problems are reported by us instead."""
    logger = logging.getLogger(logger_name)
    disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = disabled


def resolve_value(raw: str, strings: dict[str, str]) -> str:
    """A raw BibTeX value with its enclosing braces/quotes removed and ``#``/macros resolved."""
    parts = _split_concatenation(raw.strip())
    out = []
    for part in parts:
        part = part.strip()
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        else:
            out.append(strings.get(part.lower(), part))
    return "".join(out)


def _split_concatenation(value: str) -> list[str]:
    """Split ``a # "b" # {c}`` at the ``#`` signs outside braces and quotes."""
    if "#" not in value:
        return [value]
    parts, depth, quoted, start, escaped = [], 0, False, 0, False
    for i, char in enumerate(value):
        if escaped:  # \{ \} \" \# are characters, as the writer escapes them
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


# -- entry -> paper ----------------------------------------------------------


def entry_to_paper(
    entry: BibEntry, venues: VenueTable, known_authors: dict[str, str] | None = None
) -> Paper:
    """The paper an entry describes; raises ``ValueError`` when it has no title or year.
    ``known_authors``: the names read so far (``parse_authors``), shared by one import."""
    title = decode(entry.fields.get("title", ""), math=True)
    if not title:
        raise ValueError("has no title")
    year_match = _YEAR.search(entry.fields.get("year", "") or entry.fields.get("date", ""))
    if not year_match:
        raise ValueError("has no year")
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
        year=int(year_match.group(1)),
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
    if venues.find(text) is not None and not _YEAR.search(text):
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
    tags = (decode(part) for part in _split_top_level(value, ","))
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


def parse_authors(value: str, known: dict[str, str] | None = None) -> tuple[str, ...]:
    """Authors as notes keep them: ``First Last`` if that splits back alike, or ``Last, First``;
    a CJK name as one unit, family name first (``{魏俊秋}`` and ``魏, 俊秋`` give 魏俊秋).

    ``known`` maps each name as written to how it was read, for a caller reading many entries:
    the same co-authors recur in a .bib, and reading a name is a third of reading an entry."""
    names = (r.strip() for r in _split_and(value))
    if known is None:
        return tuple(_author(raw) for raw in names if raw)
    authors = []
    for raw in names:
        if raw:
            read = known.get(raw)
            if read is None:
                read = known[raw] = _author(raw)
            authors.append(read)
    return tuple(authors)


def _author(raw: str) -> str:
    """One author as a note keeps it, from the LaTeX between two ``and``s."""
    if (
        raw.startswith("{")
        and raw.endswith("}")
        and braces_balance(raw[1:-1], skip_escaped=True)
        and "," not in raw
    ):
        inner = decode(raw[1:-1])
        # {魏俊秋}, {山田 太郎}: a CJK name as written; anything else braced is corporate
        return inner if is_cjk_name(inner) else "{" + inner + "}"
    name = decode(raw)
    parts = _name_parts(raw, name) if "," in name else None
    if parts is None:
        return name
    family, given, suffix = parts
    if not suffix and " " not in family + given and is_cjk_name(family + " " + given):
        return family + given  # "魏, 俊秋" (older exports): 魏俊秋
    display = " ".join(p for p in (given, family, suffix) if p)
    return display if split_name(display) == (family, given, suffix) else name


def _name_parts(raw: str, name: str) -> tuple[str, str, str] | None:
    """``(family, given, suffix)`` when ``name`` (``raw`` decoded) is exactly ``Last, First`` /
    ``Last, Jr, First`` as a writer puts it, else None.

    The parts are cut from the LaTeX at its commas outside braces and then decoded, so an
    escaped brace (``\\{, Jacob \\}``) is a character, not a corporate name's braces.
    """
    parts = [decode(p) for p in _split_top_level(raw, ",")]
    if len(parts) != len(name.split(",")):
        family, given, suffix = split_name(name)  # a comma inside braces: read as text
    elif len(parts) >= 3:
        family, suffix, given = parts[0], parts[1], ", ".join(parts[2:])
    else:
        family, given, suffix = parts[0], parts[1], ""
    if ", ".join(p for p in (family, suffix, given) if p) != " ".join(name.split()):
        return None
    return family, given, suffix


def _split_and(value: str) -> list[str]:
    """Split an author list at `` and `` outside braces."""
    return _split_top_level(value, r"\s+and\s+")


def _split_top_level(value: str, separator: str) -> list[str]:
    """Split ``value`` at ``separator`` (a regex) outside braces; ``\\x`` is one character."""
    plain = _PLAIN_SEPARATORS.get(separator)
    if plain is not None and "\\" not in value and "{" not in value and "}" not in value:
        return plain.split(value)  # nothing to skip: the same cuts, in C
    parts, depth, start = [], 0, 0
    pattern = _SEPARATORS.get(separator)
    if pattern is None:
        pattern = _SEPARATORS[separator] = re.compile(
            rf"\\.|[{{}}]|{separator}", re.IGNORECASE | re.DOTALL
        )
    for match in pattern.finditer(value):
        token = match.group()
        if token.startswith("\\"):
            continue  # an escaped character, \{ included
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            parts.append(value[start : match.start()])
            start = match.end()
    parts.append(value[start:])
    return parts
