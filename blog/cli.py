"""``flask blog ...`` commands for operators, and ``flask db ...`` (Flask-Migrate's, loaded when
one is run)."""

from __future__ import annotations

import os
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup, ScriptInfo

from blog import schema_migrations
from blog.deploy_checks import check_deployment
from blog.domain import (
    count_triggers,
    counts,
    rendering,
    search,
    sessions,
    site_settings,
    uploads,
    users,
)
from blog.domain.errors import ValidationError
from blog.extensions import db
from blog.sql import refresh_statistics

blog_cli = AppGroup("blog", help="Manage the blog: database, admin accounts, demo content.")

ADMIN_PASSWORD_ENV = "BLOG_ADMIN_PASSWORD"


@blog_cli.command("init-db")
@click.option("--drop", is_flag=True, help="Drop every table first (destroys all data).")
@click.option("--yes", is_flag=True, help="Do not ask before dropping.")
def init_db(drop: bool, yes: bool) -> None:
    """Bring the database schema to the latest migration (safe to repeat)."""
    if drop:
        if not yes:
            click.confirm("This deletes every post, user and comment. Continue?", abort=True)
        with db.engine.begin() as connection:  # what no model describes goes first
            search.backends.backend_for(connection).drop(connection)
            count_triggers.remove_triggers(connection)
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        click.echo("Dropped all tables.")
    schema_migrations.upgrade_to_head()
    click.echo("Database is at the latest migration.")


@blog_cli.command("create-admin")
@click.option("--username", prompt=True, help="The admin's username.")
@click.option("--email", prompt=True, help="The admin's email address.")
def create_admin(username: str, email: str) -> None:
    """Create an admin account, or make an existing account an admin.

    The password is asked for, or read from BLOG_ADMIN_PASSWORD for scripts.
    """
    existing = users.find_by_username(username) or users.find_by_email(email)
    if existing is not None:
        existing.is_admin = True
        db.session.commit()
        click.echo(f"{existing.username} is now an admin.")
        return
    try:
        user = users.register(username, email, _new_password())
    except ValidationError as error:
        _fail(error)
    user.is_admin = True
    db.session.commit()
    click.echo(f"Admin {user.username} created. Sign in at /login.")


@blog_cli.command("set-password")
@click.argument("username")
def set_password(username: str) -> None:
    """Give an account a new password, e.g. for a reader who forgot theirs while the blog has no
    mail set up. Every browser signed in to it is signed out.

    The password is always asked for: BLOG_ADMIN_PASSWORD is the admin's, never a reader's.
    """
    user = users.find_by_username(username)
    if user is None:
        click.echo(f"error: no account named {username!r}", err=True)
        raise SystemExit(1)
    try:
        users.update_profile(user, {"password": _prompt_password()})
    except ValidationError as error:
        _fail(error)
    click.echo(f"New password set for {user.username}.")


def _new_password() -> str:
    return os.environ.get(ADMIN_PASSWORD_ENV) or _prompt_password()


def _prompt_password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _fail(error: ValidationError) -> None:
    for field, messages in error.errors.items():
        click.echo(f"error: {field} {'; '.join(messages)}", err=True)
    raise SystemExit(1) from None


@blog_cli.command("prune-sign-ins")
def prune_sign_ins() -> None:
    """Delete the sign-ins no cookie can use any more (expired, signed out by a password change
    or "sign out everywhere"). Each account's are deleted anyway when it next signs in: this is
    for the accounts that never come back, e.g. from a daily cron job."""
    click.echo(f"Deleted {sessions.prune()} ended sign-ins.")


@blog_cli.command("prune-uploads")
@click.option(
    "--older-than",
    default=24,
    show_default=True,
    type=click.IntRange(min=0),
    help="Hours an upload must have existed (its post may not be saved yet).",
)
def prune_uploads(older_than: int) -> None:
    """Delete the uploaded images no post (body or cover) and no avatar uses, with their files,
    e.g. from a daily cron job."""
    pruned = uploads.prune_unused(timedelta(hours=older_than))
    freed = sum(upload.byte_size for upload in pruned)
    click.echo(f"Deleted {len(pruned)} unused images ({uploads.megabytes(freed)}).")


