"""The totals the database keeps (blog.domain.counts) against a count of the rows themselves,
after every kind of write: the app's, a bulk insert, a foreign-key cascade."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blog.domain import counts, lists, posts, queries, tags
from blog.extensions import db
from blog.models import Post, PostStatus, PostTag, Tag, User, follows, post_counts, utcnow
from tests.clock import clock_fixture  # noqa: F401
from tests.factories import UserFactory

TITLES = (f"Post {n}" for n in itertools.count(1))


def write(author, tag_names=("python",), **kwargs):
    return posts.create_post(
        author,
        title=next(TITLES),
        body="Text.",
        description="In short.",
        tags=list(tag_names),
        **kwargs,
    )


def counted_by_rows() -> dict[str, int]:
    """Public posts in all, per tag and per author, counted row by row."""
    public = sa.select(Post.id).where(Post.status == "published", Post.published_at <= utcnow())
    found = {
        counts.ALL: db.session.scalar(sa.select(sa.func.count()).select_from(public.subquery()))
    }
    per_tag = (
        sa.select(PostTag.tag_id, sa.func.count())
        .where(PostTag.post_id.in_(public))
        .group_by(PostTag.tag_id)
    )
    for tag_id, number in db.session.execute(per_tag):
        found[counts.tag_scope(tag_id)] = number
    per_author = (
        sa.select(Post.author_id, sa.func.count())
        .where(Post.id.in_(public))
        .group_by(Post.author_id)
    )
    for author_id, number in db.session.execute(per_author):
        found[counts.author_scope(author_id)] = number
    return found


def counted_by_totals() -> dict[str, int]:
    found = {counts.ALL: counts.public_posts_count()}
    for tag_id in db.session.scalars(sa.select(Tag.id)):
        number = counts.public_posts_count(tag_id)
        if number:
            found[counts.tag_scope(tag_id)] = number
    for author_id in db.session.scalars(sa.select(User.id)):
        number = db.session.scalar(sa.select(counts.author_total(author_id)))
        if number:
            found[counts.author_scope(author_id)] = number
    return found


def tag_rows_follow_their_posts() -> bool:
    expected = sa.case((Post.status == "published", Post.published_at))
    wrong = (
        sa.select(sa.func.count())
        .select_from(PostTag)
        .join(Post, Post.id == PostTag.post_id)
        .where(
            sa.or_(
                sa.and_(PostTag.published_at.is_(None), expected.is_not(None)),
                sa.and_(PostTag.published_at.is_not(None), expected.is_(None)),
                PostTag.published_at != expected,
            )
        )
    )
    return db.session.scalar(wrong) == 0


def assert_kept_right():
    db.session.expire_all()
    assert counted_by_totals() == counted_by_rows()
    assert tag_rows_follow_their_posts()


@pytest.fixture
def author(db):
    return UserFactory()


def test_publishing_drafting_and_deleting_move_the_totals(author):
    draft = write(author, ("python", "flask"))
    assert counted_by_totals() == {counts.ALL: 0}
    published = write(author, ("python",), publish=True)
    assert_kept_right()
    assert counted_by_totals()[counts.ALL] == 1
    posts.publish_post(draft, author)
    assert_kept_right()
    assert counted_by_totals()[counts.ALL] == 2
    posts.unpublish_post(published, author)
    assert_kept_right()
    posts.delete_post(draft, author)
    assert_kept_right()
    assert counted_by_totals() == {counts.ALL: 0}


def test_changing_tags_moves_the_tag_totals(author):
    post = write(author, ("python", "flask"), publish=True)
    posts.update_post(post, author, {"tags": ["flask", "sql"]})
    assert_kept_right()
    python = db.session.scalar(sa.select(Tag.id).where(Tag.name == "python"))
    assert counts.public_posts_count(python) == 0
    assert queries.popular_tags() == [("flask", 1), ("sql", 1)]


def test_a_scheduled_post_is_counted_from_its_time(author, clock):
    write(author, ("python",), publish_at=(utcnow() + timedelta(hours=1)).isoformat())
    assert counted_by_totals() == {counts.ALL: 0}
    assert queries.popular_tags() == []
    clock.advance(hours=2)
    assert_kept_right()
    assert counted_by_totals()[counts.ALL] == 1
    assert queries.popular_tags() == [("python", 1)]


def test_merging_and_deleting_tags_moves_the_tag_totals(author):
    write(author, ("python", "py"), publish=True)
    write(author, ("py",), publish=True)
    python, py = (db.session.scalar(sa.select(Tag).where(Tag.name == n)) for n in ("python", "py"))
    tags.merge_tags([py], python)
    assert_kept_right()
    assert counts.public_posts_count(python.id) == 2
    db.session.execute(sa.delete(Tag).where(Tag.id == python.id))
    db.session.commit()
    assert_kept_right()


def test_deleting_an_account_removes_its_posts_from_the_totals(author):
    other = UserFactory()
    write(author, ("python",), publish=True)
    write(other, ("python",), publish=True)
    db.session.delete(author)
    db.session.commit()
    assert_kept_right()
    assert counted_by_totals()[counts.ALL] == 1
    assert counts.author_scope(author.id) not in counted_by_totals()


def test_handing_a_post_over_moves_it_between_the_authors_totals(author):
    other = UserFactory()
    post = write(author, ("python",), publish=True)
    write(author, ("python",))
    db.session.execute(sa.update(Post).values(author_id=other.id))
    db.session.commit()
    assert_kept_right()
    assert counted_by_totals()[counts.author_scope(other.id)] == 1
    # Handed back and unpublished in one statement: each total moves once.
    db.session.execute(
        sa.update(Post)
        .where(Post.id == post.id)
        .values(author_id=author.id, status=PostStatus.DRAFT)
    )
    db.session.commit()
    assert_kept_right()
    assert counted_by_totals() == {counts.ALL: 0}


def test_a_readers_followed_total_adds_up_the_authors_they_follow(author, clock):
    followed, unfollowed, reader = UserFactory(), UserFactory(), UserFactory()
    for writer, number in ((author, 2), (followed, 3), (unfollowed, 4)):
        for _ in range(number):
            write(writer, ("python",), publish=True)
    write(followed, ("python",), publish_at=(utcnow() + timedelta(hours=1)).isoformat())
    write(followed, ("python",))
    db.session.execute(
        sa.insert(follows),
        [{"follower_id": reader.id, "followed_id": user.id} for user in (author, followed)],
    )
    db.session.commit()

    def followed_total():
        return db.session.scalar(sa.select(counts.followed_total(reader.id)))

    assert followed_total() == 5
    assert queries.feed_posts(reader, 1, 20).total == 5
    clock.advance(hours=2)
    assert followed_total() == 6
    assert db.session.scalar(sa.select(counts.followed_total(unfollowed.id))) == 0


def test_the_author_and_feed_lists_read_the_kept_totals_not_the_rows(author):
    """What makes a profile's pager cost a row at any size: the lists take the kept totals
    (made wrong here on purpose), not a count of the author's posts."""
    reader = UserFactory()
    write(author, ("python",), publish=True)
    db.session.execute(sa.insert(follows).values(follower_id=reader.id, followed_id=author.id))
    db.session.execute(
        sa.update(post_counts)
        .where(post_counts.c.scope == counts.author_scope(author.id))
        .values(published=40)
    )
    db.session.commit()
    assert queries.author_posts(author, None, 1, 10).total == 40
    assert queries.author_posts(author, author, 1, 10).total == 40
    assert queries.feed_posts(reader, 1, 10).total == 40
    api_total = lists.window_ids(queries.published_posts(author=author.username), 0, 20)[1]
    assert api_total == 40


