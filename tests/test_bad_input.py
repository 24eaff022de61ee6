"""Bad input gets a clear message or a 4xx, never a 500, and saved data stays intact."""

from io import BytesIO

import pytest

from blog.models import Comment, Post, User
from tests.factories import PostFactory


@pytest.fixture
def signed_in(client, auth, user):
    auth.login()
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/posts/%00",
        "/posts/%FF%FE",
        "/posts/" + "x" * 5000,
        "/@%00nobody",
        "/@" + "y" * 5000,
        "/tags/%00",
        "/tags/%C3%28",
        "/posts/nothing-here/edit",
    ],
)
def test_unknown_or_malformed_addresses_are_404(signed_in, path):
    assert signed_in.get(path).status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "nul \x00 byte"},
        {"title": "x" * 10_000},
        {"body": "b" * 200_000},
        {"tags": ", ".join(f"tag{n}" for n in range(50))},
        {"tags": "t" * 500},
        {"description": "d" * 5_000},
    ],
    ids=["nul", "long-title", "long-body", "many-tags", "long-tag", "long-summary"],
)
def test_bad_post_fields_are_422_and_nothing_is_saved(signed_in, db, fields):
    data = {"title": "Fine", "description": "Fine", "body": "Fine", "publish": "Publish", **fields}
    response = signed_in.post("/write", data=data)
    assert response.status_code == 422
    assert db.session.query(Post).count() == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/write", b"title=%FF%FE%FD&body=ok&publish=Publish"),
        ("/write", b"title=ok&body=\xff\xfe&publish=Publish"),
        ("/register", b"username=u&email=u%40example.com&password=%ED%A0%80abcdefghi"),
    ],
)
def test_invalid_utf8_in_a_form_is_400_and_nothing_is_saved(signed_in, db, path, body):
    users_before = db.session.query(User).count()
    response = signed_in.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert b"not valid UTF-8" in response.data
    assert db.session.query(Post).count() == 0
    assert db.session.query(User).count() == users_before


def test_valid_utf8_forms_pass(signed_in, db):
    title = "Привет, мир 👋 & 100% + more"
    data = {"title": title, "description": "ok", "body": "ok", "publish": "Publish"}
    response = signed_in.post("/write", data=data)
    assert response.status_code == 302
    assert db.session.query(Post).one().title == title


ANONYMOUS_FORMS = [
    ("/login", {"login": "alice", "password": "x"}, "login"),
    (
        "/register",
        {"username": "u2", "email": "u2@example.com", "password": "long enough"},
        "email",
    ),
    ("/reset-password", {"email": "alice@example.com"}, "email"),
]
SIGNED_IN_FORMS = [
    ("/write", {"title": "T", "body": "B", "publish": "Publish"}, "title"),
    (
        "/settings",
        {
            "profile-username": "alice",
            "profile-email": "alice@example.com",
            "profile-save_profile": "1",
        },
        "profile-bio",
    ),
    ("/posts/hello/comments", {"body": "Nice"}, "body"),
]
FORMS = [(False, *form) for form in ANONYMOUS_FORMS] + [(True, *form) for form in SIGNED_IN_FORMS]


@pytest.fixture
def reader(client, auth, user):
    """A client for a form: signed in or not, and a published post to comment on."""
    PostFactory(slug="hello", author=user)

    def make(signed_in: bool):
        if signed_in:
            assert auth.login().status_code == 302
        return client

    return make


def _saved_nothing(db, users_before: int) -> None:
    assert db.session.query(Post).count() == 1
    assert db.session.query(Comment).count() == 0
    assert db.session.query(User).count() == users_before


@pytest.mark.parametrize(("signed_in", "path", "fields", "as_file"), FORMS)
def test_a_file_where_text_belongs_is_a_field_error(reader, db, signed_in, path, fields, as_file):
    client = reader(signed_in)
    users_before = db.session.query(User).count()
    data = {**fields, as_file: (BytesIO(b"not text"), "x.txt")}
    response = client.post(path, data=data, content_type="multipart/form-data")
    if as_file == "profile-bio":  # optional: a profile without one is still saved
        assert response.status_code == 302
    else:
        assert response.status_code == 422
        assert b"This field is required." in response.data
    _saved_nothing(db, users_before)


@pytest.mark.parametrize(("signed_in", "path", "fields", "as_number"), FORMS)
@pytest.mark.parametrize("shape", ["number", "list", "not-an-object"])
def test_json_sent_to_a_form_is_never_a_server_error(
    reader, db, signed_in, path, fields, as_number, shape
):
    client = reader(signed_in)
    users_before = db.session.query(User).count()
    body = {"number": {**fields, as_number: 5}, "list": {**fields, as_number: [1]}}.get(shape, [1])
    response = client.post(path, json=body)
    # Settings: a bio that isn't text is left out (it is optional), so the profile is saved; a
    # body that names no form shows the page again. Every other form refuses the body.
    expected = {"number": 302, "list": 302, "not-an-object": 200} if path == "/settings" else {}
    assert response.status_code == expected.get(shape, 422), response.status_code
    _saved_nothing(db, users_before)
