"""The link destinations of a Markdown body, found where the source spells them, so an export
can point them elsewhere and leave every other character as the author wrote it.

A destination is the address of an inline image or link (``![alt](url "title")``,
``[text](<url>)``), of a reference definition (``[id]: url``) or of an ``src``/``href``
attribute of raw HTML (``<img src="url">``). Addresses inside code (fenced or indented blocks,
code spans) are examples, not links: they are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt

DESTINATION = re.compile(
    r"""(?P<lead>
        \]\(\s*<?                                          # ![alt](url  [text](<url>
      | ^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?                      # [id]: url
      | <(?:img|a|source)\b[^>]*?\s(?:src|href)\s*=\s*["']?  # <img src="url">
    )
    (?P<url>[^\s()<>"']+)""",
    re.VERBOSE | re.MULTILINE | re.IGNORECASE,
)
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)
"""A code span: backticks, then text with no blank line (a span never leaves its paragraph),
then as many backticks."""
CODE_BLOCKS = ("fence", "code_block")

_block_parser = MarkdownIt("commonmark")


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds code: its code blocks (as CommonMark reads its blocks), then the
    code spans of the rest."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    blocks = [
        (starts[token.map[0]], starts[min(token.map[1], len(starts) - 1)])
        for token in _block_parser.parse(text)
        if token.type in CODE_BLOCKS and token.map
    ]
    spans = [match.span() for match in CODE_SPAN.finditer(text)]
    outside = [span for span in spans if not any(a <= span[0] < b for a, b in blocks)]
    return blocks + outside


def replace_destinations(text: str, replacement: Callable[[str], str | None]) -> str:
    """``text`` with each destination outside code given to ``replacement``, which answers
    the address to write instead, or None to keep it."""
    matches = list(DESTINATION.finditer(text))
    if not matches:
        return text
    code = _code_ranges(text)
    pieces, written_up_to = [], 0
    for match in matches:
        start = match.start("url")
        if any(a <= start < b for a, b in code):
            continue
        new = replacement(match["url"])
        if new is None:
            continue
        pieces += [text[written_up_to:start], new]
        written_up_to = match.end("url")
    return "".join(pieces) + text[written_up_to:]
