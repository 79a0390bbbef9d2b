"""The forms text is compared in, so that every spelling of a query finds the same notes.

``fold`` gives the compared form: Unicode NFKC (full-width letters, digits and punctuation
become ASCII), case folding, then traditional characters converted to simplified with
OpenCC (``t2s``: many-to-one, so 發 and 髮 both become 发). ``pinyin_form`` spells folded
text as toneless pinyin, every reading of a character with several (heteronyms), for
``library.search``'s pinyin queries. OpenCC and pypinyin are imported on first need only:
``search`` with a warm cache and an ASCII query imports neither.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from itertools import accumulate
from pathlib import Path
from typing import Any

SYLLABLES = frozenset(
    """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bu ca
    cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu
    chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao
    de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er
    fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua
    guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan
    huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan
    kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao
    le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo lv lve
    ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan
    nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nuo nv
    nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian
    qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru
    rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei
    shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun
    suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai
    wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
    ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen
    zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan
    zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
"""Toneless Mandarin syllables (``v`` for ü); interjections such as m, n, ng, hm are left
out, so fewer English words split into pinyin."""

NOT_HAN = "|"
"""A run of characters without a pinyin reading, in a pinyin form."""
HAN = ";"
"""What starts each character's readings in a pinyin form (``;zhang,chang``)."""
MAX_SPLITS = 8


HAN_RANGES = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
FIRST_HAN = "\u3400"
_HAN = f"[{HAN_RANGES}]"
_NOT_HAN_RUN = f"[^{HAN_RANGES}]+"
# Patterns, not compiled ones: ``re`` compiles each on first use (``_HAN`` takes 3 ms, paid
# at every start otherwise) and keeps it.


def _bars(run: re.Match[str]) -> str:
    return NOT_HAN * len(run.group())


def is_han(char: str) -> bool:
    """True for a CJK ideograph (the characters that have a pinyin reading)."""
    code = ord(char[0]) if char else 0
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def has_han(text: str) -> bool:
    if not text or max(text) < FIRST_HAN:  # no character as high as the first ideograph
        return False
    return re.search(_HAN, text) is not None


def width_and_case(text: str) -> str:
    """NFKC then case folding: ``ＢＥＲＴ`` and ``bert`` become the same string."""
    return unicodedata.normalize("NFKC", text).casefold()


def syllable_splits(word: str) -> list[tuple[str, ...]]:
    """Every way ``word`` (lower-case Latin letters) splits completely into pinyin syllables,
    at most ``MAX_SPLITS`` of them; ``xian`` gives ``("xian",)`` and ``("xi", "an")``."""
    ways: list[list[tuple[str, ...]]] = [[] for _ in range(len(word) + 1)]
    ways[len(word)] = [()]
    for start in range(len(word) - 1, -1, -1):
        for end in range(start + 1, min(len(word), start + 6) + 1):
            if word[start:end] in SYLLABLES:
                for rest in ways[end]:
                    ways[start].append((word[start:end], *rest))
                    if len(ways[start]) >= MAX_SPLITS:
                        break
    return ways[0]


def _toneless(reading: str) -> list[str]:
    """``lǜ`` gives ``["lu", "lv"]``: the tone marks dropped, ü typed as u or v."""
    decomposed = unicodedata.normalize("NFD", reading)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [base, base.replace("u", "v")] if "\u0308" in decomposed else [base]


