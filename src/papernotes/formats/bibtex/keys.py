"""Citation keys like ``he2021deberta``: first author's family name, year, first title word.

Keys are lower-case ASCII letters and digits. Chinese names and titles are transliterated with
pypinyin (imported only when a key needs it). A paper without authors gets its first two
significant title words around the year (``nezha2021neural``). ``unique_key`` appends ``a``,
``b``, … until the key is free. Keys are computed once and stored; nothing here renames one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from papernotes.model import Paper

# A key a user sets: ASCII letters/digits first, then also - _ : . + / (DBLP keys have : and /).
VALID_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+/-]*$")
MAX_KEY_CHARS = 64


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """a an the on of in for to and or with without towards toward via is are be do does how
    what why when where which who can we our you your from by at as into onto over under using
    beyond through not no its it this that these those than vs versus about all any some"""
)
PARTICLES = _words("von van de der den del della di da dos das du le la el al bin ten ter zu")
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Surnames whose usual pinyin differs from the character's most common reading.
SURNAME_PINYIN = {
    "单于": "chanyu",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "长孙": "zhangsun",
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "乐": "yue",
    "缪": "miao",
    "盖": "ge",
    "覃": "qin",
    "翟": "zhai",
    "召": "shao",
    "秘": "bi",
    "员": "yun",
    "黑": "he",
    "重": "chong",
    "宿": "su",
}
COMPOUND_SURNAMES = _words(
    """欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫
    西门 万俟 单于 呼延 轩辕 闻人 澹台 公冶 太史 申屠 钟离"""
)

# Patterns, not compiled ones: ``re`` compiles each on first use, for text that is not ASCII
# (each takes 2 to 4 ms to compile, a share of a ``show`` or an export that never needs it).
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_FIRST_HAN = "\u3400"
# Han, kana and Hangul letters (and 々 〆 〇): the scripts that write a name without a space.
_CJK = (
    "[\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_WORD = re.compile(r"[^\W_]+")
# An apostrophe inside a word joins it: "Don't" is one word, "dont".
_INNER_APOSTROPHE = re.compile("(?<=[^\\W_])['\u2018\u2019\u02bc](?=[^\\W_])")
_BRACES = re.compile(r"[{}]")


def has_han(text: str) -> bool:
    if not text or max(text) < _FIRST_HAN:  # no character as high as the first ideograph
        return False
    return re.search(_HAN, text) is not None


def is_cjk_name(name: str) -> bool:
    """A name in Chinese, Japanese or Korean script (魏俊秋, 山田太郎, 김연아, also 山田 太郎):
    family name first, so one unit, printed exactly as written, never as "given family"."""
    if name.isascii():  # most names: no CJK character to look for
        return False
    words = name.split()
    return bool(words) and "," not in name and all(_is_cjk_word(word) for word in words)


def _is_cjk_word(word: str) -> bool:
    cjk = re.compile(_CJK)  # from re's cache after the first time
    return bool(cjk.search(word)) and all(cjk.match(c) for c in word if c.isalpha())


def to_ascii(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``: accents dropped, Chinese as pinyin."""
    if has_han(text):
        from pypinyin import lazy_pinyin

        text = "".join(lazy_pinyin(text, errors="ignore"))
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o"))
    return "".join(c for c in folded.lower() if c.isascii() and c.isalnum())


def split_name(name: str) -> tuple[str, str, str]:
    """``(family, given, suffix)`` of an author written ``First Last`` or ``Last, First``.

    Particles (van, de, …) belong to the family name; a Chinese name in Han characters is
    family-first with no space (魏俊秋 -> 魏, 俊秋; compound surnames like 欧阳 kept whole): the
    split gives the key its pinyin, the name itself stays one unit (``is_cjk_name``).
    A name wrapped in braces (``{Google Research}``) is a corporate name, all family.
    """
    name = " ".join(name.split())
    if name.startswith("{") and name.endswith("}"):
        return name, "", ""
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        if len(parts) >= 3:
            return parts[0], ", ".join(parts[2:]), parts[1]
        return parts[0], parts[1], ""
    if has_han(name) and " " not in name:
        size = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
        return name[:size], name[size:], ""
    words = name.split()
    suffix = ""
    if len(words) > 1 and words[-1].casefold() in SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return words[0], "", suffix
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in PARTICLES:
        start -= 1
    if start == 1 and words[0].casefold() in PARTICLES:
        start = 0  # "van Gogh" alone: all family
    return " ".join(words[start:]), " ".join(words[:start]), suffix


