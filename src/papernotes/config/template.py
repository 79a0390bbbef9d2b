"""The text ``papernotes config edit`` starts a new ``config.toml`` from: every setting,
commented out at its default, with what it does."""

from __future__ import annotations

from typing import Any

from papernotes.config.settings import SPECS


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def config_template() -> str:
    """A ``config.toml`` that changes nothing yet: uncomment a line to set it."""
    lines = [
        "# papernotes settings. Uncomment a line to change it; 'papernotes config' shows",
        "# every setting in effect and where it came from.",
        "",
    ]
    table = ""
    for spec in SPECS:
        prefix, _, key = spec.name.rpartition(".")
        if prefix != table:
            table = prefix
            lines += ["", f"[{prefix}]"]
        lines.append(f"# {spec.help}")
        default = "" if spec.name == "library" else spec.default
        lines.append(f"# {key} = {toml_value(default)}")
    lines += [
        "",
        "# Venue names for BibTeX, as in venues.toml (which is still read):",
        "# [venues.COLM]",
        '# kind = "conference"            # or "journal"',
        '# name = "Conference on Language Modeling"',
        '# aliases = ["Conf. on Language Modeling"]',
        "",
    ]
    return "\n".join(lines)
