"""Text that is not what its encoding says is refused alike however it is sent: url-encoded,
multipart or JSON. Werkzeug decodes a multipart text part with replacement characters, so a
title of the bytes FF FE used to be saved as two U+FFFD where the url-encoded one got 400."""

from __future__ import annotations

import json
from io import BytesIO

import pytest

from blog.api.tokens import issue_token
from blog.hardening import has_undecodable_text, json_has_undecodable_text
from blog.models import Comment, Post, User
from tests.factories import PostFactory

GARBLED = b"\xff\xfe"
NOT_UTF8 = b"The form held text that is not valid UTF-8. Please type it again."


def multipart(fields: dict[str, bytes], headers: dict[str, bytes] | None = None):
    """A multipart body of text parts, with extra part headers by field name, and its type."""
    headers = headers or {}
    parts = [
        b'--b0undary\r\nContent-Disposition: form-data; name="%s"\r\n%s\r\n%s\r\n'
        % (name.encode(), headers.get(name, b""), value)
        for name, value in fields.items()
    ]
    return b"".join(parts) + b"--b0undary--\r\n", "multipart/form-data; boundary=b0undary"


FORMS = [
    ("/login", {"login": b"alice", "password": GARBLED}),
    ("/register", {"username": GARBLED, "email": b"u2@example.com", "password": b"long enough"}),
    ("/reset-password", {"email": b"alice" + GARBLED + b"@example.com"}),
    ("/write", {"title": GARBLED, "description": b"d", "body": b"b", "publish": b"Publish"}),
    ("/posts/hello/edit", {"title": b"T", "description": b"d", "body": GARBLED}),
    ("/posts/hello/comments", {"body": b"Nice " + GARBLED}),
    (
        "/settings",
        {
            "profile-username": b"alice",
            "profile-email": b"alice@example.com",
            "profile-bio": GARBLED,
            "profile-save_profile": b"1",
        },
    ),
]


@pytest.fixture
def signed_in(client, auth, user):
    PostFactory(slug="hello", author=user, body="Kept")
    assert auth.login().status_code == 302
    return client


@pytest.mark.parametrize(("path", "fields"), FORMS, ids=[path for path, _ in FORMS])
def test_invalid_utf8_in_a_multipart_form_is_400_and_nothing_is_saved(
    signed_in, db, user, path, fields
):
    users_before = db.session.query(User).count()
    bio_before = user.bio
    body, content_type = multipart(fields)
    response = signed_in.post(path, data=body, content_type=content_type)
    assert response.status_code == 400
    assert NOT_UTF8 in response.data
    assert db.session.query(User).count() == users_before
    assert db.session.query(Comment).count() == 0
    assert [post.body for post in db.session.query(Post)] == ["Kept"]
    db.session.refresh(user)
    assert user.bio == bio_before


def test_valid_utf8_in_a_multipart_form_is_saved_as_sent(signed_in, db):
    title = "Привет, мир 👋 & 100% + more"
    fields = {"title": title.encode(), "description": b"d", "body": b"b", "publish": b"Publish"}
    body, content_type = multipart(fields)
    assert signed_in.post("/write", data=body, content_type=content_type).status_code == 302
    assert db.session.query(Post).filter_by(title=title).count() == 1


def test_a_part_that_names_its_charset_is_read_in_it(signed_in, db):
    fields = {"title": b"\xe9t\xe9", "description": b"d", "body": b"b", "publish": b"Publish"}
    latin1 = {"title": b"Content-Type: text/plain; charset=iso-8859-1\r\n"}
    body, content_type = multipart(fields, headers=latin1)
    assert signed_in.post("/write", data=body, content_type=content_type).status_code == 302
    assert db.session.query(Post).filter_by(title="été").count() == 1


def test_a_file_part_is_not_text_and_is_not_refused(signed_in, db):
    data = {"title": "With a file", "description": "d", "body": "b", "publish": "Publish"}
    data["attachment"] = (BytesIO(GARBLED), "x.bin")
    response = signed_in.post("/write", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.query(Post).filter_by(title="With a file").count() == 1


JSON_NOT_UTF8 = {"errors": {"body": ["The request's JSON is not valid UTF-8."]}}


def test_invalid_utf8_in_json_is_400_on_the_api_and_the_site(signed_in, db, user):
    article = b'{"article": {"title": "\xff\xfe", "description": "d", "body": "b"}}'
    headers = {"Authorization": f"Token {issue_token(user)}"}
    for path, data in [
        ("/api/articles", article),
        ("/write", b'{"title": "\xff\xfe", "description": "d", "body": "b", "publish": "1"}'),
    ]:
        response = signed_in.post(path, data=data, content_type="application/json", headers=headers)
        assert (response.status_code, response.json) == (400, JSON_NOT_UTF8)
    assert [post.body for post in db.session.query(Post)] == ["Kept"]


def test_json_in_utf16_is_still_read(client, user):
    article = {"article": {"title": "Ünïcode", "description": "d", "body": "b"}}
    response = client.post(
        "/api/articles",
        data=json.dumps(article, ensure_ascii=False).encode("utf-16"),
        content_type="application/json",
        headers={"Authorization": f"Token {issue_token(user)}"},
    )
    assert response.status_code == 201
    assert response.json["article"]["title"] == "Ünïcode"


@pytest.mark.parametrize(
    ("body", "undecodable"),
    [
        (b"a=%C3%A9&b=%C3%A9+x", False),
        (b"&" * 10 + b"a=&=b", False),
        (b"a=%C3&b=%A9", True),  # one character split over two fields is no character
        (b"a=ok&b=%FF", True),
        (b"a=\xff", True),
    ],
)
def test_a_urlencoded_body_is_decoded_whole(body, undecodable):
    assert has_undecodable_text(body) is undecodable


@pytest.mark.parametrize(
    ("body", "undecodable"),
    [
        (b'{"a": "\xc3\xa9"}', False),
        (b'\xef\xbb\xbf{"a": 1}', False),
        ('{"a": "é"}'.encode("utf-16"), False),
        (b'{"a": "\xc3"}', True),
        (b"", False),
    ],
)
def test_a_json_body_is_checked_in_the_encoding_it_is_in(body, undecodable):
    assert json_has_undecodable_text(body) is undecodable
