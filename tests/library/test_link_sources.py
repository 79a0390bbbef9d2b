"""Finding the library's web links (``library/link_sources.py``): where a URL ends in prose
and Markdown, and rewriting one without touching its neighbours."""

from __future__ import annotations

from papernotes.library.link_sources import find_urls, replace_urls


def test_a_url_ends_before_markdown_brackets_quotes_and_trailing_punctuation():
    text = (
        "see [code](https://github.com/a/b), https://x.org/p?q=1. "
        '<https://y.org/z> "https://q.org/w" https://en.wikipedia.org/wiki/Foo_(bar)!'
    )
    assert find_urls(text) == [
        "https://github.com/a/b",
        "https://x.org/p?q=1",
        "https://y.org/z",
        "https://q.org/w",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
    ]


def test_a_url_ends_at_chinese_punctuation_and_keeps_its_percent_escapes():
    text = "代码见https://github.com/microsoft/DeBERTa，文档https://a.io/%E4%BA%8C。"
    assert find_urls(text) == ["https://github.com/microsoft/DeBERTa", "https://a.io/%E4%BA%8C"]


def test_only_web_addresses_are_links():
    assert find_urls("ftp://a.org/x file:///etc/passwd javascript:alert(1) http:// x") == []


def test_replacing_a_url_leaves_longer_urls_that_start_with_it_alone():
    text = "old https://a.org/x, longer https://a.org/xy and [again](https://a.org/x)"
    moved = replace_urls(text, {"https://a.org/x": "https://b.org/x"}.get)
    assert moved == ("old https://b.org/x, longer https://a.org/xy and [again](https://b.org/x)")
