"""Error pages and JSON errors speak in the blog's own words, not in Werkzeug's stock ones."""

import html

import pytest
from flask import abort
from werkzeug.exceptions import default_exceptions

from tests.factories import PASSWORD, UserFactory
from tests.helpers import app_on

STATUSES = (400, 403, 404, 405, 413, 429, 500, 503)
STOCK = {code: default_exceptions[code].description for code in STATUSES}
JSON = {"Accept": "application/json"}


@pytest.fixture
def site(database_url):
    """A client of the app with routes of its own that fail on purpose."""
    with app_on(database_url, PROPAGATE_EXCEPTIONS=False) as app:

        @app.get("/test/bad-request")
        def bad_request():
            abort(400)

        @app.get("/test/crash")
        def crash():
            raise RuntimeError("internals nobody should read")

        @app.get("/test/unavailable")
        def unavailable():
            abort(503)

        @app.get("/test/refused-on-purpose")
        def refused_on_purpose():
            abort(403, "Only the owner may look here.")

        yield app.test_client()


def assert_page(response, status: int, title: str, message: str) -> None:
    assert response.status_code == status
    text = html.unescape(response.text)
    assert f"<h1>{title}</h1>" in text
    assert f"<p>{message}</p>" in text
    assert STOCK[status] not in text
    assert "site-nav" in text  # the site's layout, not a bare page


def assert_json(response, status: int, message: str) -> None:
    assert response.status_code == status
    assert response.json == {"errors": {"body": [message]}}


CASES = [
    pytest.param(
        400,
        "get",
        "/test/bad-request",
        {},
        "Bad request",
        "Something in that request was garbled, so nothing was done. Please go back and try again.",
        id="400",
    ),
    pytest.param(
        404,
        "get",
        "/no/such/page",
        {},
        "Page not found",
        "There is nothing at this address. The link may be mistyped, or what it led to has been "
        "unpublished or deleted.",
        id="404",
    ),
    pytest.param(
        405,
        "get",
        "/logout",
        {},
        "Method not allowed",
        "This address doesn't answer that kind of request. If you typed it or followed a link, "
        "go back and use the button on the page instead.",
        id="405",
    ),
    pytest.param(
        413,
        "post",
        "/login",
        {"data": {"login": "alice", "password": "x" * (1024 * 1024 + 1)}},
        "Too large",
        "That was more than the blog takes in one go (at most 1 MB). Please send less.",
        id="413",
    ),
    pytest.param(
        500,
        "get",
        "/test/crash",
        {},
        "Something went wrong",
        "The error has been logged. Please try again later.",
        id="500",
    ),
    pytest.param(
        503,
        "get",
        "/test/unavailable",
        {},
        "Down for a moment",
        "The blog can't answer right now. Please try again in a few minutes.",
        id="503",
    ),
]


@pytest.mark.parametrize(("status", "method", "path", "kwargs", "title", "message"), CASES)
def test_each_error_page_is_in_the_blogs_words(site, status, method, path, kwargs, title, message):
    response = getattr(site, method)(path, **kwargs)
    assert_page(response, status, title, message)
    assert "internals nobody should read" not in response.text


@pytest.mark.parametrize(("status", "method", "path", "kwargs", "title", "message"), CASES)
def test_each_json_error_says_the_same(site, status, method, path, kwargs, title, message):
    response = getattr(site, method)(path, headers=JSON, **kwargs)
    assert_json(response, status, message)


def test_a_405_still_says_which_methods_are_allowed(site):
    response = site.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_a_smaller_body_limit_is_stated_as_configured(database_url):
    with app_on(database_url, MAX_CONTENT_LENGTH=1000) as app:
        response = app.test_client().post("/login", data={"login": "alice", "password": "x" * 2000})
    assert_page(
        response,
        413,
        "Too large",
        "That was more than the blog takes in one go (at most 1,000 bytes). Please send less.",
    )


def test_a_signed_in_reader_at_the_admin_panel_is_told_in_the_blogs_words(client, auth, user):
    assert auth.login().status_code == 302
    message = "This page is not open to your account."
    assert_page(client.get("/admin/"), 403, "Not allowed", message)
    assert_json(client.get("/admin/", headers=JSON), 403, message)


def test_a_message_given_on_purpose_is_kept(site):
    message = "Only the owner may look here."
    assert_page(site.get("/test/refused-on-purpose"), 403, "Not allowed", message)
    assert_json(site.get("/test/refused-on-purpose", headers=JSON), 403, message)


def test_too_many_tries_are_told_in_the_blogs_words_not_as_the_bare_limit(database_url):
    limits = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_LOGIN": "1 per minute",
    }
    message = "That was too many tries in a short while. Please wait a little and try again."
    with app_on(database_url, **limits) as app:
        UserFactory(username="alice")
        client = app.test_client()
        attempt = {"login": "alice", "password": PASSWORD}
        assert client.post("/login", data=attempt).status_code == 302
        client.post("/logout")
        page = client.post("/login", data=attempt)
        assert_page(page, 429, "Too many requests", message)
        assert "1 per 1 minute" not in page.text
        assert int(page.headers["Retry-After"]) > 0
        body = {"user": {"email": "alice@example.com", "password": PASSWORD}}
        assert_json(client.post("/api/users/login", json=body), 429, message)
