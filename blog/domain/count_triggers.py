"""The triggers that keep the post totals (:mod:`blog.domain.counts`), in each database's
dialect: they count every statement that publishes, unpublishes, deletes, tags or hands over a
post, in its own transaction.

PostgreSQL defers the counting to the commit, after the content version is raised
(:mod:`blog.caching`), so only the transaction holding that row ever updates a total. SQLite
has one writer at a time. MariaDB and MySQL can neither defer a trigger nor fire one for a
foreign key's cascade, so there:

- every change of a total first locks the ``all`` total's row, so writers take the totals' rows
  in one order and cannot deadlock on them;
- deleting a user, a post or a tag first deletes what the cascade would (their posts, their tag
  rows) with statements of its own, which fire the triggers the cascade would not.
"""

from __future__ import annotations

import sqlalchemy as sa

_SQLITE = [
    # A post's tag rows follow its publication.
    """CREATE TRIGGER posts_publication_to_tags AFTER UPDATE OF status, published_at ON posts
    WHEN OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
    BEGIN
      UPDATE post_tags
      SET published_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END
      WHERE post_id = NEW.id;
    END""",
    """CREATE TRIGGER posts_counted_insert AFTER INSERT ON posts
    WHEN NEW.status = 'published'
    BEGIN
      INSERT INTO post_counts (scope, published)
      VALUES ('all', 1), ('author:' || NEW.author_id, 1)
      ON CONFLICT (scope) DO UPDATE SET published = published + 1;
    END""",
    """CREATE TRIGGER posts_counted_delete AFTER DELETE ON posts
    WHEN OLD.status = 'published'
    BEGIN
      UPDATE post_counts SET published = published - 1
      WHERE scope IN ('all', 'author:' || OLD.author_id);
    END""",
    """CREATE TRIGGER posts_counted_update AFTER UPDATE OF status, author_id ON posts
    WHEN (OLD.status = 'published') IS NOT (NEW.status = 'published')
      OR OLD.author_id IS NOT NEW.author_id
    BEGIN
      INSERT INTO post_counts (scope, published)
      VALUES ('all', (NEW.status = 'published') - (OLD.status = 'published'))
      ON CONFLICT (scope) DO UPDATE SET published = published + excluded.published;
      UPDATE post_counts SET published = published - 1
      WHERE scope = 'author:' || OLD.author_id AND OLD.status = 'published';
      INSERT INTO post_counts (scope, published)
      SELECT 'author:' || NEW.author_id, 1 WHERE NEW.status = 'published'
      ON CONFLICT (scope) DO UPDATE SET published = published + 1;
    END""",
    # A new tag row takes its post's publication (and is counted by the update it makes).
    """CREATE TRIGGER post_tags_publication AFTER INSERT ON post_tags
    BEGIN
      INSERT INTO post_counts (scope, published)
      SELECT 'tag:' || NEW.tag_id, 1 WHERE NEW.published_at IS NOT NULL
      ON CONFLICT (scope) DO UPDATE SET published = published + 1;
      UPDATE post_tags SET published_at = (
        SELECT CASE WHEN status = 'published' THEN published_at END
        FROM posts WHERE id = NEW.post_id
      )
      WHERE post_id = NEW.post_id AND tag_id = NEW.tag_id;
    END""",
    """CREATE TRIGGER post_tags_counted_update AFTER UPDATE OF published_at, tag_id ON post_tags
    WHEN (OLD.published_at IS NULL) IS NOT (NEW.published_at IS NULL) OR OLD.tag_id != NEW.tag_id
    BEGIN
      UPDATE post_counts SET published = published - 1
      WHERE scope = 'tag:' || OLD.tag_id AND OLD.published_at IS NOT NULL;
      INSERT INTO post_counts (scope, published)
      SELECT 'tag:' || NEW.tag_id, 1 WHERE NEW.published_at IS NOT NULL
      ON CONFLICT (scope) DO UPDATE SET published = published + 1;
    END""",
    """CREATE TRIGGER post_tags_counted_delete AFTER DELETE ON post_tags
    WHEN OLD.published_at IS NOT NULL
    BEGIN
      UPDATE post_counts SET published = published - 1 WHERE scope = 'tag:' || OLD.tag_id;
    END""",
]

_SQLITE_NAMES = [
    "posts_publication_to_tags",
    "posts_counted_insert",
    "posts_counted_delete",
    "posts_counted_update",
    "post_tags_publication",
    "post_tags_counted_update",
    "post_tags_counted_delete",
]

