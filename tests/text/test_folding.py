"""The forms search compares: width and case folding, one script, pinyin with heteronyms."""

from __future__ import annotations

from papernotes.library.search import PinyinPattern, parse_query, pinyin_pattern
from papernotes.text.folding import TextFolder, syllable_splits, width_and_case


def test_full_width_letters_digits_and_punctuation_fold_to_ascii():
    assert width_and_case("ＢＥＲＴ－３（ｖ２）") == "bert-3(v2)"
    assert TextFolder().fold("Ｔｉｎｙ") == "tiny"


def test_traditional_characters_become_simplified_including_many_to_one():
    fold = TextFolder().fold
    assert fold("蒸餾") == fold("蒸馏") == "蒸馏"
    assert fold("發展") == "发展" and fold("頭髮") == "头发"  # 發 and 髮 are both 发
    assert fold("发") == "发"  # simplified stays put: never guessed back to 發 or 髮


def test_pinyin_readings_keep_every_reading_of_a_heteronym():
    folder = TextFolder()
    assert folder.readings("长").split(",") == ["zhang", "chang"]
    assert set(folder.readings("了").split(",")) == {"le", "liao"}
    assert {"lu", "lv"} <= set(folder.readings("绿").split(","))
    assert folder.readings("a") == ""


def test_a_pinyin_word_matches_any_reading_of_each_character_in_a_row():
    folder = TextFolder()
    form = folder.pinyin_form(folder.fold("成长 速度 長城"))
    for word in ("chengzhang", "chengchang", "changcheng", "zhangcheng", "sudu"):
        assert pinyin_pattern(word).search(form), word
    for word in ("zhangsu", "chengsu", "duchang"):  # not adjacent characters
        assert not pinyin_pattern(word).search(form), word


def test_only_words_splitting_completely_into_two_or_more_syllables_are_pinyin():
    assert ("xi", "an") in syllable_splits("xian") and ("xian",) in syllable_splits("xian")
    assert pinyin_pattern("long") is None  # one syllable
    assert pinyin_pattern("bert") is None and pinyin_pattern("distill") is None
    assert pinyin_pattern("zhengliu") is not None
    assert pinyin_pattern("蒸馏") is None and pinyin_pattern("zheng-liu") is None


def test_words_that_are_each_one_syllable_match_as_a_run():
    folder = TextFolder()
    query = parse_query("zheng liu", folder)
    assert isinstance(query.whole, PinyinPattern)
    assert parse_query("zheng bert", folder).whole is None
    assert parse_query("zhengliu", folder, exact=True).uses_pinyin is False


def test_a_syllable_never_matches_the_end_of_a_longer_reading():
    folder = TextFolder()
    assert pinyin_pattern("anquan").search(folder.pinyin_form("现全")) is None  # xian quan
    assert pinyin_pattern("anquan").search(folder.pinyin_form("西安全")) is not None


def test_the_kept_pinyin_spelling_has_one_token_per_character_and_matches_as_the_form_does():
    folder = TextFolder()
    text = folder.fold("ＢＥＲＴ的成长，長城 x\n速度")
    spelling = folder.pinyin_spelling(text)
    assert spelling == "".join(folder.pinyin_tokens(text))
    assert spelling.count(";") + spelling.count("|") == len(text)  # a token per character
    assert spelling.startswith("||||;de,di;cheng;zhang,chang|;zhang,chang;cheng|||;su;")
    form = folder.pinyin_form(text)
    for word in ("chengzhang", "changcheng", "sudu", "decheng", "zhangsu", "chengchang"):
        pattern = pinyin_pattern(word)
        assert (pattern.search(spelling) is None) == (pattern.search(form) is None), word


def test_the_readings_kept_are_pypinyins_for_every_character_in_under_a_megabyte():
    import sys

    from papernotes.text.folding import CodeReadings, pinyin_dictionary

    dictionary = pinyin_dictionary()
    kept = CodeReadings(dictionary)
    assert all(kept.get(code) == readings for code, readings in dictionary.items())
    assert kept.get(ord("A")) == "" and kept.get(0) == "" and kept.get(0x10FFFF, "-") == "-"
    held = sum(map(sys.getsizeof, (kept, kept.codes, kept.ends, kept.text)))
    assert held < 1_000_000  # the dictionary itself: 6 MB of keys and strings
    assert TextFolder()._spellings().get(ord("长")) == dictionary[ord("长")]
