"""The cross-site scripting corpus of tests/browser/test_xss.py, and the fields it is written into.

Each payload is a template: ``{n}`` becomes the number that names the payload *and* the field it
went through (:func:`ident`), ``{base}`` the site's own address (so that an address a field keeps
loads from the site, not from a network the tests may not have). Whatever a payload would run
calls ``__xss(n)``, ``alert(n)``, ``confirm(n)`` or ``msgbox(n)``, so any run of it, any trace of
it the browser reports, and any element it leaves behind names both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    number: int
    group: str
    name: str
    template: str

    def text(self, field: Field, base: str) -> str:
        return self.template.replace("{n}", str(ident(field, self))).replace("{base}", base)

    def __str__(self) -> str:
        return f"payload {self.number} ({self.group}: {self.name})"


@dataclass(frozen=True)
class Field:
    code: int
    name: str
    way: str
    """How the battery writes it: "form", "API", "form and API", "address"."""

    def __str__(self) -> str:
        return f"the field {self.name} ({self.way})"


_CORPUS: list[tuple[str, str, str]] = [
    # Script elements.
    ("script", "plain", "<script>__xss({n})</script>"),
    ("script", "upper case", "<SCRIPT>__xss({n})</SCRIPT>"),
    ("script", "mixed case, alert", "<ScRiPt>alert({n})</sCrIpT>"),
    ("script", "with attributes", '<script type="text/javascript" async>__xss({n})</script>'),
    ("script", "src a data: address", '<script src="data:text/javascript,__xss({n})"></script>'),
    ("script", "split over lines", "<script\n>__xss({n})</script\n>"),
    ("script", "comment across two", "<script>/*</script><script>*/__xss({n})</script>"),
    ("script", "slash for a space", "<script/x>__xss({n})</script>"),
    ("script", "never closed", "<script>__xss({n})"),
    # Event handlers.
    ("handler", "img onerror", "<img src=x onerror=__xss({n})>"),
    ("handler", "IMG OnErRoR, alert", "<IMG SRC=x OnErRoR=alert({n})>"),
    ("handler", "img with slashes", "<img/src=x/onerror=__xss({n})>"),
    ("handler", "img handler in entities", '<img src=x onerror="&#95;&#95;xss({n})">'),
    ("handler", "svg onload", "<svg onload=__xss({n})>"),
    ("handler", "svg/onload, alert", "<svg/onload=alert({n})>"),
    ("handler", "body onload", "<body onload=__xss({n})>"),
    ("handler", "details ontoggle", "<details open ontoggle=__xss({n})>x</details>"),
    ("handler", "input autofocus onfocus", "<input autofocus onfocus=__xss({n})>"),
    ("handler", "select autofocus onfocus", "<select autofocus onfocus=__xss({n})></select>"),
    ("handler", "textarea autofocus", "<textarea autofocus onfocus=__xss({n})></textarea>"),
    ("handler", "iframe onload", "<iframe onload=__xss({n})></iframe>"),
    ("handler", "video source onerror", "<video><source onerror=__xss({n})></video>"),
    ("handler", "audio onerror", "<audio src=x onerror=__xss({n})></audio>"),
    ("handler", "marquee onstart", "<marquee onstart=__xss({n})>x</marquee>"),
    ("handler", "div onmouseover", "<div onmouseover=__xss({n})>x</div>"),
    ("handler", "a onclick, confirm", '<a href="#" onclick="confirm({n})">x</a>'),
    ("handler", "button formaction", '<form><button formaction="javascript:__xss({n})">x</button>'),
    ("handler", "form action", '<form action="javascript:__xss({n})"><input type=submit></form>'),
    ("handler", "style url()", '<div style="background:url(javascript:__xss({n}))">x</div>'),
    ("handler", "custom element", "<x-y onpointerenter=__xss({n})>x</x-y>"),
    ("handler", "unicode escapes", "<img src=x onerror=\\u005f\\u005fxss({n})>"),
    # Script addresses in HTML.
    ("address", "a javascript:", '<a href="javascript:__xss({n})">x</a>'),
    ("address", "a JaVaScRiPt:", '<a href="JaVaScRiPt:alert({n})">x</a>'),
    ("address", "decimal entities", '<a href="&#106;&#97;vascript:__xss({n})">x</a>'),
    ("address", "hex entities", '<a href="&#x6A;avascript&#x3A;__xss({n})">x</a>'),
    ("address", "padded entities", '<a href="&#0000106&#0000097vascript:__xss({n})">x</a>'),
    ("address", "&colon;", '<a href="javascript&colon;__xss({n})">x</a>'),
    ("address", "a tab in the scheme", '<a href="java\tscript:__xss({n})">x</a>'),
    ("address", "&#x09; in the scheme", '<a href="java&#x09;script:__xss({n})">x</a>'),
    ("address", "&#10; in the scheme", '<a href="java&#10;script:__xss({n})">x</a>'),
    ("address", "a control character first", '<a href=" \x01javascript:__xss({n})">x</a>'),
    ("address", "vbscript:", '<a href="vbscript:msgbox({n})">x</a>'),
    ("address", "data:text/html", '<a href="data:text/html,<script>__xss({n})</script>">x</a>'),
    ("address", "bare javascript:", "javascript:__xss({n})"),
    ("address", "bare, spaced, mixed case", "  JaVaScRiPt:alert({n})"),
    ("address", "bare, a tab", "java\tscript:__xss({n})"),
    ("address", "bare vbscript:", "vbscript:msgbox({n})"),
    ("address", "bare data:text/html", "data:text/html,<script>__xss({n})</script>"),
    ("address", "bare, an entity", "&#106;avascript:__xss({n})"),
    ("address", "bare, percent-encoded", "%6A%61vascript:__xss({n})"),
    (
        "address",
        "the site's, then a tag",
        '{base}/static/favicon.svg?"><script>__xss({n})</script>',
    ),
    ("address", "the site's, then a handler", '{base}/static/favicon.svg#" onerror="__xss({n})'),
    ("address", "the site's, single quotes", "{base}/static/favicon.svg?' onload='__xss({n})"),
    ("address", "the site's, script in query", "{base}/static/favicon.svg?javascript:__xss({n})"),
    ("address", "a path, then a tag", '/static/favicon.svg?"><img src=x onerror=__xss({n})>'),
    # SVG and MathML.
    ("svg-math", "svg script", "<svg><script>__xss({n})</script></svg>"),
    (
        "svg-math",
        "svg a xlink:href",
        '<svg><a xlink:href="javascript:__xss({n})"><text y="20">x</text></a></svg>',
    ),
    (
        "svg-math",
        "svg animate href",
        '<svg><a><animate attributeName="href" values="javascript:__xss({n})"/>'
        '<text y="20">x</text></a></svg>',
    ),
    (
        "svg-math",
        "svg foreignObject",
        "<svg><foreignObject><img src=x onerror=__xss({n})></foreignObject></svg>",
    ),
    (
        "svg-math",
        "svg use of a data: document",
        "<svg><use href=\"data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'"
        "&gt;&lt;image href='x' onerror='__xss({n})'/&gt;&lt;/svg&gt;#x\"/></svg>",
    ),
    ("svg-math", "math href", '<math href="javascript:__xss({n})">x</math>'),
    (
        "svg-math",
        "math maction",
        '<math><maction actiontype="statusline" xlink:href="javascript:__xss({n})">x</maction>'
        "</math>",
    ),
    (
        "svg-math",
        "math mglyph style (mutation)",
        "<math><mtext><table><mglyph><style><img src=x onerror=__xss({n})>",
    ),
    (
        "svg-math",
        "svg style (mutation)",
        '<svg></p><style><a id="</style><img src=x onerror=__xss({n})>">',
    ),
    # Malformed and nested tags.
    ("malformed", "scr<script>ipt", "<scr<script>ipt>__xss({n})</scr</script>ipt>"),
    ("malformed", "<<script>", "<<script>script>__xss({n})<</script>/script>"),
    ("malformed", "<!--><script>", "<!--><script>__xss({n})</script>-->"),
    ("malformed", "--!> comment end", "<!-- --!><script>__xss({n})</script>"),
    ("malformed", "unclosed attribute", '<img src="x" onerror="__xss({n})'),
    ("malformed", "unclosed tag", "<img src=x onerror=__xss({n})//"),
    ("malformed", "quote soup", '<img """><script>__xss({n})</script>">'),
    (
        "malformed",
        "noscript (mutation)",
        '<noscript><p title="</noscript><img src=x onerror=__xss({n})>">',
    ),
    ("malformed", "iframe javascript:", '<iframe src="javascript:__xss({n})"></iframe>'),
    ("malformed", "iframe srcdoc", '<iframe srcdoc="<script>parent.__xss({n})</script>"></iframe>'),
    ("malformed", "embed", '<embed src="javascript:__xss({n})">'),
    ("malformed", "base", '<base href="javascript:__xss({n})//">'),
    (
        "malformed",
        "meta refresh",
        '<meta http-equiv="refresh" content="0;url=javascript:__xss({n})">',
    ),
    ("malformed", "CDATA", "<![CDATA[<script>__xss({n})</script>]]>"),
    ("malformed", "a NUL in the tag", "<scr\x00ipt>__xss({n})</script>"),
    # Breaking out of the page's own markup.
    ("breakout", "out of an attribute", '"><script>__xss({n})</script>'),
    ("breakout", "out of a single-quoted one", "'><img src=x onerror=__xss({n})>"),
    ("breakout", "into an unquoted one", " onmouseover=__xss({n}) x="),
    ("breakout", "out of <title>", "</title><script>__xss({n})</script>"),
    ("breakout", "out of <textarea>", "</textarea><script>__xss({n})</script>"),
    ("breakout", "out of JSON in a script", '"}]}</script><script>__xss({n})</script>'),
    ("breakout", "a template expression", '{{"<img src=x onerror=__xss({n})>"|safe}}'),
    # Markdown.
    ("markdown", "link to javascript:", "[x](javascript:__xss({n}))"),
    ("markdown", "link to JAVASCRIPT:", "[x](JAVASCRIPT:alert({n}))"),
    ("markdown", "link, an entity", "[x](&#106;avascript:__xss({n}))"),
    ("markdown", "link in angle brackets", "[x](<javascript:__xss({n})>)"),
    ("markdown", "link with a title", '[x]( javascript:__xss({n}) "t")'),
    ("markdown", "link to data:", "[x](data:text/html,<script>__xss({n})</script>)"),
    ("markdown", "link to vbscript:", "[x](vbscript:msgbox({n}))"),
    ("markdown", "link, &#9; in the scheme", "[x](java&#9;script:__xss({n}))"),
    ("markdown", "image of javascript:", "![x](javascript:__xss({n}))"),
    (
        "markdown",
        "image, onerror in the title",
        '![x](/static/favicon.svg "\\" onerror=\\"__xss({n})")',
    ),
    ("markdown", "image, onerror in the alt", '![x" onerror="__xss({n})](/static/favicon.svg)'),
    ("markdown", "autolink javascript:", "<javascript:__xss({n})>"),
    ("markdown", "autolink data:", "<data:text/html,<script>__xss({n})</script>>"),
    ("markdown", "reference link", "[x][r{n}]\n\n[r{n}]: javascript:__xss({n})"),
    (
        "markdown",
        "reference, a tag in its title",
        '[x][s{n}]\n\n[s{n}]: /static/favicon.svg "\\"><img src=x onerror=__xss({n})>"',
    ),
    ("markdown", "HTML in emphasis", "**<img src=x onerror=__xss({n})>**"),
    ("markdown", "an HTML block", "<div>\n<script>__xss({n})</script>\n</div>"),
    ("markdown", "out of a code span", "`</code><script>__xss({n})</script>`"),
    ("markdown", "fenced HTML", "```html\n<script>__xss({n})</script>\n```"),
    (
        "markdown",
        "in a table",
        "| <img src=x onerror=__xss({n})> |\n| --- |\n| [x](javascript:__xss({n})) |",
    ),
    ("markdown", "in a heading", '## "><svg onload=__xss({n})>'),
    # Entities and Unicode.
    ("unicode", "escaped entities", "&lt;script&gt;__xss({n})&lt;/script&gt;"),
    ("unicode", "line separators", "\u2028<script>__xss({n})</script>\u2029"),
    ("unicode", "full-width brackets", "\uff1cscript\uff1e__xss({n})\uff1c/script\uff1e"),
    (
        "unicode",
        "full-width javascript:",
        "\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:__xss({n})",
    ),
    ("unicode", "zero-width joiner in a tag", "<scr\u200dipt>__xss({n})</script>"),
    ("unicode", "zero-width joiner in a scheme", "[x](java\u200dscript:__xss({n}))"),
    ("unicode", "zero-width space first", '<a href="\u200bjavascript:__xss({n})">x</a>'),
    ("unicode", "right-to-left override", "\u202e<script>__xss({n})</script>"),
    ("unicode", "RTL override in a link", "[x](\u202ejavascript:__xss({n}))"),
    ("unicode", "byte order mark", "\ufeff<script>__xss({n})</script>"),
    ("unicode", "C1 control (NEL)", "\x85<script>__xss({n})</script>"),
]

