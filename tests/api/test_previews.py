"""The API's article lists keep each preview at the content version (blog.api.previews): a page
of kept previews reads no article, never shows one stale after a write, and gives each reader
their own `favorited` and `following`."""

from __future__ import annotations

import pytest

from blog.api.tokens import issue_token
from blog.domain import social
from blog.extensions import db
from tests.factories import PostFactory, UserFactory
from tests.helpers import Api, app_on


@pytest.fixture
def kept_api(database_url):
    with app_on(database_url, CACHE_TYPE="SimpleCache") as app:
        yield Api(app.test_client())


def _articles(api: Api, path: str = "/articles", token: str | None = None) -> dict[str, dict]:
    answer = api.get(path, token=token)
    assert answer.status_code == 200, answer.json
    return {article["slug"]: article for article in answer.json["articles"]}


def test_a_page_of_kept_previews_reads_only_the_version_and_its_ids(kept_api, count_statements):
    PostFactory.create_batch(3, tags=["flask"])
    first = kept_api.get("/articles").json
    with count_statements() as counted:
        again = kept_api.get("/articles").json
    assert again == first
    assert len(again["articles"]) == again["articlesCount"] == 3
    assert counted.total == 2


def test_a_kept_preview_shows_what_was_written_since(kept_api):
    post = PostFactory(tags=["flask"])
    assert _articles(kept_api)[post.slug]["favoritesCount"] == 0
    social.favorite(UserFactory(), post)
    post.title = "A better title"
    db.session.commit()
    article = _articles(kept_api)[post.slug]
    assert (article["favoritesCount"], article["title"]) == (1, "A better title")


def test_each_reader_gets_their_own_flags_on_kept_previews(kept_api):
    author = UserFactory(username="author")
    post = PostFactory(author=author)
    fan, stranger = UserFactory(username="fan"), UserFactory(username="stranger")
    social.favorite(fan, post)
    social.follow(fan, author)
    db.session.commit()
    anonymous = _articles(kept_api)[post.slug]  # the preview is kept now
    assert (anonymous["favorited"], anonymous["author"]["following"]) == (False, False)

    for_fan = _articles(kept_api, token=issue_token(fan))[post.slug]
    for_stranger = _articles(kept_api, token=issue_token(stranger))[post.slug]
    assert (for_fan["favorited"], for_fan["author"]["following"]) == (True, True)
    assert (for_stranger["favorited"], for_stranger["author"]["following"]) == (False, False)
    assert for_fan["favoritesCount"] == for_stranger["favoritesCount"] == 1
    # The flags of one reader never reach the kept preview.
    assert _articles(kept_api)[post.slug] == anonymous


def test_flags_on_previews_built_for_a_reader_are_theirs_alone(kept_api):
    """The first to ask is a reader with flags: the preview kept from their request has none."""
    post = PostFactory()
    fan = UserFactory()
    social.favorite(fan, post)
    db.session.commit()
    assert _articles(kept_api, token=issue_token(fan))[post.slug]["favorited"] is True
    assert _articles(kept_api)[post.slug]["favorited"] is False
    assert _articles(kept_api, "/articles/feed", token=issue_token(fan)) == {}
