"""Another blog's HTML made the blog's Markdown.

The blog renders Markdown with raw HTML off (:mod:`blog.markdown`), so no HTML is kept: what
Markdown says (paragraphs, headings, emphasis, links, images, lists, quotes, code, tables) is
said in Markdown, and what it can't say becomes the nearest thing it can: an embedded player or
frame a link to what it showed, a caption a line in italics, layout boxes their content, a table
too intricate for Markdown's one line per cell a simpler one. Scripts, styles and forms go. Each
such change is counted in ``notes`` (:class:`blog.moving.arrivals.records.Tally`), for the summary.

The Markdown is then saved as any post is: rendered and sanitised by the blog's own renderer.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, Tag
from markdownify import MarkdownConverter

from blog.moving.arrivals.records import Tally

DROPPED = frozenset(
    {
        *("script", "style", "noscript", "template", "head", "title", "meta", "link", "base"),
        *("form", "input", "button", "select", "textarea", "option", "svg", "math", "canvas"),
    }
)
"""Elements that go with everything in them: code, presentation and forms, not the text."""
EMBEDS = frozenset({"iframe", "embed", "object", "video", "audio"})
BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figure"),
        *("footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre"),
        *("section", "table", "ul"),
    }
)
LINK_SCHEMES = frozenset({"http", "https", "mailto", ""})

EMBED_NOTE = ("embed", "replaced by a link to what it showed: the blog shows no players or frames")
DROPPED_NOTE = ("script, style or form", "removed: a post here is text, images and links")
TABLE_NOTE = ("table", "simplified: a Markdown table has one line per cell, none merged or nested")
IMAGE_NOTE = ("image", "left out: it was data inside the page, not an address")
LINK_NOTE = ("link", "left as its text: its address was not a web or mail address")

_LANGUAGE = re.compile(r"(?:^|\s)(?:language-|lang-|brush:\s*)([\w+#-]+)")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_ALWAYS_ESCAPED = re.compile(r"([\\`*_\[\]~|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_AUTOLINK = re.compile(r"<(?=[A-Za-z/!?])")
_LINE_MARKER = re.compile(r"(^|\n)([ \t]*)(#{1,6}(?=[ \t]|$)|[-+=]+(?=[ \t]|$)|>)", re.M)
_NUMBERED = re.compile(r"(^|\n)([ \t]*\d{1,9})([.)])(?=[ \t]|$)")


class _Converter(MarkdownConverter):
    """markdownify, escaping only what Markdown would read as markup, and with definition
    lists as paragraphs (CommonMark has none)."""

    def escape(self, text: str, parent_tags) -> str:
        if not text:
            return ""
        text = _ALWAYS_ESCAPED.sub(r"\\\1", text)
        text = _ENTITY.sub(r"\\&", text)
        text = _AUTOLINK.sub(r"\\<", text)
        text = _LINE_MARKER.sub(r"\1\2\\\3", text)
        return _NUMBERED.sub(r"\1\2\\\3", text)

    def convert_dt(self, el, text, parent_tags) -> str:
        text = " ".join(text.split())
        return f"\n\n**{text}**\n\n" if text else ""

    def convert_dd(self, el, text, parent_tags) -> str:
        return self.convert_p(el, text, parent_tags)


def _code_language(element: Tag) -> str:
    """The language a code block names in its classes (``language-python``, WordPress's
    ``brush: php``), or ""."""
    for candidate in (element, element.find("code")):
        if isinstance(candidate, Tag):
            match = _LANGUAGE.search(" ".join(candidate.get("class") or ()))
            if match:
                return match.group(1).lower()
    return ""


_CONVERTER_OPTIONS = {
    "heading_style": "atx",
    "bullets": "-",
    "newline_style": "backslash",
    "table_infer_header": True,
    "code_language_callback": _code_language,
}


def is_web_address(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _source_of(element: Tag) -> str:
    for candidate in (element, *element.find_all(["source", "embed"])):
        for attribute in ("src", "data"):
            value = candidate.get(attribute)
            if isinstance(value, str) and is_web_address(value):
                return value.strip()
    return ""


def _paragraph_link(soup: BeautifulSoup, href: str, text: str) -> Tag:
    paragraph = soup.new_tag("p")
    link = soup.new_tag("a", href=href)
    link.string = text
    paragraph.append(link)
    return paragraph


def _remove_code_and_forms(soup: BeautifulSoup, notes: Tally) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for element in soup.find_all(DROPPED):
        if element.parent is not None:  # not inside one removed already
            notes.add(*DROPPED_NOTE)
            element.decompose()


def _embeds_to_links(soup: BeautifulSoup, notes: Tally) -> None:
    for element in soup.find_all(EMBEDS):
        if element.parent is None:
            continue
        notes.add(*EMBED_NOTE)
        source = _source_of(element)
        if not source:
            element.decompose()
            continue
        kind = {"video": "Video", "audio": "Audio"}.get(element.name, "Embedded content")
        label = f"{kind}: {urlsplit(source).netloc}"
        element.replace_with(_paragraph_link(soup, source, label))


def _links_and_images(soup: BeautifulSoup, notes: Tally, for_comment: bool) -> None:
    for image in soup.find_all("img"):
        source = (image.get("src") or "").strip()
        if not source or urlsplit(source).scheme not in ("http", "https", ""):
            notes.add(*IMAGE_NOTE)
            image.decompose()
        elif for_comment:  # comments show no images: a link to it
            text = (image.get("alt") or "").strip() or "image"
            image.replace_with(_paragraph_link(soup, source, text))
    for link in soup.find_all("a"):
        href = (link.get("href") or "").strip()
        if href and urlsplit(href).scheme.lower() not in LINK_SCHEMES:
            notes.add(*LINK_NOTE)
            link.unwrap()
        elif link.find(BLOCKS) is not None:
            _flatten_block_link(soup, link, href)


def _flatten_block_link(soup: BeautifulSoup, link: Tag, href: str) -> None:
    """A link around blocks (a card: title, description, pictures) is a link of its title,
    which Markdown can say, and the rest as text after it."""
    title = link.find(class_=re.compile("title")) or link.find(BLOCKS)
    text = " ".join((title or link).get_text(" ").split()) or href
    if title is not None:
        title.decompose()
    for image in link.find_all("img"):
        image.decompose()
    rest = " ".join(link.get_text(" ").split())
    replacement = _paragraph_link(soup, href, text) if href else soup.new_tag("p")
    if not href:
        replacement.string = text
    link.replace_with(replacement)
    if rest:
        after = soup.new_tag("p")
        after.string = rest
        replacement.insert_after(after)


def _ends_its_block(element: Tag) -> bool:
    """Whether nothing but blank text follows ``element`` up to the end of its block."""
    while element.parent is not None:
        for sibling in element.next_siblings:
            if isinstance(sibling, Tag) or sibling.strip():
                return False
        if element.parent.name in BLOCKS or element.parent.name == "figcaption":
            return True
        element = element.parent
    return True


def _trailing_breaks(soup: BeautifulSoup) -> None:
    """A line break that ends a paragraph (or a caption) breaks nothing, and Markdown would
    show its backslash."""
    for line_break in soup.find_all("br"):
        if _ends_its_block(line_break):
            line_break.decompose()


def _captions(soup: BeautifulSoup) -> None:
    for caption in soup.find_all("figcaption"):
        caption.name = "p"
        emphasis = soup.new_tag("em")
        for child in list(caption.contents):
            emphasis.append(child.extract())
        caption.append(emphasis)


def _simplify_tables(soup: BeautifulSoup, notes: Tally) -> None:
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        intricate = False
        for cell in table.find_all(["td", "th"]):
            if cell.find(BLOCKS - {"div", "p"}) is not None or cell.get("rowspan"):
                intricate = True
                text = " ".join(cell.get_text(" ").split())
                cell.clear()
                cell.string = text
        if intricate:
            notes.add(*TABLE_NOTE)


def _comment_blocks(soup: BeautifulSoup) -> None:
    """Comments have no headings or tables (:func:`blog.markdown.render_comment`): a heading
    is a paragraph in bold, a table's rows paragraphs."""
    for heading in soup.find_all(re.compile(r"^h[1-6]$")):
        heading.name = "p"
        strong = soup.new_tag("strong")
        for child in list(heading.contents):
            strong.append(child.extract())
        heading.append(strong)
    for row in soup.find_all("tr"):
        row.replace_with(_text_paragraph(soup, row))
    for name in ("table", "thead", "tbody", "tfoot"):
        for element in soup.find_all(name):
            element.unwrap()


def _text_paragraph(soup: BeautifulSoup, element: Tag) -> Tag:
    paragraph = soup.new_tag("p")
    paragraph.string = " · ".join(
        " ".join(cell.get_text(" ").split()) for cell in element.find_all(["td", "th"])
    )
    return paragraph


def html_to_markdown(html: str, notes: Tally, *, for_comment: bool = False) -> str:
    """Markdown saying what ``html`` says, within what the blog's Markdown shows."""
    soup = BeautifulSoup(html, "html.parser")
    _remove_code_and_forms(soup, notes)
    _embeds_to_links(soup, notes)
    _links_and_images(soup, notes, for_comment)
    _trailing_breaks(soup)
    _captions(soup)
    if for_comment:
        _comment_blocks(soup)
    else:
        _simplify_tables(soup, notes)
    markdown = _Converter(**_CONVERTER_OPTIONS).convert_soup(soup)
    lines = "\n".join(line.rstrip() for line in markdown.splitlines())
    return _MANY_BLANK_LINES.sub("\n\n", lines).strip("\n")
