import os

import pytest
import sqlalchemy as sa
from slugify import slugify

from blog import schema_migrations
from blog.domain import counts, sessions
from blog.extensions import db
from blog.models import Comment, Post, PostStatus, PostTag, Tag, User, follows, post_counts
from tests.factories import PostFactory, UserFactory
from tests.helpers import make_app
from tests.servers import flask


def test_init_db_is_idempotent(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["blog", "init-db"])
        assert result.exit_code == 0, result.output
        assert "latest migration" in result.output
    assert schema_migrations.pending_revisions() == []


def test_flask_db_binds_flask_migrate_to_the_app_only_when_run(database_url):
    app = make_app(database_url)
    assert "migrate" not in app.extensions  # serving never loads Flask-Migrate
    result = app.test_cli_runner().invoke(args=["db", "heads"])
    assert result.exit_code == 0, result.output
    assert app.extensions["migrate"].directory == str(schema_migrations.MIGRATIONS_DIR)
    with app.app_context():
        db.engine.dispose()


def test_flask_db_upgrades_downgrades_and_says_where_the_database_stands(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BLOG_", "FLASK_"))}
    env.update(BLOG_ENV="production", SECRET_KEY="s" * 50)
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/blog.db")
    (head,) = schema_migrations.head_revisions()
    assert flask(env, "db", "heads").stdout.split() == [head, "(head)"]
    flask(env, "db", "upgrade")
    assert flask(env, "db", "current").stdout.split() == [head, "(head)"]
    before_head = schema_migrations.revisions_newest_first()[1]
    flask(env, "db", "downgrade", before_head)
    assert flask(env, "db", "current").stdout.split() == [before_head]


def test_flask_db_lists_flask_migrates_commands_and_options(app):
    result = app.test_cli_runner().invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    assert "--x-arg" in result.output
    assert {"upgrade", "downgrade", "current", "heads", "migrate", "stamp"} <= set(
        result.output.split()
    )


def test_init_db_drop_asks_first_and_keeps_data_when_refused(app):
    PostFactory()
    result = app.test_cli_runner().invoke(args=["blog", "init-db", "--drop"], input="n\n")
    assert result.exit_code == 1
    assert db.session.query(Post).count() == 1


def test_init_db_drop_yes_wipes_and_rebuilds(app):
    PostFactory()
    result = app.test_cli_runner().invoke(args=["blog", "init-db", "--drop", "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert db.session.query(Post).count() == 0
    assert schema_migrations.pending_revisions() == []


def test_create_admin_takes_the_password_from_the_environment(app, monkeypatch):
    monkeypatch.setenv("BLOG_ADMIN_PASSWORD", "a long admin password")
    result = app.test_cli_runner().invoke(
        args=["blog", "create-admin", "--username", "root", "--email", "root@example.com"]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User).filter_by(username="root"))
    assert admin.is_admin and admin.check_password("a long admin password")


def test_create_admin_prompts_for_the_password(app, monkeypatch):
    monkeypatch.delenv("BLOG_ADMIN_PASSWORD", raising=False)
    result = app.test_cli_runner().invoke(
        args=["blog", "create-admin", "--username", "boss", "--email", "boss@example.com"],
        input="prompted password\nprompted password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).filter_by(username="boss")).is_admin


def test_create_admin_promotes_an_existing_account(app):
    UserFactory(username="existing")
    result = app.test_cli_runner().invoke(
        args=["blog", "create-admin", "--username", "existing", "--email", "x@example.com"]
    )
    assert result.exit_code == 0
    assert db.session.scalar(sa.select(User).filter_by(username="existing")).is_admin


def test_create_admin_reports_bad_input_without_a_traceback(app, monkeypatch):
    monkeypatch.setenv("BLOG_ADMIN_PASSWORD", "short")
    result = app.test_cli_runner().invoke(
        args=["blog", "create-admin", "--username", "root", "--email", "root@example.com"]
    )
    assert result.exit_code == 1
    assert "password is too short" in result.output
    assert db.session.query(User).count() == 0


def test_set_password_prompts_and_ends_old_sessions(app, monkeypatch):
    monkeypatch.setenv("BLOG_ADMIN_PASSWORD", "the admin's password")  # never used for a reader
    reader = UserFactory(username="forgetful")
    old_session = sessions.start(reader)
    result = app.test_cli_runner().invoke(
        args=["blog", "set-password", "Forgetful"], input="fresh password\nfresh password\n"
    )
    assert result.exit_code == 0, result.output
    assert "New password set for forgetful." in result.output
    db.session.expire_all()
    assert reader.check_password("fresh password")
    assert sessions.user_for(old_session) is None


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("nobody", "long enough password", "no account named 'nobody'"),
        ("alice", "short", "too short"),
    ],
)
def test_set_password_reports_bad_input_and_changes_nothing(app, username, password, message):
    alice = UserFactory(username="alice")
    before = alice.password_hash
    result = app.test_cli_runner().invoke(
        args=["blog", "set-password", username], input=f"{password}\n{password}\n"
    )
    assert result.exit_code == 1
    assert message in result.output
    db.session.expire_all()
    assert alice.password_hash == before


def test_seed_creates_content_and_tops_up_when_repeated(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["blog", "seed", "--users", "3", "--posts", "25"])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).count() == 3
    assert db.session.query(Post).count() == 25
    assert db.session.query(Tag).count() > 0
    again = runner.invoke(args=["blog", "seed", "--users", "3", "--posts", "30"])
    assert again.exit_code == 0
    assert db.session.query(User).count() == 3
    assert db.session.query(Post).count() == 30
    slugs = db.session.scalars(sa.select(Post.slug)).all()
    assert len(set(slugs)) == len(slugs)
    assert all(p.body_html.startswith("<p>") for p in db.session.query(Post).limit(5))


