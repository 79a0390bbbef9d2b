"""Small dialogs of the reading queue: choose one value for the marked papers, type tag
changes for them, and the stats view (bar charts of the library)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class ChoiceScreen(ModalScreen[str | None]):
    """A question and its answers; Enter (or a click) picks one, which is the confirmation;
    Esc is no answer (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        """``choices``: (value returned, label shown)."""
        super().__init__()
        self.question = question
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="question")
            yield OptionList(*(Option(label, id=value) for value, label in self.choices))
            yield Label("Enter sets it, Esc cancels.", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagChangeScreen(ModalScreen[str | None]):
    """Tag changes for the marked papers, typed as ``+tag -tag`` (a bare tag adds it)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="question")
            yield Input(placeholder="+蒸馏 -todo", id="tag-changes")
            yield Label("+TAG adds, -TAG removes; Enter applies, Esc cancels.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StatsScreen(ModalScreen[None]):
    """The library in numbers: papers by year, status, priority, venue and tag, and papers
    read per month, as bar charts (``library/reading_stats.py``)."""

    BINDINGS = [Binding("escape,q,i", "close", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog stats"):
            yield Label("Reading stats", classes="question")
            with VerticalScroll(id="stats-body"):
                yield Static(self.text, id="stats", markup=False)
            yield Label("Esc closes.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#stats-body").focus()

    def action_close(self) -> None:
        self.dismiss()
