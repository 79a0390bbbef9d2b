"""The keys of the main screen, from the same table as the footer and the command palette."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown

from papernotes.tui.actions import ACTIONS, key_label

INTRO = """\
# papernotes

Pick a year on the left (**tab** moves between panes), move through the papers with
the arrow keys, and read the selected paper below. **ctrl+p** searches every command.
The filter also takes fields: `status:unread priority:high tag:蒸馏 year:2020..2022 rating:4`.

| key | does |
| --- | --- |
"""


def help_markdown() -> str:
    rows = [f"| `{key_label(a.key)}` | {a.help} |" for a in ACTIONS]
    rows.append("| `esc` | Clear the marks, else the filter; close a dialog. |")
    return INTRO + "\n".join(rows) + "\n"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Markdown(help_markdown())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