_POSTGRES = [
    # A total's row is made by the first post it counts; a missing one has nothing to lose.
    """CREATE OR REPLACE FUNCTION blog_count_posts(scope_name text, delta integer) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
      IF delta > 0 THEN
        INSERT INTO post_counts (scope, published) VALUES (scope_name, delta)
        ON CONFLICT (scope) DO UPDATE SET published = post_counts.published + delta;
      ELSIF delta < 0 THEN
        UPDATE post_counts SET published = published + delta WHERE scope = scope_name;
      END IF;
    END $$""",
    """CREATE OR REPLACE FUNCTION blog_posts_counted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM blog_count_posts('all',
        (CASE WHEN TG_OP <> 'DELETE' AND NEW.status = 'published' THEN 1 ELSE 0 END)
        - (CASE WHEN TG_OP <> 'INSERT' AND OLD.status = 'published' THEN 1 ELSE 0 END));
      IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        PERFORM blog_count_posts('author:' || OLD.author_id, -1);
      END IF;
      IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        PERFORM blog_count_posts('author:' || NEW.author_id, 1);
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION blog_posts_publication_to_tags() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE post_tags
      SET published_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END
      WHERE post_id = NEW.id;
      RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION blog_post_tags_publication() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.published_at := (SELECT CASE WHEN status = 'published' THEN published_at END
                           FROM posts WHERE id = NEW.post_id);
      RETURN NEW;
    END $$""",
    """CREATE OR REPLACE FUNCTION blog_post_tags_counted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' AND OLD.published_at IS NOT NULL THEN
        PERFORM blog_count_posts('tag:' || OLD.tag_id, -1);
      END IF;
      IF TG_OP <> 'DELETE' AND NEW.published_at IS NOT NULL THEN
        PERFORM blog_count_posts('tag:' || NEW.tag_id, 1);
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER posts_counted_insert AFTER INSERT ON posts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'published')
    EXECUTE FUNCTION blog_posts_counted()""",
    """CREATE CONSTRAINT TRIGGER posts_counted_delete AFTER DELETE ON posts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status = 'published')
    EXECUTE FUNCTION blog_posts_counted()""",
    """CREATE CONSTRAINT TRIGGER posts_counted_update AFTER UPDATE OF status, author_id ON posts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.status = 'published') IS DISTINCT FROM (NEW.status = 'published')
          OR OLD.author_id IS DISTINCT FROM NEW.author_id)
    EXECUTE FUNCTION blog_posts_counted()""",
    """CREATE TRIGGER posts_publication_to_tags AFTER UPDATE OF status, published_at ON posts
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION blog_posts_publication_to_tags()""",
    """CREATE TRIGGER post_tags_publication BEFORE INSERT ON post_tags
    FOR EACH ROW EXECUTE FUNCTION blog_post_tags_publication()""",
    """CREATE CONSTRAINT TRIGGER post_tags_counted_insert AFTER INSERT ON post_tags
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.published_at IS NOT NULL)
    EXECUTE FUNCTION blog_post_tags_counted()""",
    """CREATE CONSTRAINT TRIGGER post_tags_counted_delete AFTER DELETE ON post_tags
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.published_at IS NOT NULL)
    EXECUTE FUNCTION blog_post_tags_counted()""",
    """CREATE CONSTRAINT TRIGGER post_tags_counted_update AFTER UPDATE OF published_at, tag_id
    ON post_tags DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.published_at IS NULL) IS DISTINCT FROM (NEW.published_at IS NULL)
          OR OLD.tag_id IS DISTINCT FROM NEW.tag_id)
    EXECUTE FUNCTION blog_post_tags_counted()""",
]

_POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS posts_counted_insert ON posts",
    "DROP TRIGGER IF EXISTS posts_counted_delete ON posts",
    "DROP TRIGGER IF EXISTS posts_counted_update ON posts",
    "DROP TRIGGER IF EXISTS posts_publication_to_tags ON posts",
    "DROP TRIGGER IF EXISTS post_tags_publication ON post_tags",
    "DROP TRIGGER IF EXISTS post_tags_counted_insert ON post_tags",
    "DROP TRIGGER IF EXISTS post_tags_counted_delete ON post_tags",
    "DROP TRIGGER IF EXISTS post_tags_counted_update ON post_tags",
    "DROP FUNCTION IF EXISTS blog_post_tags_counted()",
    "DROP FUNCTION IF EXISTS blog_post_tags_publication()",
    "DROP FUNCTION IF EXISTS blog_posts_publication_to_tags()",
    "DROP FUNCTION IF EXISTS blog_posts_counted()",
    "DROP FUNCTION IF EXISTS blog_count_posts(text, integer)",
]


