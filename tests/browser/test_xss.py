"""Cross-site scripting in a real Chromium: the corpus of tests/browser/xss_payloads.py written
through every field a person controls, then every page that shows them opened, and the feeds
rendered as a reader renders them.

A payload that ran would call ``__xss(n)`` (or ``alert(n)``...), ``n`` naming the payload and the
field it went through. A page fails when, once loaded, (a) it opened a dialog, (b) ``__xss`` was
called or the Content-Security-Policy reported a violation (the sanitiser and the templates, not
the policy, must stop a payload), or (c) its DOM holds what a payload would leave: an ``on*``
attribute, a script the site doesn't serve, a javascript:, vbscript: or data: address, an iframe,
object, embed, base or meta http-equiv (see :data:`SCAN`).

What a field's rules refuse is sent alone (or with refused values of other fields) and must come
back refused with a message on the field: a 422, never a 500. What they accept goes in many to a
record. "Through the form" is the POST the page's form sends, with the session's CSRF token: the
first record of a form filled in and sent from the page itself, the others sent from the browser,
whose answer is checked as a page, and refusals sent by the browser context's request client (the
first of each form, and those aimed at a form's own markup, from the page). "Through the API" is
the JSON API with a token.

Sign-up and profile changes allow 10 to 20 requests an hour from one address, and the API 60 writes
a minute an account: the tries of every payload on them, and the API's refusals, go to a second
instance of the same site on the same database with those limits raised (:func:`unthrottled`).
Every page is read from the session's live server.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import feedparser
import lxml.html
import pytest
from playwright.sync_api import expect

from blog.domain import site_settings
from blog.domain.errors import ValidationError
from blog.domain.posts import clean_body
from blog.domain.tags import clean_tag_list
from blog.domain.text import clean_text
from blog.domain.uploads import clean_cover_image
from blog.domain.users import clean_image_url, clean_username
from blog.models.page import PAGE_TITLE_MAX
from blog.models.post import COMMENT_MAX, DESCRIPTION_MAX, TAGS_PER_POST_MAX, TITLE_MAX
from blog.models.user import BIO_MAX
from tests.browser.conftest import ADMIN, PageProblems, sign_in
from tests.browser.xss_payloads import (
    FIELD,
    FIELDS,
    GROUPS,
    PAYLOADS,
    Field,
    Payload,
    blame,
    ident,
    idents_in,
)
from tests.servers import gunicorn

PASSWORD = "a long password 1"
IMAGE = "/static/favicon.svg"
CANARY = "quokka"
"""A word in every post of the battery, so that one search lists them all."""
ROWS = site_settings.NAVIGATION_LINKS_MAX
RAISED_LIMITS = (
    "RATELIMIT_REGISTER",
    "RATELIMIT_PASSWORD",
    "RATELIMIT_API_WRITES",
    "RATELIMIT_API_WRITES_ACCOUNT",
    "RATELIMIT_LOGIN",
    "RATELIMIT_LOGIN_ACCOUNT",
)

# ---- Watching the pages ----------------------------------------------------------------------

DETECTORS = """(() => {
  const report = (text) => { try { window.__xssCalled(text); } catch (error) {} };
  Object.defineProperty(window, "__xss", {
    value: (value) => report(`__xss(${value}) ran`), writable: false, configurable: false,
  });
  document.addEventListener("securitypolicyviolation", (event) => report(
    `the Content-Security-Policy blocked ${event.blockedURI || "inline code"}`
    + ` (${event.violatedDirective})` + (event.sample ? `: ${event.sample}` : "")), true);
})();"""
"""Run first in every document: ``__xss`` reports its calls, and so does every violation."""

SCAN = r"""() => {
  const found = [];
  const excerpt = (element) => element.outerHTML.slice(0, 300);
  const addresses = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "poster", "background", "codebase", "cite", "longdesc", "lowsrc", "dynsrc", "ping", "icon",
    "manifest"]);
  const pictures = new Set(["img", "source", "picture"]);
  const loaders = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "portal", "fencedframe"]);
  const svgActive = new Set(["script", "foreignobject", "animate", "set", "animatemotion",
    "animatetransform", "handler", "listener"]);
  const parsed = (value) => {
    try {
      return new URL(value, document.baseURI);
    } catch {
      return null;
    }
  };
  for (const element of document.querySelectorAll("*")) {
    const tag = element.localName.toLowerCase();
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) {
        found.push([`an event handler attribute (${name})`, excerpt(element)]);
      } else if (name === "srcdoc") {
        found.push(["a document in an attribute (srcdoc)", excerpt(element)]);
      } else if (addresses.has(name) || name.endsWith(":href")) {
        const url = parsed(attribute.value);
        if (url && (url.protocol === "javascript:" || url.protocol === "vbscript:")) {
          found.push([`a ${url.protocol} address (${name})`, excerpt(element)]);
        } else if (url && url.protocol === "data:") {
          const type = url.pathname.split(/[;,]/)[0].toLowerCase();
          if (!(pictures.has(tag) && type.startsWith("image/") && type !== "image/svg+xml")) {
            found.push([`a data: address of ${type || "no type"} (${name})`, excerpt(element)]);
          }
        }
      } else if (["values", "to", "from", "by"].includes(name)
                 && /script\s*:/i.test(attribute.value)) {
        found.push([`a script address to animate into (${name})`, excerpt(element)]);
      }
    }
    if (tag === "script") {
      const ours = element.hasAttribute("src")
        ? location.origin !== "null"
          && parsed(element.getAttribute("src"))?.origin === location.origin
        : element.type === "application/ld+json" && element.parentElement === document.head;
      if (!ours) found.push(["a script the site doesn't serve", excerpt(element)]);
    } else if (loaders.has(tag)) {
      found.push([`an element that loads or redirects (${tag})`, excerpt(element)]);
    } else if (tag === "meta" && element.hasAttribute("http-equiv")
               && (element.closest("body")
                   || /refresh|set-cookie/i.test(element.getAttribute("http-equiv")))) {
      found.push(["a meta http-equiv", excerpt(element)]);
    } else if (tag === "link" && element.closest("body")) {
      found.push(["a link element in the body", excerpt(element)]);
    } else if (element.namespaceURI === "http://www.w3.org/2000/svg" && svgActive.has(tag)) {
      found.push([`an SVG element that runs or animates (${tag})`, excerpt(element)]);
    }
  }
  return found;
}"""
"""What a payload leaves in a page, whatever the policy would make of it, each as (what, where)."""

SETTLE = "() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))"
"""Lets autofocus, ontoggle and the reports of the last page arrive."""


@dataclass
class Ledger:
    """What the battery did with each payload in each field, across the module's tests."""

    tried: dict[tuple[int, int], str] = field(default_factory=dict)
    records: list[tuple[str, Field, set[int]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    renders: int = 0

    def stored(self, where: str, chunk: Chunk | None) -> None:
        if chunk is None:
            return
        for payload in chunk.payloads:
            self.tried[chunk.field.code, payload.number] = f"stored in {where}"
        self.records.append((where, chunk.field, {ident(chunk.field, p) for p in chunk.payloads}))

    def refused(self, field_: Field, payload: Payload, status: int, messages, way: str) -> None:
        self.tried[field_.code, payload.number] = f"refused ({way}): {'; '.join(messages)}"
        if status != 422 or not messages or not all(m.strip() for m in messages):
            self.problems.append(
                f"{payload} through {field_} ({way}): answered {status} "
                + (f"with {messages}" if messages else "with no message on the field")
            )

    def reflected(self, field_: Field, payload: Payload, status: int) -> None:
        self.tried[field_.code, payload.number] = f"sent back in the page ({status})"
        if status >= 500:
            self.problems.append(f"{payload} through {field_}: answered {status}")

    def failed(self, what: str, chunks, answer: str) -> None:
        """A record the field's rules accept came back refused."""
        blamed = ", ".join(f"{c.field} ({len(c.payloads)} payloads)" for c in chunks if c)
        self.problems.append(f"{what}, holding {blamed}, was not saved: {answer}")


LEDGER = Ledger()


class Watch:
    """Everything a browser context's pages ran or kept of the payloads, page by page."""

    def __init__(self, context, counted: bool = True) -> None:
        self.found: list[str] = []
        self.calls: list[str] = []
        self.counted = counted
        context.expose_binding(
            "__xssCalled", lambda source, text: self.calls.append(f"{source['frame'].url}: {text}")
        )
        context.add_init_script(DETECTORS)
        for page in context.pages:
            self._watch(page)
        context.on("page", self._watch)

    def _watch(self, page) -> None:
        page.on("dialog", lambda dialog: self._dialog(page, dialog))

    def _dialog(self, page, dialog) -> None:
        self.calls.append(f"{page.url}: a {dialog.type} dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def check(self, page, where: str) -> None:
        """Scan the page as it is now; what it ran since the last check counts too."""
        page.wait_for_load_state("load")
        page.evaluate(SETTLE)
        kept = page.evaluate(SCAN)
        if self.counted:
            LEDGER.renders += 1
            LEDGER.seen |= idents_in(page.content())
        for what, markup in kept:
            self.found.append(f"{where}: {what}, from {blame(markup)}:\n    {markup}")
        calls, self.calls = self.calls, []
        for text in calls:
            self.found.append(f"{where}: {text}, from {blame(text)}")

    def open(self, page, url: str, where: str, status: int = 200) -> None:
        response = page.goto(url)
        assert response.status == status, f"{where} ({url}) answered {response.status}"
        self.check(page, where)


def nothing_ran(*watches: Watch) -> None:
    found = [line for watch in watches for line in watch.found]
    assert found == [], f"{len(found)} payload(s) got through:\n" + "\n".join(found)


# ---- Writing: forms, the API -----------------------------------------------------------------

CSRF = re.compile(r'<input[^>]*\bname="(?:[\w-]+-)?csrf_token"[^>]*\bvalue="([^"]+)"')
SEND_FORM = """([action, fields]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  for (const [name, value] of fields) {
    const box = document.createElement("textarea");  // keeps the value as it is, lines and all
    box.name = name;
    box.value = value;
    form.append(box);
  }
  document.body.append(form);
  HTMLFormElement.prototype.submit.call(form);  // a field named "submit" hides form.submit
}"""


def csrf_token(page, base: str, path: str) -> str:
    found = CSRF.search(page.request.get(base + path).text())
    assert found, f"no CSRF token in {path}"
    return found.group(1)


def post_form(page, base: str, path: str, fields: dict, token: str, csrf_name="csrf_token"):
    """The POST a form of the site sends, from the browser context (its cookies), unfollowed."""
    return page.request.post(base + path, form={csrf_name: token, **fields}, max_redirects=0)


def send_from_page(page, base: str, path: str, fields: dict, token: str, csrf_name="csrf_token"):
    """The same POST sent by the page itself, which then shows the answer (redirects followed)."""
    with page.expect_navigation() as navigation:
        page.evaluate(SEND_FORM, [base + path, [[csrf_name, token], *fields.items()]])
    page.wait_for_load_state("load")
    return navigation.value


def api(request, base: str, method: str, path: str, body: dict, token: str | None = None):
    headers = {"Authorization": f"Token {token}"} if token else {}
    return request.fetch(base + path, method=method, data=body, headers=headers)


def errors_on(document: str, name: str) -> list[str]:
    """The messages a page of the site shows on its field ``name`` (the ``field`` macro)."""
    tree = lxml.html.fromstring(document)
    for element in tree.xpath("//*[@name=$name]", name=name):
        for box in element.iterancestors():
            if "field" in (box.get("class") or "").split():
                return [p.text_content().strip() for p in box.find_class("error")]
    return []


def api_errors(response, name: str) -> list[str]:
    try:
        return response.json().get("errors", {}).get(name, [])
    except (json.JSONDecodeError, AttributeError):
        return []


@dataclass(frozen=True)
class Account:
    username: str
    token: str

    @property
    def email(self) -> str:
        return f"{self.username}@example.com"


def register(request, base: str, username: str) -> Account:
    body = {
        "user": {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    }
    response = api(request, base, "POST", "/api/users", body)
    assert response.status == 201, (username, response.status, response.text())
    return Account(username, response.json()["user"]["token"])


class Browsers:
    """The battery's browser contexts, each watched (:class:`Watch`, :class:`PageProblems`)."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.problems = PageProblems()
        self.watches: list[Watch] = []
        self.contexts: list = []

    def page(self):
        context = self.browser.new_context(
            viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        self.problems.watch(context)
        watch = Watch(context)
        self.watches.append(watch)
        return context.new_page(), watch

    def signed_in(self, base: str, login: str, password: str = PASSWORD):
        page, watch = self.page()
        sign_in(page, base, login, password)
        page.wait_for_url(base + "/")
        return page, watch

    def close(self) -> None:
        for context in self.contexts:
            context.close()


# ---- Planning: which payloads a field takes, and how many to a record -----------------------


@dataclass(frozen=True)
class Chunk:
    """Payloads that go into one record's field together."""

    field: Field
    items: tuple[tuple[Payload, str], ...]
    joiner: str = " "

    @property
    def payloads(self) -> list[Payload]:
        return [payload for payload, _ in self.items]

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.items]

    @property
    def value(self) -> str:
        return self.joiner.join(self.texts)


def rule(check):
    """A field's rule as a function of a value: None when it takes the value, else the reason."""

    def reason(value) -> str | None:
        try:
            check(value)
        except ValidationError as error:
            return "; ".join(m for messages in error.errors.values() for m in messages)
        except ValueError as error:
            return str(error)
        return None

    return reason


def _one_row(check):
    def checked(pairs) -> None:
        _, problems = check(pairs)
        if problems:
            raise ValueError(problems[0])

    return checked


def _multiline(name: str, most: int, **options):
    """A multiline field's rule, with its length as a form measures it too: a browser sends each
    line break of a textarea as two characters, which the form's length check counts."""

    def check(value) -> None:
        clean_text(value, name, max_length=most, multiline=True, **options)
        if len(value.replace("\n", "\r\n")) > most:
            raise ValueError(f"is too long for the form (maximum is {most} characters)")

    return check


def _tags(value) -> None:
    """A list of tags taken by the API and, comma-joined, by the form, holding every entry."""
    names = clean_tag_list(list(value))
    if len(clean_tag_list(", ".join(value))) > TAGS_PER_POST_MAX or not names:
        raise ValueError("too many tags once the form splits them at commas")


RULES = {
    "post title": rule(lambda v: clean_text(v, "title", max_length=TITLE_MAX)),
    "post summary": rule(_multiline("description", DESCRIPTION_MAX)),
    "post body": rule(clean_body),
    "post tags": rule(_tags),
    "post cover address": rule(clean_cover_image),
    "image alt text (Markdown)": rule(clean_body),
    "comment": rule(_multiline("body", COMMENT_MAX)),
    "bio": rule(_multiline("bio", BIO_MAX, required=False)),
    "username": rule(clean_username),
    "avatar address": rule(clean_image_url),
    "page title": rule(lambda v: clean_text(v, "title", max_length=PAGE_TITLE_MAX)),
    "page body": rule(clean_body),
    "site title": rule(lambda v: site_settings.validate({"title": v})),
    "site description": rule(lambda v: site_settings.validate({"description": v})),
    "site logo address": rule(lambda v: site_settings.validate({"logo_url": v})),
    "navigation link label": rule(
        lambda v: _one_row(site_settings.navigation_links)([(v, "/tags")])
    ),
    "navigation link address": rule(
        lambda v: _one_row(site_settings.navigation_links)([("Link", v)])
    ),
    "footer profile address": rule(
        lambda v: _one_row(site_settings.social_links)([("website", v)])
    ),
}
WRAPS = {"image alt text (Markdown)": lambda text: f"![{text}]({IMAGE})"}
"""How a field's payload sits in the value sent: an alt text inside its image."""
UNWRAPPED = {"post tags": list}  # a tag list's rule reads a list


@dataclass
class Plan:
    field: Field
    accepted: list[tuple[Payload, str]]
    refused: list[tuple[Field, Payload, str]]

    def packed(self, joiner: str = " ", most: int | None = None) -> list[Chunk]:
        """The accepted payloads, as many to a record as the field's rules take (``most`` at
        most), in order."""
        check = RULES[self.field.name]
        chunks: list[list[tuple[Payload, str]]] = []
        for item in self.accepted:
            current = [*chunks[-1], item] if chunks else None
            value = None if current is None else _joined(self.field, current, joiner)
            if current and (most is None or len(current) <= most) and check(value) is None:
                chunks[-1] = current
            else:
                chunks.append([item])
        return [Chunk(self.field, tuple(items), joiner) for items in chunks]

    def halves(self, joiner: str = "\n\n") -> list[Chunk]:
        """The accepted payloads in two records (one for each way of writing)."""
        middle = (len(self.accepted) + 1) // 2
        chunks = [
            Chunk(self.field, tuple(part), joiner)
            for part in (self.accepted[:middle], self.accepted[middle:])
        ]
        for chunk in chunks:
            reason = RULES[self.field.name](chunk.value)
            assert reason is None, f"half of {self.field}'s payloads don't fit one record: {reason}"
        return chunks


def _joined(field_: Field, items, joiner: str):
    texts = [text for _, text in items]
    return texts if field_.name in UNWRAPPED else joiner.join(texts)


def plan(name: str, base: str) -> Plan:
    field_ = FIELD[name]
    check, wrap = RULES[name], WRAPS.get(name, lambda text: text)
    accepted, refused = [], []
    for payload in PAYLOADS:
        text = wrap(payload.text(field_, base))
        reason = check([text] if name in UNWRAPPED else text)
        if reason is None:
            accepted.append((payload, text))
        else:
            refused.append((field_, payload, text))
    return Plan(field_, accepted, refused)


def bundles(columns: dict[str, list]) -> list[dict[str, tuple[Field, Payload, str]]]:
    """Refused values to send together: the k-th of each field in the k-th request."""
    size = max(map(len, columns.values()), default=0)
    return [
        {name: column[k] for name, column in columns.items() if k < len(column)}
        for k in range(size)
    ]


def shown_in_page(bundle) -> bool:
    """Whether a refusal is sent from the page, which then shows the form with what was sent
    back in it: the first of each form, and those aimed at a form's own markup."""
    return any(payload.group == "breakout" for _, payload, _ in bundle.values())


def at(chunks: list, index: int):
    return chunks[index] if index < len(chunks) else None


# ---- The battery: everything written once for the module ------------------------------------


@pytest.fixture(scope="module")
def unthrottled(live_server):
    """The same site, on the same database, with the sign-up, profile, sign-in and API write
    limits raised: one run tries every payload on them."""
    env = {**live_server.env, **dict.fromkeys(RAISED_LIMITS, "100000 per hour")}
    with gunicorn(env, workers=1, threads=4) as (url, _):
        yield url


@dataclass
class Post:
    number: int
    title: Chunk | None
    summary: Chunk | None
    body: Chunk | None
    alt: Chunk | None
    tags: Chunk | None
    cover: Chunk | None
    slug: str = ""

    @property
    def chunks(self) -> list[Chunk | None]:
        return [self.title, self.summary, self.body, self.alt, self.tags, self.cover]

    def fields(self) -> dict:
        body = "\n\n".join([CANARY, *(chunk.value for chunk in (self.body, self.alt) if chunk)])
        assert RULES["post body"](body) is None, RULES["post body"](body)
        return {
            "title": self.title.value if self.title else f"A post of the battery, {self.number}",
            "description": self.summary.value if self.summary else "A post of the battery.",
            "body": body,
            "tags": self.tags.texts if self.tags else [],
            "cover_image": self.cover.value if self.cover else "",
        }

    def form(self) -> dict:
        fields = self.fields()
        return {**fields, "tags": ", ".join(fields["tags"]), "utc_offset": "0"}

    def article(self) -> dict:
        fields = self.fields()
        return {
            "title": fields["title"],
            "description": fields["description"],
            "body": fields["body"],
            "tagList": fields["tags"],
            "image": fields["cover_image"] or None,
        }


@dataclass
class Battery:
    base: str
    browsers: Browsers
    writer: Account
    author: Account
    posts: list[Post] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    readers: list[Account] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    usernames: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)
    """Per payload number, the messages of the sign-up form and of the API."""


POST_FORM_NAMES = {
    "post title": ("title", "title"),
    "post summary": ("description", "description"),
    "post body": ("body", "body"),
    "image alt text (Markdown)": ("body", "body"),
    "post tags": ("tags", "tagList"),
    "post cover address": ("cover_image", "image"),
}
"""A post field's name in the editor's form and in the API."""


@pytest.fixture(scope="module")
def battery(live_server, unthrottled, browser):
    base, other = live_server.url, unthrottled
    browsers = Browsers(browser)
    request = browsers.page()[0].request
    writer = register(request, other, "xss-writer")
    author = register(request, other, "xss-author")
    battery = Battery(base, browsers, writer, author)
    writer_page, writer_watch = browsers.signed_in(base, writer.username)
    _write_posts(battery, writer_page, writer_watch, request, other)
    _write_comments(battery, writer_page, writer_watch, request, other)
    _write_accounts(battery, request, other)
    _try_usernames(battery, request, other)
    admin_page, admin_watch = browsers.signed_in(base, ADMIN[0], ADMIN[2])
    _write_pages(battery, admin_page, admin_watch)
    yield battery

    token = csrf_token(admin_page, base, "/pages")
    for slug in battery.pages:  # the other tests expect the site's own navigation
        post_form(admin_page, base, f"/pages/{slug}/delete", {}, token)
    browsers.close()


def _write_posts(battery: Battery, page, watch: Watch, request, other: str) -> None:
    """Posts: the first through the editor, filled in (its live preview checked too), every
    other one sent from the editor's page, the rest through the API. Refusals: even ones
    through the form, odd ones through the API."""
    base = battery.base
    plans = {name: plan(name, base) for name in POST_FORM_NAMES}
    titles = plans["post title"].packed(" ")
    summaries = plans["post summary"].packed("\n")
    bodies = plans["post body"].halves()
    alts = plans["image alt text (Markdown)"].halves()
    tags = plans["post tags"].packed(most=TAGS_PER_POST_MAX)
    covers = plans["post cover address"].packed(most=1)
    count = max(len(titles), len(summaries), len(bodies), len(tags), len(covers))
    posts = [
        Post(
            i,
            at(titles, i),
            at(summaries, i),
            at(bodies, i),
            at(alts, i),
            at(tags, i),
            at(covers, i),
        )
        for i in range(count)
    ]
    token = csrf_token(page, base, "/write")
    for post in posts:
        where = f"post {post.number}"
        if post.number == 0:
            post.slug = _publish_in_the_editor(page, base, post, watch)
        elif post.number % 2 == 0:
            answer = send_from_page(
                page, base, "/write", {**post.form(), "publish": "Publish"}, token
            )
            if answer.request.redirected_from is None:
                LEDGER.failed(where, post.chunks, f"{answer.status} {errors_of_page(page)}")
                continue
            post.slug = page.url.rsplit("/", 1)[1]
            watch.check(page, f"the new post {post.number}, through the form")
        else:
            answer = api(
                request,
                base,
                "POST",
                "/api/articles",
                {"article": post.article()},
                battery.author.token,
            )
            if answer.status != 201:
                LEDGER.failed(where, post.chunks, f"{answer.status} {answer.text()}")
                continue
            post.slug = answer.json()["article"]["slug"]
        for chunk in post.chunks:
            LEDGER.stored(f"post /posts/{post.slug}", chunk)
        battery.posts.append(post)
        battery.tags.extend(clean_tag_list(post.tags.texts) if post.tags else [])

    # An edit of each way, so that the revisions have something to show.
    first, second = battery.posts[0], battery.posts[1]
    edited = {
        **first.form(),
        "body": first.fields()["body"] + "\n\nEdited once.",
        "publish": "Update",
    }
    answer = post_form(page, base, f"/posts/{first.slug}/edit", edited, token)
    assert answer.status == 302, (answer.status, errors_of(answer.text()))
    body = {"article": {"body": second.fields()["body"] + "\n\nEdited once."}}
    answer = api(request, base, "PUT", f"/api/articles/{second.slug}", body, battery.author.token)
    assert answer.status == 200, answer.text()

    columns: dict[str, list] = {}
    for name, (form_name, _) in POST_FORM_NAMES.items():
        columns.setdefault(form_name, []).extend(plans[name].refused)
    api_names = {form: api_name for form, api_name in POST_FORM_NAMES.values()}
    defaults = {
        "title": "Refused",
        "description": "Refused.",
        "body": "Refused.",
        "tags": "",
        "cover_image": "",
    }
    for k, bundle in enumerate(bundles(columns)):
        values = {name: text for name, (_, _, text) in bundle.items()}
        if k % 2 == 0:
            fields = {**defaults, **values, "utc_offset": "0", "publish": "Publish"}
            document, status = _refusal(
                page,
                base,
                "/write",
                fields,
                token,
                k == 0 or shown_in_page(bundle),
                watch,
                f"the editor's answer to refused values ({k})",
            )
            for name, (field_, payload, _) in bundle.items():
                LEDGER.refused(field_, payload, status, errors_on(document, name), "the form")
        else:
            article = {api_names[name]: value for name, value in {**defaults, **values}.items()}
            article["tagList"] = [values["tags"]] if "tags" in values else []
            article["image"] = article["image"] or None
            answer = api(
                request, other, "POST", "/api/articles", {"article": article}, battery.author.token
            )
            for name, (field_, payload, _) in bundle.items():
                messages = api_errors(answer, api_names[name])
                LEDGER.refused(field_, payload, answer.status, messages, "the API")


def _publish_in_the_editor(page, base: str, post: Post, watch: Watch) -> str:
    fields = post.fields()
    page.goto(base + "/write")
    page.get_by_label("Title").fill(fields["title"])
    page.get_by_label("Summary").fill(fields["description"])
    page.get_by_label("Body").fill(fields["body"])
    page.get_by_label("Tags").fill(", ".join(fields["tags"]))
    page.get_by_label("Cover image").fill(fields["cover_image"])
    expect(page.locator(".live-preview .prose")).to_contain_text(CANARY)
    watch.check(page, "the editor's live preview of post 0")
    page.get_by_role("button", name="Publish").click()
    try:
        page.wait_for_url(re.compile(r"/posts/[^/]+$"))
    except Exception:
        print("DEBUG", page.url, errors_of_page(page), fields)
        raise
    watch.check(page, "the new post 0, through the editor")
    return page.url.rsplit("/", 1)[1]


def _refusal(page, base, path, fields, token, from_page, watch, where, csrf_name="csrf_token"):
    """Send refused values; the answer's document and status."""
    if not from_page:
        answer = post_form(page, base, path, fields, token, csrf_name)
        return answer.text(), answer.status
    answer = send_from_page(page, base, path, fields, token, csrf_name)
    watch.check(page, where)
    return page.content(), answer.status


def errors_of(document: str) -> list[str]:
    tree = lxml.html.fromstring(document)
    return [p.text_content().strip() for p in tree.find_class("error")]


def errors_of_page(page) -> list[str]:
    return errors_of(page.content())


def _write_comments(battery: Battery, page, watch: Watch, request, other: str) -> None:
    """Two comments on the first post, one through the form (sent from the post's page), one
    through the API; refusals alternate between the two."""
    base, post = battery.base, battery.posts[0]
    comments = plan("comment", base)
    token = csrf_token(page, base, f"/posts/{post.slug}")
    form_comment, api_comment = comments.halves()
    path = f"/posts/{post.slug}/comments"
    page.goto(base + f"/posts/{post.slug}")
    answer = send_from_page(page, base, path, {"body": form_comment.value}, token)
    if answer.request.redirected_from is None:
        LEDGER.failed("a comment", [form_comment], f"{answer.status} {errors_of_page(page)}")
    else:
        LEDGER.stored(f"a comment on /posts/{post.slug}", form_comment)
        watch.check(page, "the post after a comment through the form")
    answer = api(
        request,
        base,
        "POST",
        f"/api/articles/{post.slug}/comments",
        {"comment": {"body": api_comment.value}},
        battery.author.token,
    )
    if answer.status == 201:
        LEDGER.stored(f"a comment on /posts/{post.slug}", api_comment)
    else:
        LEDGER.failed("a comment", [api_comment], f"{answer.status} {answer.text()}")
    for k, bundle in enumerate(bundles({"body": comments.refused})):
        field_, payload, text = bundle["body"]
        if k % 2 == 0:
            document, status = _refusal(
                page,
                base,
                path,
                {"body": text},
                token,
                k == 0,
                watch,
                f"the post's answer to a refused comment ({k})",
            )
            LEDGER.refused(field_, payload, status, errors_on(document, "body"), "the form")
        else:
            answer = api(
                request,
                other,
                "POST",
                f"/api/articles/{post.slug}/comments",
                {"comment": {"body": text}},
                battery.author.token,
            )
            LEDGER.refused(field_, payload, answer.status, api_errors(answer, "body"), "the API")


PROFILE = "profile-"


def _write_accounts(battery: Battery, request, other: str) -> None:
    """Readers with a bio and an avatar each: the first through the settings form (sent from
    the page), the others through the API; each comments on the first post, so that the
    avatars show there. Refusals alternate between the form and the API."""
    base = battery.base
    bios = plan("bio", base)
    avatars = plan("avatar address", base)
    bio_chunks, avatar_chunks = bios.packed("\n"), avatars.packed(most=1)
    count = max(len(bio_chunks), len(avatar_chunks), 2)
    battery.readers = [register(request, other, f"xss-reader-{j + 1}") for j in range(count)]
    first, watch = battery.browsers.signed_in(other, battery.readers[0].username)
    token = csrf_token(first, other, "/settings")

    def profile(account: Account, bio: str, image: str) -> dict:
        return {
            f"{PROFILE}username": account.username,
            f"{PROFILE}email": account.email,
            f"{PROFILE}image": image,
            f"{PROFILE}bio": bio,
            f"{PROFILE}current_password": "",
            f"{PROFILE}save_profile": "Save profile",
        }

    for j, account in enumerate(battery.readers):
        bio, avatar = at(bio_chunks, j), at(avatar_chunks, j)
        values = (bio.value if bio else "", avatar.value if avatar else "")
        where = f"the profile of {account.username}"
        if j == 0:
            answer = send_from_page(
                first, other, "/settings", profile(account, *values), token, PROFILE + "csrf_token"
            )
            saved = answer.request.redirected_from is not None
            watch.check(first, "the settings page after a profile saved through the form")
            outcome = f"{answer.status} {errors_of_page(first)}"
        else:
            body = {"user": {"bio": values[0], "image": values[1] or None}}
            answer = api(request, other, "PUT", "/api/user", body, account.token)
            saved, outcome = answer.status == 200, f"{answer.status} {answer.text()}"
        if not saved:
            LEDGER.failed(where, [bio, avatar], outcome)
            continue
        LEDGER.stored(where, bio)
        LEDGER.stored(where, avatar)
        answer = api(
            request,
            base,
            "POST",
            f"/api/articles/{battery.posts[0].slug}/comments",
            {"comment": {"body": f"A note from reader {j + 1}."}},
            account.token,
        )
        assert answer.status == 201, answer.text()

    first_reader, second_reader = battery.readers[:2]
    columns = {"bio": bios.refused, "image": avatars.refused}
    for k, bundle in enumerate(bundles(columns)):
        values = {name: text for name, (_, _, text) in bundle.items()}
        if k % 2 == 0:
            fields = profile(first_reader, values.get("bio", ""), values.get("image", ""))
            document, status = _refusal(
                first,
                other,
                "/settings",
                fields,
                token,
                k == 0 or shown_in_page(bundle),
                watch,
                f"the settings page's answer to a refused profile ({k})",
                PROFILE + "csrf_token",
            )
            for name, (field_, payload, _) in bundle.items():
                messages = errors_on(document, PROFILE + name)
                LEDGER.refused(field_, payload, status, messages, "the form")
        else:
            answer = api(request, other, "PUT", "/api/user", {"user": values}, second_reader.token)
            for name, (field_, payload, _) in bundle.items():
                messages = api_errors(answer, name)
                LEDGER.refused(field_, payload, answer.status, messages, "the API")


def _try_usernames(battery: Battery, request, other: str) -> None:
    """Every payload as a username, through the sign-up form (from the page for the first one
    and those aimed at the form's markup) and through the API: each refused, with a message."""
    field_ = FIELD["username"]
    page, watch = battery.browsers.page()
    page.goto(other + "/register")
    token = csrf_token(page, other, "/register")
    for payload in PAYLOADS:
        text = payload.text(field_, battery.base)
        email = f"signup-{payload.number}@example.com"
        fields = {
            "username": text,
            "email": email,
            "password": PASSWORD,
            "submit": "Create account",
        }
        from_page = payload.number == 1 or payload.group == "breakout"
        document, status = _refusal(
            page,
            other,
            "/register",
            fields,
            token,
            from_page,
            watch,
            f"the sign-up form's answer to {payload}",
        )
        form_messages = errors_on(document, "username")
        LEDGER.refused(field_, payload, status, form_messages, "the sign-up form")
        body = {"user": {"username": text, "email": f"api-{email}", "password": PASSWORD}}
        answer = api(request, other, "POST", "/api/users", body)
        api_messages = api_errors(answer, "username")
        LEDGER.refused(field_, payload, answer.status, api_messages, "the API")
        battery.usernames[payload.number] = (form_messages, api_messages)
        if status != 422 or answer.status != 422:  # a username taken: the page is signed in now
            page.context.clear_cookies()
            page.goto(other + "/register")
            token = csrf_token(page, other, "/register")


def _write_pages(battery: Battery, page, watch: Watch) -> None:
    """Pages (admins write them, through the form only): the first sent from the editor's page,
    the others by the form's POST; the first three linked in the navigation, so that their
    titles show on every page."""
    base = battery.base
    titles = plan("page title", base)
    bodies = plan("page body", base)
    title_chunks, body_chunks = titles.packed(" "), bodies.halves()
    token = csrf_token(page, base, "/pages/new")
    for i in range(max(len(title_chunks), len(body_chunks))):
        title, body = at(title_chunks, i), at(body_chunks, i)
        slug = f"xss-page-{i + 1}"
        fields = {
            "title": title.value if title else f"A page of the battery, {i + 1}",
            "slug": slug,
            "body": body.value if body else "A page of the battery.",
            "navigation_position": str(900 + i),
            "publish": "Publish",
            **({"in_navigation": "y"} if i < 3 else {}),
        }
        if i == 0:
            page.goto(base + "/pages/new")
            answer = send_from_page(page, base, "/pages/new", fields, token)
            saved = answer.request.redirected_from is not None
            outcome = f"{answer.status} {errors_of_page(page)}"
            if saved:
                watch.check(page, "the new page 1, through the form")
        else:
            answer = post_form(page, base, "/pages/new", fields, token)
            saved, outcome = answer.status == 302, f"{answer.status} {errors_of(answer.text())}"
        if not saved:
            LEDGER.failed(f"page {slug}", [title, body], outcome)
            continue
        battery.pages.append(slug)
        LEDGER.stored(f"the page /{slug}", title)
        LEDGER.stored(f"the page /{slug}", body)
    columns = {"title": titles.refused, "body": bodies.refused}
    for k, bundle in enumerate(bundles(columns)):
        values = {name: text for name, (_, _, text) in bundle.items()}
        fields = {
            "title": "Refused",
            "slug": "",
            "body": "Refused.",
            **values,
            "publish": "Publish",
        }
        document, status = _refusal(
            page,
            base,
            "/pages/new",
            fields,
            token,
            k == 0 or shown_in_page(bundle),
            watch,
            f"the page editor's answer to refused values ({k})",
        )
        for name, (field_, payload, _) in bundle.items():
            LEDGER.refused(field_, payload, status, errors_on(document, name), "the form")


# ---- The tests -------------------------------------------------------------------------------


def test_the_corpus_holds_every_kind_of_payload():
    assert len(PAYLOADS) >= 60
    assert {
        "script",
        "handler",
        "address",
        "svg-math",
        "malformed",
        "markdown",
        "unicode",
    } <= GROUPS
    assert len({payload.template for payload in PAYLOADS}) == len(PAYLOADS)
    calls = re.compile(r"(?:xss|alert|confirm|msgbox)\W{0,3}\{n\}")  # xss: __xss, encoded or not
    assert [payload for payload in PAYLOADS if not calls.search(payload.template)] == []
    for field_ in FIELDS:
        for payload in PAYLOADS:
            assert blame(payload.text(field_, "http://x")).startswith(f"{payload} through {field_}")


def test_the_watch_sees_a_payload_that_runs(new_page, page_problems):
    """The detectors themselves: unsanitised payloads in a page without a policy are seen, run
    or not, each named with its field."""
    page = new_page()
    watch = Watch(page.context, counted=False)
    page.goto("about:blank")
    chosen = [
        p
        for p in PAYLOADS
        if p.name
        in (
            "plain",
            "img onerror",
            "details ontoggle",
            "a javascript:",
            "iframe srcdoc",
            "svg onload",
        )
    ]
    page.set_content("".join(p.text(FIELD["post body"], "") for p in chosen))
    watch.check(page, "an unsafe page")
    for payload in chosen:
        assert any(f"{payload} through the field post body" in line for line in watch.found), (
            payload,
            watch.found,
        )
    assert any("__xss(103001) ran" in line for line in watch.found), watch.found
    page_problems.take()  # what the unsafe page logged is the point of it


def test_refused_values_are_refused_with_a_message(battery):
    """Whatever a field's rules refuse comes back 422 with a message on the field, through the
    form and the API alike; what they accept is saved."""
    assert LEDGER.problems == []
    refused_previews = re.compile(r"/preview: console: Failed to load resource: .* 422 ")
    problems = battery.browsers.problems.take()
    assert [line for line in problems if not refused_previews.search(line)] == []


def test_usernames_refuse_every_payload_with_a_clear_message(battery):
    """Usernames are letters, digits, hyphens and underscores: every payload is refused, by the
    sign-up form (whose answer sends it back in the page, checked there) and by the API."""
    field_ = FIELD["username"]
    for payload in PAYLOADS:
        form_messages, api_messages = battery.usernames[payload.number]
        assert form_messages and api_messages, (str(payload), form_messages, api_messages)
        assert LEDGER.tried[field_.code, payload.number].startswith("refused")
    everything = {m for pair in battery.usernames.values() for ms in pair for m in ms}
    assert "Username may contain only letters, digits, hyphens and underscores" in everything
    assert "may contain only letters, digits, hyphens and underscores" in everything


def test_the_forms_answers_run_nothing(battery):
    """The pages the forms answered with (each new post, comment, profile and page, and the
    forms sent back with refused values in them) kept and ran none of it."""
    nothing_ran(*battery.browsers.watches)


def test_post_pages_editors_and_revisions(battery, new_page):
    """Every post of the battery as a reader sees it; the editor (and its live preview), the
    preview button, the history and an earlier version as an admin sees them."""
    base = battery.base
    reader = new_page()
    watch = Watch(reader.context)
    for post in battery.posts:
        watch.open(reader, f"{base}/posts/{post.slug}", f"the post {post.slug}")
    admin = new_page()
    admin_watch = Watch(admin.context)
    sign_in(admin, base, ADMIN[0], ADMIN[2])
    admin.wait_for_url(base + "/")
    for post in battery.posts[:2]:
        admin_watch.open(admin, f"{base}/posts/{post.slug}/edit", f"the editor of {post.slug}")
        expect(admin.locator(".live-preview .prose")).to_contain_text(CANARY)
        admin_watch.check(admin, f"the live preview of {post.slug}")
        admin_watch.open(
            admin, f"{base}/posts/{post.slug}/revisions", f"the history of {post.slug}"
        )
        earlier = admin.locator(f"a[href^='/posts/{post.slug}/revisions/']").first.get_attribute(
            "href"
        )
        admin_watch.open(admin, base + earlier, f"an earlier version of {post.slug}")
    token = csrf_token(admin, base, "/write")
    fields = {**battery.posts[0].form(), "preview": "Preview"}
    answer = send_from_page(admin, base, "/write", fields, token)
    assert answer.status == 200
    expect(admin.locator(".preview .prose")).to_contain_text(CANARY)
    admin_watch.check(admin, "the editor's Preview of post 0")
    nothing_ran(watch, admin_watch)


def test_lists_tags_profiles_and_search_results(battery, new_page):
    """Home, the authors' and readers' profiles, every tag of the battery, the tag list, the
    archive and the search results, as a reader sees them."""
    base = battery.base
    page = new_page()
    watch = Watch(page.context)

    def every_page_of(path: str, where: str) -> None:
        url = base + path
        while url:
            watch.open(page, url, where)
            following = page.locator("a[rel=next]")
            url = base + following.get_attribute("href") if following.count() else None

    watch.open(page, base + "/", "the home page")
    for account in (battery.writer, battery.author, *battery.readers):
        every_page_of(f"/@{account.username}", f"the profile of {account.username}")
    for name in battery.tags:
        watch.open(page, f"{base}/tags/{quote(name, safe='')}", f"the tag page of {name!r}")
    every_page_of("/tags", "the list of tags")
    every_page_of(f"/search?q={CANARY}", "the search results")
    watch.open(page, base + "/archive", "the archive")
    month = page.locator(".archive-months a").first.get_attribute("href")
    watch.open(page, base + month, "a month of the archive")
    nothing_ran(watch)


def test_the_admin_lists_and_details(battery, new_page):
    """The admin's lists of posts, comments, users and tags, the details of each row of the
    battery, a tag's edit form, and the list and editor of pages."""
    base = battery.base
    page = new_page()
    watch = Watch(page.context)
    sign_in(page, base, ADMIN[0], ADMIN[2])
    page.wait_for_url(base + "/")
    for table in ("posts", "comments", "users", "tags"):
        watch.open(page, f"{base}/admin/{table}/?search=xss", f"the admin's {table}")
        rows = page.locator("table.model-list tbody tr")
        links = [
            rows.nth(i).get_by_title(title).get_attribute("href")
            for i in range(rows.count())
            for title in ("View Record", "Edit Record")
            if rows.nth(i).get_by_title(title).count()
        ]
        assert links, f"no row of the battery in the admin's {table}"
        for link in links[:12]:
            watch.open(page, base + link, f"a row of the admin's {table} ({link})")
    watch.open(page, base + "/admin/comments/", "the admin's comments")
    watch.open(page, base + "/pages", "the list of pages")
    watch.open(page, f"{base}/pages/{battery.pages[0]}/edit", "the editor of a page")
    nothing_ran(watch)


def test_the_pages(battery, new_page):
    """Every page of the battery (titles and bodies), as a reader sees them; the first three are
    linked in the navigation of every page."""
    page = new_page()
    watch = Watch(page.context)
    for slug in battery.pages:
        watch.open(page, f"{battery.base}/{slug}", f"the page /{slug}")
    nothing_ran(watch)


SETTINGS_ERRORS = {
    "title": "title-error",
    "description": "description-error",
    "logo_url": "logo_url-error",
}


def test_the_site_settings(live_server, new_page):
    """The admin's site settings (title, description, logo, navigation and footer links), through
    the form: saved in rounds, each round seen on the settings page and the home page; refused
    values sent in bundles, each with its message. The settings are put back afterwards."""
    base = live_server.url
    page = new_page()
    watch = Watch(page.context)
    sign_in(page, base, ADMIN[0], ADMIN[2])
    page.wait_for_url(base + "/")
    plans = {
        name: plan(name, base)
        for name in (
            "site title",
            "site description",
            "site logo address",
            "navigation link label",
            "navigation link address",
            "footer profile address",
        )
    }
    titles = plans["site title"].packed(" ")
    descriptions = plans["site description"].packed(" ")
    logos = plans["site logo address"].packed(most=1)
    navigation = [
        (chunk, chunk.value, "/tags") for chunk in plans["navigation link label"].packed(most=1)
    ]
    navigation += [
        (chunk, "Link", chunk.value) for chunk in plans["navigation link address"].packed(most=1)
    ]
    social = [(chunk, chunk.value) for chunk in plans["footer profile address"].packed(most=1)]
    rounds = max(
        len(titles),
        len(descriptions),
        len(logos),
        -(-len(navigation) // ROWS),
        -(-len(social) // ROWS),
    )
    token = csrf_token(page, base, "/admin/settings/")
    problems_before = len(LEDGER.problems)
    try:
        for r in range(rounds):
            title, description, logo = at(titles, r), at(descriptions, r), at(logos, r)
            rows, profiles = (
                navigation[r * ROWS : (r + 1) * ROWS],
                social[r * ROWS : (r + 1) * ROWS],
            )
            fields = _settings(
                title.value if title else "",
                description.value if description else "",
                logo.value if logo else "",
                [(label, url) for _, label, url in rows],
                [("website", url) for _, url in profiles],
            )
            answer = post_form(page, base, "/admin/settings/", fields, token)
            chunks = [title, description, logo, *(c for c, *_ in rows), *(c for c, _ in profiles)]
            if answer.status != 302:
                LEDGER.failed(
                    f"site settings round {r}", chunks, f"{answer.status} {answer.text()[:200]}"
                )
                continue
            for chunk in chunks:
                LEDGER.stored(f"site settings round {r}", chunk)
            watch.open(page, base + "/admin/settings/", f"the site settings, round {r}")
            watch.open(page, base + "/", f"the home page with site settings round {r}")

        refused = {name: plans[name].refused for name in plans}
        rows = refused["navigation link label"] + refused["navigation link address"]
        columns = {
            "title": refused["site title"],
            "description": refused["site description"],
            "logo_url": refused["site logo address"],
            **{f"navigation-{k}": rows[k::ROWS] for k in range(ROWS)},
            **{f"social-{k}": refused["footer profile address"][k::ROWS] for k in range(ROWS)},
        }
        for k, bundle in enumerate(bundles(columns)):
            _refuse_settings(page, base, token, watch, k, bundle)
    finally:
        answer = post_form(page, base, "/admin/settings/", _settings("", "", "", [], []), token)
        assert answer.status == 302, "the site settings could not be put back"
    nothing_ran(watch)
    assert LEDGER.problems[problems_before:] == []


def _settings(title, description, logo, links, profiles) -> dict:
    fields = {
        "title": title,
        "description": description,
        "logo_url": logo,
        "accent_color": "",
        "show_hero": "y",
        "posts_per_page": "",
        "search_language": "",
    }
    for k, (label, url) in enumerate(links):
        fields |= {f"navigation_links-{k}-label": label, f"navigation_links-{k}-url": url}
    for k, (service, url) in enumerate(profiles):
        fields |= {f"social_links-{k}-service": service, f"social_links-{k}-url": url}
    return fields


def _refuse_settings(page, base, token, watch, k, bundle) -> None:
    """One form of refused values: the title, description and logo, and rows of links, each
    with its own numbered message ("Link 3: ...")."""
    links, profiles, numbered = [], [], {}
    for column, item in bundle.items():
        field_, _, text = item
        if field_.name == "navigation link label":
            links.append((text, "/tags"))
            numbered[f"Link {len(links)}:"] = item
        elif field_.name == "navigation link address":
            links.append(("Link", text))
            numbered[f"Link {len(links)}:"] = item
        elif column.startswith("social-"):
            profiles.append(("website", text))
            numbered[f"Profile {len(profiles)}:"] = item
    singles = {name: bundle[name][2] for name in SETTINGS_ERRORS if name in bundle}
    fields = _settings(
        singles.get("title", ""),
        singles.get("description", ""),
        singles.get("logo_url", ""),
        links,
        profiles,
    )
    document, status = _refusal(
        page,
        base,
        "/admin/settings/",
        fields,
        token,
        k == 0 or shown_in_page(bundle),
        watch,
        f"the site settings' answer to refused values ({k})",
    )
    tree = lxml.html.fromstring(document)
    for name, error_id in SETTINGS_ERRORS.items():
        if name in bundle:
            field_, payload, _ = bundle[name]
            messages = [e.text_content().strip() for e in tree.xpath("//*[@id=$i]", i=error_id)]
            LEDGER.refused(field_, payload, status, messages, "the admin form")
    row_messages = [e.text_content().strip() for e in tree.find_class("invalid-feedback")]
    for prefix, (field_, payload, _) in numbered.items():
        messages = [m for m in row_messages if m.startswith(prefix)]
        LEDGER.refused(field_, payload, status, messages, "the admin form")


def test_search_queries_are_sent_back_harmlessly(live_server, new_page):
    """Every payload as a search query, in the address of the search page, which shows it back
    in its box, its heading and its title."""
    field_ = FIELD["search query"]
    page = new_page()
    watch = Watch(page.context)
    problems_before = len(LEDGER.problems)
    for payload in PAYLOADS:
        response = page.goto(
            f"{live_server.url}/search?q={quote(payload.text(field_, live_server.url), safe='')}"
        )
        LEDGER.reflected(field_, payload, response.status)
        watch.check(page, f"the search page for {payload}")
    nothing_ran(watch)
    assert LEDGER.problems[problems_before:] == []


HTML_TYPES = {"text/html", "application/xhtml+xml"}


def test_the_feeds_as_a_reader_shows_them(battery, new_page):
    """The site's feed and each author's (Atom, RSS, JSON Feed), read as a reader reads them:
    every entry's title, summary, content and categories put in a blank page without any
    policy, the HTML ones as HTML and the text ones as text, as each format says (RSS has no
    types: its titles are text, its descriptions HTML)."""
    base = battery.base
    page = new_page()
    watch = Watch(page.context)
    feeds = ["/feed"] + [
        f"/@{a.username}/feed" for a in (battery.writer, battery.author, *battery.readers)
    ]
    entries = 0
    for path in feeds:
        for kind in ("atom", "rss", "json"):
            response = page.request.get(f"{base}{path}.{kind}")
            assert response.ok, (path, kind, response.status)
            pieces = _pieces(kind, response.body())
            entries += sum(1 for name, *_ in pieces if name.endswith("content"))
            document = "".join(
                f"<section data-piece='{html.escape(name)}'>"
                f"{value if is_html else html.escape(value)}</section>"
                for name, value, is_html in pieces
            )
            page.goto("about:blank")
            page.set_content(f"<!doctype html><html><body>{document}</body></html>")
            watch.check(page, f"{path}.{kind} as a reader shows it")
    assert entries >= len(battery.posts), "the feeds hold fewer entries than the battery wrote"
    nothing_ran(watch)


def _pieces(kind: str, body: bytes) -> list[tuple[str, str, bool]]:
    """(what, value, whether it is HTML) for the feed's own texts and each entry's."""
    if kind == "json":
        document = json.loads(body)
        pieces = [
            ("title", document["title"], False),
            ("description", document.get("description", ""), False),
        ]
        for item in document["items"]:
            pieces += [
                ("entry title", item["title"], False),
                ("entry summary", item.get("summary", ""), False),
                ("entry content", item["content_html"], True),
            ]
            pieces += [("entry tag", tag, False) for tag in item.get("tags", [])]
        return pieces
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    assert not parsed.bozo, parsed.get("bozo_exception")

    def typed(detail, rss_html: bool) -> bool:
        return rss_html if kind == "rss" else detail.type in HTML_TYPES

    feed = parsed.feed
    pieces = [("title", feed.title, typed(feed.title_detail, False))]
    if "subtitle_detail" in feed:
        pieces.append(("description", feed.subtitle, typed(feed.subtitle_detail, False)))
    for entry in parsed.entries:
        pieces.append(("entry title", entry.title, typed(entry.title_detail, False)))
        if "summary_detail" in entry:
            pieces.append(("entry summary", entry.summary, typed(entry.summary_detail, True)))
        pieces += [("entry content", c.value, typed(c, True)) for c in entry.get("content", [])]
        pieces += [("entry tag", tag.term, False) for tag in entry.get("tags", [])]
    return pieces


def test_every_field_got_every_payload():
    """The figures: every payload tried in every field (stored and shown, or refused with a
    message), and how many page renders checked them. Runs last."""
    missing = [
        f"{payload} in {field_}"
        for field_ in FIELDS
        for payload in PAYLOADS
        if (field_.code, payload.number) not in LEDGER.tried
    ]
    unseen = [
        f"{where} ({field_})"
        for where, field_, idents in LEDGER.records
        if not idents & LEDGER.seen
    ]
    stored = sum(1 for outcome in LEDGER.tried.values() if outcome.startswith("stored"))
    refused = sum(1 for outcome in LEDGER.tried.values() if outcome.startswith("refused"))
    print(
        f"\nXSS battery: {len(PAYLOADS)} payloads x {len(FIELDS)} fields = {len(LEDGER.tried)} "
        f"tries ({stored} stored and shown, {refused} refused with a message, "
        f"{len(LEDGER.tried) - stored - refused} sent back in a page), "
        f"{len(LEDGER.records)} records, {LEDGER.renders} page renders checked"
    )
    assert missing == [], f"{len(missing)} tries missing:\n" + "\n".join(missing[:50])
    assert unseen == [], "records no page showed:\n" + "\n".join(unseen)
    assert LEDGER.renders >= 200
