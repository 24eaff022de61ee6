"""The search index follows every change that affects what a post is found by, in the
transaction of that change: no path may leave it stale, and nothing rolled back may reach it."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from blog.domain.posts import create_post, delete_post, publish_post, unpublish_post, update_post
from blog.domain.queries import home_posts, search_posts
from blog.domain.search import index
from blog.domain.search.mariadb import PREFIX
from blog.domain.tags import merge_tags, rename_tag
from blog.domain.users import set_disabled
from blog.extensions import db
from blog.models import Post, PostStatus, Tag, utcnow
from blog.models.types import UTCDateTime
from tests.factories import DraftFactory, PostFactory, UserFactory
from tests.helpers import app_on_empty_database


def found(text: str) -> list[str]:
    """The titles of the hits, best first."""
    return [hit.title for hit in search_posts(text, None, 1, 100)[1].items]


def indexed_ids() -> set[int]:
    """The posts the index holds a document of, read from its table."""
    key = "rowid" if db.engine.dialect.name == "sqlite" else "post_id"
    return set(db.session.scalars(sa.select(sa.column(key)).select_from(sa.table("post_search"))))


def write(author, title="Gardening", **fields):
    values = {"body": "Notes from the weekend.", "description": "A post.", "tags": [], **fields}
    return create_post(author, title=title, publish=values.pop("publish", True), **values)


def test_a_published_post_is_indexed_when_created(user):
    post = write(user, tags=["outdoors"])
    assert indexed_ids() == {post.id}
    assert found("gardening") == found("weekend") == found("outdoors") == ["Gardening"]


def test_a_draft_is_not_indexed(user):
    write(user, publish=False)
    assert indexed_ids() == set()
    assert found("gardening") == []


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        ("title", "Gardening", "Cooking"),
        ("body", "Gardening tips.", "Cooking tips."),
        ("description", "About gardening.", "About cooking."),
        ("tags", ["gardening"], ["cooking"]),
    ],
)
def test_an_edit_replaces_the_words_it_changed(user, field, old, new):
    post = write(user, **{"title": "A post", field: old})
    update_post(post, user, {field: new})
    assert found("gardening") == []
    assert found("cooking") == [post.title]


def test_publishing_indexes_and_unpublishing_forgets(user):
    post = write(user, publish=False)
    publish_post(post, user)
    assert found("gardening") == ["Gardening"]
    unpublish_post(post, user)
    assert found("gardening") == []
    assert indexed_ids() == set()


def test_a_deleted_post_leaves_the_index(user):
    post = write(user)
    delete_post(post, user)
    assert found("gardening") == []
    assert indexed_ids() == set()


def test_a_renamed_tag_is_found_by_its_new_name(user):
    write(user, title="Tagged", tags=["gardening"])
    rename_tag(db.session.scalar(sa.select(Tag).where(Tag.name == "gardening")), "horticulture")
    assert found("gardening") == []
    assert found("horticulture") == ["Tagged"]


def test_a_tag_renamed_to_an_existing_one_is_merged_into_it(user):
    write(user, title="Old tag", tags=["gardening"])
    write(user, title="New tag", tags=["horticulture"])
    rename_tag(db.session.scalar(sa.select(Tag).where(Tag.name == "gardening")), "horticulture")
    assert found("gardening") == []
    assert sorted(found("horticulture")) == ["New tag", "Old tag"]


def test_merged_tags_are_found_by_the_target_s_name(user):
    write(user, title="First", tags=["gardening"])
    write(user, title="Second", tags=["allotments"])
    tags = {tag.name: tag for tag in db.session.scalars(sa.select(Tag))}
    merge_tags([tags["gardening"]], tags["allotments"])
    assert found("gardening") == []
    assert sorted(found("allotments")) == ["First", "Second"]


def test_a_tag_deleted_through_the_models_leaves_its_posts_documents(user):
    write(user, title="Tagged", tags=["horticulture"])
    db.session.delete(db.session.scalar(sa.select(Tag).where(Tag.name == "horticulture")))
    db.session.commit()
    assert found("horticulture") == []
    assert found("tagged") == ["Tagged"]


def test_a_deleted_author_s_posts_leave_the_index(db, user):
    """No page deletes an account (they are disabled instead); the database cascade that
    removes the posts of a deleted one removes their documents too."""
    write(user)
    other = PostFactory(title="Kept gardening", body="Kept.", description="Kept.")
    db.session.delete(user)
    db.session.commit()
    assert found("gardening") == ["Kept gardening"]
    assert indexed_ids() == {other.id}


def test_a_disabled_author_s_posts_are_found_as_the_public_site_shows_them(db, user):
    post = write(user)
    set_disabled(user, True, UserFactory(is_admin=True))
    shown = [p.title for p in home_posts(None, 1, 20).items]
    assert post.is_public
    assert shown == ["Gardening"]
    assert found("gardening") == shown


def test_changes_rolled_back_never_reach_the_index(db, user):
    post = write(user)
    post.title = "Cooking"
    db.session.add(Post(**_published_fields(user), title="Cooking too"))
    db.session.flush()
    db.session.rollback()
    assert found("cooking") == []
    assert found("gardening") == ["Gardening"]
    assert indexed_ids() == {post.id}


def test_the_index_is_written_in_the_change_s_own_transaction(db, user):
    """A commit that fails after the index was written leaves it as it was."""
    post = write(user)
    post.title = "Cooking"

    seen_before_commit = []

    def fail(session):
        if db.engine.dialect.name == "mysql":  # InnoDB's FULLTEXT sees only what is committed
            title = sa.text("SELECT title FROM post_search WHERE post_id = :id")
            indexed = db.session.scalar(title, {"id": post.id}) == f"{PREFIX}cook"
            seen_before_commit.append([post.title] if indexed else [])
        else:
            seen_before_commit.append(found("cooking"))
        raise RuntimeError("the commit fails")

    sa.event.listen(Session, "before_commit", fail)
    try:
        with pytest.raises(RuntimeError):
            db.session.commit()
    finally:
        sa.event.remove(Session, "before_commit", fail)
    db.session.rollback()
    assert seen_before_commit == [["Cooking"]]
    assert found("cooking") == []
    assert found("gardening") == ["Gardening"]


def _published_fields(author) -> dict:
    now = utcnow()
    return {
        "author": author,
        "slug": "cooking",
        "description": "",
        "body": "",
        "body_html": "",
        "status": PostStatus.PUBLISHED,
        "published_at": now,
        "created_at": now,
        "updated_at": now,
    }


def test_seeded_posts_are_indexed(app, db):
    result = app.test_cli_runner().invoke(args=["blog", "seed", "--users", "2", "--posts", "20"])
    assert result.exit_code == 0, result.output
    published = db.session.scalars(sa.select(Post).where(Post.status == PostStatus.PUBLISHED))
    published = list(published)
    assert published
    assert indexed_ids() == {p.id for p in published}
    for post in published[:3]:
        assert post.title in found(f'"{post.title}"')


def _documents() -> dict:
    """Each document as stored: the columns of FTS5 or of MariaDB's table (a post's tags in the
    order of its rows), or PostgreSQL's tsvector as text."""
    if db.engine.dialect.name in ("sqlite", "mysql"):
        key = "rowid" if db.engine.dialect.name == "sqlite" else "post_id"
        rows = db.session.execute(
            sa.text(f"SELECT {key}, title, tags, description, body FROM post_search")
        )
        return {r[0]: (r[1], sorted(r[2].split()), r[3], r[4]) for r in rows}
    rows = db.session.execute(sa.text("SELECT post_id, document::text FROM post_search"))
    return dict(rows.all())