@blog_cli.command("reindex-search")
def reindex_search() -> None:
    """Index every published post again, in one transaction: needed after SEARCH_LANGUAGE
    changes (words are stored stemmed in that language). Searches keep answering meanwhile,
    from the old index, until it commits."""
    indexed = search.index.rebuild(db.session, site_settings.search_language())
    db.session.commit()
    click.echo(f"Indexed {indexed} published posts for search.")


@blog_cli.command("recount")
def recount_posts() -> None:
    """Set the post totals from the posts (the database keeps them; this repairs them)."""
    counts.recount(db.session)
    db.session.commit()
    click.echo("Post totals set from the posts.")


@blog_cli.command("analyze")
def analyze() -> None:
    """Refresh the database's statistics (after a bulk import), for its query planner."""
    with db.engine.begin() as connection:
        refresh_statistics(connection)
    click.echo("Database statistics refreshed.")


@blog_cli.command("import-ghost")
@click.argument("file", type=click.Path(dir_okay=False))
def import_ghost(file: str) -> None:
    """Import a Ghost JSON export (Ghost 1 to 5): posts, pages, tags, authors, with redirects
    from the old addresses. Safe to run again: what was imported is not imported twice."""
    from blog.moving.arrivals.commands import import_file
    from blog.moving.arrivals.ghost import read_ghost

    import_file(file, read_ghost)


@blog_cli.command("import-wordpress")
@click.argument("file", type=click.Path(dir_okay=False))
def import_wordpress(file: str) -> None:
    """Import a WordPress export (WXR): posts, pages, categories and tags, authors, approved
    comments, with redirects from the old addresses. Safe to run again."""
    from blog.moving.arrivals.commands import import_file
    from blog.moving.arrivals.wordpress import read_wordpress

    import_file(file, read_wordpress)


@blog_cli.command("settings")
def show_settings() -> None:
    """Print the site settings in force and where each comes from: the site settings an admin
    saved (Admin → Settings), or its default (an environment setting, or the theme's)."""
    for name, value, source in site_settings.described(site_settings.current()):
        click.echo(f"{name}: {value or '(none)'}  [{source}]")


@blog_cli.command("render-posts")
def render_posts() -> None:
    """Render every post, comment and page again with the current Markdown renderer (bodies are
    rendered when saved): after an upgrade that changes it, e.g. to highlight older posts'
    code. Safe to repeat; edit times stay."""
    posts_changed, comments_changed, pages_changed = rendering.render_again()
    click.echo(
        f"Rendered again: {posts_changed} posts, {comments_changed} comments and "
        f"{pages_changed} pages changed."
    )


@blog_cli.command("check-deploy")
def check_deploy() -> None:
    """Inspect the active configuration for production; exit 1 on any problem."""
    findings = check_deployment(current_app)
    for line in findings.problems:
        click.echo(f"problem: {line}", err=True)
    for line in findings.warnings:
        click.echo(f"warning: {line}", err=True)
    if findings.problems:
        raise SystemExit(1)
    click.echo("check-deploy: no problems found" + (" (see warnings)" if findings.warnings else ""))


class MigrationCommands(click.Group):
    """``flask db ...``: Flask-Migrate's command group, which it imports (with Alembic) only when
    one of its commands is run or listed; until then the app doesn't carry Flask-Migrate."""

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations.")

    @property
    def _commands(self) -> click.Group:
        from flask_migrate.cli import db as flask_migrate_commands

        return flask_migrate_commands

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return self._commands.get_params(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands.list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._commands.get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        schema_migrations.bind_flask_migrate(ctx.ensure_object(ScriptInfo).load_app())
        return self._commands.invoke(ctx)


def register_cli(app: Flask) -> None:
    from blog.moving.archive.commands import export_command, import_command
    from blog.moving.markdown.commands import export_markdown_command
    from blog.seed import seed_command

    blog_cli.add_command(seed_command)
    blog_cli.add_command(export_command)
    blog_cli.add_command(import_command)
    blog_cli.add_command(export_markdown_command)
    app.cli.add_command(blog_cli)
    app.cli.add_command(MigrationCommands())
