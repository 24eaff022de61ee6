"""No redirect leaves the site, whatever ``next`` says: a corpus of open-redirect payloads through
every route that follows one (sign-in's ``?next=``, and the ``next`` field of the follow and
favorite forms), each answer read the way a browser resolves a ``Location``."""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.factories import PASSWORD, PostFactory, UserFactory
from tests.helpers import sign_in_without_the_form

SITE = "http://localhost"
ELSEWHERE = "evil.example"

PAYLOADS = [
    # absolute, in every scheme and spelling
    f"https://{ELSEWHERE}/",
    f"http://{ELSEWHERE}",
    f"HTTPS://{ELSEWHERE}",
    f"ftp://{ELSEWHERE}/",
    f"https:{ELSEWHERE}",
    f"https:/{ELSEWHERE}",
    f"https:///{ELSEWHERE}",
    f"https://localhost@{ELSEWHERE}/",
    f"https://{ELSEWHERE}%2F@localhost/",
    # scheme-relative, and paths that browsers read as one
    f"//{ELSEWHERE}",
    f"///{ELSEWHERE}",
    f"////{ELSEWHERE}/",
    f"//{ELSEWHERE}/%2F..",
    f"//{ELSEWHERE}:443/",
    f"//localhost@{ELSEWHERE}",
    # backslashes, which browsers read as slashes
    f"/\\{ELSEWHERE}",
    f"\\\\{ELSEWHERE}",
    f"\\/{ELSEWHERE}",
    f"/\\/{ELSEWHERE}",
    f"\\{ELSEWHERE}",
    f"https:\\\\{ELSEWHERE}",
    # tabs, newlines and other controls, which browsers drop from a URL
    f"/\t/{ELSEWHERE}",
    f"/\n/{ELSEWHERE}",
    f"/\r\n/{ELSEWHERE}",
    f"\t//{ELSEWHERE}",
    f"/\x00/{ELSEWHERE}",
    f"/\x0b/{ELSEWHERE}",
    f" //{ELSEWHERE}",
    # script and data URLs
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "javascript://%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    # encoded, once and twice
    f"%2F%2F{ELSEWHERE}",
    f"%5C%5C{ELSEWHERE}",
    f"%252F%252F{ELSEWHERE}",
    # look-alike slashes and dots
    f"\uff0f\uff0f{ELSEWHERE}",
    f"\u3002{ELSEWHERE}",
    # not a path at all
    ELSEWHERE,
    f"{ELSEWHERE}/path",
    "",
    " ",
]

ON_SITE = [
    "/settings",
    "/posts/x?y=1",
    "/@writer?page=2#posts",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/\u2215evil.example",
]
"""Paths of the site, followed as they are: a percent-encoded slash, backslash or tab, or a
look-alike of a slash, is part of a path to a browser, not a way to another host."""


def resolved(location: str) -> tuple[str, str]:
    """``(scheme, host)`` of where a browser goes for ``location``, answered on :data:`SITE`:
    tabs and newlines dropped, backslashes taken for slashes, leading spaces and controls
    stripped, as the URL standard says."""
    cleaned = "".join(c for c in location if c not in "\t\n\r").replace("\\", "/")
    parts = urlsplit(urljoin(f"{SITE}/login", cleaned.lstrip("\x00\x0b\x0c ")))
    return parts.scheme.lower(), (parts.hostname or "")


def test_the_corpus_is_large_and_the_browsers_reading_sees_through_its_tricks():
    """What the tests below rely on: followed as they are, these payloads would go elsewhere."""
    assert len(PAYLOADS) >= 41
    assert all(resolved(path) == ("http", "localhost") for path in ON_SITE)
    assert resolved(f"//{ELSEWHERE}") == ("http", ELSEWHERE)
    assert resolved(f"/\\{ELSEWHERE}") == ("http", ELSEWHERE)
    assert resolved(f"/\t/{ELSEWHERE}") == ("http", ELSEWHERE)
    assert resolved(f"\t//{ELSEWHERE}") == ("http", ELSEWHERE)
    assert resolved(f"https://localhost@{ELSEWHERE}/") == ("https", ELSEWHERE)
    assert resolved("java\tscript:alert(1)") == ("javascript", "")
    assert resolved("/settings") == ("http", "localhost")


@pytest.fixture
def site(client):
    return client


def assert_stays(response, fallback: str, payload: str) -> None:
    assert response.status_code == 302, payload
    assert resolved(response.location) == ("http", "localhost"), (payload, response.location)
    assert response.location == fallback, payload


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_sign_in_never_sends_a_reader_off_the_site(site, user, payload):
    response = site.post(
        "/login",
        query_string={"next": payload},
        data={"login": "alice", "password": PASSWORD},
    )
    assert_stays(response, "/", payload)
    signed_in_again = site.get("/login", query_string={"next": payload})
    assert_stays(signed_in_again, "/", payload)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_the_follow_and_favorite_forms_never_send_a_reader_off_the_site(site, user, payload):
    writer = UserFactory(username="writer")
    post = PostFactory(author=writer, slug="a-post")
    sign_in_without_the_form(site, user)
    for action, fallback in (
        ("/@writer/follow", "/@writer"),
        ("/@writer/unfollow", "/@writer"),
        (f"/posts/{post.slug}/favorite", f"/posts/{post.slug}"),
        (f"/posts/{post.slug}/unfavorite", f"/posts/{post.slug}"),
    ):
        response = site.post(action, data={"next": payload})
        assert_stays(response, fallback, payload)


@pytest.mark.parametrize("path", ON_SITE)
def test_a_path_of_the_site_is_followed(site, user, path):
    response = site.post(
        "/login",
        query_string={"next": path},
        data={"login": "alice", "password": PASSWORD},
    )
    assert (response.status_code, unquote(response.location)) == (302, unquote(path))
    assert resolved(response.location) == ("http", "localhost")
    UserFactory(username="writer")
    followed = site.post("/@writer/follow", data={"next": path})
    assert (followed.status_code, unquote(followed.location)) == (302, unquote(path))
