"""The main screen's actions: one table feeds the key bindings, the footer, help and ctrl+p."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Action:
    key: str
    action: str
    label: str
    """Short name for the footer and the command palette."""
    help: str
    """One sentence for the help screen and the palette."""
    footer: bool = True
    short: str = ""
    """The footer's text when shorter than ``label`` (the footer keys must fit in 120 columns;
    narrower, the footer keeps the first that fit, and ``?`` and ``q`` always)."""
    priority: bool = False
    """Run as the app reads the key, before the keys typed after it are handed on (``/``:
    the keys after it must reach the filter, not the list)."""


ACTIONS = (
    Action(
        "slash",
        "focus_filter",
        "Filter",
        "Filter the list by title, notes, authors, venue, tags.",
        short="Find",
        priority=True,
    ),
    Action(
        "y",
        "focus_years",
        "Years",
        "Focus the years panel: up and down choose a year, Enter goes to the list.",
        short="Yr",
    ),
    Action(
        "n",
        "take_notes",
        "Note",
        "Take notes on the selected paper: Enter saves a line, up selects one to edit "
        "(Enter), delete (Delete) or move (ctrl+up/down); Esc closes.",
    ),
    Action(
        "z",
        "maximise",
        "Maximise",
        "Maximise the notes/BibTeX pane; press again to restore the layout.",
        short="Max",
    ),
    Action(
        "Y",
        "toggle_years",
        "Hide years",
        "Hide or show the years panel (more room for titles).",
        short="-Yr",
    ),
    Action(
        "minus",
        "move_split(-1)",
        "Smaller list",
        "Move the split up: the list shorter, the notes pane taller.",
        footer=False,
    ),
    Action(
        "plus,equals_sign",
        "move_split(1)",
        "Taller list",
        "Move the split down: the list taller, the notes pane shorter.",
        footer=False,
    ),
    Action("a", "add", "Add", "Add a paper through a form (ctrl+s saves, Fetch fills from arXiv)."),
    Action("e", "edit", "Edit", "Edit the selected note in $EDITOR, then reload it."),
    Action(
        "l", "link", "Link arXiv", "Fill the selected paper's metadata from arXiv.", short="Link"
    ),
    Action(
        "v",
        "find_published",
        "Find published version",
        "Look the selected paper up on DBLP, Semantic Scholar and Crossref and fill in its "
        "venue, DOI and pages (a different venue is changed only when you confirm).",
        footer=False,
    ),
    Action(
        "t",
        "tags",
        "Tags",
        "Edit the selected paper's tags (marked papers: +TAG adds, -TAG removes).",
        short="Tag",
    ),
    Action(
        "s",
        "cycle_status",
        "Status",
        "Cycle the status: unread, reading, read (marked papers: choose one for all).",
        short="Stat",
    ),
    Action(
        "p",
        "priority",
        "Priority",
        "Cycle the priority: high, medium, low, none (marked papers: choose one for all).",
        footer=False,
    ),
    *(
        Action(
            str(n),
            f"rate({n})",
            f"Rate {n}",
            f"Rate the paper (or the marked ones) {n} of 5; the same key again clears it.",
            footer=False,
        )
        for n in range(1, 6)
    ),
    Action(
        "space",
        "toggle_mark",
        "Mark",
        "Mark or unmark the selected paper: s, p, 1-5 and t then change every marked paper.",
        footer=False,
    ),
    Action(
        "V",
        "mark_all",
        "Mark all",
        "Mark every paper listed (the year or queue and filter chosen); esc clears the marks.",
        footer=False,
    ),
    Action(
        "i",
        "stats",
        "Stats",
        "Show the reading stats: papers by year, status, priority, venue and tag, and read "
        "per month.",
        footer=False,
    ),
    Action(
        "o",
        "open_arxiv",
        "arXiv page",
        "Open the paper's arXiv page in the browser.",
        short="arXiv",
    ),
    Action(
        "g",
        "follow_links",
        "Follow link",
        "Go to a paper this one links to with [[key]] or that links to it (clicking one "
        "under the notes does too).",
        footer=False,
    ),
    Action(
        "backspace,alt+left",
        "link_back",
        "Back",
        "Go back to the paper a followed link came from.",
        footer=False,
    ),
    Action("O", "open_code", "Code", "Open the paper's code URL in the browser.", footer=False),
    Action(
        "c", "copy_bibtex", "Copy BibTeX", "Copy the selected paper's BibTeX entry.", short="Copy"
    ),
    Action(
        "b",
        "toggle_bibtex",
        "BibTeX",
        "Switch the lower pane between notes and BibTeX.",
        short="Bib",
    ),
    Action(
        "x", "export", "Export", "Export the library as Markdown or BibTeX to a file.", short="Exp"
    ),
    Action("d", "delete", "Delete", "Delete the selected note (asks first).", short="Del"),
    Action(
        "S", "cycle_sort", "Sort", "Sort by year, title, date added, status, priority or rating."
    ),
    Action(
        "u",
        "undo_change",
        "Undo",
        "Undo the last change to the library (needs history: 'papernotes git on').",
        footer=False,
    ),
    Action(
        "h",
        "paper_history",
        "History",
        "Show the selected paper's changes, newest first (with history on).",
        footer=False,
    ),
    Action("r", "reload", "Reload", "Reload every note from disk.", footer=False),
    Action("question_mark", "help", "Help", "Show the keys."),
    Action("q", "quit", "Quit", "Quit papernotes."),
)


def key_label(key: str) -> str:
    names = {
        "slash": "/",
        "question_mark": "?",
        "minus": "-",
        "plus,equals_sign": "+",
        "backspace,alt+left": "backspace",
        "space": "space",
    }
    return names.get(key, key)


def bindings() -> list[Binding]:
    return [
        Binding(
            a.key,
            a.action,
            a.short or a.label,
            show=a.footer,
            key_display=key_label(a.key),
            tooltip=a.help,
            priority=a.priority,
        )
        for a in ACTIONS
    ]
