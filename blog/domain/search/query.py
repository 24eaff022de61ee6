"""What a reader typed in the search box, read the way PostgreSQL's ``websearch_to_tsquery``
reads it, on every database.

- words: every one must be there (``flask tips``);
- ``"an exact phrase"``: the words one after the other;
- ``-word`` or ``-"a phrase"``: posts with it are left out;
- ``or`` between two words or phrases: either side will do, and it parts the query, as
  PostgreSQL's does: ``flask tips or django`` is ``(flask and tips) or django``, and
  ``flask -django or pyramid`` is ``(flask and not django) or pyramid``.

Anything else is a separator, so nothing a reader types is an error: an unbalanced quote runs to
the end, a lone ``-`` and an ``or`` with nothing on one side are dropped (PostgreSQL reads these
as the word "or" or a minus before the next word), ``*``, ``NEAR(``, ``AND`` or SQL are words or
nothing, and NUL or control characters are spaces. A part that only excludes finds nothing (it
would be nearly every post): ``-flask`` alone is an empty query. Reading is linear in the text
and bounded: past :data:`QUERY_MAX` characters and :data:`CLAUSES_MAX` words or phrases the rest
is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blog.domain.search.terms import terms

QUERY_MAX = 1_000
CLAUSES_MAX = 32

_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]+")


def printable(text: str) -> str:
    """What a reader typed, as a page can show it and as it is read: NUL, control characters
    and lone surrogates are spaces (so ``\x00-word`` excludes ``word`` as ``-word`` does)."""
    return _UNPRINTABLE.sub(" ", text).strip()


@dataclass(frozen=True)
class Clause:
    """A word (one term) or a phrase (several, in order)."""

    terms: tuple[str, ...]


@dataclass(frozen=True)
class Conjunction:
    """Every clause of :attr:`wanted` (at least one) and none of :attr:`excluded`."""

    wanted: tuple[Clause, ...]
    excluded: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class SearchQuery:
    """A post matches when it matches any of :attr:`alternatives` (the parts ``or`` made).
    Empty (:attr:`is_empty`) when nothing is wanted: it finds nothing."""

    text: str
    alternatives: tuple[Conjunction, ...]

    @property
    def is_empty(self) -> bool:
        return not self.alternatives

    @property
    def wanted_terms(self) -> frozenset[str]:
        """Every term asked for: what a snippet highlights."""
        return frozenset(
            found
            for alternative in self.alternatives
            for clause in alternative.wanted
            for found in clause.terms
        )


def parse(text: str, language: str) -> SearchQuery:
    text = printable(text[:QUERY_MAX])
    alternatives: list[Conjunction] = []
    wanted: list[Clause] = []
    excluded: list[Clause] = []
    or_pending = False

    def close() -> None:
        if wanted:  # a part that only excludes is dropped
            alternatives.append(Conjunction(tuple(wanted), tuple(excluded)))
        wanted.clear()
        excluded.clear()

    clauses = 0
    for match in _PIECE.finditer(text):
        if clauses == CLAUSES_MAX:
            break
        minus, phrase, word_minus, word = match.groups()
        raw, negated = (phrase, minus) if word is None else (word, word_minus)
        if word is not None and word.lower() == "or" and not negated:
            or_pending = bool(wanted or excluded)
            continue
        found = terms(raw, language)
        if not found:
            continue
        clauses += 1
        if or_pending:
            close()
            or_pending = False
        (excluded if negated else wanted).append(Clause(tuple(found)))
    close()
    return SearchQuery(text, tuple(alternatives))
