"""Line diffs of Markdown with the changed words marked, as plain data for a page to escape.

Built with :mod:`difflib`. Lines are compared whole; a changed line is then compared word by
word with the line it replaced, so a one-word edit in a long paragraph shows as that word, not
as the paragraph twice. Bounds keep the work in proportion: lines longer than
:data:`WORD_DIFF_TOKENS` tokens are marked whole rather than compared word by word.
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
    """The two lines as segments, the words only one of them has marked ``changed``."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    if len(old) + len(new) > WORD_DIFF_TOKENS:
        return (Segment(before, True),), (Segment(after, True),)
    old_segments: list[Segment] = []
    new_segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        _append(old_segments, "".join(old[i1:i2]), changed)
        _append(new_segments, "".join(new[j1:j2]), changed)
    return tuple(old_segments), tuple(new_segments)


def _append(segments: list[Segment], text: str, changed: bool) -> None:
    """Add ``text``, merged into the last segment when that is marked alike."""
    if not text:
        return
    if segments and segments[-1].changed == changed:
        segments[-1] = Segment(segments[-1].text + text, changed)
    else:
        segments.append(Segment(text, changed))
