"""Our images as pages show them: ``srcset``/``sizes`` of the WebP widths, ``width``/``height``
(no layout shift while they load) and ``loading="lazy"``.

:func:`responsive_images` runs on a post's HTML after the sanitiser (from
:func:`blog.markdown.render_post`), so the sanitiser's rules stay as they are: the attributes it
adds are built here from the upload's row, never from what the author typed. Covers
(:func:`cover_image`) are described from their URL alone, with no query: a card's cover sits in
a box of fixed proportions, so its size needs no row.
"""

from __future__ import annotations

import html as html_escape
import re

from flask import has_app_context

from blog.domain import uploads
from blog.uploads.formats import RESPONSIVE_WIDTHS

IMG_TAG = re.compile(r"<img\b[^>]*?/?>")
SRC = re.compile(r'\ssrc="([^"]*)"')
BODY_SIZES = "(min-width: 46rem) 42.5rem, 100vw"
"""How wide a body image is shown: the reading column, or the screen on a phone."""


def _width_of(name: str) -> int:
    return int(uploads.VARIANT_NAME.fullmatch(name)["width"])


def _attributes(upload, name: str) -> str:
    width = _width_of(name)
    height = max(1, round(upload.height * width / upload.width))
    extra = f' width="{width}" height="{height}"'
    webp = [variant for variant in upload.variants if variant.endswith(".webp")]
    if webp:  # an animation has none, but an animated WebP, which is its own only width
        srcset = ", ".join(f"{uploads.variant_url(v)} {_width_of(v)}w" for v in webp)
        extra += f' srcset="{html_escape.escape(srcset)}" sizes="{BODY_SIZES}"'
    return extra


def responsive_images(html: str) -> str:
    """``html`` with each of our images described for the browser; every image lazy."""
    if "<img" not in html or not has_app_context():
        return html
    tags = IMG_TAG.findall(html)
    names = {}
    for tag in tags:
        src = SRC.search(tag)
        name = uploads.name_in_url(html_escape.unescape(src.group(1))) if src else None
        if name:
            names[tag] = name
    found = uploads.lookup({uploads.VARIANT_NAME.fullmatch(n)["key"] for n in names.values()})

    def described(match: re.Match) -> str:
        tag = match.group(0)
        body = tag[: -2 if tag.endswith("/>") else -1].rstrip()
        name = names.get(tag)
        upload = found.get(uploads.VARIANT_NAME.fullmatch(name)["key"]) if name else None
        extra = _attributes(upload, name) if upload is not None and name in upload.variants else ""
        return f'{body}{extra} loading="lazy">'

    return IMG_TAG.sub(described, html)


def cover_image(url: str | None) -> dict | None:
    """What a cover's ``<img>`` carries: its ``src``, and for an upload the ``srcset`` of its
    WebP widths; None without a cover. Read from the address alone (cards cost no query), so
    an address that may be an animation has none: a GIF, or a WebP sent as WebP, whose WebP
    widths exist only when it is still."""
    if not url:
        return None
    name = uploads.name_in_url(url)
    if name is None or name.endswith((".gif", ".webp")):
        return {"src": url, "srcset": None, "ours": name is not None}
    match = uploads.VARIANT_NAME.fullmatch(name)
    key, full = match["key"], int(match["width"])
    widths = [w for w in RESPONSIVE_WIDTHS if w < full] + [full]
    srcset = ", ".join(f"{uploads.variant_url(key + f'-{w}.webp')} {w}w" for w in widths)
    return {"src": url, "srcset": srcset, "ours": True}


def thumbnail(upload) -> str:
    """The smallest copy of an upload, for lists of them."""
    return uploads.variant_url(uploads.avatar_name(upload))
