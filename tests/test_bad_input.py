"""Bad input gets a clear message or a 4xx, never a 500, and saved data stays intact."""

import pytest

from blog.models import Post, User
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
    assert response.status_code in (413, 422)
    assert db.session.query(Post).count() == 0


def test_invalid_utf8_in_a_form_is_not_a_server_error(signed_in, db):
    body = b"title=%FF%FE%FD&body=ok&publish=Publish"
    response = signed_in.post("/write", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 400, 422)
    for post in db.session.query(Post):
        assert "\x00" not in post.title


def test_a_body_over_max_content_length_is_413(signed_in, app, db):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = signed_in.post("/write", data={"title": "t", "body": "x" * 20_000})
    assert response.status_code == 413
    assert b"Too large" in response.data


def test_bad_registration_never_creates_a_half_account(client, db):
    response = client.post(
        "/register",
        data={"username": "ok\x00", "email": "a@example.com", "password": "password123"},
    )
    assert response.status_code == 422
    assert db.session.query(User).count() == 0


def test_nul_in_login_is_a_normal_failure(client, user):
    response = client.post("/login", data={"login": "ali\x00ce", "password": "whatever1"})
    assert response.status_code == 422


def test_wrong_method_is_405(client, db):
    assert client.delete("/").status_code == 405
    assert client.get("/posts/x/delete").status_code == 405


def test_a_failed_edit_leaves_tags_and_body_untouched(signed_in, user, db):
    PostFactory(author=user, slug="keep", body="kept", tags=["kept"])
    bad = {"title": "ok", "description": "d", "body": "new", "tags": "t" * 500, "publish": "y"}
    assert signed_in.post("/posts/keep/edit", data=bad).status_code == 422
    post = db.session.query(Post).one()
    assert post.body == "kept" and post.tag_names == ["kept"]
