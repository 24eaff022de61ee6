"""Showing why a post was found: its words that match, marked, in a short passage.

The markup is built here from escaped text: what an author typed is never HTML in a snippet,
only the ``<mark>`` elements this module adds are.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

from blog.domain.search.query import SearchQuery
from blog.domain.search.terms import TERM_MAX, term, tokens

SNIPPET_WORDS = 30
LEAD_WORDS = 8
"""Words shown before a passage's first match."""


def _hits(text: str, query: SearchQuery, language: str) -> tuple[list, list[bool]]:
    words = list(tokens(text))
    wanted = query.wanted_terms
    found = [len(w.group()) <= TERM_MAX and term(w.group(), language) in wanted for w in words]
    return words, found


def _marked(text: str, words: list, found: list[bool], start: int, end: int) -> Markup:
    """``text[start:end]`` escaped, its matching words in ``<mark>``."""
    parts = []
    position = start
    for word, hit in zip(words, found, strict=True):
        if hit and start <= word.start() and word.end() <= end:
            parts.append(escape(text[position : word.start()]))
            parts.append(Markup("<mark>%s</mark>") % word.group())
            position = word.end()
    parts.append(escape(text[position:end]))
    return Markup("").join(parts)


def highlight(text: str, query: SearchQuery, language: str) -> Markup:
    """All of ``text`` (a title), its matching words marked."""
    text = unicodedata.normalize("NFC", text)
    words, found = _hits(text, query, language)
    return _marked(text, words, found, 0, len(text))


def _best_window(words: list, found: list[bool]) -> tuple[int, int]:
    """Where a run of :data:`SNIPPET_WORDS` words holding the most matches starts, a few words
    before its first match (a passage ending on its only hit says nothing of it) or sooner, so
    it is as long as the text allows, and how many it holds."""
    before = [0]  # before[i]: matches among the first i words
    for hit in found:
        before.append(before[-1] + hit)
    best_start, best = 0, 0
    for index, hit in enumerate(found):
        if not hit:
            continue
        start = max(min(index - LEAD_WORDS, len(words) - SNIPPET_WORDS), 0)
        matches = before[min(start + SNIPPET_WORDS, len(words))] - before[start]
        if matches > best:
            best_start, best = start, matches
    return best_start, best


def snippet(texts: list[str], query: SearchQuery, language: str) -> Markup:
    """A passage of the first of ``texts`` (a post's description, its body's text) that holds
    the most matches, with "…" where it was cut."""
    best: tuple[int, str, list, list[bool], int] | None = None
    for text in texts:
        text = " ".join(unicodedata.normalize("NFC", text).split())
        words, found = _hits(text, query, language)
        if not words:
            continue
        start, matches = _best_window(words, found)
        if best is None or matches > best[0]:
            best = (matches, text, words, found, start)
    if best is None:
        return Markup("")
    _, text, words, found, start = best
    end_word = min(start + SNIPPET_WORDS, len(words)) - 1
    begin = 0 if start == 0 else words[start].start()
    end = len(text) if end_word == len(words) - 1 else words[end_word].end()
    marked = _marked(text, words, found, begin, end)
    before = Markup("…") if begin else Markup("")
    return before + marked + (Markup("…") if end < len(text) else Markup(""))
