"""search and list --tag on the shipped library: every spelling of a Chinese query finds the
same papers (traditional, simplified, full-width, pinyin), and the match is shown."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

from tests.helpers import run


def keys(root, *args: str) -> list[str]:
    result = run(root, *args, "--json")
    assert result.exit_code == 0, result.output
    return [paper["key"] for paper in json.loads(result.stdout)]


DISTILLATION = ["zhang2021mengzi", "lan2020albert", "jiao2020tinybert"]


def test_traditional_characters_find_the_papers_the_simplified_ones_find(seed_library):
    assert keys(seed_library, "search", "蒸馏") == DISTILLATION
    assert keys(seed_library, "search", "蒸餾") == DISTILLATION


def test_full_width_letters_find_what_ascii_letters_find(seed_library):
    bert = keys(seed_library, "search", "BERT")
    assert len(bert) >= 3
    assert keys(seed_library, "search", "ＢＥＲＴ") == bert
    assert keys(seed_library, "search", "Ｔｉｎｙ") == ["jiao2020tinybert"]


def test_pinyin_of_two_syllables_finds_the_chinese_it_spells(seed_library):
    assert keys(seed_library, "search", "zhengliu") == DISTILLATION
    assert keys(seed_library, "search", "ZhengLiu") == DISTILLATION
    assert keys(seed_library, "search", "tuilisudu") == ["jiao2020tinybert"]


def test_one_syllable_stays_plain_text_so_long_does_not_find_dragons(seed_library):
    run(seed_library, "add", "--year", "2022", "--title", "Dragon paper", "--note", "中国龙的研究")
    found = keys(seed_library, "search", "long")
    assert found == ["zhang2021mengzi"]  # Yulong Wang, by text only
    assert keys(seed_library, "search", "zhongguolong") != []  # three syllables do reach 龙


def test_exact_turns_folding_conversion_and_pinyin_off(seed_library):
    assert keys(seed_library, "search", "--exact", "蒸馏") == DISTILLATION
    assert keys(seed_library, "search", "--exact", "bert") == keys(seed_library, "search", "bert")
    for query in ("蒸餾", "ＢＥＲＴ", "zhengliu"):
        result = run(seed_library, "search", "--exact", query)
        assert result.exit_code == 1 and "No paper matches" in result.stderr


def test_search_shows_the_matched_chinese_passage_even_for_pinyin_and_traditional(seed_library):
    for query in ("zhengliu", "蒸餾", "蒸馏"):
        lines = run(seed_library, "search", query).stdout.splitlines()
        assert lines[1].split() == [
            "notes[4]:",
            "微调:",
            "知识【蒸馏】、迁移学习、choice",
            "smoothing、对…",
        ]
    wide = run(seed_library, "search", "Ｔｉｎｙ").stdout.splitlines()
    assert wide[1].strip().startswith("title: 【Tiny】BERT: Distilling")


def test_search_json_gives_the_matched_field_and_span(seed_library):
    found = json.loads(run(seed_library, "search", "tuilisudu", "--json").stdout)
    match = found[0]["match"]
    assert (match["field"], match["index"]) == ("notes", 3)
    assert match["text"] == found[0]["notes"][3]
    assert match["text"][match["start"] : match["end"]] == "推理速度"
    title = json.loads(run(seed_library, "search", "ｔｉｎｙｂｅｒｔ", "--json").stdout)[0]["match"]
    assert (title["field"], title["index"], title["start"], title["end"]) == ("title", None, 0, 8)


def test_list_tag_matches_a_tag_in_the_other_script_or_width(seed_library):
    run(seed_library, "add", "--year", "2022", "--title", "Tagged", "--tag", "蒸馏")
    run(seed_library, "add", "--year", "2022", "--title", "Wide", "--tag", "ＢＥＲＴ")
    assert [
        p["title"] for p in json.loads(run(seed_library, "list", "--tag", "蒸餾", "--json").stdout)
    ] == ["Tagged"]
    assert "Wide" in run(seed_library, "list", "--tag", "bert").stdout


def _one_gigabyte_at_most() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


@pytest.mark.parametrize(
    "query",
    ["a " * 50_000, "zhengliu" * 12_800, "zheng " * 20_000],
    ids=["50000-one-syllable-words", "a-100-kB-pinyin-word", "20000-syllables"],
)
def test_a_huge_query_is_searched_in_bounded_time_and_memory(seed_library, query):
    """Pinyin splits grow exponentially with a word's length: a long word or run of words
    is matched as text only, so 100 kB of query stays within 1 GB and a minute."""
    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(seed_library), "search", query],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_one_gigabyte_at_most,
        check=False,
    )
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr[-500:]
    assert run(seed_library, "search", "zheng liu").exit_code == 0  # short runs still pinyin


def test_search_into_a_closed_pipe_stops_quietly(seed_library):
    """``papernotes search … | head -1``: no 'Broken pipe' error once the reader is gone."""
    for index in range(300):  # more output than a pipe holds
        (seed_library / "2021" / f"filler{index}.md").write_text(
            f"---\ntitle: Filler {index} 蒸馏\nyear: 2021\n---\n1. 蒸馏 {index}\n", encoding="utf-8"
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "papernotes", "--notes", str(seed_library), "search", "蒸馏"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read()
    # quiet either way: 141 (as if killed by SIGPIPE) or 0 where click's flush absorbed it
    assert process.wait(timeout=60) in (0, 141) and error == b""
