"""What a reader typed in the search box, read the way PostgreSQL's ``websearch_to_tsquery``
reads it, on every database.

- words: every one must be there (``flask tips``);
- ``"an exact phrase"``: the words one after the other;
- ``-word`` or ``-"a phrase"``: posts with it are left out;
- ``or`` between two words or phrases: either will do (``flask or django tips`` is
  ``(flask or django) and tips``).

Anything else is a separator, so nothing a reader types is an error: an unbalanced quote runs to
the end, a lone ``-`` or ``or`` is dropped, ``*``, ``NEAR(``, ``AND`` or SQL are words or nothing.
A query that excludes without asking for anything finds nothing (it would be every post).
Reading is linear in the text and bounded: past :data:`QUERY_MAX` characters and
:data:`CLAUSES_MAX` words or phrases the rest is ignored.
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
class SearchQuery:
    """Every group of :attr:`wanted` must match (each by any one of its clauses), and no clause
    of :attr:`excluded` may. Empty (:attr:`is_empty`) when nothing is wanted: it finds nothing."""

    text: str
    wanted: tuple[tuple[Clause, ...], ...]
    excluded: tuple[Clause, ...]

    @property
    def is_empty(self) -> bool:
        return not self.wanted

    @property
    def wanted_terms(self) -> frozenset[str]:
        """Every term asked for: what a snippet highlights."""
        return frozenset(t for group in self.wanted for clause in group for t in clause.terms)


def parse(text: str, language: str) -> SearchQuery:
    text = printable(text[:QUERY_MAX])
    wanted: list[list[Clause]] = []
    excluded: list[Clause] = []
    join_next = False
    last_wanted = False  # whether the clause before was a wanted one: what ``or`` joins to
    clauses = 0
    for match in _PIECE.finditer(text):
        if clauses == CLAUSES_MAX:
            break
        minus, phrase, word_minus, word = match.groups()
        raw, negated = (phrase, minus) if word is None else (word, word_minus)
        if word is not None and word.lower() == "or" and not negated:
            join_next = last_wanted
            continue
        found = terms(raw, language)
        if not found:
            continue
        clauses += 1
        clause = Clause(tuple(found))
        if negated:
            excluded.append(clause)
        elif join_next:
            wanted[-1].append(clause)
        else:
            wanted.append([clause])
        join_next, last_wanted = False, not negated
    return SearchQuery(text, tuple(tuple(group) for group in wanted), tuple(excluded))
