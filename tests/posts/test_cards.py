"""List pages keep their post cards as HTML at the content version (blog.posts.cards): a kept
card costs no statement, is never stale after a write, and carries no reader's own flag, form
or token into another reader's page."""

from __future__ import annotations

import re

import pytest

from blog import caching
from blog.domain import comments, social, users
from blog.extensions import db
from tests.factories import PostFactory, UserFactory
from tests.helpers import AuthActions, app_on, csrf_token_in

FAVORITE_FORM = re.compile(r'<form class="inline-form favorite-form"[^>]*action="([^"]+)"')


@pytest.fixture
def kept_app(database_url):
    with app_on(database_url, CACHE_TYPE="SimpleCache") as app:
        yield app


def _card(html: str, slug: str) -> str:
    """The card of the post at ``slug`` on a list page."""
    for card in html.split('<article class="card')[1:]:
        if f'href="/posts/{slug}"' in card:
            return card.split("</article>")[0]
    raise AssertionError(f"no card for {slug}")


def _page(client, path: str = "/") -> str:
    answer = client.get(path)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _favorites_shown(card: str) -> int:
    return int(re.search(r'<span class="favorite-count">(\d+)</span>', card).group(1))


def test_a_page_of_kept_cards_reads_neither_posts_nor_counts(kept_app, count_statements):
    PostFactory.create_batch(3, tags=["flask"])
    client = kept_app.test_client()
    _page(client)
    with count_statements() as counted:
        html = _page(client)
    assert html.count('<article class="card') == 3
    assert counted.total == 2  # the version with the settings, and the page's ids


def test_a_kept_card_shows_a_favorite_and_a_comment_made_since(kept_app):
    post = PostFactory(tags=["flask"])
    client = kept_app.test_client()
    card = _card(_page(client), post.slug)
    assert _favorites_shown(card) == 0
    assert "💬</span> 0" in card
    social.favorite(UserFactory(), post)
    comments.add_comment(post, UserFactory(), "Nice.")
    db.session.commit()
    card = _card(_page(client), post.slug)
    assert _favorites_shown(card) == 1
    assert "💬</span> 1" in card


def test_a_kept_card_shows_the_authors_new_name(kept_app):
    post = PostFactory()
    client = kept_app.test_client()
    _page(client)
    users.update_profile(post.author, {"username": "renamed"})
    db.session.commit()
    assert ">renamed</span>" in _card(_page(client), post.slug)


def test_each_reader_sees_their_own_favorite_flag_on_a_kept_card(kept_app):
    post = PostFactory()
    fan = UserFactory(username="fan")
    UserFactory(username="other")
    social.favorite(fan, post)
    db.session.commit()
    anonymous = kept_app.test_client()
    assert "is-favorited" not in _card(_page(anonymous), post.slug)  # kept now, for everyone

    fan_client, other_client = kept_app.test_client(), kept_app.test_client()
    AuthActions(fan_client).login("fan")
    AuthActions(other_client).login("other")
    fan_card = _card(_page(fan_client), post.slug)
    other_card = _card(_page(other_client), post.slug)
    assert 'aria-pressed="true"' in fan_card
    assert FAVORITE_FORM.search(fan_card).group(1) == f"/posts/{post.slug}/unfavorite"
    assert 'aria-pressed="false"' in other_card
    assert FAVORITE_FORM.search(other_card).group(1) == f"/posts/{post.slug}/favorite"
    assert _favorites_shown(fan_card) == _favorites_shown(other_card) == 1
    # The anonymous reader still gets no form, from the same kept card.
    assert "favorite-form" not in _card(_page(anonymous), post.slug)


def test_a_kept_card_carries_the_readers_own_token_and_page(kept_app):
    post = PostFactory(tags=["flask"])
    UserFactory(username="first")
    UserFactory(username="second")
    first, second = kept_app.test_client(), kept_app.test_client()
    AuthActions(first).login("first")
    AuthActions(second).login("second")
    first_card = _card(_page(first), post.slug)
    second_card = _card(_page(second, "/tags/flask"), post.slug)
    assert csrf_token_in(first_card) != csrf_token_in(second_card)
    assert csrf_token_in(second_card) == csrf_token_in(_page(second, "/write"))
    assert 'name="next" value="/"' in first_card
    assert 'name="next" value="/tags/flask"' in second_card


def test_without_a_cache_every_card_is_rendered_from_the_rows(app, client, count_statements):
    """The tests' app keeps nothing (NullCache): a page's cards cost their statements each time,
    the same on every request, whatever ran before."""
    PostFactory.create_batch(2)
    _page(client)
    with count_statements() as first:
        _page(client)
    with count_statements() as second:
        _page(client)
    assert first.total == second.total
    assert app.extensions[caching.EACH] is None
