"""The year navigator: "All", each year (newest first) and the reading "Queue", with how
many papers each holds."""

from __future__ import annotations

from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

ALL = "all"
QUEUE = "queue"


class YearNavigator(OptionList):
    """Posts ``YearChosen`` as the highlight moves, so the list follows at once."""

    class YearChosen(Message):
        def __init__(self, year: int | None, queue: bool = False) -> None:
            super().__init__()
            self.year = year
            self.queue = queue
            """The reading queue was chosen (``year`` is None then)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Years"

    def show_counts(
        self,
        total: int,
        counts: list[tuple[int, int]],
        year: int | None,
        queued: int = 0,
        queue: bool = False,
    ) -> None:
        """Replace the entries; keep ``year`` (or the queue, if ``queue``) highlighted when
        it still exists. ``queued``: papers in the reading queue."""
        options = [Option(_label("All", total), id=ALL)]
        options += [Option(_label(str(y), n), id=str(y)) for y, n in counts]
        # last, so that down from All is the newest year; 9 cells up to 999 queued
        options.append(Option(f"Queue {queued:>3}", id=QUEUE))
        with self.prevent(OptionList.OptionHighlighted):
            self.clear_options()
            self.add_options(options)
            wanted = QUEUE if queue else str(year) if year is not None else ALL
            ids = [o.id for o in options]
            self.highlighted = ids.index(wanted) if wanted in ids else 0

    def entries(self) -> list[tuple[str, int]]:
        """(label, count) of every entry, as shown (for tests and the help screen)."""
        result = []
        for index in range(self.option_count):
            label, _, count = str(self.get_option_at_index(index).prompt).rpartition(" ")
            result.append((label.strip(), int(count)))
        return result

    @on(OptionList.OptionHighlighted)
    def _chosen(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        option_id = event.option.id
        if option_id == QUEUE:
            self.post_message(self.YearChosen(None, queue=True))
            return
        self.post_message(self.YearChosen(None if option_id in (None, ALL) else int(option_id)))


def _label(name: str, count: int) -> str:
    return f"{name:<4} {count:>4}"  # 9 cells up to 9,999 papers: fits the narrow panel
