import html
import re

import pytest

from blog.domain import posts, social
from tests.factories import DraftFactory, PostFactory, UserFactory
from tests.helpers import app_on


def test_home_lists_newest_published_first_and_paginates(settings, client, db):
    settings(POSTS_PER_PAGE=2)
    from datetime import timedelta

    from blog.models import utcnow

    for n in range(3):
        PostFactory(title=f"Post number {n}", published_at=utcnow() - timedelta(days=3 - n))
    DraftFactory(title="Unfinished draft")
    first = client.get("/").data.decode()
    assert first.index("Post number 2") < first.index("Post number 1")
    assert "Post number 0" not in first and "Unfinished draft" not in first
    assert 'href="/?page=2"' in first
    second = client.get("/?page=2").data.decode()
    assert "Post number 0" in second


@pytest.mark.parametrize("path", ["/", "/tags/flask", "/@writer"])
def test_the_pager_keeps_the_query_but_never_lets_it_steer_link_building(
    settings, client, db, path
):
    settings(POSTS_PER_PAGE=1)
    author = UserFactory(username="writer")
    for n in range(2):
        PostFactory(author=author, title=f"Post {n}", tags=["flask"])
    query = "?q=keep&endpoint=main.index&_external=1&_anchor=top&username=other"
    response = client.get(path + query)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    links = re.findall(r'href="([^"]*page=2[^"]*)"', page)
    assert links, "a link to page 2"
    for link in links:
        assert link.startswith(f"{path}?") and "q=keep" in link, link  # same page, not absolute
        assert "#" not in link and "endpoint" not in link, link


def test_empty_home_page_invites_a_first_post(client, db):
    page = client.get("/").data
    assert b"Nothing published yet" in page


def test_a_tag_only_drafts_carry_is_not_found_by_anyone_and_listed_nowhere(client, auth, db):
    """As absent as an unknown tag, to its draft's author too (the page lists published
    posts), so neither its page nor a list tells that a draft uses it."""
    author = UserFactory(username="alice")
    DraftFactory(author=author, tags=["secret", "flask"])
    PostFactory(tags=["flask"])
    UserFactory(username="bob")
    assert client.get("/tags/secret").status_code == 404
    for reader in ("bob", "alice"):
        auth.login(reader)
        assert client.get("/tags/secret").status_code == 404
        assert client.get("/tags/flask").status_code == 200
        assert "/tags/secret" not in client.get("/").text
        auth.logout()
    assert client.get("/api/tags").json == {"tags": ["flask"]}


def test_a_tag_whose_posts_are_all_gone_or_unpublished_is_not_found(client, db):
    post = PostFactory(tags=["passing"])
    assert client.get("/tags/passing").status_code == 200
    posts.unpublish_post(post, post.author)
    assert client.get("/tags/passing").status_code == 404
    db.session.delete(post)
    db.session.commit()
    assert client.get("/tags/passing").status_code == 404


def test_tag_page_lists_tagged_posts(client, db):
    PostFactory(title="Tagged one", tags=["flask"])
    PostFactory(title="Other one", tags=["cooking"])
    page = client.get("/tags/flask").data
    assert b"Tagged one" in page and b"Other one" not in page
    assert client.get("/tags/FLASK").status_code == 200
    assert client.get("/tags/nothing").status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999999", "1.5"])
def test_bad_page_numbers_are_404_not_500(client, db, page):
    assert client.get(f"/?page={page}").status_code == 404


PAGINATED = ["/", "/tags/common", "/@writer", "/@writer/favorites", "/feed"]


@pytest.mark.parametrize("path", PAGINATED)
def test_every_paginated_page_ends_at_its_last_page(settings, client, auth, path):
    """Three posts at two a page: page 2 is the last, page 3 is past the end (404), as 0 is."""
    settings(POSTS_PER_PAGE=2)
    writer = UserFactory(username="writer")
    reader = UserFactory(username="reader")
    social.follow(reader, writer)
    for _ in range(3):
        social.favorite(writer, PostFactory(author=writer, tags=["common"]))
    auth.login("reader")
    assert client.get(f"{path}?page=2").status_code == 200
    missing = client.get(f"{path}?page=3")
    assert missing.status_code == 404
    assert b"No such page." in missing.data


@pytest.mark.parametrize("path", ["/", "/@writer", "/@writer/favorites", "/feed"])
def test_the_first_page_of_an_empty_list_is_a_page(client, auth, path):
    UserFactory(username="writer")
    UserFactory(username="reader")
    auth.login("reader")
    assert client.get(path).status_code == 200
    assert client.get(f"{path}?page=2").status_code == 404


def test_error_pages_use_the_site_layout_or_json(client, db):
    html = client.get("/no/such/page")
    assert html.status_code == 404 and b"Page not found" in html.data and b"site-nav" in html.data
    api = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json["errors"]["body"]


def test_unexpected_errors_are_a_styled_500_without_a_traceback(database_url):
    with app_on(database_url, PROPAGATE_EXCEPTIONS=False) as app:  # a route of its own

        @app.get("/boom")
        def boom():
            raise RuntimeError("secret internals")

        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
