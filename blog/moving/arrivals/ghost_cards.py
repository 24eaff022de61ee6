"""Ghost's editor documents made Markdown, for a post exported without its HTML: Mobiledoc (Ghost
1 to 4) and Lexical (Ghost 5).

Both are a list of sections and cards. Text sections become HTML, then Markdown as any HTML
does (:mod:`blog.moving.arrivals.markup`); a Markdown card is Markdown already and is kept as it is;
the other cards become the HTML they show (an image, a link, a code block). Cards with nothing to
show outside Ghost (an e-mail-only block, a paywall marker) are left out and counted.
"""

from __future__ import annotations

import html
import json
from typing import Any

from blog.moving.arrivals.markup import html_to_markdown
from blog.moving.arrivals.records import Tally, UnreadableExport

CARD_GONE = "left out: it shows nothing outside Ghost (e-mail only, a paywall mark...)"
CARD_UNKNOWN = "left out: a kind of card this importer doesn't know"
LEFT_OUT_CARDS = frozenset({"email", "email-cta", "paywall", "signup", "nft", "preview"})

_FORMATS = ((16, "code"), (1, "strong"), (2, "em"), (4, "s"), (32, "sub"), (64, "sup"))
"""Lexical's text format bits, and the element each one is."""


def _e(value: Any) -> str:
    return html.escape(str(value or ""))


def _text(payload: dict, *names: str) -> str:
    for name in names:
        value = payload.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _link(url: str, text: str) -> str:
    return f'<p><a href="{_e(url)}">{_e(text or url)}</a></p>'


def _image(src: str, alt: str, caption: str) -> str:
    if not src:
        return ""
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="{_e(src)}" alt="{_e(alt)}">{figcaption}</figure>'


def card_html(name: str, payload: dict, left_out: Tally) -> str | None:
    """The HTML a card shows; None for a Markdown card (the caller keeps its Markdown). A card
    with nothing to show here is counted in ``left_out``."""
    name = name.removeprefix("card-")
    if name == "markdown":
        return None
    if name == "html":
        return _text(payload, "html")
    if name == "image":
        alt = _text(payload, "alt", "altText")
        return _image(_text(payload, "src"), alt, _text(payload, "caption"))
    if name == "gallery":
        images = payload.get("images") if isinstance(payload.get("images"), list) else []
        pictures = [i for i in images if isinstance(i, dict)]
        shown = [_image(_text(i, "src"), _text(i, "alt", "fileName"), "") for i in pictures]
        caption = _text(payload, "caption")
        return "".join(shown) + (f"<p><em>{caption}</em></p>" if caption else "")
    if name in ("code", "codeblock"):
        language = _text(payload, "language")
        css = f' class="language-{_e(language)}"' if language else ""
        return f"<pre><code{css}>{_e(_text(payload, 'code'))}</code></pre>"
    if name in ("hr", "horizontalrule"):
        return "<hr>"
    if name == "embed":
        return _text(payload, "html") or _link(_text(payload, "url"), "")
    if name == "bookmark":
        metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
        return _link(_text(payload, "url"), _text(metadata, "title"))
    if name in ("video", "audio", "file"):
        return _link(_text(payload, "src"), _text(payload, "title", "fileName", "caption"))
    if name == "button":
        return _link(_text(payload, "buttonUrl"), _text(payload, "buttonText"))
    if name == "callout":
        return f"<blockquote><p>{_text(payload, 'calloutText')}</p></blockquote>"
    if name == "toggle":
        return f"<p><strong>{_text(payload, 'heading')}</strong></p>{_text(payload, 'content')}"
    if name in ("header", "product"):
        title = _text(payload, "header", "productTitle", "heading")
        text = _text(payload, "subheader", "productDescription", "subheading")
        return f"<h2>{title}</h2><p>{text}</p>" if title else f"<p>{text}</p>"
    left_out.add(f"Ghost {name} card", CARD_GONE if name in LEFT_OUT_CARDS else CARD_UNKNOWN)
    return ""


class _Pieces:
    """Markdown made from a run of HTML and Markdown pieces, in their order."""

    def __init__(self, notes: Tally, left_out: Tally) -> None:
        self.notes = notes
        self.left_out = left_out
        self.parts: list[str] = []
        self.html: list[str] = []

    def add_html(self, text: str) -> None:
        self.html.append(text)

    def add_markdown(self, text: str) -> None:
        self._flush()
        self.parts.append(text.strip())

    def _flush(self) -> None:
        if self.html:
            self.parts.append(html_to_markdown("".join(self.html), self.notes))
            self.html = []

    def markdown(self) -> str:
        self._flush()
        return "\n\n".join(part for part in self.parts if part)

    def card(self, name: str, payload: Any) -> None:
        payload = payload if isinstance(payload, dict) else {}
        shown = card_html(str(name), payload, self.left_out)
        if shown is None:
            self.add_markdown(_text(payload, "markdown"))
        else:
            self.add_html(shown)


