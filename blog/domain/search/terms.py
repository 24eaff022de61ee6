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

import snowballstemmer

TERM_MAX = 60
"""A longer "word" (a hash, a long URL, base64) is not indexed and not searched for."""

_CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
"""One CJK character, or a run of other letters and digits."""

_NOT_DECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i"}
)


def fold(word: str) -> str:
    """``word`` without accents: "é" → "e", "ø" → "o" (letters Unicode doesn't decompose).
    Only letters and digits are kept, so a term is one word to every database's tokenizer."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_NOT_DECOMPOSED)).casefold()
    return "".join(c for c in decomposed if c.isalnum())


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=200_000)
def term(word: str, language: str) -> str:
    """The term of one word (as :func:`tokens` finds them). Words repeat, in a post and across
    posts, so terms are remembered: stemming is most of the cost of indexing.

    A stem that folding changes held letters its stemmer may not know (the English one reads
    "résumé" unlike "resume", and styled or full-width letters as no word): the folded stem is
    stemmed again, so the word is the term its plain spelling is."""
    stemmer = _stemmer(language)
    stem = stemmer.stemWord(word.casefold())
    folded = fold(stem)
    return folded if folded == stem else fold(stemmer.stemWord(folded))


def tokens(text: str) -> Iterator[re.Match]:
    """The words of ``text`` (NFC, as every saved text is), each with its place in it."""
    return _TOKEN.finditer(text)


def terms(text: str, language: str) -> list[str]:
    """The terms of ``text`` in order, one per word; too long words are skipped."""
    words = (match.group() for match in tokens(unicodedata.normalize("NFC", text)))
    found = (term(word, language) for word in words if len(word) <= TERM_MAX)
    return [found_term for found_term in found if found_term]
