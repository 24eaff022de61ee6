"""The tag counts are cached, cleared by any write that changes them, shared through Redis, and
never needed: without Redis the pages are served all the same."""

from __future__ import annotations

import contextlib
import uuid

import pytest
import sqlalchemy as sa

from blog.domain import posts, tags
from blog.extensions import cache, db
from blog.models import Post, PostStatus
from tests.conftest import app_on
from tests.factories import PostFactory, UserFactory
from tests.servers import REDIS, free_port, require_redis


@contextlib.contextmanager
def counting():
    """``with counting() as counted:`` ... ``counted[0]`` is the SQL statements run."""
    counted = [0]

    def count(*args, **kwargs):
        counted[0] += 1

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client, path: str = "/") -> int:
    with counting() as counted:
        assert client.get(path).status_code == 200
    return counted[0]


@pytest.fixture
def cached_app(database_url):
    with app_on(database_url, CACHE_TYPE="SimpleCache") as app:
        yield app


def test_the_second_page_does_not_count_tags_again(cached_app):
    PostFactory(tags=["flask"])
    client = cached_app.test_client()
    first = statements_for(client)
    assert statements_for(client) == first - 1
    assert statements_for(client, "/api/tags") == 1
    assert statements_for(client, "/api/tags") == 0


def test_a_change_is_cleared_at_commit_whatever_savepoints_did_in_between(cached_app):
    """Releasing a savepoint commits nothing yet, and rolling one back undoes only its own
    writes: neither may use up the clearing of what the transaction commits."""
    post = PostFactory(tags=["python"])
    client = cached_app.test_client()
    assert client.get("/api/tags").json["tags"] == ["python"]
    post.status = PostStatus.DRAFT
    db.session.flush()
    with contextlib.suppress(RuntimeError), db.session.begin_nested():
        raise RuntimeError("a retry that failed")
    with db.session.begin_nested():
        pass
    assert client.get("/api/tags").json["tags"] == ["python"]  # not committed yet
    db.session.commit()
    assert client.get("/api/tags").json["tags"] == []


def test_publishing_a_post_with_a_new_tag_shows_it_at_once(cached_app):
    author = UserFactory()
    PostFactory(tags=["flask"])
    client = cached_app.test_client()
    assert client.get("/api/tags").json["tags"] == ["flask"]
    assert "sqlalchemy" not in client.get("/").text
    posts.create_post(
        author, title="T", body="B", description="D", tags=["sqlalchemy"], publish=True
    )
    assert "sqlalchemy" in client.get("/").text
    assert client.get("/api/tags").json["tags"] == ["flask", "sqlalchemy"]


@pytest.mark.parametrize("change", ["unpublish", "delete", "rename", "merge", "delete-row"])
def test_every_kind_of_change_clears_the_counts(cached_app, change):
    author = UserFactory(is_admin=True)
    post = PostFactory(tags=["flask"], author=author)
    client = cached_app.test_client()
    assert client.get("/api/tags").json["tags"] == ["flask"]
    if change == "unpublish":
        posts.unpublish_post(post, author)
    elif change == "delete":
        posts.delete_post(post, author)
    elif change == "rename":
        tags.rename_tag(post.post_tags[0].tag, "python")
    elif change == "merge":  # renaming onto an existing tag merges, with plain SQL statements
        PostFactory(tags=["python"], author=author, status=PostStatus.DRAFT, published_at=None)
        assert client.get("/api/tags").json["tags"] == ["flask"]
        tags.rename_tag(post.post_tags[0].tag, "python")
    else:  # as Flask-Admin does it: the session deletes the row
        db.session.delete(db.session.get(Post, post.id))
        db.session.commit()
    expected = ["python"] if change in ("rename", "merge") else []
    assert client.get("/api/tags").json["tags"] == expected


def test_a_rolled_back_change_clears_nothing(cached_app):
    PostFactory(tags=["flask"])
    client = cached_app.test_client()
    cold = statements_for(client)
    post = db.session.scalars(sa.select(Post)).one()
    post.title = "Changed, then thought better of"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert statements_for(client) == cold - 1


def test_instances_share_the_cache_through_redis(database_url):
    require_redis()
    shared = {"CACHE_TYPE": "", "REDIS_URL": REDIS, "CACHE_KEY_PREFIX": f"t{uuid.uuid4().hex}:"}
    with app_on(database_url, **shared) as first:
        assert first.config["CACHE_TYPE"] == "RedisCache"
        PostFactory(tags=["flask"])
        assert first.test_client().get("/api/tags").json["tags"] == ["flask"]
    # The first instance emptied the database on its way out; what the second one reads about
    # tags can only come from Redis.
    with app_on(database_url, **shared) as second:
        client = second.test_client()
        with counting() as counted:
            assert client.get("/api/tags").json["tags"] == ["flask"]
        assert counted[0] == 0
        PostFactory(tags=["python"])  # a write here clears the shared entry
        assert client.get("/api/tags").json["tags"] == ["python"]
        cache.clear()  # this test's keys only (they share its prefix)


def test_without_redis_pages_are_served_and_the_trouble_logged(database_url, capsys):
    gone = f"redis://127.0.0.1:{free_port()}/0"
    with app_on(database_url, CACHE_TYPE="", REDIS_URL=gone) as app:
        PostFactory(tags=["flask"])
        response = app.test_client().get("/")
        assert response.status_code == 200 and "flask" in response.text
    assert "cache read of popular-tags:20 failed: ConnectionError" in capsys.readouterr().err
