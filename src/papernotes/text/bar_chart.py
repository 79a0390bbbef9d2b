"""Small horizontal bar charts in plain text, for ``stats`` in a terminal and in the TUI."""

from __future__ import annotations

import unicodedata

BLOCKS = " ▏▎▍▌▋▊▉█"
"""Eighths of a character cell, so a short bar still shows its size."""


def columns(text: str) -> int:
    """Terminal columns ``text`` takes: CJK characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def bar(count: int, most: int, width: int) -> str:
    """A bar ``count / most`` of ``width`` cells long, in eighths; at least a sliver if > 0."""
    if most <= 0 or count <= 0:
        return ""
    eighths = max(1, round(count * width * 8 / most))
    full, rest = divmod(eighths, 8)
    return "█" * full + (BLOCKS[rest] if rest else "")


def bar_chart(
    title: str, rows: list[tuple[str, int]], width: int = 30, label_width: int = 24
) -> list[str]:
    """``title`` and one line per row: the label (cut to ``label_width`` columns), the count
    and its bar; ``(none)`` when there are no rows."""
    lines = [title]
    if not rows:
        return [*lines, "  (none)"]
    labels = [_cut(label, label_width) for label, _ in rows]
    label_column = max(columns(label) for label in labels)
    most = max(count for _, count in rows)
    count_column = len(str(most))
    for label, (_, count) in zip(labels, rows, strict=True):
        pad = " " * (label_column - columns(label))
        line = f"  {label}{pad}  {count:>{count_column}}  {bar(count, most, width)}"
        lines.append(line.rstrip())
    return lines


def _cut(text: str, most: int) -> str:
    if columns(text) <= most:
        return text
    out = ""
    for char in text:
        if columns(out + char) > most - 1:
            break
        out += char
    return out + "…"
