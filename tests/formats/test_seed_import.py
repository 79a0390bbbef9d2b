"""Importing the seed reading-notes document into an empty library."""

from __future__ import annotations

import re

import pytest

from papernotes.library import Library
from tests.conftest import SEED_DOC


@pytest.fixture
def imported(empty_library) -> Library:
    library = Library(empty_library)
    report = library.import_markdown(SEED_DOC.read_text(encoding="utf-8"), str(SEED_DOC))
    assert report.problems == ()
    library.reload()
    return library


def seed_papers_by_hand() -> dict[str, list[str]]:
    """Titles and note lines read straight from the seed text, independently of the importer."""
    text = SEED_DOC.read_text(encoding="utf-8")
    papers_part = text.split("# Paper", 1)[1].split("# 词向量", 1)[0]
    papers: dict[str, list[str]] = {}
    title = None
    for line in papers_part.splitlines():
        if line.startswith("- "):
            title = line[2:].strip()
            papers[title] = []
        elif title and re.match(r"^\s+\d+\.\s", line):
            note = re.sub(r"^\s+\d+\.\s*", "", line)
            papers[title].append(re.sub(r"\s*<br>\s*$", "", note).strip())
    return papers


def test_importing_the_seed_gives_eight_papers_in_four_years(imported):
    years = [n.paper.year for n in imported.notes()]
    assert len(years) == 8
    assert {y: years.count(y) for y in set(years)} == {2023: 1, 2021: 3, 2020: 2, 2019: 2}
    assert years == sorted(years, reverse=True)


def test_every_note_line_of_the_seed_lands_in_its_own_paper(imported):
    expected = seed_papers_by_hand()
    assert len(expected) == 8
    actual = {n.paper.title: list(n.paper.notes) for n in imported.notes()}
    assert actual == expected


def test_the_year_comes_from_the_year_heading(imported):
    years = {n.paper.title.split(":")[0]: n.paper.year for n in imported.notes()}
    assert years == {
        "DEBERTAV3": 2023,
        "DEBERTA": 2021,
        "NEZHA": 2021,
        "Mengzi": 2021,
        "ALBERT": 2020,
        "TinyBERT": 2020,
        "RoBERTa": 2019,
        "XLNet": 2019,
    }


def test_style_b_papers_keep_their_code_links_and_notes(imported):
    nezha = imported.find("nezha").paper
    mengzi = imported.find("mengzi").paper
    assert nezha.code == "https://github.com/huawei-noah/Pretrained-Language-Model"
    assert mengzi.code == "https://github.com/Langboat/Mengzi"
    assert nezha.notes[0] == "提出了一个中文预训练语言模型Nezha"
    assert len(nezha.notes) == 2
    assert mengzi.notes[3] == "微调: 知识蒸馏、迁移学习、choice smoothing、对抗学习、数据增强等手段"
    assert nezha.venue == mengzi.venue == ""


def test_style_a_papers_keep_venue_and_code(imported):
    tinybert = imported.find("tinybert").paper
    assert tinybert.venue == "EMNLP"
    assert tinybert.code.endswith("/Pretrained-Language-Model/tree/master/TinyBERT")
    xlnet = imported.find("xlnet").paper
    assert xlnet.venue == ""
    assert xlnet.code == "https://github.com/zihangdai/xlnet"


def test_each_paper_is_one_file_under_its_year(imported):
    paths = sorted(n.path for n in imported.notes())
    assert paths == [
        "2019/roberta.md",
        "2019/xlnet.md",
        "2020/albert.md",
        "2020/tinybert.md",
        "2021/deberta.md",
        "2021/mengzi.md",
        "2021/nezha.md",
        "2023/debertav3.md",
    ]


def test_link_sections_survive_in_order_with_nesting_and_descriptions(imported):
    layout = imported.layout()
    titles = [(s.title, s.level, s.papers) for s in layout.sections]
    assert titles == [
        ("Repo", 1, False),
        ("预训练语言模型", 2, False),
        ("蒸馏", 2, False),
        ("长文本PTLM", 2, False),
        ("tokenizer", 2, False),
        ("Paper", 1, True),
        ("词向量", 1, False),
    ]
    assert layout.toc_depth == 2
    models = layout.sections[1]
    t5 = next(i for i in models.items if i.label == "T5")
    urls = [c.url for c in t5.children]
    assert len(urls) == 8
    assert urls[0] == "https://huggingface.co/IDEA-CCNL/Randeng-T5-784M"
    assert t5.children[0].children[0].label == "基于mT5-large，训练了它的中文版"
    assert t5.children[4].gap_before  # the blank line inside the T5 list is kept
    tokenizer = layout.sections[4]
    blog = tokenizer.items[1]
    assert blog.markdown_link
    assert blog.label.startswith("tokenizer：BPE")
    assert blog.url == "https://zhuanlan.zhihu.com/p/620508648"
    vectors = layout.sections[6]
    assert vectors.items[0].label == "100+的中文词向量"
    assert vectors.items[0].url == "https://github.com/Embedding/Chinese-Word-Vectors"
    assert vectors.items[4].children[0].label == "Python interface to Google word2vec"
