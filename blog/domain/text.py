"""Checks shared by every text field that reaches the database."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from blog.domain.errors import ValidationError

# Control characters and lone surrogates (which JSON can carry but UTF-8 can't store).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_EXCEPT_WHITESPACE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[^\S\n]*\n)+")


def clean_text(
    value: Any,
    field: str,
    *,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """A stripped string for ``field`` or a :class:`ValidationError` saying what is wrong.

    A multiline value loses blank lines at the start and whitespace at the end, but keeps the
    indentation of its first line (Markdown reads an indented first line as code). Control
    characters (NUL above all, which PostgreSQL refuses) are rejected rather than stored.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError.single(field, "must be a string")
    value = value.replace("\r\n", "\n")
    value = _LEADING_BLANK_LINES.sub("", value).rstrip() if multiline else value.strip()
    # The length first: the blank check below looks at characters one by one in Python.
    if len(value) > max_length:
        raise ValidationError.single(field, f"is too long (maximum is {max_length} characters)")
    if required and not any(_is_visible(c) for c in value):  # zero-width spaces alone are blank
        raise ValidationError.single(field, "can't be blank")
    if (_CONTROL_EXCEPT_WHITESPACE if multiline else _CONTROL).search(value):
        raise ValidationError.single(field, "contains characters that are not allowed")
    return value


INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def _is_visible(character: str) -> bool:
    """Not a space, a control or a format character (zero-width space, direction marks).

    Unassigned code points count as visible: they are what newer emoji look like to an older
    Unicode database.
    """
    return unicodedata.category(character) not in INVISIBLE_CATEGORIES


def collect(*checks) -> list:
    """Run several field checks and raise one error carrying every field's messages."""
    errors: dict[str, list[str]] = {}
    values = []
    for check in checks:
        try:
            values.append(check())
        except ValidationError as exc:
            for name, messages in exc.errors.items():
                errors.setdefault(name, []).extend(messages)
            values.append(None)
    if errors:
        raise ValidationError(errors)
    return values


MAX_ID = 2**31 - 1


def parse_id(value: Any) -> int | None:
    """A positive row id from a URL or a form, or None (never an error the database would raise)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def has_unstorable_characters(value: str) -> bool:
    """NUL or a lone surrogate: no database or hash function takes them."""
    return bool(_UNSTORABLE.search(value))
