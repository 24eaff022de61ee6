"""A WordPress post's stored text made plain HTML, as WordPress shows it: shortcodes expanded or
removed, paragraphs made from blank lines (WordPress's ``wpautop``, which the classic editor's
posts rely on), and a web address alone on its line (an oEmbed) a link to it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from blog.moving.arrivals.markup import EMBED_NOTE, is_web_address
from blog.moving.arrivals.records import Tally


@dataclass(frozen=True)
class Attachment:
    id: str
    url: str
    title: str
    parent: str


_BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    "hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)
_BLOCK_OPEN = re.compile(rf"(<(?:{_BLOCK_TAGS})(?=[\s/>])[^>]*>)", re.I)
_BLOCK_CLOSE = re.compile(rf"(</(?:{_BLOCK_TAGS})>)", re.I)
_STARTS_WITH_BLOCK = re.compile(rf"^</?(?:{_BLOCK_TAGS})(?=[\s/>])", re.I)
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.I | re.S)
_LONE_ADDRESS = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

SHORTCODE_NAMES = (
    "caption|wp_caption|gallery|slideshow|embed|audio|video|playlist|youtube|vimeo|soundcloud|"
    "wpvideo|tweet|twitter|instagram|code|sourcecode|contact-form|contact-field|polldaddy|"
    "googlemaps|archives|sitemap|recipe|gravityform"
)
# WordPress's get_shortcode_regex(), for these names: [[name]] is an escaped one, kept as text.
_SHORTCODE = re.compile(
    r"\[(\[?)(" + SHORTCODE_NAMES + r")(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
    r"(?:(/)\]|\](?:([^\[]*(?:\[(?!/\2\])[^\[]*)*)\[/\2\])?)(\]?)",
    re.S,
)
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|"""
    r"""([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_CAPTIONED = re.compile(r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)

SHORTCODE_GONE = "removed: the blog has nothing like it"


def _attributes(text: str) -> tuple[dict[str, str], list[str]]:
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in _ATTRIBUTE.finditer(html.unescape(text.replace("\xa0", " "))):
        groups = match.groups()
        for name, value in ((groups[0], groups[1]), (groups[2], groups[3]), (groups[4], groups[5])):
            if name:
                named[name.lower()] = value
                break
        else:
            positional.append(next(g for g in groups[6:] if g is not None))
    return named, positional


def _link(url: str, text: str | None = None) -> str:
    return f'<p><a href="{html.escape(url)}">{html.escape(text or url)}</a></p>'


def _images(attachments: list[Attachment]) -> str:
    return "".join(
        f'<p><a href="{html.escape(a.url)}"><img src="{html.escape(a.url)}" '
        f'alt="{html.escape(a.title)}"></a></p>'
        for a in attachments
    )


class Shortcodes:
    """The shortcodes of one post, expanded with the export's attachments."""

    def __init__(self, post_id: str, attachments: Mapping[str, Attachment], notes: Tally):
        self.post_id = post_id
        self.attachments = attachments
        self.notes = notes

    def expand(self, text: str) -> str:
        return _SHORTCODE.sub(self._replace, text)

    def _replace(self, match: re.Match) -> str:
        if match.group(1) == "[" and match.group(6) == "]":
            return match.group(0)[1:-1]  # [[gallery]]: the text "[gallery]"
        name = match.group(2)
        named, positional = _attributes(match.group(3) or "")
        content = match.group(5) or ""
        handler: Callable[..., str] = {
            "caption": self._caption,
            "wp_caption": self._caption,
            "gallery": self._gallery,
            "slideshow": self._gallery,
            "code": self._code,
            "sourcecode": self._code,
        }.get(name, self._embed)
        return handler(name, named, positional, content)

    def _caption(self, name, named, positional, content) -> str:
        self.notes.add(f"[{name}] shortcode", "made an image with its caption under it")
        found = _CAPTIONED.match(content)
        image, caption = (found.group(1), found.group(2)) if found else ("", content)
        caption = (caption.strip() or named.get("caption", "")).strip()
        return f"<figure>{image}<figcaption>{caption}</figcaption></figure>" if image else caption

    def _gallery(self, name, named, positional, content) -> str:
        ids = [i.strip() for i in named.get("ids", named.get("include", "")).split(",")]
        if any(ids):
            shown = [self.attachments[i] for i in ids if i in self.attachments]
        else:
            shown = [a for a in self.attachments.values() if a.parent == self.post_id]
        self.notes.add(f"[{name}] shortcode", "made the images it showed, one after another")
        return _images(shown)

    def _code(self, name, named, positional, content) -> str:
        self.notes.add(f"[{name}] shortcode", "made a code block")
        language = named.get("language", named.get("lang", ""))
        css_class = f' class="language-{html.escape(language)}"' if language else ""
        return f"<pre><code{css_class}>{html.escape(html.unescape(content.strip()))}</code></pre>"

    def _embed(self, name, named, positional, content) -> str:
        candidates = [content.strip(), *named.values(), *positional]
        url = next((c for c in candidates if is_web_address(c)), None)
        if url is None:
            self.notes.add(f"[{name}] shortcode", SHORTCODE_GONE)
            return ""
        self.notes.add(*EMBED_NOTE)
        return _link(url)


def _paragraphs(text: str) -> str:
    """WordPress's ``wpautop``, in short: blank lines part paragraphs, a line break inside one
    is a ``<br>``, and block elements stand on their own."""
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    chunks = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_WITH_BLOCK.match(chunk):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(chunks)


def wordpress_html(text: str, shortcodes: Shortcodes | None, notes: Tally) -> str:
    """The HTML WordPress shows for a post's stored text (or a comment's, without
    ``shortcodes``: WordPress expands none in comments, nor embeds their addresses). A block
    editor post (one with ``<!-- wp:`` markers) has its paragraphs already; a classic one gets
    them from its blank lines. ``<pre>`` blocks are left as they are."""
    text = text.replace("\r\n", "\n")
    if shortcodes is not None:
        text = shortcodes.expand(text)
    has_blocks = "<!-- wp:" in text
    parts = []
    position = 0
    for pre in _PRE.finditer(text):
        parts.append(_prose(text[position : pre.start()], has_blocks, shortcodes, notes))
        parts.append(pre.group(0))
        position = pre.end()
    parts.append(_prose(text[position:], has_blocks, shortcodes, notes))
    return "\n".join(part for part in parts if part)


def _prose(text: str, has_blocks: bool, shortcodes: Shortcodes | None, notes: Tally) -> str:
    def link(match: re.Match) -> str:
        notes.add(*EMBED_NOTE)
        return _link(html.unescape(match.group(1)))

    if shortcodes is not None:
        text = _LONE_ADDRESS.sub(link, text)
    return text if has_blocks else _paragraphs(text)