def pinyin_dictionary() -> dict[int, str]:
    """pypinyin's readings by code point (``zhǎng,cháng``), read from its data file: importing
    ``pypinyin`` loads its phrase dictionary too (a third of a second) that is not needed."""
    import json
    from importlib.util import find_spec

    spec = find_spec("pypinyin")
    folders = spec.submodule_search_locations if spec is not None else None
    data = Path(next(iter(folders or []), "")) / "pinyin_dict.json"
    try:
        loaded = json.loads(data.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # packaged differently: the module has the same dict
        from pypinyin.pinyin_dict import pinyin_dict

        return dict(pinyin_dict)
    return {int(code): readings for code, readings in loaded.items()}


class CodeReadings:
    """pypinyin's readings by code point, held compactly: the code points in order in an
    array and every reading in one string (0.7 MB, where the dictionary they are made of
    takes 6 MB: the TUI keeps this for as long as it runs)."""

    def __init__(self, readings: dict[int, str]) -> None:
        codes = sorted(readings)
        self.codes = array("I", codes)
        self.ends = array("I", accumulate(len(readings[code]) for code in codes))
        self.text = "".join(readings[code] for code in codes)

    def get(self, code: int, default: str = "") -> str:
        """The readings of the character ``code`` (``zhǎng,cháng``), ``default`` if none."""
        at = bisect_left(self.codes, code)
        if at == len(self.codes) or self.codes[at] != code:
            return default
        return self.text[self.ends[at - 1] if at else 0 : self.ends[at]]


class TextFolder:
    """Folds text and spells it in pinyin; holds the converter and the readings it loaded,
    so one library (or one cache load) pays for them once."""

    def __init__(self) -> None:
        self._converter: Any = None
        self._dictionary: CodeReadings | None = None
        self._readings: dict[str, str] = {}
        self._table: dict[int, str] = {ord(NOT_HAN): NOT_HAN}
        """``str.translate``'s table: a character to its part of a pinyin form."""
        self._known: set[str] = {NOT_HAN}

    def fold(self, text: str) -> str:
        """The compared form of ``text``: NFKC, case folded, traditional made simplified."""
        folded = width_and_case(text)
        return self.simplified(folded) if has_han(folded) else folded

    def simplified(self, text: str) -> str:
        if self._converter is None:
            import opencc

            self._converter = opencc.OpenCC("t2s")
        converted: str = self._converter.convert(text)
        return converted

    def readings(self, char: str) -> str:
        """``zhang,chang`` for 长: the toneless readings of a character, "" if it has none."""
        found = self._readings.get(char)
        if found is None:
            spelled = self._spellings().get(ord(char), "") if is_han(char) else ""
            words = [t for r in spelled.split(",") if r for t in _toneless(r)]
            found = self._readings[char] = ",".join(dict.fromkeys(words))
            self._table[ord(char)] = HAN + found if found else NOT_HAN
        return found

    def _spellings(self) -> CodeReadings:
        if self._dictionary is None:
            self._dictionary = CodeReadings(pinyin_dictionary())
        return self._dictionary

    def pinyin_form(self, folded: str) -> str:
        """``folded`` as ``;zheng;liu|`` – each character with readings as ``;`` and its
        readings, each run of other characters as one ``|`` (``library.search`` matches it)."""
        han = re.sub(_NOT_HAN_RUN, NOT_HAN, folded)
        for char in set(han) - self._known:
            self.readings(char)
            self._known.add(char)
        return han.translate(self._table).replace(NOT_HAN + NOT_HAN, NOT_HAN)

    def pinyin_spelling(self, folded: str) -> str:
        """``"".join(pinyin_tokens(folded))`` in one go: each character of ``folded`` as one
        token (``;readings`` or ``|``), so a position in it maps back to a character by
        counting the tokens before it. Kept per note (``library.search_forms``): a pinyin
        query matches it and finds the matched characters without spelling a field again."""
        han = re.sub(_NOT_HAN_RUN, _bars, folded)
        for char in set(han) - self._known:
            self.readings(char)
            self._known.add(char)
        return han.translate(self._table)

    def pinyin_tokens(self, folded: str) -> list[str]:
        """One token per character of ``folded`` (``;readings`` or ``|``): positions in the
        joined tokens map back to characters, for showing where a pinyin query matched."""
        tokens = []
        for char in folded:
            spelled = self.readings(char) if is_han(char) else ""
            tokens.append(HAN + spelled if spelled else NOT_HAN)
        return tokens
