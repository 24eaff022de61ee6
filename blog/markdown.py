"""Markdown to safe HTML.

markdown-it-py renders CommonMark with raw HTML switched off; nh3 then keeps only an allow-list of
tags and attributes, drops ``javascript:``/``data:`` URLs and marks every link
``rel="nofollow noopener"``. The HTML is stored with the post, so this runs on write, not on read.

Fenced code in a language Pygments knows (```` ```python ````) is highlighted here too: spans
with Pygments' short token classes (``k``, ``s2``...), the only classes a ``span`` may keep,
coloured by ``static/css/code.css`` (``scripts/code-css`` writes it). Readers need no script.

Every heading of a post gets an id made from its text (:func:`heading_id`), so a section can be
linked, and a "#" link to itself just after it, both inside a ``<div class="heading">``. The link
is a sibling, not a child, so the heading's accessible name stays its text; it has no text of its
own (the "#" is drawn by CSS and its name is its ``aria-label``), so feeds, search and snippets
don't read it. :func:`headings` reads them back from the stored HTML for a table of contents.
"""

from __future__ import annotations

import html
import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# markdown-it-py, nh3 and Pygments are imported by the functions that render: the HTML is
# stored, so a worker that only serves pages never loads them.

POST_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul", "span", "div",
    }
)  # fmt: skip
COMMENT_TAGS = frozenset(
    {
        "a", "blockquote", "br", "code", "del", "em", "li", "ol", "p", "pre", "s", "strong", "ul",
        "span",
    }
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
POST_ATTRIBUTES = {**ATTRIBUTES, "a": {"href", "title", "aria-label"}}
"""A post's links may also carry the ``aria-label`` of a heading's "#" link."""
POST_CLASSES = {"div": {"heading"}, "a": {"heading-anchor"}}
"""Classes only the heading rule writes (raw HTML is off, so no one else can)."""
URL_SCHEMES = frozenset({"http", "https", "mailto"})

HIGHLIGHTED_LANGUAGES = frozenset(
    {
        "bash", "c", "clojure", "console", "cpp", "csharp", "css", "dart", "diff", "django",
        "docker", "elixir", "erlang", "fsharp", "go", "graphql", "groovy", "haskell", "html",
        "ini", "java", "javascript", "json", "jsx", "julia", "kotlin", "lua", "nginx", "ocaml",
        "perl", "php", "postgresql", "powershell", "protobuf", "python", "ruby", "rust", "scala",
        "scss", "splus", "sql", "swift", "tex", "toml", "tsx", "typescript", "vim", "xml",
        "yaml", "zig",
    }
)  # fmt: skip
"""Languages whose code is highlighted (by their Pygments name; any alias of it will do:
``py``, ``js``, ``sh``, ``yml``...). Some of Pygments' 500 lexers take seconds on a few
thousand hostile characters; these were each fed patterns meant to make them backtrack and
stayed linear or close, within the bounds below."""
BLOCK_HIGHLIGHT_MAX = 5_000
"""A longer block is shown as plain code: a lexer's worst case grows faster than its input."""
BODY_HIGHLIGHT_MAX = 20_000
"""Characters of code highlighted in one body, all blocks together; the rest is plain."""
_highlight_budget: ContextVar[list[int]] = ContextVar("highlight_budget")

MARKUP_CHARACTERS = "!#$%&*+-:<=>@[\\]^_`{}~|()"
"""Where markdown-it's inline rules start to look (its own stop characters, table pipes and link
parentheses). Rendering is linear, but each of these can cost up to a few hundred times a plain
letter: 100,000 characters of ``![`` took seconds, the same length of prose milliseconds."""
LINE_BREAK_WEIGHT = 3  # a line costs about three markup characters: every block rule tries it
MARKUP_MAX = 10_000
"""The most markup a post body may hold (:func:`markup_weight`). The worst body it lets through
renders in about a tenth of the time those 100,000 characters of ``![`` took; a post of ordinary
prose and code stays well below it (this project's documentation has about 12,000 in 100,000
characters)."""


def markup_weight(text: str) -> int:
    """How much work rendering ``text`` takes, in markup characters; a few passes of
    ``str.count``, so it is cheap to ask before rendering."""
    return sum(map(text.count, MARKUP_CHARACTERS)) + LINE_BREAK_WEIGHT * text.count("\n")


def _align_attribute(state) -> None:
    """Table cells: markdown-it writes ``style="text-align:x"``, which the sanitiser drops (no
    inline styles), so say it with the ``align`` attribute instead."""
    for token in state.tokens:
        style = token.attrs.get("style", "") if token.attrs else ""
        if token.type in ("th_open", "td_open") and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrs["align"] = style.removeprefix("text-align:")


HEADING_ID_PREFIX = "h-"
"""Every heading id starts with it, so none can be one of the page's own ids (``content``,
``comments``...), whatever the heading says."""
HEADING_ID_MAX = 80
"""Characters of a heading's text an id keeps (before the prefix and a ``-2`` suffix)."""
HEADING_ID_FALLBACK = "section"
"""The id of a heading with text but nothing an id keeps (only emoji or punctuation, say)."""
_DASHES = re.compile(r"[\s\-]+")
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def heading_id(text: str) -> str:
    """The id part a heading's text gives (without prefix or suffix): lower case, letters, marks
    and digits of any script, ``_``, words joined by ``-``; "" when nothing is left. Stable: the
    same text gives the same id on every render, with any version of the libraries."""
    text = unicodedata.normalize("NFKC", text[: HEADING_ID_MAX * 4]).casefold()
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" or c == "_" else " " for c in text)
    return _DASHES.sub("-", kept[:HEADING_ID_MAX].strip()).strip("-")


def _plain(token: Token) -> str:
    """The text an inline token shows: its text and code, images' alt text, breaks as spaces."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain(child))
    return "".join(parts)


def _heading_ids(state) -> None:
    """Give each heading with text an id, unique in the body (``-2``, ``-3`` for repeats), and
    its closing token what its "#" link needs (:func:`_heading_close`). Empty headings get
    neither. The tokens are only marked: new ones would cost more than the parse itself."""
    taken: set[str] = set()
    next_number: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = " ".join(_plain(tokens[index + 1]).split())
        if not text:
            continue
        base = HEADING_ID_PREFIX + (heading_id(text) or HEADING_ID_FALLBACK)
        unique, number = base, next_number.get(base, 1)
        while unique in taken:
            number += 1
            unique = f"{base}-{number}"
        next_number[base] = number
        taken.add(unique)
        token.attrSet("id", unique)
        tokens[index + 2].meta["anchor"] = (unique, text)


def _heading_open(renderer, tokens, index, options, env) -> str:
    """A heading with an id starts its wrapper: ``<div class="heading">``."""
    html_text = renderer.renderToken(tokens, index, options, env)
    return '<div class="heading">\n' + html_text if tokens[index].attrGet("id") else html_text


def _heading_close(renderer, tokens, index, options, env) -> str:
    """After a heading with an id, its "#" link and the end of its wrapper."""
    from markdown_it.common.utils import escapeHtml

    html_text = renderer.renderToken(tokens, index, options, env)
    if "anchor" not in tokens[index].meta:
        return html_text
    unique, text = (escapeHtml(value) for value in tokens[index].meta["anchor"])
    label = f"Link to this section: {text}"
    link = f'<a href="#{unique}" class="heading-anchor" aria-label="{label}"></a>'
    return f"{html_text}{link}</div>\n"


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


def headings(html_text: str) -> list[Heading]:
    """The headings of a post's rendered HTML that have an id, in order, with their plain text.

    Cheap (one regular expression over HTML this module wrote and the sanitiser rewrote, so its
    shape is known), which lets a page read them from the stored HTML instead of rendering again.
    """
    return [
        Heading(int(level), html.unescape(unique), html.unescape(_TAG.sub("", inner)).strip())
        for level, unique, inner in _HEADING.findall(html_text)
    ]


@cache
def token_classes() -> frozenset[str]:
    """The classes a highlighted span may carry: Pygments' short names, nothing else."""
    from pygments.token import STANDARD_TYPES

    return frozenset(name for name in STANDARD_TYPES.values() if name)


@cache
def _formatter():
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


def _highlight(code: str, language: str, attributes: str) -> str:
    """Highlighted spans for a fenced block in one of :data:`HIGHLIGHTED_LANGUAGES`, within the
    bounds; "" for any other, which markdown-it then escapes as plain code."""
    from pygments import highlight
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    budget = _highlight_budget.get(None)
    if not language or budget is None or len(code) > min(BLOCK_HIGHLIGHT_MAX, budget[0]):
        return ""
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return ""
    if lexer.aliases[0] not in HIGHLIGHTED_LANGUAGES:
        return ""
    budget[0] -= len(code)
    return highlight(code, lexer, _formatter())


def _render(parser: MarkdownIt, text: str) -> str:
    token = _highlight_budget.set([BODY_HIGHLIGHT_MAX])
    try:
        return parser.render(text)
    finally:
        _highlight_budget.reset(token)


@cache
def _parser(comment: bool) -> MarkdownIt:
    from markdown_it import MarkdownIt

    options = {"html": False, "linkify": False, "typographer": False, "highlight": _highlight}
    parser = MarkdownIt("commonmark", options)
    parser.enable(["table", "strikethrough"])
    parser.core.ruler.push("align_attribute", _align_attribute)
    if comment:
        parser.disable(["heading", "lheading", "image", "table"])
    else:
        parser.core.ruler.push("heading_ids", _heading_ids)
        parser.add_render_rule("heading_open", _heading_open)
        parser.add_render_rule("heading_close", _heading_close)
    return parser


def _clean(html_text: str, tags: frozenset[str], attributes=ATTRIBUTES, classes=None) -> str:
    import nh3

    return nh3.clean(
        html_text,
        tags=set(tags),
        attributes={tag: set(attrs) for tag, attrs in attributes.items() if tag in tags},
        allowed_classes={"span": set(token_classes()), **(classes or {})},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener",
    )


CODE_STYLES = {"light": "default", "dark": "github-dark"}
"""The Pygments style of code blocks in the site's light and dark themes."""


def code_stylesheet() -> str:
    """``static/css/code.css``: the colours of highlighted code, the dark style under
    ``prefers-color-scheme: dark`` as the site's other colours (``scripts/code-css``)."""
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style=CODE_STYLES["light"]).get_token_style_defs("pre code")
    dark = HtmlFormatter(style=CODE_STYLES["dark"]).get_token_style_defs("pre code")
    indented = "\n".join(f"  {line}" for line in dark)
    return (
        "/* Highlighted code (Pygments): written by scripts/code-css, do not edit. */\n"
        + "\n".join(light)
        + f"\n\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"
    )


def render_post(text: str) -> str:
    """HTML for a post body: headings, lists, code, tables, images, links; uploaded images
    described for the browser after sanitising (:mod:`blog.uploads.rendering`)."""
    from blog.uploads.rendering import responsive_images

    return responsive_images(
        _clean(_render(_parser(False), text), POST_TAGS, POST_ATTRIBUTES, POST_CLASSES)
    )


def render_comment(text: str) -> str:
    """HTML for a comment: the inline subset plus lists, quotes and code blocks."""
    return _clean(_render(_parser(True), text), COMMENT_TAGS)
