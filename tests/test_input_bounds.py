"""The worst a client can send to each entry point is refused with a 4xx, before any work per
entry or per character of it.

Every list and string a client controls is measured before anything is done per entry or per
character. Before that, 100,000 tags (under the 1 MiB body limit) kept a worker busy for a minute
and 100,000 characters of ``![`` for seconds. The work is counted, not timed (a timed test fails
on a busy machine and passes a slow loop on a fast one): the lines of Python a refusal runs,
which any loop over what was sent multiplies by its length.
"""

from __future__ import annotations

import json
import sys
import urllib.parse

import pytest

from blog.api.tokens import issue_token
from blog.domain.tags import TAG_FIELD_MAX
from blog.markdown import MARKUP_MAX
from blog.models import Comment, Post
from blog.models.post import BODY_MAX, COMMENT_MAX, DESCRIPTION_MAX, TITLE_MAX
from blog.models.user import BIO_MAX, EMAIL_MAX, IMAGE_URL_MAX, USERNAME_MAX
from tests.factories import PostFactory
from tests.helpers import Api

LINE_BUDGET = 60_000
"""Lines of Python a refusal may run. Each refusal here runs about 10,000 to 25,000 (measured
when this was written); a loop over 100,000 entries or characters runs at least as many more."""
BODY_LIMIT = 1024 * 1024  # MAX_CONTENT_LENGTH
TOO_MUCH_MARKUP = (
    f"has too much formatting (at most {MARKUP_MAX} markup characters such as "
    "[ ] * _ ` < > |, each line break counting as three)"
)


def counted(send):
    """``send()``'s response, and the lines of Python it ran (traced, as coverage traces them:
    a tracer already there is put back after). Percent-decoding a form's body is not counted:
    the standard library's, before the app, it is linear in a body the size limit bounds."""
    lines = 0

    def trace(frame, event, arg):
        nonlocal lines
        if event == "call" and frame.f_code.co_filename == urllib.parse.__file__:
            return None
        if event == "line":
            lines += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        response = send()
    finally:
        sys.settrace(previous)
    return response, lines


def send_json(client, method: str, path: str, payload, token: str):
    """``payload`` encoded first (outside the lines counted), checked to be under the body
    limit."""
    data = json.dumps(payload)
    assert len(data) < BODY_LIMIT
    headers = {"Authorization": f"Token {token}"}
    return counted(
        lambda: client.open(
            path, method=method, data=data, content_type="application/json", headers=headers
        )
    )


