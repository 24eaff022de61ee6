"""Search terms: what a text is made of for the index, the same for a post and for a query.

A term is a word lower-cased, stemmed in the blog's language (``SEARCH_LANGUAGE``, any Snowball
stemmer) and stripped of its accents: "Cafés" and "cafe" are one term. Chinese, Japanese and
Korean text has no spaces between its words, so each of its characters is a term of its own and a
word of several characters is found as a phrase of them.

Terms are computed here, in Python, for every database: the index only stores and matches them,
so the same text finds the same posts on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

TERM_MAX = 60
"""A longer "word" (a hash, a long URL, base64) is not indexed and not searched for."""

_WITHOUT_SPACES = (
    "\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
"""Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Chinese, Japanese;
Korean, whose words carry their particles): each character is a term."""
_ONE_CHARACTER = re.compile(f"[{_WITHOUT_SPACES}]")


def _marks() -> str:
    """Combining marks as a character class: they belong to the word they follow (a Hindi
    vowel sign, a decomposed accent), whatever the letter is."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x20000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"{chr(low)}-{chr(high)}" for low, high in ranges)


_TOKEN = re.compile(
    f"[{_WITHOUT_SPACES}]|[^\\W_{_WITHOUT_SPACES}](?:[^\\W_{_WITHOUT_SPACES}]|[{_marks()}])*"
)
"""One character of a script without spaces, or a word: letters and digits, and the marks
that go with them."""

_NOT_DECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i"}
)


def fold(word: str) -> str:
    """``word`` without accents: "é" → "e", "ø" → "o" (letters Unicode doesn't decompose).
    Only letters and digits are kept, so a term is one word to every database's tokenizer."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_NOT_DECOMPOSED))
    decomposed = decomposed.casefold()  # styled letters decompose to capitals
    return "".join(c for c in decomposed if c.isalnum())


@cache
def _stemmer(language: str):
    import snowballstemmer  # imported here: it loads every language's stemmer (~3 MB)

    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=50_000)
def term(word: str, language: str) -> str:
    """The term of one word (as :func:`tokens` finds them). Words repeat, in a post and across
    posts, so terms are remembered: stemming is most of the cost of indexing.

    A stem that folding changes held letters its stemmer may not know (the English one reads
    "résumé" unlike "resume", and styled or full-width letters as no word): the folded stem is
    stemmed again, so the word is the term its plain spelling is."""
    if _ONE_CHARACTER.fullmatch(word):  # no stem, no accents (バ is not ハ)
        return unicodedata.normalize("NFKC", word) if word.isalnum() else ""
    stemmer = _stemmer(language)
    stem = stemmer.stemWord(word.casefold())
    folded = fold(stem)
    return folded if folded == stem else fold(stemmer.stemWord(folded))


def tokens(text: str) -> Iterator[re.Match]:
    """The words of ``text`` (NFC, as every saved text is), each with its place in it."""
    return _TOKEN.finditer(text)


def terms(text: str, language: str) -> list[str]:
    """The terms of ``text`` in order, one per word; too long words are skipped."""
    words = _TOKEN.findall(unicodedata.normalize("NFC", text))  # strings: faster than matches
    found = [term(word, language) for word in words if len(word) <= TERM_MAX]
    return [found_term for found_term in found if found_term]
