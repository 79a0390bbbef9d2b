"""The TUI filter keeps the rows each recent word was found in and looks for a longer word
only among them (``library/row_matching.py``): typing, deleting, pasting, switching to
pinyin, traditional or full-width, another year, sort or field filter, and a save in
between, always list what a fresh filter and ``Library.search`` on the notes list."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from papernotes.library import Library
from papernotes.library.paper_rows import PATH, PaperRows
from papernotes.library.row_texts import RowTexts
from papernotes.model import Paper
from papernotes.tui.paper_filter import PaperFilter
from tests.library.test_paper_rows import EXTRA, listed_from_notes

MORE = (
    Paper(title="Robust distillation of tiny models", year=2020, notes=("蒸馏后的鲁棒性",)),
    Paper(title="Roberta 的蒸餾复现", year=2021, tags=("复现",), status="reading"),
    Paper(title="正理与推理速度", year=2022, notes=("推理速度 tuilisudu 测试",)),
    Paper(title="Zheng Li: a survey", year=2019, authors=("Zheng Li", "Liu Zheng")),
    Paper(title="ｍｕｌｌｅｒ müller 长度", year=2021, venue="ＡＣＬ", notes=("去掉了nsp任务",)),
)


def typed(word: str) -> list[str]:
    """The filter text after each key typing ``word``."""
    return [word[:n] for n in range(1, len(word) + 1)]


def deleted(word: str) -> list[str]:
    """The filter text after each backspace from ``word`` down to empty."""
    return [word[:n] for n in range(len(word) - 1, -1, -1)]


SESSION = [
    *typed("distillation"),
    *deleted("distillation")[:8],  # back to "dist"
    *typed("蒸馏"),
    "蒸餾",  # pasted: traditional
    "ＢＥＲＴ",  # pasted: full width
    *typed("bert 蒸馏"),
    *deleted("bert 蒸馏"),
    *typed("zhengliux"),  # text, then pinyin (zhengli, zhengliu), then text again
    *deleted("zhengliux"),
    *typed("zheng liu"),
    "robust",
    "robustx",
    "rob",
    "roberta",
    *typed("tuilisudu"),
    *typed("ｍüller"),
    *typed("nsp任务"),  # Latin and Chinese in one word
    "任务",
    "müller",
    "长度",
    "長度",
    "changdu",
    "long",
    "髮",
    "发",
    "tinybert 蒸",
    "tiny",
    "",
]
WORDS = ("bert", "蒸馏", "蒸餾", "zhengliu", "zheng", "robust", "ｔｉｎｙ", "长度", "müller", "liu")
LETTERS = "abertzhngliuosd蒸馏餾长度发髮ｂ "


@pytest.fixture
def varied_library(seed_library: Path) -> Path:
    library = Library.open(seed_library)
    for paper in (*EXTRA, *MORE):
        library.add(paper)
    return seed_library


def loaded(root: Path) -> PaperRows:
    rows = PaperRows(Library.open(root))
    rows.load()
    rows.prepare()
    return rows


def listed(rows: PaperRows, found) -> list[str]:
    return [str(rows.rows[i][PATH]) for i in found]


def random_session(seed: int, steps: int) -> list[str]:
    """Keys typed, deleted and words pasted at random."""
    pick = random.Random(seed)
    text, session = "", []
    for _ in range(steps):
        move = pick.random()
        if move < 0.5:
            text += pick.choice(LETTERS)
        elif move < 0.8:
            text = text[:-1]
        elif move < 0.95:
            text = pick.choice(WORDS) if pick.random() < 0.5 else f"{text} {pick.choice(WORDS)}"
        else:
            text = ""
        session.append(text)
    return session


@pytest.mark.parametrize(
    "shown",
    [
        PaperFilter(),
        PaperFilter(year=2021, sort="title"),
        PaperFilter(queue=True),
        PaperFilter(query="status:unread ", sort="priority"),
    ],
    ids=["all", "a year by title", "the queue", "unread by priority"],
)
def test_every_keystroke_of_typing_deleting_and_pasting_lists_what_a_fresh_filter_lists(
    varied_library, shown
):
    rows = loaded(varied_library)  # one for the whole session, as the screen has
    fresh = loaded(varied_library)
    reference = Library.open(varied_library)
    base = shown.base(rows)
    for query in [*SESSION, *random_session(seed=20, steps=150)]:
        wanted = PaperFilter(shown.year, shown.query + query, shown.sort, shown.queue)
        got = listed(rows, wanted.within(rows, base))
        fresh.matcher.forget()  # nothing kept: every word looked for in every row
        assert got == listed(fresh, wanted.apply(fresh)), wanted
        assert got == listed_from_notes(reference, wanted), wanted


def test_a_longer_word_is_looked_for_only_in_the_rows_that_held_the_shorter(
    varied_library, monkeypatch
):
    rows = loaded(varied_library)
    base = PaperFilter().base(rows)
    looked_in: list[int] = []
    holding = RowTexts.holding

    def noted_holding(self, word, chosen):
        looked_in.append(len(chosen))
        return holding(self, word, chosen)

    monkeypatch.setattr(RowTexts, "holding", noted_holding)
    held = PaperFilter(query="robu").within(rows, base)
    assert looked_in == [len(rows.rows)]
    assert listed(rows, PaperFilter(query="robust").within(rows, base)) == listed(rows, held)
    assert looked_in[1:] == [len(held)] and len(held) < len(rows.rows)
    PaperFilter(query="rob").within(rows, base)  # deleting: a word not kept, all rows again
    assert looked_in[2:] == [len(rows.rows)]
    PaperFilter(query="robu").within(rows, base)  # typed again: kept, nothing looked at
    assert len(looked_in) == 3


def test_a_save_between_two_keystrokes_is_seen_by_the_longer_word(varied_library, trusting_cache):
    rows = loaded(varied_library)
    library = rows.library
    base = PaperFilter().base(rows)
    assert not PaperFilter(query="quasa").within(rows, base)  # nothing holds it yet
    note = library.note_at(str(rows.rows[0][PATH]))
    with library.writing():  # the TUI's own save: the rows are changed in place
        library.save(library.current(note), Paper(**{**vars(note.paper), "title": "Quasars"}))
    found = PaperFilter(query="quasar").within(rows, base)
    assert listed(rows, found) == [note.path]
