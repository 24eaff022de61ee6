"""The tag counts are cached at the content version: a write committed by any process (another
app with its own memory cache, the CLI, an instance sharing Redis) shows on the next request,
and the cache is never needed: without Redis the pages are served all the same."""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest
import sqlalchemy as sa

from blog import caching
from blog.domain import posts, queries, social, tags
from blog.extensions import cache, db
from blog.models import Post, PostStatus, PostTag, SignIn, Tag, content_version
from tests.factories import PostFactory, UserFactory
from tests.helpers import AuthActions, app_on, make_app
from tests.servers import REDIS, flask, free_port, require_redis


def statements_for(client, count_statements, path: str = "/") -> int:
    with count_statements() as counted:
        assert client.get(path).status_code == 200
    return counted.total


def version() -> int:
    return db.session.scalar(sa.select(content_version.c.version))


@pytest.fixture
def cached_app(database_url):
    with app_on(database_url, CACHE_TYPE="SimpleCache") as app:
        yield app


def test_the_second_page_reads_the_version_but_does_not_count_tags_again(
    cached_app, count_statements
):
    PostFactory(tags=["flask"])
    client = cached_app.test_client()
    assert statements_for(client, count_statements) == 7
    # The tag counts, the navigation's pages and the post cards come from the cache: the
    # version (read with the settings) and the page's ids are left.
    assert statements_for(client, count_statements) == 2
    assert statements_for(client, count_statements, "/api/tags") == 2  # the version, the count
    assert statements_for(client, count_statements, "/api/tags") == 1  # the version alone


def test_a_request_reads_the_version_once(cached_app, count_statements):
    with cached_app.test_request_context("/"), count_statements() as counted:
        queries.popular_tags()
        queries.all_tag_names()
        queries.popular_tags()
    assert counted.total == 3  # one version read, then each of the two counts once


def test_each_writing_transaction_raises_the_version_once_and_reading_raises_nothing(cached_app):
    author = UserFactory()
    before = version()
    queries.popular_tags()
    db.session.commit()
    assert version() == before
    posts.create_post(author, title="T", body="B", description="D", tags=["b", "c"], publish=True)
    assert version() == before + 1
    social.follow(UserFactory(), author)
    assert version() == before + 3  # the follower's row, then the follow


def test_signing_in_and_out_raises_no_version(cached_app):
    """A sign-in changes nothing cached: it must not make every cached value be computed again."""
    user = UserFactory()
    before = version()
    auth = AuthActions(cached_app.test_client())
    assert auth.login(user.username).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 1
    assert auth.logout().status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 0
    assert version() == before
    user.bio = "a change"
    db.session.commit()
    assert version() == before + 1


def test_a_write_by_another_app_with_its_own_memory_cache_shows_at_once(cached_app, database_url):
    """Two processes, each with its own memory: a write in one is seen by the other's next page."""
    PostFactory(tags=["flask"])
    reader = cached_app.test_client()
    assert reader.get("/api/tags").json["tags"] == ["flask"]
    writer = make_app(database_url, CACHE_TYPE="SimpleCache")
    with writer.app_context():
        writer_client = writer.test_client()
        assert writer_client.get("/api/tags").json["tags"] == ["flask"]
        PostFactory(tags=["python"])
        PostFactory(tags=["python"])
        db.session.remove()
    assert reader.get("/api/tags").json["tags"] == ["python", "flask"]
    assert "python" in reader.get("/").text


def test_a_write_by_the_cli_shows_on_the_next_page(cached_app, database_url):
    """What a new user did: seed in a second terminal while the server runs."""
    PostFactory(tags=["flask"])
    client = cached_app.test_client()
    assert client.get("/api/tags").json["tags"] == ["flask"]
    env = {
        **os.environ,
        "BLOG_ENV": "production",
        "SECRET_KEY": "cli-writes-" + "x" * 40,
        "DATABASE_URL": database_url,
    }
    env.pop("FLASK_DEBUG", None)
    flask(env, "blog", "seed", "--users", "2", "--posts", "6")
    db.session.expire_all()
    in_database = db.session.scalars(
        sa.select(Tag.name).join(PostTag).join(Post).where(Post.is_public).distinct()
    ).all()
    assert len(in_database) > 1
    assert sorted(client.get("/api/tags").json["tags"]) == sorted(in_database)


