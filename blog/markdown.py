"""Markdown to safe HTML.

markdown-it-py renders CommonMark with raw HTML switched off; nh3 then keeps only an allow-list of
tags and attributes, drops ``javascript:``/``data:`` URLs and marks every link
``rel="nofollow noopener"``. The HTML is stored with the post, so this runs on write, not on read.

Fenced code in a language Pygments knows (```` ```python ````) is highlighted here too: spans
with Pygments' short token classes (``k``, ``s2``...), the only classes a ``span`` may keep,
coloured by ``static/css/code.css`` (``scripts/code-css`` writes it). Readers need no script.
"""

from contextvars import ContextVar
from functools import cache

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

POST_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul", "span",
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
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
TOKEN_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name)
"""The classes a highlighted span may carry: Pygments' short names, nothing else."""
_FORMATTER = HtmlFormatter(nowrap=True)

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


def _highlight(code: str, language: str, attributes: str) -> str:
    """Highlighted spans for a fenced block in one of :data:`HIGHLIGHTED_LANGUAGES`, within the
    bounds; "" for any other, which markdown-it then escapes as plain code."""
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
    return highlight(code, lexer, _FORMATTER)


def _render(parser: MarkdownIt, text: str) -> str:
    token = _highlight_budget.set([BODY_HIGHLIGHT_MAX])
    try:
        return parser.render(text)
    finally:
        _highlight_budget.reset(token)


@cache
def _parser(comment: bool) -> MarkdownIt:
    options = {"html": False, "linkify": False, "typographer": False, "highlight": _highlight}
    parser = MarkdownIt("commonmark", options)
    parser.enable(["table", "strikethrough"])
    parser.core.ruler.push("align_attribute", _align_attribute)
    if comment:
        parser.disable(["heading", "lheading", "image", "table"])
    return parser


def _clean(html: str, tags: frozenset[str]) -> str:
    return nh3.clean(
        html,
        tags=set(tags),
        attributes={tag: set(attrs) for tag, attrs in ATTRIBUTES.items() if tag in tags},
        allowed_classes={"span": set(TOKEN_CLASSES)},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener",
    )


CODE_STYLES = {"light": "default", "dark": "github-dark"}
"""The Pygments style of code blocks in the site's light and dark themes."""


def code_stylesheet() -> str:
    """``static/css/code.css``: the colours of highlighted code, the dark style under
    ``prefers-color-scheme: dark`` as the site's other colours (``scripts/code-css``)."""
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

    return responsive_images(_clean(_render(_parser(False), text), POST_TAGS))


def render_comment(text: str) -> str:
    """HTML for a comment: the inline subset plus lists, quotes and code blocks."""
    return _clean(_render(_parser(True), text), COMMENT_TAGS)