def test_seeded_documents_are_those_the_index_would_write(app, db):
    """The seed writes its rows in bulk and the documents itself (from pooled bodies), so
    they must be exactly what the index writes from the rows: rewritten, nothing changes."""
    result = app.test_cli_runner().invoke(args=["blog", "seed", "--users", "3", "--posts", "40"])
    assert result.exit_code == 0, result.output
    seeded = _documents()
    assert len(seeded) > 30
    index.rebuild(db.session, "english")
    assert _documents() == seeded


def test_reindex_search_indexes_again_in_the_language_set(app, db, settings):
    """Terms are stored stemmed: after a change of language the index must be rebuilt."""
    PostFactory(title="Manger", body="Manger.", description="Manger.")
    DraftFactory(title="Draft", body="Manger.", description="Manger.")
    settings(SEARCH_LANGUAGE="french")
    assert found("mangez") == []  # still stored as English stems
    result = app.test_cli_runner().invoke(args=["blog", "reindex-search"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 published posts" in result.output
    assert found("mangez") == ["Manger"]


def test_reindex_search_counts_and_indexes_every_batch(app, db, monkeypatch):
    """Posts are indexed a batch at a time (a million at once would not fit in memory)."""
    monkeypatch.setattr(index, "BATCH", 2)
    for n in range(5):
        PostFactory(title=f"Batch {n}", body="Chisel.", description="")
    db.session.execute(sa.text("DELETE FROM post_search"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["blog", "reindex-search"])
    assert "Indexed 5 published posts" in result.output
    assert sorted(found("chisel")) == [f"Batch {n}" for n in range(5)]


def _times(*names: str) -> list[sa.ColumnClause]:
    """Time columns, written as the models write them (a string on SQLite)."""
    return [sa.column(name, UTCDateTime()) for name in ("created_at", *names)]


@pytest.fixture
def empty_app(tmp_path):
    with app_on_empty_database("_search_migration", tmp_path) as app:
        yield app


def test_the_migration_that_adds_search_indexes_the_published_posts(empty_app):
    upgrade(revision="0005")
    user_columns = ("username", "email", "password_hash", "bio", "is_admin", "is_disabled")
    users = sa.table(
        "users", sa.column("id"), *map(sa.column, user_columns), *_times("password_changed_at")
    )
    post_columns = ("slug", "title", "description", "body", "body_html", "status", "author_id")
    posts = sa.table("posts", *map(sa.column, post_columns), *_times("published_at", "updated_at"))
    now = utcnow()
    with db.engine.begin() as connection:
        (author_id,) = connection.execute(
            users.insert().returning(users.c.id),
            {
                "username": "alice",
                "email": "alice@example.com",
                "password_hash": "x",
                "bio": "",
                "is_admin": False,
                "is_disabled": False,
                "created_at": now,
                "password_changed_at": now,
            },
        ).one()
        common = {"body": "Gardening.", "body_html": "<p>Gardening.</p>", "description": ""}
        common |= {"author_id": author_id, "created_at": now, "updated_at": now}
        rows = [
            {"slug": "a", "title": "Published", "status": "published", "published_at": now},
            {"slug": "b", "title": "Draft", "status": "draft", "published_at": None},
        ]
        connection.execute(posts.insert(), [row | common for row in rows])
    upgrade()
    assert found("gardening") == ["Published"]


def test_a_savepoint_rolled_back_keeps_the_changes_noted_before_it(db, user):
    """As when two writers take the same slug: the one who lost retries in a savepoint."""
    post = write(user)
    post.title = "Cooking"
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(Post(**_published_fields(user), title="Taken"))
        db.session.add(Post(**_published_fields(user), title="Taken again"))
        db.session.flush()
    db.session.commit()
    assert found("cooking") == ["Cooking"]
    assert found("taken") == []
