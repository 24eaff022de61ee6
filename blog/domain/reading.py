"""What a reader gets beside a post's text: its reading time and, for a long post, a table of
contents.

Both come from what is stored, with no column of their own: the reading time from the Markdown
(a split and one regular expression, so a list page can afford it on every card), the table of
contents from the headings' ids and text in the stored HTML (:func:`blog.markdown.headings`).
A post saved before headings had ids gets them, and so a table of contents, from
``flask blog render-posts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from blog.markdown import Heading, headings

WORDS_PER_MINUTE = 230
"""An adult's silent reading speed in English, about; a Chinese or Japanese character counts as a
word (such readers read some 250 characters a minute)."""
_SCRIPTS = (
    "\u3040-\u30ff\u31f0-\u31ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # Chinese characters
    "\uff66-\uff9f"  # half-width kana
)
_CJK_RUN = re.compile(f"[{_SCRIPTS}]+")
"""Runs of Chinese characters and kana: scripts written without spaces between words. Hangul isn't
here: Korean puts spaces between words, which count as in any other script."""
_CJK_TEXT = re.compile(f"[{_SCRIPTS}\u3000-\u303f\uff01-\uff65]+")
"""The same with their punctuation (、。「」 and the full-width forms of ! ? and the like),
which is no word of its own."""

CONTENTS_MIN_HEADINGS = 3
"""A post gets a table of contents from this many headings at the levels it lists..."""
CONTENTS_MIN_WORDS = 400
"""...and this many words: a short post with three headings needs none."""


def word_count(text: str) -> int:
    """Words in ``text``, each Chinese or Japanese character counting as one."""
    runs = _CJK_RUN.findall(text)
    if not runs:
        return len(text.split())
    return len(_CJK_TEXT.sub(" ", text).split()) + sum(map(len, runs))


def reading_minutes(text: str) -> int:
    """Minutes a reader takes over ``text`` ("6 min read"): at least one."""
    return max(1, round(word_count(text) / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class ContentsEntry:
    heading: Heading
    children: list[ContentsEntry] = field(default_factory=list)


def table_of_contents(body: str, body_html: str) -> list[ContentsEntry]:
    """The entries of a long post's table of contents, [] for a short one.

    It lists the headings of the two highest levels the post uses (sections ``##`` and their
    ``###`` in most posts; ``#`` and ``##`` in a post that starts at ``#``), the lower nested
    under the one before it.
    """
    found = [heading for heading in headings(body_html) if heading.text]  # not an image alone
    if not found:
        return []
    top = min(heading.level for heading in found)
    listed = [heading for heading in found if heading.level <= top + 1]
    if len(listed) < CONTENTS_MIN_HEADINGS or word_count(body) < CONTENTS_MIN_WORDS:
        return []
    entries: list[ContentsEntry] = []
    for heading in listed:
        if heading.level > top and entries:
            entries[-1].children.append(ContentsEntry(heading))
        else:
            entries.append(ContentsEntry(heading))
    return entries
