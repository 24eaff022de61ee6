"""Follows, favorites, the feed and profile tabs."""

import pytest

from blog.models import favorites, follows
from tests.factories import DraftFactory, PostFactory, UserFactory


@pytest.fixture
def writer(db):
    return UserFactory(username="writer", bio="I write about rivers.")


def _count(db, table) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(table)).scalar_one()


def test_follow_and_unfollow_update_counts_and_are_idempotent(client, auth, user, writer, db):
    auth.login()
    for _ in range(2):
        response = client.post("/@writer/follow", data={"next": "/@writer"})
        assert response.status_code == 302 and response.location == "/@writer"
    assert _count(db, follows) == 1
    page = client.get("/@writer").data.decode()
    assert "<strong>1</strong> follower" in page and "Unfollow writer" in page
    assert "<strong>1</strong> following" in client.get("/@alice").data.decode()
    client.post("/@writer/unfollow")
    client.post("/@writer/unfollow")
    assert _count(db, follows) == 0
    assert "Follow writer" in client.get("/@writer").data.decode()


def test_you_cannot_follow_yourself(client, auth, user, db):
    auth.login()
    response = client.post("/@alice/follow", follow_redirects=True)
    assert b"You can&#39;t follow yourself." in response.data
    assert _count(db, follows) == 0


def test_follow_redirect_ignores_foreign_next(client, auth, user, writer):
    auth.login()
    response = client.post("/@writer/follow", data={"next": "https://evil.example/"})
    assert response.location == "/@writer"


def test_feed_shows_followed_authors_newest_first(client, auth, user, writer, db):
    PostFactory(author=writer, title="From the writer")
    PostFactory(author=UserFactory(username="other"), title="From someone else")
    DraftFactory(author=writer, title="Writer draft")
    auth.login()
    client.post("/@writer/follow")
    page = client.get("/feed").data.decode()
    assert "From the writer" in page
    assert "From someone else" not in page and "Writer draft" not in page


def test_empty_feed_suggests_authors_to_follow(client, auth, user, writer, db):
    PostFactory(author=writer)
    auth.login()
    page = client.get("/feed").data.decode()
    assert "Your feed is empty" in page
    assert 'href="/@writer"' in page and "Follow writer" in page


def test_feed_needs_sign_in(client, db):
    assert client.get("/feed").location.startswith("/login")


def test_favorite_updates_counts_flags_and_the_profile_tab(client, auth, user, writer, db):
    PostFactory(author=writer, slug="liked", title="A liked post")
    auth.login()
    for _ in range(2):
        assert client.post("/posts/liked/favorite").status_code == 302
    assert _count(db, favorites) == 1
    page = client.get("/posts/liked").data.decode()
    assert 'aria-pressed="true"' in page and '<span class="favorite-count">1</span>' in page
    assert "A liked post" in client.get("/@alice/favorites").data.decode()
    client.post("/posts/liked/unfavorite")
    assert _count(db, favorites) == 0
    assert "A liked post" not in client.get("/@alice/favorites").data.decode()


def test_drafts_cannot_be_favorited_by_their_author(client, auth, user, db):
    DraftFactory(author=user, slug="wip")
    auth.login()
    assert client.post("/posts/wip/favorite").status_code == 403


def test_favorite_of_an_unseen_draft_is_404(client, auth, user, writer, db):
    DraftFactory(author=writer, slug="hidden")
    auth.login()
    assert client.post("/posts/hidden/favorite").status_code == 404


def test_popular_tags_on_the_home_page(client, db):
    PostFactory(tags=["python", "flask"])
    PostFactory(tags=["python"])
    DraftFactory(tags=["secret"])
    page = client.get("/").data.decode()
    assert page.index("/tags/python") < page.index("/tags/flask")
    assert "/tags/secret" not in page


def test_generated_avatar_needs_no_network(client, writer):
    response = client.get("/avatars/writer.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b">W</text>" in response.data
    assert "max-age" in response.headers["Cache-Control"]
    assert b'src="/avatars/writer.svg"' in client.get("/@writer").data


def test_avatar_url_is_used_when_set(client, db):
    UserFactory(username="pic", image_url="https://img.example/p.png")
    assert b'src="https://img.example/p.png"' in client.get("/@pic").data
