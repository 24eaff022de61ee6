"""The checks every text field passes before it reaches the database (blog.domain.text)."""

import pytest

from blog.domain.errors import ValidationError
from blog.domain.text import MAX_ID, clean_text, collect, has_unstorable_characters, parse_id


def error_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.errors


def test_a_single_line_value_is_stripped_at_both_ends():
    assert clean_text("  a title \t", "title", max_length=20) == "a title"


def test_a_multiline_value_loses_leading_blank_lines_and_trailing_space_but_keeps_its_indent():
    text = " \n\t\n    code first\n\nthen words  \n\n"
    assert (
        clean_text(text, "body", max_length=100, multiline=True) == "    code first\n\nthen words"
    )


def test_windows_line_ends_become_newlines():
    assert clean_text("one\r\ntwo\r\n", "body", max_length=20, multiline=True) == "one\ntwo"


def test_a_missing_value_is_blank():
    assert error_of(lambda: clean_text(None, "title", max_length=20)) == {
        "title": ["can't be blank"]
    }


def test_a_missing_optional_value_is_the_empty_string():
    assert clean_text(None, "bio", max_length=20, required=False) == ""


@pytest.mark.parametrize("value", [5, ["a"], {"a": 1}, b"bytes"])
def test_a_value_that_is_not_a_string_says_so(value):
    assert error_of(lambda: clean_text(value, "title", max_length=20)) == {
        "title": ["must be a string"]
    }


@pytest.mark.parametrize("value", ["   ", "\u200b", "\u00a0\u2028\u2029", "\u202e\ufeff"])
def test_spaces_and_invisible_characters_alone_are_blank(value):
    assert error_of(lambda: clean_text(value, "title", max_length=20)) == {
        "title": ["can't be blank"]
    }


def test_the_maximum_length_is_allowed_and_one_more_is_too_long():
    assert clean_text("x" * 5, "title", max_length=5) == "xxxxx"
    assert error_of(lambda: clean_text("x" * 6, "title", max_length=5)) == {
        "title": ["is too long (maximum is 5 characters)"]
    }


def test_the_length_counts_after_stripping():
    assert clean_text("  xxxxx  ", "title", max_length=5) == "xxxxx"


@pytest.mark.parametrize("value", ["a\x00b", "a\x07b", "a\x7fb", "a\x9fb", "a\ud800b"])
def test_control_characters_and_lone_surrogates_are_refused(value):
    for multiline in (False, True):
        assert error_of(
            lambda multiline=multiline: clean_text(
                value, "body", max_length=20, multiline=multiline
            )
        ) == {"body": ["contains characters that are not allowed"]}


def test_a_single_line_value_refuses_line_breaks_and_tabs_inside():
    for value in ("one\ntwo", "one\ttwo", "one\rtwo"):
        assert error_of(lambda value=value: clean_text(value, "title", max_length=20)) == {
            "title": ["contains characters that are not allowed"]
        }


def test_a_multiline_value_keeps_tabs_and_line_breaks_inside():
    assert clean_text("a\tb\nc", "body", max_length=20, multiline=True) == "a\tb\nc"


def test_collect_runs_every_check_and_reports_all_messages_at_once():
    def bad(field, message):
        def check():
            raise ValidationError({field: [message]})

        return check

    errors = error_of(
        lambda: collect(bad("title", "one"), lambda: "fine", bad("title", "two"), bad("body", "x"))
    )
    assert errors == {"title": ["one", "two"], "body": ["x"]}


def test_collect_returns_the_values_in_order_when_all_pass():
    assert collect(lambda: 1, lambda: "two") == [1, "two"]


@pytest.mark.parametrize(
    ("raw", "number"),
    [("1", 1), (7, 7), (" 42 ", 42), (str(MAX_ID), MAX_ID)],
)
def test_parse_id_reads_a_positive_row_id(raw, number):
    assert parse_id(raw) == number


@pytest.mark.parametrize("raw", [None, "", "abc", "1.5", "0", 0, "-3", MAX_ID + 1, [1]])
def test_parse_id_is_none_for_anything_else(raw):
    assert parse_id(raw) is None


def test_max_id_is_the_largest_32_bit_integer():
    assert MAX_ID == 2_147_483_647


@pytest.mark.parametrize(("value", "unstorable"), [("a\x00b", True), ("\udfff", True),
                                                   ("a\x07b", False), ("ok", False)])  # fmt: skip
def test_only_nul_and_lone_surrogates_are_unstorable(value, unstorable):
    assert has_unstorable_characters(value) is unstorable


def test_the_length_is_checked_before_the_characters_are_looked_at_one_by_one():
    """The blank check reads each character in Python: a megabyte of zero-width spaces is
    refused for its length without it."""
    assert error_of(lambda: clean_text("\u200b" * 21, "title", max_length=20)) == {
        "title": ["is too long (maximum is 20 characters)"]
    }
