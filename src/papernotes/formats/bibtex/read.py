"""BibTeX in: the only module that imports ``bibtexparser`` (lazily, so ``list`` never loads it).

bibtexparser splits the file into blocks and reports broken ones (duplicate keys, unbalanced
braces); everything after that — ``@string`` macros and ``#`` concatenation, ``crossref`` — is
done here by hand: bibtexparser's LaTeX middleware is far too slow. LaTeX accents, names and
venues are read in ``paper_from_entry`` and ``author_names``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from papernotes.formats.bibtex.blocks import (
    Located,
    check_type,
    entry_type,
    locate_blocks,
    respell_spaced_types,
    stray_ats,
    stray_message,
)
from papernotes.formats.bibtex.plain_entries import plain_entries
from papernotes.model import Problem

if TYPE_CHECKING:
    from bibtexparser import Library
    from bibtexparser.model import Entry, ParsingFailedBlock

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