def _document(text: Any, kind: str) -> dict:
    if isinstance(text, dict):
        return text
    try:
        document = json.loads(text)
    except (TypeError, ValueError):
        raise UnreadableExport(f"a post's {kind} is not valid JSON") from None
    if not isinstance(document, dict):
        raise UnreadableExport(f"a post's {kind} is not a {kind} document")
    return document


def mobiledoc_to_markdown(text: Any, notes: Tally, left_out: Tally) -> str:
    document = _document(text, "mobiledoc")
    markups, atoms, cards = (document.get(k) or [] for k in ("markups", "atoms", "cards"))
    pieces = _Pieces(notes, left_out)
    try:
        for section in document.get("sections") or []:
            kind = section[0]
            if kind == 1:
                tag = section[1]
                pieces.add_html(f"<{tag}>{_markers(section[2], markups, atoms)}</{tag}>")
            elif kind == 3:
                items = "".join(f"<li>{_markers(item, markups, atoms)}</li>" for item in section[2])
                pieces.add_html(f"<{section[1]}>{items}</{section[1]}>")
            elif kind == 2:
                pieces.add_html(_image(str(section[1]), "", ""))
            elif kind == 10:
                name, payload = cards[section[1]][:2]
                pieces.card(name, payload)
    except (IndexError, KeyError, TypeError, ValueError):
        raise UnreadableExport("a post's mobiledoc is not a mobiledoc document") from None
    return pieces.markdown()


def _markers(markers: list, markups: list, atoms: list) -> str:
    """HTML of a Mobiledoc section's markers: each opens markups, gives text (or an atom), and
    closes the last few markups open."""
    out: list[str] = []
    open_tags: list[str] = []
    for kind, opened, closed, value in markers:
        for index in opened:
            tag, *rest = markups[index]
            attributes = rest[0] if rest else []
            pairs = zip(attributes[::2], attributes[1::2], strict=False)
            out.append(f"<{tag}" + "".join(f' {n}="{_e(v)}"' for n, v in pairs) + ">")
            open_tags.append(tag)
        if kind == 1:
            name, atom_text = atoms[value][:2]
            out.append("<br>" if name == "soft-return" else _e(atom_text))
        else:
            out.append(_e(value))
        for _ in range(closed):
            out.append(f"</{open_tags.pop()}>")
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def lexical_to_markdown(text: Any, notes: Tally, left_out: Tally) -> str:
    document = _document(text, "lexical")
    root = document.get("root")
    if not isinstance(root, dict):
        raise UnreadableExport("a post's lexical has no root")
    pieces = _Pieces(notes, left_out)
    for node in root.get("children") or []:
        if not isinstance(node, dict):
            continue
        if node.get("type") in _LEXICAL_TEXT_NODES:
            pieces.add_html(_lexical_html(node))
        else:
            pieces.card(str(node.get("type")), node)
    return pieces.markdown()


_LEXICAL_BLOCKS = {"paragraph": "p", "quote": "blockquote", "aside": "blockquote", "listitem": "li"}
_LEXICAL_TEXT_NODES = frozenset(
    {*_LEXICAL_BLOCKS, "heading", "list", "code", "text", "code-highlight", "link", "autolink"}
)
"""Lexical's own nodes (the rest of a document's top level are Ghost's cards)."""


def _lexical_html(node: dict) -> str:
    kind = node.get("type")
    children = "".join(
        _lexical_html(child) for child in node.get("children") or [] if isinstance(child, dict)
    )
    if kind in ("text", "code-highlight"):
        text = _e(node.get("text"))
        format_bits = node.get("format") if isinstance(node.get("format"), int) else 0
        for bit, tag in _FORMATS:
            if format_bits & bit:
                text = f"<{tag}>{text}</{tag}>"
        return text
    if kind == "linebreak":
        return "<br>"
    if kind == "tab":
        return " "
    if kind in ("link", "autolink"):
        return f'<a href="{_e(node.get("url"))}">{children}</a>'
    if kind == "heading":
        tag = node.get("tag") if node.get("tag") in {f"h{n}" for n in range(1, 7)} else "h2"
        return f"<{tag}>{children}</{tag}>"
    if kind == "list":
        tag = "ol" if node.get("listType") == "number" or node.get("tag") == "ol" else "ul"
        return f"<{tag}>{children}</{tag}>"
    if kind == "code":
        return f"<pre><code>{children}</code></pre>"
    if kind == "horizontalrule":
        return "<hr>"
    tag = _LEXICAL_BLOCKS.get(str(kind))
    return f"<{tag}>{children}</{tag}>" if tag else children
