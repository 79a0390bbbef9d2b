"""Sort keys as bytes (library/byte_keys.py): the bytes sort as the keys do, and are equal
exactly when the keys are, for the kinds of keys the outputs of chosen papers make."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papernotes.library.byte_keys import packed

INTS = st.integers(min_value=-(2**63), max_value=2**63 - 1)
TEXTS = st.text(alphabet=st.characters(blacklist_categories=()), max_size=6) | st.sampled_from(
    ["", "a", "a\x00", "a\x00b", "a\x01", "\x00", "\udc80", "\ud7ff", "\ue000", "蒸馏"]
)
DAYS = st.lists(st.integers(min_value=-60, max_value=-45), max_size=10).map(tuple)
KINDS = [INTS, TEXTS, DAYS, st.booleans()]


@st.composite
def keys_of_one_shape(draw: st.DrawFn) -> list[tuple[object, ...]]:
    """Keys whose elements at each place are of one kind (as Python compares them), each
    as long as it likes (a key that is the start of another)."""
    shape = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4))
    keys = []
    for _ in range(draw(st.integers(min_value=2, max_value=12))):
        length = draw(st.integers(min_value=0, max_value=len(shape)))
        keys.append(tuple(draw(kind) for kind in shape[:length]))
    return keys


@given(keys_of_one_shape())
def test_packed_keys_sort_and_compare_equal_as_the_keys_do(keys):
    by_bytes = sorted(range(len(keys)), key=lambda i: packed(keys[i]))
    assert by_bytes == sorted(range(len(keys)), key=keys.__getitem__)  # stable: ties alike
    for a in keys:
        for b in keys:
            assert (packed(a) == packed(b)) == (a == b)


def test_keys_the_outputs_make_sort_as_tuples():
    keys = [
        (0, "attention is all you need", -2017 * 11 + 3),
        (0, "attention", -2017 * 11 + 3),
        (0, "attention is all you need", -2018 * 11 + 10, "2024-01-01", "bert"),
        (1,),
        (0, (-50, -48, -49)),
        ("Bb2024-01-01", "title", -5),
        ("Bb2024-01-01", "title\x00", -5),
    ]
    same_kinds = [keys[:4], keys[3:5], keys[5:]]
    for group in same_kinds:
        assert sorted(group, key=packed) == sorted(group)


@pytest.mark.parametrize("key", [(1.5,), (None,), (2**63,), (-(2**63) - 1,), ([1],)])
def test_a_key_of_another_kind_or_too_large_a_number_is_refused(key):
    with pytest.raises(TypeError):
        packed(key)