PAYLOADS: tuple[Payload, ...] = tuple(
    Payload(number, group, name, template)
    for number, (group, name, template) in enumerate(_CORPUS, start=1)
)
GROUPS = frozenset(payload.group for payload in PAYLOADS)

FIELDS: tuple[Field, ...] = (
    Field(1, "post title", "form and API"),
    Field(2, "post summary", "form and API"),
    Field(3, "post body", "form and API"),
    Field(4, "post tags", "form and API"),
    Field(5, "post cover address", "form and API"),
    Field(6, "image alt text (Markdown)", "form and API"),
    Field(7, "comment", "form and API"),
    Field(8, "bio", "form and API"),
    Field(9, "username", "form and API"),
    Field(10, "avatar address", "form and API"),
    Field(11, "page title", "form"),
    Field(12, "page body", "form"),
    Field(13, "site title", "admin form"),
    Field(14, "site description", "admin form"),
    Field(15, "site logo address", "admin form"),
    Field(16, "navigation link label", "admin form"),
    Field(17, "navigation link address", "admin form"),
    Field(18, "footer profile address", "admin form"),
    Field(19, "search query", "address"),
)
FIELD = {field.name: field for field in FIELDS}

BASE = 100_000


def ident(field: Field, payload: Payload) -> int:
    """Six digits: 1, the field's two, the payload's three (``103017``: payload 17 in a body)."""
    return BASE + field.code * 1000 + payload.number


def named(number: int) -> tuple[Field, Payload] | None:
    """The field and payload an :func:`ident` names; None for any other number."""
    code, index = divmod(number - BASE, 1000)
    fields = {field.code: field for field in FIELDS}
    if code in fields and 1 <= index <= len(PAYLOADS):
        return fields[code], PAYLOADS[index - 1]
    return None


_CALL = re.compile(r"(?:__xss|alert|confirm|prompt|msgbox)\W{0,3}(1\d{5})(?!\d)")
_NUMBER = re.compile(r"(?<!\d)(1\d{5})(?!\d)")


def blame(text: str) -> str:
    """Which payloads and fields ``text`` (an element, a report) comes from, in words."""
    numbers = [int(n) for n in _CALL.findall(text)] or [int(n) for n in _NUMBER.findall(text)]
    found = [named(number) for number in dict.fromkeys(numbers)]
    names = [f"{payload} through {field}" for field, payload in filter(None, found)]
    return "; ".join(names) or "no payload of the corpus (the site's own markup?)"


def idents_in(text: str) -> set[int]:
    """Every payload-and-field number ``text`` holds."""
    return {int(n) for n in _NUMBER.findall(text) if named(int(n))}