def family_word(name: str) -> str:
    """The key part of an author: the family name without particles, as ASCII."""
    family = _BRACES.sub("", split_name(name)[0])
    if has_han(family):
        for surname, pinyin in SURNAME_PINYIN.items():
            if family == surname:
                return pinyin
    words = [w for w in family.split() if w.casefold() not in PARTICLES] or family.split()
    return to_ascii("".join(words))


def title_words(title: str, limit: int | None = None) -> list[str]:
    """Significant title words as ASCII: stopwords and bare numbers skipped; Chinese as pinyin.

    With ``limit``, only the first ``limit`` of them (the rest are not transliterated)."""
    words: list[str] = []
    for word in _WORD.findall(_INNER_APOSTROPHE.sub("", _BRACES.sub("", title))):
        if len(words) == limit:
            break
        if has_han(word):
            # A Chinese title has no spaces: its first two characters make one word.
            han = "".join(re.findall(_HAN, word))
            word = to_ascii(han[:2])
        else:
            word = to_ascii(word)
        if word and not word.isdigit() and word not in STOPWORDS:
            words.append(word)
    return words


def base_key(paper: Paper) -> str:
    """The key the scheme gives ``paper`` before any uniqueness suffix."""
    words = title_words(paper.title, 2) or title_words(paper.arxiv_title, 2)
    family = family_word(paper.authors[0]) if paper.authors else ""
    year = str(paper.year)
    if family:
        key = f"{family}{year}{words[0] if words else ''}"
    elif words:
        key = f"{words[0]}{year}{words[1] if len(words) > 1 else ''}"
    else:
        key = f"paper{year}"
    return key[:MAX_KEY_CHARS]


def unique_key(paper: Paper, taken: Container[str]) -> str:
    """``base_key(paper)``, with ``a``, ``b``, … ``z``, ``aa``… appended until it is not taken.

    ``taken`` holds keys folded with ``str.casefold``.
    """
    base = base_key(paper)
    if base.casefold() not in taken:
        return base
    n = 0
    while True:
        key = base + _letters(n)
        if key.casefold() not in taken:
            return key
        n += 1


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, …"""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def check_key(key: str) -> str | None:
    """Why ``key`` cannot be a citation key, or None when it can."""
    if not key:
        return "a key cannot be empty"
    if len(key) > MAX_KEY_CHARS:
        return f"a key has at most {MAX_KEY_CHARS} characters"
    if not VALID_KEY.match(key):
        return (
            "a key starts with an ASCII letter or digit and contains only letters, digits "
            "and - _ : . + / (no spaces, braces, commas or accents)"
        )
    return None


def identifier_problems(paper: Paper) -> list[tuple[str, str]]:
    """Why a note's ``key`` or ``arxiv`` cannot go into a .bib, as ``(field, message)`` pairs.

    A missing key is not a problem (``export --bib`` assigns one); an arXiv id must be
    stored as a base id (``2006.03654``, ``hep-th/9901001``).
    """
    return key_and_arxiv_problems(paper.key, paper.arxiv)


def key_and_arxiv_problems(key: str, arxiv: str) -> list[tuple[str, str]]:
    """``identifier_problems`` of a paper whose key and arXiv id are these."""
    from papernotes.text.arxiv_ids import base_id

    problems = []
    reason = check_key(key) if key else None
    if reason:
        problems.append(("key", f"key {key!r} is not a valid citation key: {reason}"))
    if arxiv and base_id(arxiv) != arxiv:
        base = base_id(arxiv)
        if base:
            message = f"arxiv {arxiv!r} should be the base id {base!r}"
        else:
            message = f"arxiv {arxiv!r} is not an arXiv id (like 2006.03654 or hep-th/9901001)"
        problems.append(("arxiv", message))
    return problems