def test_seed_leaves_people_s_own_accounts_alone(app):
    """A person named Demo2, or with a demo-looking address, is neither in the way nor used."""
    UserFactory(username="Demo2", email="someone@example.org")
    real = UserFactory(username="demolition", email="demo.lition@example.com")
    PostFactory(author=real, title="My own post")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["blog", "seed", "--users", "3", "--posts", "20"])
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(sa.select(User.username)))
    assert names == {"Demo2", "demolition", "demo1", "demo3", "demo4"}
    assert db.session.query(Post).filter_by(author=real).count() == 1
    assert db.session.query(Post).count() == 21


def test_seed_counts_every_demo_author_s_posts_toward_the_total(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["blog", "seed", "--users", "5", "--posts", "30"]).exit_code == 0
    assert runner.invoke(args=["blog", "seed", "--users", "2", "--posts", "30"]).exit_code == 0
    assert db.session.query(Post).count() == 30


def test_seeded_content_is_shaped_like_a_real_blog_s(app):
    """What the benchmark relies on: a few prolific authors, not equal shares; a post with 50
    comments; tags of unequal use; slugs as the site makes them from the title."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["blog", "seed", "--users", "10", "--posts", "200"]).exit_code == 0
    per_author = (
        db.session.execute(sa.select(sa.func.count()).select_from(Post).group_by(Post.author_id))
        .scalars()
        .all()
    )
    assert max(per_author) > 3 * min(per_author)
    comments = (
        db.session.execute(
            sa.select(sa.func.count()).select_from(Comment).group_by(Comment.post_id)
        )
        .scalars()
        .all()
    )
    assert max(comments) == 50
    per_tag = (
        db.session.execute(sa.select(sa.func.count()).select_from(PostTag).group_by(PostTag.tag_id))
        .scalars()
        .all()
    )
    assert max(per_tag) > 3 * min(per_tag)
    published = db.session.scalars(sa.select(Post).where(Post.status == PostStatus.PUBLISHED))
    for post in published:
        assert post.slug.rsplit("-", 1)[0] == slugify(post.title)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(follows)) > 0


def test_seed_refuses_nonsense_numbers(app):
    result = app.test_cli_runner().invoke(args=["blog", "seed", "--users", "0"])
    assert result.exit_code == 2


def test_shell_context_has_the_models(app):
    context = app.make_shell_context()
    assert {"db", "User", "Post", "Tag", "Comment"} <= set(context)


def test_recount_repairs_the_post_totals(app):
    PostFactory(title="Counted")
    db.session.execute(sa.update(post_counts).values(published=40))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["blog", "recount"])
    assert result.exit_code == 0, result.output
    assert counts.public_posts_count() == 1


def test_analyze_gives_the_planner_statistics_of_the_posts(app):
    for n in range(3):
        PostFactory(title=f"Post {n}")
    sent = []

    def record(connection, cursor, statement, *args) -> None:
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = app.test_cli_runner().invoke(args=["blog", "analyze"])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name == "mysql":  # InnoDB keeps no record of when it last looked
        analyzed = [s for s in sent if s.startswith("ANALYZE TABLE ")]
        assert len(analyzed) == 1 and "`posts`" in analyzed[0]
        return
    if db.engine.dialect.name == "sqlite":
        analyzed = sa.text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'posts'")
    else:
        analyzed = sa.text(
            "SELECT count(*) FROM pg_stat_user_tables "
            "WHERE relname = 'posts' AND last_analyze IS NOT NULL"
        )
    assert db.session.scalar(analyzed) >= 1
