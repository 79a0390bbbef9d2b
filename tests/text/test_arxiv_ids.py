"""arXiv ids: every form users paste is understood, and ids no paper can have are refused."""

from __future__ import annotations

import pytest

from papernotes.errors import InvalidInputError
from papernotes.text.arxiv_ids import base_id, parse_arxiv_id
from tests.helpers import folder_bytes, run


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0704.0001", ("0704.0001", 0)),  # the first new-style id
        ("1412.9999v3", ("1412.9999", 3)),  # four digits until December 2014
        ("1501.00001", ("1501.00001", 0)),  # five since January 2015
        ("2006.03654v1", ("2006.03654", 1)),
        ("hep-th/9108001", ("hep-th/9108001", 0)),  # the first old-style month
        ("math.AG/0703999", ("math.AG/0703999", 0)),  # the last
    ],
)
def test_ids_arxiv_can_have_are_accepted(given, expected):
    assert parse_arxiv_id(given) == expected


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("2006.3654", "five digits since 2015"),  # four digits after 2014
        ("1412.12345", "four digits until 2014"),
        ("9912.12345", "began in April 2007"),  # 1999: before the new scheme
        ("0703.0001", "began in April 2007"),
        ("2013.12345", "13 is not a month"),
        ("2000.12345", "00 is not a month"),
        ("2006.03654v0", "versions start at v1"),
        ("2006.00000", "numbers start at 1"),
        ("hep-th/9913001", "13 is not a month"),
        ("hep-th/9012001", "from August 1991 to March 2007"),
        ("cs/0704001", "from August 1991 to March 2007"),
        ("https://arxiv.org/abs/2006.3654", "five digits since 2015"),
    ],
)
def test_ids_that_cannot_exist_are_refused_saying_why(given, why):
    with pytest.raises(InvalidInputError, match="cannot be an arXiv id") as refused:
        parse_arxiv_id(given)
    assert why in str(refused.value)
    assert base_id(given) == ""


def test_add_refuses_an_impossible_id_before_any_request(fake_arxiv, empty_library):
    before = folder_bytes(empty_library)
    result = run(empty_library, "add", "--arxiv", "2006.3654", "--note", "x")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: '2006.3654' cannot be an arXiv id")
    assert fake_arxiv.requests == [] and folder_bytes(empty_library) == before
