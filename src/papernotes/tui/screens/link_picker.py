"""``g`` on a paper with several links: pick the paper to go to (Enter), Esc to stay."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class LinkPicker(ModalScreen[str | None]):
    """The linked papers as ``(label, path)``; dismissed with the chosen path or None."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Go to which linked paper? (Enter goes, Esc stays)", classes="question")
            yield OptionList(
                *(Option(text, id=str(i)) for i, (text, _) in enumerate(self.choices)),
                id="link-choices",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][1])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
