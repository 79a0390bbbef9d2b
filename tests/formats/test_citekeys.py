"""Citation keys: the scheme, uniqueness, stability, and ``papernotes key``."""

from __future__ import annotations

from dataclasses import replace

from papernotes.formats.bibtex.keys import base_key, check_key, split_name, unique_key
from papernotes.library import Library
from papernotes.model import Paper
from tests.helpers import run


def paper(title="DeBERTa: Decoding-enhanced BERT", year=2021, authors=("Pengcheng He",), **kw):
    return Paper(title=title, year=year, authors=tuple(authors), **kw)


def test_the_scheme_is_family_name_year_first_significant_title_word():
    assert base_key(paper()) == "he2021deberta"
    assert base_key(paper("ALBERT: A Lite BERT", 2020, ["Zhenzhong Lan"])) == "lan2020albert"
    assert base_key(paper("The Power of Scale", 2021, ["Brian Lester"])) == "lester2021power"
    assert base_key(paper("On the Opportunities", 2021, ["Rishi Bommasani"])) == (
        "bommasani2021opportunities"
    )
    assert base_key(paper("Attention", 2017, ["Ana Marasović"])) == "marasovic2017attention"
    assert base_key(paper("Attention", 2017, ["Ludwig van Beethoven"])) == "beethoven2017attention"
    assert base_key(paper("Attention", 2017, ["Quoc V. Le"])) == "le2017attention"
    assert base_key(paper("Attention", 2017, ["O'Brien, Pat"])) == "obrien2017attention"


def test_chinese_names_and_titles_become_pinyin_without_spaces():
    assert base_key(paper("NEZHA: Neural", 2019, ["魏俊秋"])) == "wei2019nezha"
    assert base_key(paper("Survey", 2020, ["欧阳修"])) == "ouyang2020survey"
    assert base_key(paper("Survey", 2020, ["曾国藩"])) == "zeng2020survey"  # surname reading
    assert base_key(paper("中文预训练语言模型综述", 2021, ["刘知远"])) == "liu2021zhongwen"
    assert split_name("魏俊秋") == ("魏", "俊秋", "")  # the key's split; the name stays whole
    assert base_key(paper("NEZHA: Neural", 2019, ["Junqiu Wei"])) == "wei2019nezha"


def test_an_apostrophe_joins_its_word_in_a_key():
    title = "Don't Stop Pretraining: Adapt Language Models to Domains and Tasks"
    assert base_key(paper(title, 2020, ["Suchin Gururangan"])) == "gururangan2020dont"
    assert base_key(paper(title, 2020, [])) == "dont2020stop"
    for apostrophe in ("\u2019", "\u2018", "\u02bc"):  # ’ ‘ ʼ
        typographic = title.replace("'", apostrophe)
        assert base_key(paper(typographic, 2020, ["Suchin Gururangan"])) == "gururangan2020dont"
        assert base_key(paper(typographic, 2020, [])) == "dont2020stop"
    # quotes around a word are not inside it: they still separate words
    assert base_key(paper("'Quoted' ‘Words’ Here", 2020, [])) == "quoted2020words"


def test_a_paper_without_authors_falls_back_to_title_words():
    assert base_key(paper("NEZHA: Neural Contextualized", 2019, [])) == "nezha2019neural"
    assert base_key(paper("The", 2019, [])) == "paper2019"


def test_keys_are_made_unique_with_letter_suffixes():
    taken = {"he2021deberta", "he2021debertaa"}
    assert unique_key(paper(), taken) == "he2021debertab"
    taken |= {f"he2021deberta{c}" for c in "bcdefghijklmnopqrstuvwxyz"}
    assert unique_key(paper(), taken) == "he2021debertaaa"


def test_adding_papers_assigns_unique_keys(empty_library):
    library = Library(empty_library)
    first = library.add(paper())
    second = library.add(paper("DeBERTa Again: A Second Paper"))
    third = library.add(paper("Another DeBERTa"))
    assert first.paper.key == "he2021deberta"
    assert second.paper.key == "he2021debertaa"
    assert third.paper.key == "he2021another"
    assert "key: he2021deberta\n" in (empty_library / first.path).read_text(encoding="utf-8")


def test_cli_add_gives_the_new_note_a_key(empty_library):
    result = run(empty_library, "add", "--year", "2020", "--title", "ALBERT: A Lite BERT", input="")
    assert result.exit_code == 0, result.output
    assert Library(empty_library).find("albert2020lite").paper.year == 2020


def test_a_metadata_change_never_renames_a_key(seed_library):
    library = Library(seed_library)
    note = library.find("he2021deberta")
    changed = library.save(
        note, replace(note.paper, title="Totally New Title", year=2022, authors=("Someone Else",))
    )
    assert changed.paper.key == "he2021deberta"
    updated = library.add(replace(changed.paper, venue="NeurIPS", key=""), update=True)
    assert updated.paper.key == "he2021deberta"
    assert Library(seed_library).find("he2021deberta").paper.venue == "NeurIPS"


def test_key_command_sets_a_key_and_refuses_taken_or_invalid_ones(seed_library):
    assert run(seed_library, "key", "nezha").stdout.strip() == "wei2021nezha"
    taken = run(seed_library, "key", "nezha", "he2021deberta")
    assert taken.exit_code == 1
    assert "already used by 2021/deberta.md" in taken.stderr
    for bad in ("has space", "wei{2021}", "weï2021", "a,b", ""):
        result = run(seed_library, "key", "nezha", bad)
        assert result.exit_code == 1 and "cannot be a citation key" in result.stderr, bad
    assert Library(seed_library).find("nezha").paper.key == "wei2021nezha"
    ok = run(seed_library, "key", "nezha", "NEZHA2019")
    assert ok.exit_code == 0, ok.output
    assert Library(seed_library).find("NEZHA2019").path == "2021/nezha.md"
    assert "@misc{NEZHA2019," in run(seed_library, "export", "--bib", "nezha").stdout


def test_valid_keys_include_dblp_style_ones():
    assert check_key("DBLP:conf/iclr/HeLGC21") is None
    assert check_key("he2021deberta") is None
    assert check_key("x y") is not None