def repeat(pattern: str, length: int) -> str:
    return (pattern * (length // len(pattern) + 1))[:length]


@pytest.fixture
def api(client, user) -> Api:
    api = Api(client)
    api.token = issue_token(user)
    return api


# Tags


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_100000_tags_in_the_api_are_refused_before_any_work_per_entry(api, db, method):
    slug = api.write("Target")["slug"]
    path = "/api/articles" if method == "POST" else f"/api/articles/{slug}"
    tags = [f"t{n}" for n in range(100_000)]
    article = {"title": "Tags", "description": "d", "body": "b", "tagList": tags}
    response, lines = send_json(api.client, method, path, {"article": article}, api.token)
    assert response.status_code == 422
    assert response.json == {"errors": {"tagList": ["at most 10 tags"]}}
    assert lines < LINE_BUDGET
    assert db.session.query(Post).count() == 1
    assert api.get(f"/articles/{slug}").json["article"]["tagList"] == []


def test_100000_entries_that_are_not_tags_get_one_message_before_any_work_per_entry(api):
    article = {"title": "Tags", "description": "d", "body": "b", "tagList": [[0]] * 100_000}
    response, lines = send_json(
        api.client, "POST", "/api/articles", {"article": article}, api.token
    )
    assert response.status_code == 422
    assert response.json == {"errors": {"tagList": ["at most 10 tags"]}}
    assert lines < LINE_BUDGET


@pytest.fixture
def writer(client, auth, user):
    """Signed in, the editor already shown once (compiling its template is no request's work)."""
    auth.login()
    assert client.get("/write").status_code == 200
    return client


def editor_form(**fields) -> dict[str, str]:
    return {"title": "Fine", "description": "Fine", "body": "Fine", "publish": "Publish", **fields}


@pytest.mark.parametrize("page", ["write", "edit"])
def test_60000_comma_separated_tags_on_the_site_are_refused_before_any_work_per_entry(
    writer, db, user, page
):
    post = PostFactory(slug="mine", author=user, body="Kept", tags=["kept"])
    path = "/write" if page == "write" else "/posts/mine/edit"
    data = editor_form(tags=",".join(f"t{n}" for n in range(60_000)), body="Changed")
    response, lines = counted(lambda: writer.post(path, data=data))
    assert response.status_code == 422
    assert f"Field cannot be longer than {TAG_FIELD_MAX} characters.".encode() in response.data
    assert lines < LINE_BUDGET
    db.session.refresh(post)
    assert (db.session.query(Post).count(), post.body, post.tag_names) == (1, "Kept", ["kept"])


# Markdown

MARKDOWN_STORMS = {
    "image openers": "![",
    "link openers": "[",
    "links": "[a](b) ",
    "reference links": "[a][",
    "emphasis": "*a",
    "mixed emphasis": "_*",
    "strikethrough": "~~a",
    "code spans": "`a",
    "autolinks": "<http://a.b> ",
    "angle brackets": "<",
    "entities": "&amp;",
    "escapes": "\\!",
    "short lines": "a\n",
    "headings": "# a\n",
    "list items": "- a\n",
    "ordered items": "1. a\n",
    "quotes": "> a\n",
    "nested quotes": "> > > > > > > > a\n",
    "table rows": "|a|b|\n",
    "pipes": "|",
}


@pytest.mark.parametrize("pattern", MARKDOWN_STORMS.values(), ids=MARKDOWN_STORMS.keys())
def test_a_body_full_of_markup_is_refused_before_any_work_per_entry(api, db, pattern):
    body = repeat(pattern, BODY_MAX)
    if pattern.startswith("|"):
        body = "|h|h|\n|-|-|\n" + body[12:]  # a table's header, then rows
    article = {"title": "Storm", "description": "d", "body": body}
    response, lines = send_json(
        api.client, "POST", "/api/articles", {"article": article}, api.token
    )
    assert response.status_code == 422
    assert response.json == {"errors": {"body": [TOO_MUCH_MARKUP]}}
    assert lines < LINE_BUDGET
    assert db.session.query(Post).count() == 0


def test_an_edit_full_of_markup_is_refused_before_any_work_per_entry(api):
    slug = api.write("Target")["slug"]
    article = {"body": repeat("![", BODY_MAX)}
    response, lines = send_json(
        api.client, "PUT", f"/api/articles/{slug}", {"article": article}, api.token
    )
    assert response.status_code == 422
    assert response.json == {"errors": {"body": [TOO_MUCH_MARKUP]}}
    assert lines < LINE_BUDGET
    assert api.get(f"/articles/{slug}").json["article"]["body"] == "# Hello"


@pytest.mark.parametrize("button", ["publish", "preview"])
@pytest.mark.parametrize("page", ["write", "edit"])
def test_the_editor_refuses_a_body_full_of_markup_before_any_work_per_entry(
    writer, db, user, page, button
):
    post = PostFactory(slug="mine", author=user, body="Kept")
    path = "/write" if page == "write" else "/posts/mine/edit"
    data = {**editor_form(body=repeat("![", BODY_MAX)), button: button.capitalize()}
    response, lines = counted(lambda: writer.post(path, data=data))
    assert response.status_code == 422
    assert b"Body has too much formatting" in response.data
    assert b'class="preview' not in response.data
    assert lines < LINE_BUDGET
    db.session.refresh(post)
    assert (db.session.query(Post).count(), post.body) == (1, "Kept")


# Every string field of every JSON body: a string near the body limit, and a huge array


def too_long(maximum: int) -> list[str]:
    return [f"is too long (maximum is {maximum} characters)"]


NEW_USER = {"username": "newcomer", "email": "newcomer@example.com", "password": "long enough"}
ARTICLE = {"title": "T", "description": "D", "body": "B"}
JSON_FIELDS = [
    ("POST", "/users", "user", NEW_USER, "username", 422, {"username": too_long(USERNAME_MAX)}),
    ("POST", "/users", "user", NEW_USER, "email", 422, {"email": too_long(EMAIL_MAX)}),
    ("POST", "/users", "user", NEW_USER, "password", 422, {"password": too_long(256)}),
    ("POST", "/users/login", "user", NEW_USER, "email", 422, {"email": too_long(EMAIL_MAX)}),
    ("POST", "/users/login", "user", NEW_USER, "password", 401, {"credentials": ["invalid"]}),
    ("PUT", "/user", "user", {}, "username", 422, {"username": too_long(USERNAME_MAX)}),
    ("PUT", "/user", "user", {}, "email", 422, {"email": too_long(EMAIL_MAX)}),
    ("PUT", "/user", "user", {}, "password", 422, {"password": too_long(256)}),
    ("PUT", "/user", "user", {}, "bio", 422, {"bio": too_long(BIO_MAX)}),
    ("PUT", "/user", "user", {}, "image", 422, {"image": too_long(IMAGE_URL_MAX)}),
    ("POST", "/articles", "article", ARTICLE, "title", 422, {"title": too_long(TITLE_MAX)}),
    ("POST", "/articles", "article", ARTICLE, "description", 422,
     {"description": too_long(DESCRIPTION_MAX)}),
    ("POST", "/articles", "article", ARTICLE, "body", 422, {"body": too_long(BODY_MAX)}),
    ("PUT", "/articles/<slug>", "article", {}, "title", 422, {"title": too_long(TITLE_MAX)}),
    ("PUT", "/articles/<slug>", "article", {}, "description", 422,
     {"description": too_long(DESCRIPTION_MAX)}),
    ("PUT", "/articles/<slug>", "article", {}, "body", 422, {"body": too_long(BODY_MAX)}),
    ("POST", "/articles/<slug>/comments", "comment", {}, "body", 422,
     {"body": too_long(COMMENT_MAX)}),
]  # fmt: skip


def _send_field(api, method, path, envelope, fields, field, value):
    """The refused request, sent twice and counted the second time: the first in a process
    imports what the app defers to its first use (the e-mail validator compiles its patterns
    then), which is not work per entry."""
    slug = api.write("Target")["slug"]
    payload = {envelope: {**fields, field: value}}
    url = "/api" + path.replace("<slug>", slug)
    send_json(api.client, method, url, payload, api.token)
    return send_json(api.client, method, url, payload, api.token)


@pytest.mark.parametrize(("method", "path", "envelope", "fields", "field", "status", "errors"),
                         JSON_FIELDS)  # fmt: skip
def test_a_string_near_the_body_limit_is_refused_before_any_work_per_entry(
    api, db, method, path, envelope, fields, field, status, errors
):
    value = "x" * (BODY_LIMIT - 1000)
    response, lines = _send_field(api, method, path, envelope, fields, field, value)
    assert response.status_code == status
    assert response.json == {"errors": errors}
    assert lines < LINE_BUDGET
    assert (db.session.query(Post).count(), db.session.query(Comment).count()) == (1, 0)


@pytest.mark.parametrize(("method", "path", "envelope", "fields", "field"),
                         [case[:5] for case in JSON_FIELDS])  # fmt: skip
def test_an_array_of_300000_where_a_string_belongs_is_refused_before_any_work_per_entry(
    api, db, method, path, envelope, fields, field
):
    response, lines = _send_field(api, method, path, envelope, fields, field, [0] * 300_000)
    assert response.status_code == 422
    assert response.json == {"errors": {field: ["must be a string"]}}
    assert lines < LINE_BUDGET
    assert (db.session.query(Post).count(), db.session.query(Comment).count()) == (1, 0)