_MARIADB = [
    # A total's row is made by the first post it counts; a missing one has nothing to lose.
    """CREATE PROCEDURE blog_count_posts(scope_name VARCHAR(32) CHARACTER SET utf8mb4, delta INT)
    BEGIN
      UPDATE post_counts SET published = published WHERE scope = 'all';
      IF delta > 0 THEN
        INSERT INTO post_counts (scope, published) VALUES (scope_name, delta)
        ON DUPLICATE KEY UPDATE published = published + delta;
      ELSEIF delta < 0 THEN
        UPDATE post_counts SET published = published + delta
        WHERE scope = scope_name COLLATE utf8mb4_bin;
      END IF;
    END""",
    """CREATE TRIGGER posts_counted_insert AFTER INSERT ON posts FOR EACH ROW
    BEGIN
      IF NEW.status = 'published' THEN
        CALL blog_count_posts('all', 1);
        CALL blog_count_posts(CONCAT('author:', NEW.author_id), 1);
      END IF;
    END""",
    """CREATE TRIGGER posts_cascade_delete BEFORE DELETE ON posts FOR EACH ROW
    BEGIN
      IF OLD.status = 'published' THEN
        UPDATE post_counts SET published = published WHERE scope = 'all';
      END IF;
      DELETE FROM post_tags WHERE post_id = OLD.id;
    END""",
    """CREATE TRIGGER posts_counted_delete AFTER DELETE ON posts FOR EACH ROW
    BEGIN
      IF OLD.status = 'published' THEN
        CALL blog_count_posts('all', -1);
        CALL blog_count_posts(CONCAT('author:', OLD.author_id), -1);
      END IF;
    END""",
    """CREATE TRIGGER posts_counted_update AFTER UPDATE ON posts FOR EACH ROW
    BEGIN
      IF NOT (OLD.status <=> NEW.status) OR NOT (OLD.published_at <=> NEW.published_at) THEN
        UPDATE post_tags
        SET published_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END
        WHERE post_id = NEW.id;
      END IF;
      IF (OLD.status = 'published') <> (NEW.status = 'published')
         OR OLD.author_id <> NEW.author_id THEN
        CALL blog_count_posts('all', (NEW.status = 'published') - (OLD.status = 'published'));
        IF OLD.status = 'published' THEN
          CALL blog_count_posts(CONCAT('author:', OLD.author_id), -1);
        END IF;
        IF NEW.status = 'published' THEN
          CALL blog_count_posts(CONCAT('author:', NEW.author_id), 1);
        END IF;
      END IF;
    END""",
    # A new tag row takes its post's publication (set before it is written: a trigger may not
    # update the table its statement writes).
    """CREATE TRIGGER post_tags_publication BEFORE INSERT ON post_tags FOR EACH ROW
    SET NEW.published_at = (SELECT CASE WHEN status = 'published' THEN published_at END
                            FROM posts WHERE id = NEW.post_id)""",
    """CREATE TRIGGER post_tags_counted_insert AFTER INSERT ON post_tags FOR EACH ROW
    BEGIN
      IF NEW.published_at IS NOT NULL THEN
        CALL blog_count_posts(CONCAT('tag:', NEW.tag_id), 1);
      END IF;
    END""",
    """CREATE TRIGGER post_tags_counted_update AFTER UPDATE ON post_tags FOR EACH ROW
    BEGIN
      IF (OLD.published_at IS NULL) <> (NEW.published_at IS NULL) OR OLD.tag_id <> NEW.tag_id THEN
        IF OLD.published_at IS NOT NULL THEN
          CALL blog_count_posts(CONCAT('tag:', OLD.tag_id), -1);
        END IF;
        IF NEW.published_at IS NOT NULL THEN
          CALL blog_count_posts(CONCAT('tag:', NEW.tag_id), 1);
        END IF;
      END IF;
    END""",
    """CREATE TRIGGER post_tags_counted_delete AFTER DELETE ON post_tags FOR EACH ROW
    BEGIN
      IF OLD.published_at IS NOT NULL THEN
        CALL blog_count_posts(CONCAT('tag:', OLD.tag_id), -1);
      END IF;
    END""",
    """CREATE TRIGGER tags_cascade_delete BEFORE DELETE ON tags FOR EACH ROW
    DELETE FROM post_tags WHERE tag_id = OLD.id""",
    """CREATE TRIGGER users_cascade_delete BEFORE DELETE ON users FOR EACH ROW
    DELETE FROM posts WHERE author_id = OLD.id""",
]

_MARIADB_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "posts_counted_insert",
            "posts_cascade_delete",
            "posts_counted_delete",
            "posts_counted_update",
            "post_tags_publication",
            "post_tags_counted_insert",
            "post_tags_counted_update",
            "post_tags_counted_delete",
            "tags_cascade_delete",
            "users_cascade_delete",
        )
    ),
    "DROP PROCEDURE IF EXISTS blog_count_posts",
]

_INSTALL = {"postgresql": _POSTGRES, "mysql": _MARIADB, "sqlite": _SQLITE}
_REMOVE = {
    "postgresql": _POSTGRES_DROP,
    "mysql": _MARIADB_DROP,
    "sqlite": [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_NAMES],
}


def install_triggers(bind: sa.Connection) -> None:
    """Create the triggers that keep the totals and the tag rows' publication times."""
    for statement in _INSTALL[bind.dialect.name]:
        bind.exec_driver_sql(statement)


def remove_triggers(bind: sa.Connection) -> None:
    for statement in _REMOVE[bind.dialect.name]:
        bind.exec_driver_sql(statement)
