"""Kept files read in pieces (storage/checked_file.py): many pieces read at once in C
(``read_spans``, the texts of ``queue --json`` and sorted ``list --json``) are the pieces
``CheckedSpan.read`` gives one at a time, and fail as it fails."""

from __future__ import annotations

import os

import pytest

from papernotes.storage.checked_file import open_checked, read_spans, write_checked

HEAD = b"papernotes test file\n"


def spans(tmp_path, texts: list[bytes]):
    """Each text in a checked file of its own, held open."""
    opened = []
    for n, text in enumerate(texts):
        path = tmp_path / f"kept{n}"
        assert write_checked(path, HEAD, b"lead" + text)
        span = open_checked(path, HEAD, b"lead", len(text))
        assert span is not None
        opened.append(span)
    return opened


def test_many_pieces_read_at_once_are_those_read_one_at_a_time(tmp_path):
    first, second = spans(tmp_path, [b"0123456789", "ünïcode text".encode()])
    places = [(second, 0, 5), (first, 2, 4), (first, 0, 10), (second, 3, 3), (first, 9, 10)]
    chosen, starts, ends = (list(part) for part in zip(*places, strict=True))
    assert read_spans(chosen, starts, ends) == [s.read(a, b) for s, a, b in places]
    assert read_spans([], [], []) == []


@pytest.mark.parametrize("start, end", [(-1, 2), (3, 2), (5, 11)])
def test_a_piece_outside_its_span_fails_as_one_read_alone(tmp_path, start, end):
    (span,) = spans(tmp_path, [b"0123456789"])
    with pytest.raises(OSError):
        span.read(start, end)
    with pytest.raises(OSError):
        read_spans([span, span], [0, start], [1, end])


def test_a_file_cut_short_or_closed_fails_as_one_read_alone(tmp_path):
    short, closed = spans(tmp_path, [b"0123456789", b"abc"])
    os.truncate(tmp_path / "kept0", os.stat(tmp_path / "kept0").st_size - 3)
    closed.close()
    for span, place in ((short, (5, 10)), (closed, (0, 3))):
        with pytest.raises(OSError):
            span.read(*place)
        with pytest.raises(OSError):
            read_spans([span], [place[0]], [place[1]])
    assert read_spans([short], [0], [7]) == [b"0123456"]