def test_a_change_counts_at_commit_whatever_savepoints_did_in_between(cached_app):
    """Releasing a savepoint commits nothing yet, and rolling one back undoes only its own
    writes: neither may use up the raising of the version at the real commit."""
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
def test_every_kind_of_change_shows_in_the_counts(cached_app, change):
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


def test_a_rolled_back_change_raises_nothing(cached_app, count_statements):
    PostFactory(tags=["flask"])
    client = cached_app.test_client()
    cold = statements_for(client, count_statements)
    before = version()
    post = db.session.scalars(sa.select(Post)).one()
    post.title = "Changed, then thought better of"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert version() == before
    # Still the version the tags, the navigation and the cards are kept at.
    assert statements_for(client, count_statements) == cold - 5


def test_a_missing_version_row_starts_again_instead_of_failing(cached_app):
    db.session.execute(content_version.delete())
    db.session.commit()
    assert version() is None
    db.session.add(Tag(name="flask"))
    db.session.commit()
    assert version() == 1
    PostFactory(tags=["flask"])
    assert cached_app.test_client().get("/api/tags").json["tags"] == ["flask"]


def test_instances_share_the_cache_through_redis(database_url, count_statements):
    require_redis()
    shared = {"CACHE_TYPE": "", "REDIS_URL": REDIS, "CACHE_KEY_PREFIX": f"t{uuid.uuid4().hex}:"}
    with app_on(database_url, **shared) as first:
        assert first.config["CACHE_TYPE"] == "RedisCache"
        PostFactory(tags=["flask"])
        assert first.test_client().get("/api/tags").json["tags"] == ["flask"]
        second = make_app(database_url, **shared)
        with second.app_context():
            client = second.test_client()
            with count_statements() as counted:
                assert client.get("/api/tags").json["tags"] == ["flask"]
            assert counted.total == 1  # the version; the counts came from Redis
            PostFactory(tags=["python"])
            assert client.get("/api/tags").json["tags"] == ["flask", "python"]  # one post each
            cache.clear()  # this test's keys only (they share its prefix)
            db.session.remove()


def test_without_redis_pages_are_served_and_the_trouble_logged(database_url, capsys):
    gone = f"redis://127.0.0.1:{free_port()}/0"
    with app_on(database_url, CACHE_TYPE="", REDIS_URL=gone) as app:
        PostFactory(tags=["flask"])
        response = app.test_client().get("/")
        assert response.status_code == 200 and "flask" in response.text
    assert "cache read of popular-tags:20 failed: ConnectionError" in capsys.readouterr().err


def rename_table(old: str, new: str) -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {old} RENAME TO {new}")


def test_an_unreadable_version_caches_nothing_and_serves_the_page(cached_app, caplog):
    """A database behind its migrations (no version table yet) still serves pages."""
    PostFactory(tags=["flask"])
    db.session.remove()
    rename_table("content_version", "content_version_gone")
    try:
        with cached_app.test_request_context("/"):
            assert caching.current_content_version() is None
            assert queries.popular_tags() == [("flask", 1)]
            db.session.remove()
    finally:
        rename_table("content_version_gone", "content_version")
    assert "cache version read of content_version failed: " in caplog.text


def test_a_small_value_is_kept_in_the_process_at_its_version(cached_app, count_statements):
    """Read again at the same version, a value comes from the process, not the shared cache
    (emptied here) nor the database; a write makes it computed anew."""
    PostFactory(tags=["flask"])

    def tags_in_a_new_request():
        with cached_app.app_context(), cached_app.test_request_context("/"):
            return queries.popular_tags()

    assert tags_in_a_new_request() == [("flask", 1)]
    cache.clear()
    with count_statements() as counted:
        assert tags_in_a_new_request() == [("flask", 1)]
    assert counted.total == 1  # the version alone
    PostFactory(tags=["flask"])
    assert tags_in_a_new_request() == [("flask", 2)]
