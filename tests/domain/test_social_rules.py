"""Follows and favorites (blog.domain.social), and the counts and flags shown beside posts and
profiles (blog.domain.stats)."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from blog.domain import social
from blog.domain.errors import PermissionDenied, ValidationError
from blog.domain.stats import (
    PostStats,
    ProfileStats,
    attach_post_stats,
    followed_author_ids,
    profile_stats,
)
from blog.extensions import db
from blog.models import Post, favorites, follows
from tests.factories import CommentFactory, DraftFactory, PostFactory, UserFactory


def follow_pairs() -> set[tuple[int, int]]:
    return set(db.session.execute(sa.select(follows.c.follower_id, follows.c.followed_id)))


def favorite_pairs() -> set[tuple[int, int]]:
    return set(db.session.execute(sa.select(favorites.c.user_id, favorites.c.post_id)))


@pytest.fixture
def ann(db):
    return UserFactory(username="ann")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


# Follows and favorites


def test_following_records_who_follows_whom_once_however_often(ann, bob):
    social.follow(ann, bob)
    social.follow(ann, bob)
    assert follow_pairs() == {(ann.id, bob.id)}
    created = db.session.scalar(sa.select(follows.c.created_at))
    assert created is not None


def test_following_is_one_way_and_unfollowing_ends_only_your_own(ann, bob):
    carl = UserFactory()
    social.follow(ann, bob)
    social.follow(bob, ann)
    social.follow(carl, bob)
    social.unfollow(ann, bob)
    assert follow_pairs() == {(bob.id, ann.id), (carl.id, bob.id)}


def test_unfollowing_someone_not_followed_changes_nothing(ann, bob):
    carl = UserFactory()
    social.follow(ann, carl)
    social.follow(bob, carl)
    social.unfollow(ann, bob)
    social.unfollow(ann, bob)
    assert follow_pairs() == {(ann.id, carl.id), (bob.id, carl.id)}


def test_you_cannot_follow_yourself(ann):
    with pytest.raises(ValidationError) as error:
        social.follow(ann, ann)
    assert error.value.errors == {"profile": ["You can't follow yourself."]}
    assert follow_pairs() == set()


def test_favoriting_records_the_reader_and_the_post_once_however_often(ann):
    post = PostFactory()
    social.favorite(ann, post)
    social.favorite(ann, post)
    assert favorite_pairs() == {(ann.id, post.id)}


def test_unfavoriting_removes_that_favorite_alone(ann, bob):
    post, other = PostFactory(), PostFactory()
    for user, favorite in ((ann, post), (ann, other), (bob, post)):
        social.favorite(user, favorite)
    social.unfavorite(ann, post)
    social.unfavorite(ann, post)
    assert favorite_pairs() == {(ann.id, other.id), (bob.id, post.id)}


def test_a_draft_cannot_be_favorited(ann):
    draft = DraftFactory()
    with pytest.raises(PermissionDenied) as error:
        social.favorite(ann, draft)
    assert (str(error.value), error.value.subject) == ("Drafts can't be favorited.", "post")
    assert favorite_pairs() == set()


# Counts and flags


def test_each_post_gets_its_own_counts_and_the_readers_flags(ann, bob, count_statements):
    by_bob, by_carl, quiet = PostFactory(author=bob), PostFactory(), PostFactory(author=bob)
    for fan in (ann, UserFactory()):
        social.favorite(fan, by_bob)
    social.favorite(bob, by_carl)
    for _ in range(3):
        CommentFactory(post=by_carl)
    social.follow(ann, bob)
    social.follow(bob, by_carl.author)  # someone else's follow is not the reader's
    posts = [by_bob, by_carl, quiet]
    db.session.expire_all()
    assert ann.id and [post.id for post in posts]  # loaded before counting
    with count_statements() as counted:
        attach_post_stats(posts, ann)
    assert counted.total == 1
    assert by_bob.stats == PostStats(favorites=2, comments=0, favorited=True, following_author=True)
    assert by_carl.stats == PostStats(
        favorites=1, comments=3, favorited=False, following_author=False
    )
    assert quiet.stats == PostStats(favorites=0, comments=0, favorited=False, following_author=True)


@pytest.mark.parametrize("viewer", [None, AnonymousUserMixin()])
def test_an_anonymous_reader_gets_the_counts_and_no_flags(ann, bob, viewer):
    post = PostFactory(author=bob)
    social.favorite(ann, post)
    social.follow(ann, bob)
    CommentFactory(post=post)
    attach_post_stats([post], viewer)
    assert post.stats == PostStats(favorites=1, comments=1, favorited=False, following_author=False)


def test_a_reader_that_does_not_say_it_is_signed_in_gets_no_flags(ann, bob):
    post = PostFactory(author=bob)
    social.favorite(ann, post)
    social.follow(ann, bob)
    unsigned = SimpleNamespace(id=ann.id)
    attach_post_stats([post], unsigned)
    assert post.stats == PostStats(favorites=1)
    assert profile_stats(bob, unsigned).followed_by_viewer is False
    assert followed_author_ids(unsigned, {bob.id}) == set()


def test_no_posts_take_no_statement(ann, count_statements):
    with count_statements() as counted:
        attach_post_stats([], ann)
        attach_post_stats(iter([]), ann)
    assert counted.total == 0


def test_a_post_missing_from_the_database_gets_empty_stats(ann):
    ghost = Post(id=987654, title="gone", slug="gone", body="", body_html="")
    attach_post_stats(iter([ghost]), ann)
    assert ghost.stats == PostStats()
    assert PostStats() == PostStats(
        favorites=0, comments=0, favorited=False, following_author=False
    )


def test_a_profile_counts_its_followers_and_followings_and_whether_the_reader_follows(ann, bob):
    carl, dora = UserFactory(), UserFactory()
    for follower, followed in ((ann, bob), (carl, bob), (dora, bob), (bob, carl)):
        social.follow(follower, followed)
    assert profile_stats(bob, ann) == ProfileStats(
        followers=3, following=1, followed_by_viewer=True
    )
    assert profile_stats(bob, bob) == ProfileStats(
        followers=3, following=1, followed_by_viewer=False
    )
    assert profile_stats(carl, ann) == ProfileStats(
        followers=1, following=1, followed_by_viewer=False
    )
    assert profile_stats(ann, None) == ProfileStats(
        followers=0, following=1, followed_by_viewer=False
    )
    assert profile_stats(bob, AnonymousUserMixin()).followed_by_viewer is False
    assert ProfileStats() == ProfileStats(followers=0, following=0, followed_by_viewer=False)


def test_followed_author_ids_are_those_of_the_given_authors_the_reader_follows(ann, bob):
    carl, dora = UserFactory(), UserFactory()
    social.follow(ann, bob)
    social.follow(ann, carl)
    social.follow(dora, carl)
    social.follow(dora, bob)
    assert followed_author_ids(ann, {bob.id, carl.id, dora.id}) == {bob.id, carl.id}
    assert followed_author_ids(ann, {bob.id, dora.id}) == {bob.id}
    assert followed_author_ids(dora, {bob.id, carl.id}) == {bob.id, carl.id}
    assert followed_author_ids(bob, {carl.id}) == set()


def test_followed_author_ids_cost_nothing_when_there_is_nothing_to_ask(ann, bob, count_statements):
    social.follow(ann, bob)
    assert ann.id and bob.id  # loaded before counting
    with count_statements() as counted:
        assert followed_author_ids(ann, set()) == set()
        assert followed_author_ids(None, {bob.id}) == set()
        assert followed_author_ids(AnonymousUserMixin(), {bob.id}) == set()
    assert counted.total == 0
