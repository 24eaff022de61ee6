"""What a hostile or careless client sends: the values the hostile-input suite draws from.

Text from anywhere in Unicode (control characters, NUL, right-to-left marks, combining marks,
astral planes; never a lone surrogate, which no client can encode), the strings known to break
code that trusts its input (SQL, template and format syntax, path traversal, header and log
injection, numbers past every bound, URLs of every scheme), and, for JSON, every JSON type where
a string was asked for, nested deep.
"""

from __future__ import annotations

from hypothesis import strategies as st

KNOWN_BAD = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t\n\x0b\x0c\r",
    "\u202eevil",
    "\u200b\u200c\u200d\ufeff",
    "e" + "\u0301" * 500,
    "\U0001d573\U0001d594\U0001d598 \U0001f9e8",  # astral letters, an emoji
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "%",
    "%%",
    "%s%s%s%n",
    "{0}{1}{}",
    "{{7*7}}",
    "{% raw %}",
    "${jndi:ldap://127.0.0.1/x}",
    "../../../../etc/passwd",
    "..\\..\\windows",
    "%2e%2e%2f",
    "%00",
    "/",
    "//127.0.0.1",
    "\\\\127.0.0.1",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://[::1",
    "http://127.0.0.1:99999/",
    "https://example.com/" + "a" * 5000,
    "<script>alert(1)</script>",
    "]]><!--",
    "@",
    "@@@",
    "-1",
    "0",
    "-0",
    "1e999",
    "NaN",
    "Infinity",
    "9" * 40,
    "0x7fffffff",
    "2030-02-30T25:61:61Z",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00Z",
    "true",
    "null",
    "[]",
    "{}",
    "x" * 100_000,
    "word " * 20_000,
)

unicode_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)), max_size=300
)  # every code point a client can encode
known_bad = st.sampled_from(KNOWN_BAD)
hostile_text = st.one_of(
    known_bad,
    unicode_text,
    st.builds("".join, st.lists(known_bad | unicode_text, min_size=2, max_size=4)),
)
"""A string field's value: a known breaker, any text, or a few of either run together."""

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
hostile_json = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=12,
)
"""Anything JSON holds: where a string was asked for, a number, a list, an object, null."""


very_deep_bodies = st.sampled_from(
    [
        b"[" * 64 + b"]" * 64,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    ]
)
"""JSON nested deeper than any parser's recursion: it must be refused, not fall over."""
