"""``document.yaml``'s data without composing its paper order in PyYAML (issue 20: memory).

The ``order:`` list papernotes writes last in ``document.yaml`` names every paper: 100,000
lines at 100,000 notes. PyYAML composes a node with two marks for each before it makes the
strings, and those nodes, freed among the strings that stay, leave about 50 MB the process
cannot give back. When the file ends with that list as papernotes writes it (one plain
path per line, nothing YAML reads as other than that string), the list is split off as
text and the rest is read by PyYAML with ``order: []`` in its place, so duplicate keys and
every other error are still PyYAML's; anything else is read by PyYAML whole. The data is
the same either way (``tests/storage/test_layout_yaml.py`` compares them).
"""

from __future__ import annotations

import re

from papernotes.storage.note_format import load_yaml

_ORDER = "\norder:\n"
_PLAIN_PATH = re.compile(
    # a year folder, a slash, a file name ending in .md: characters YAML gives no meaning in a
    # plain scalar (no space, quote, bracket, ':', '#', control or non-printable character),
    # and with a '/' no implicit type (number, date, boolean, null) can match it
    r"- ([^\s\-?:#'\"\[\]{},&*!|>%@`\\/\x00-\x1f\x7f-\x9f\ufeff\ud800-\udfff\ufffe\uffff]"
    r"[^\s:#'\"\[\]{},&*!|>%@`\\/\x00-\x1f\x7f-\x9f\ufeff\ud800-\udfff\ufffe\uffff]*"
    r"/[^\s:#'\"\[\]{},&*!|>%@`\\/\x00-\x1f\x7f-\x9f\ufeff\ud800-\udfff\ufffe\uffff]+\.md)"
    r"(?:\n|\Z)"
)


def load_layout_yaml(text: str) -> object:
    """``load_yaml(text)`` for ``document.yaml``: the same data (or the same error), the
    closing ``order:`` list of plain paths read as text."""
    at = text.rfind(_ORDER)
    if at < 0 or at + len(_ORDER) == len(text):
        return load_yaml(text)  # no order, or "order:" and nothing: None, as PyYAML has it
    paths = []
    match = _PLAIN_PATH.match
    start, end = at + len(_ORDER), len(text)
    while start < end:  # line after line, without making a string of each line
        found = match(text, start)
        if found is None:
            return load_yaml(text)
        paths.append(found.group(1))
        start = found.end()
    try:
        data = load_yaml(text[:at] + "\norder: []\n")
    except Exception:  # the error as PyYAML reports it for the whole text
        return load_yaml(text)
    if not isinstance(data, dict) or data.get("order") != []:
        return load_yaml(text)
    data["order"] = paths  # in its place among the keys: the one written last
    return data
