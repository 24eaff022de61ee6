"""Line diffs of Markdown with the changed words marked, as plain data for a page to escape.

Built with :mod:`difflib`. Lines are compared whole; a changed line is then compared word by
word with the line it replaced, so a one-word edit in a long paragraph shows as that word, not
as the paragraph twice. Bounds keep the work in proportion: lines longer than
:data:`WORD_DIFF_TOKENS` tokens are marked whole rather than compared word by word (a body has
at most a few thousand lines: each line break counts towards its markup bound).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

CONTEXT_LINES = 3
"""Unchanged lines shown around each change."""

WORD_DIFF_TOKENS = 2_000
"""The most words, spaces and signs of two lines compared word by word."""

WORD_DIFF_SIMILARITY = 0.4
"""The share of two lines' text (spaces aside) below which they are marked whole."""

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

LineKind = Literal["same", "removed", "added"]


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class DiffLine:
    """One line: unchanged, removed (numbered in the old text) or added (in the new one)."""

    kind: LineKind
    old_number: int | None
    new_number: int | None
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)


@dataclass(frozen=True)
class BodyHunk:
    """A run of changes with :data:`CONTEXT_LINES` unchanged lines around it."""

    lines: list[DiffLine] = field(default_factory=list)

    @property
    def first_old_line(self) -> int:
        return min((line.old_number for line in self.lines if line.old_number), default=0)

    @property
    def first_new_line(self) -> int:
        return min((line.new_number for line in self.lines if line.new_number), default=0)


def _lines(text: str) -> list[str]:
    return text.splitlines()


def line_changes(before: str, after: str) -> tuple[int, int]:
    """(lines added, lines removed) from ``before`` to ``after``."""
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, _lines(before), _lines(after))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def body_diff(before: str, after: str) -> list[BodyHunk]:
    """The hunks that take ``before`` to ``after``; none when they are the same."""
    if before == after:
        return []
    old, new = _lines(before), _lines(after)
    matcher = difflib.SequenceMatcher(None, old, new)
    hunks = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        hunk = BodyHunk()
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset, text in enumerate(old[i1:i2]):
                    hunk.lines.append(
                        DiffLine("same", i1 + offset + 1, j1 + offset + 1, (Segment(text),))
                    )
                continue
            hunk.lines.extend(_changed_block(old, new, i1, i2, j1, j2))
        hunks.append(hunk)
    return hunks


def _changed_block(old, new, i1, i2, j1, j2) -> list[DiffLine]:
    """Removed lines then added ones; a removed line and the added line in the same place are
    compared word by word."""
    removed = [(Segment(text, True),) for text in old[i1:i2]]
    added = [(Segment(text, True),) for text in new[j1:j2]]
    for k in range(min(len(removed), len(added))):
        removed[k], added[k] = word_diff(old[i1 + k], new[j1 + k])
    return [
        *(DiffLine("removed", i1 + k + 1, None, segments) for k, segments in enumerate(removed)),
        *(DiffLine("added", None, j1 + k + 1, segments) for k, segments in enumerate(added)),
    ]


def word_diff(before: str, after: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The two lines as segments, the words only one of them has marked ``changed``. Lines
    that share less than :data:`WORD_DIFF_SIMILARITY` of their text are marked whole: a
    rewritten sentence reads better struck out than as a sieve of single words."""
    whole = (Segment(before, True),), (Segment(after, True),)
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    if len(old) + len(new) > WORD_DIFF_TOKENS:
        return whole
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    kept = sum(_visible(old[i1:i2]) for tag, i1, i2, _, _ in opcodes if tag == "equal")
    visible = _visible(old) + _visible(new)
    if visible and 2 * kept / visible < WORD_DIFF_SIMILARITY:
        return whole
    old_segments = [Segment("".join(old[i1:i2]), tag != "equal") for tag, i1, i2, _, _ in opcodes]
    new_segments = [Segment("".join(new[j1:j2]), tag != "equal") for tag, _, _, j1, j2 in opcodes]
    return _joined(old_segments), _joined(new_segments)


def _visible(tokens: list[str]) -> int:
    return sum(len(token) for token in tokens if not token.isspace())


def _joined(segments: list[Segment]) -> tuple[Segment, ...]:
    """Empty segments dropped, neighbours marked alike merged, and the spaces between two
    changes marked with them ("<del>a b</del>", not "<del>a</del> <del>b</del>")."""
    segments = [segment for segment in segments if segment.text]
    for k in range(1, len(segments) - 1):
        between = segments[k - 1].changed and segments[k + 1].changed
        if between and not segments[k].changed and segments[k].text.isspace():
            segments[k] = Segment(segments[k].text, True)
    joined: list[Segment] = []
    for segment in segments:
        if joined and joined[-1].changed == segment.changed:
            joined[-1] = Segment(joined[-1].text + segment.text, segment.changed)
        else:
            joined.append(segment)
    return tuple(joined)