def test_an_author_sees_their_drafts_counted_on_their_own_profile(author):
    write(author, ("python",), publish=True)
    write(author, ("python",), publish_at=(utcnow() + timedelta(hours=1)).isoformat())
    write(author, ("python",))
    assert queries.author_posts(author, author, 1, 10).total == 3
    assert queries.author_posts(author, None, 1, 10).total == 1
    assert queries.author_posts(author, UserFactory(), 1, 10).total == 1


def test_rows_inserted_in_bulk_are_counted(author):
    rows = [
        {
            "slug": f"bulk-{n}",
            "title": "Bulk",
            "body": "",
            "body_html": "",
            "status": PostStatus.PUBLISHED if n % 2 else PostStatus.DRAFT,
            "published_at": utcnow() if n % 2 else None,
            "author_id": author.id,
        }
        for n in range(10)
    ]
    ids = db.session.scalars(sa.insert(Post).returning(Post.id), rows).all()
    tag = tags.get_or_create_tags(["bulk"])["bulk"]
    db.session.execute(sa.insert(PostTag), [{"post_id": i, "tag_id": tag.id} for i in ids])
    db.session.commit()
    assert_kept_right()
    assert counted_by_totals() == {
        counts.ALL: 5,
        counts.tag_scope(tag.id): 5,
        counts.author_scope(author.id): 5,
    }


def test_recount_sets_the_totals_from_the_rows(author):
    write(author, ("python", "flask"), publish=True)
    write(author, ("flask",))
    db.session.execute(sa.update(post_counts).values(published=99))
    db.session.execute(sa.update(PostTag).values(published_at=None))
    db.session.commit()
    assert counted_by_totals()[counts.ALL] == 99
    counts.recount(db.session)
    db.session.commit()
    assert_kept_right()
    assert counted_by_totals()[counts.author_scope(author.id)] == 1
