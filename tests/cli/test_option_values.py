"""Malformed option values are wrong usage (exit 2, one sentence, no traceback) and write
nothing: empty tags and filters, format specs in ``list --format``, ``set --rating 6``."""

from __future__ import annotations

import pytest

from tests.helpers import folder_bytes, run


def usage_error(result) -> str:
    """The one ``Error:`` sentence of a usage error, after checking it is one."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("tag", ["", "+", "-", " "])
def test_set_with_an_empty_tag_is_a_usage_error_and_writes_nothing(seed_library, tag):
    before = folder_bytes(seed_library)
    error = usage_error(run(seed_library, "set", "deberta", "--tag", tag))
    assert "names no tag" in error
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("list", "--tag", ""), "--tag"),
        (("export", "--bib", "--tag", ""), "--tag"),
        (("set", "--with-tag", "", "--status", "read"), "--with-tag"),
        (("set", "--search", "", "--status", "read"), "--search"),
        (("set", "--search", "  ", "--status", "read"), "--search"),
    ],
)
def test_an_empty_tag_or_search_filter_is_a_usage_error_everywhere(seed_library, args, named):
    before = folder_bytes(seed_library)
    assert named in usage_error(run(seed_library, *args))
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize(
    "template",
    ["{key:>20}", "{key.__class__}", "{key!r}", "{title[0]}", "{key:{title}}", "{year:d}"],
)
def test_list_format_takes_only_plain_fields_and_names_anything_else(seed_library, template):
    result = run(seed_library, "list", "--format", f"x {template}")
    assert template in usage_error(result) and result.stdout == ""


def test_list_format_keeps_plain_fields_and_brace_escapes(seed_library):
    result = run(seed_library, "list", "--year", "2021", "--format", "{{{key}}} {year}")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "{he2021deberta} 2021"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "deberta", "--rating", "6"), "Rating must be 1 to 5"),
        (("set", "deberta", "--rating", "abc"), "Rating must be 1 to 5"),
        (("set", "--year", "abc", "--status", "read"), "not a year"),
        (("publish", "config", "--show", "nosuch"), "'nosuch' is not one of"),
    ],
)
def test_malformed_option_values_exit_2_as_wrong_usage_and_write_nothing(
    seed_library, args, message
):
    before = folder_bytes(seed_library)
    assert message in usage_error(run(seed_library, *args))
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize("seconds", ["nan", "inf"])
def test_a_lock_timeout_option_that_is_not_a_finite_number_is_wrong_usage(seed_library, seconds):
    result = run(seed_library, "--lock-timeout", seconds, "list")
    assert "is not a number of seconds" in usage_error(result)
