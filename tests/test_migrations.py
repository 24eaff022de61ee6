"""The migrations build the schema from empty and remove it again, and match the models."""

import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from blog import create_app, schema_migrations
from blog.domain.search.backends import not_an_index_table
from blog.extensions import db
from blog.models import mysql
from tests.helpers import app_on_empty_database


@pytest.fixture
def empty_app(tmp_path):
    with app_on_empty_database("_migrations", tmp_path) as app:
        yield app


def _differences(metadata: sa.MetaData) -> list:
    with db.engine.connect() as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite can't reflect expression indexes; it says so
        options = {
            "compare_type": True,
            "include_name": not_an_index_table,
            "include_object": mysql.compared_with_the_models,
        }
        context = MigrationContext.configure(connection, opts=options)
        return compare_metadata(context, metadata)


def test_the_revisions_read_from_the_files_are_the_ones_alembic_finds():
    scripts = ScriptDirectory(str(schema_migrations.MIGRATIONS_DIR))
    assert schema_migrations.head_revisions() == set(scripts.get_heads())
    walked = [script.revision for script in scripts.walk_revisions()]
    assert schema_migrations.revisions_newest_first() == walked


def test_the_revision_the_database_is_at_is_the_one_alembic_reads(empty_app):
    def alembic_reads() -> set[str]:
        with db.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    assert schema_migrations.current_revisions() == alembic_reads() == set()
    upgrade(revision="0003")
    assert schema_migrations.current_revisions() == alembic_reads() == {"0003"}
    assert schema_migrations.pending_revisions()[0] == "0004"


def test_upgrade_builds_everything_and_downgrade_removes_it(empty_app):
    assert schema_migrations.is_empty()
    pending = schema_migrations.pending_revisions()
    assert pending[0] == "0001" and pending[-1] in schema_migrations.head_revisions()
    schema_migrations.upgrade_to_head()
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert schema_migrations.pending_revisions() == []
    assert schema_migrations.current_revisions() == schema_migrations.head_revisions()

    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    schema_migrations.upgrade_to_head()
    assert set(db.metadata.tables) <= set(sa.inspect(db.engine).get_table_names())


def test_models_and_migrations_agree(empty_app):
    schema_migrations.upgrade_to_head()
    assert _differences(db.metadata) == []


def test_a_model_change_without_a_migration_is_caught(empty_app):
    schema_migrations.upgrade_to_head()
    changed = sa.MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["posts"].append_column(sa.Column("subtitle", sa.String(80)))
    differences = _differences(changed)
    assert [d[0] for d in differences] == ["add_column"]
    assert differences[0][3].name == "subtitle"


@pytest.mark.parametrize(
    ("username", "email"), [("ALICE", "other@example.com"), ("other", "Alice@Example.com")]
)
def test_the_database_itself_keeps_names_unique_ignoring_case(empty_app, username, email):
    schema_migrations.upgrade_to_head()
    insert = sa.text(
        "INSERT INTO users (username, email, password_hash, bio, is_admin, is_disabled,"
        " created_at, password_changed_at) VALUES (:u, :e, 'x', '', false, false,"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with db.engine.begin() as connection:
        connection.execute(insert, {"u": "alice", "e": "alice@example.com"})
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(insert, {"u": username, "e": email})


@pytest.mark.parametrize("start_at", [None, "0001"])
def test_development_brings_an_empty_or_older_database_to_head_at_start(empty_app, start_at):
    if start_at:
        upgrade(revision=start_at)
    url = empty_app.config["SQLALCHEMY_DATABASE_URI"]
    development = create_app({"BLOG_ENV": "development", "SQLALCHEMY_DATABASE_URI": url})
    with development.app_context():
        assert schema_migrations.pending_revisions() == []
        db.engine.dispose()


def test_development_leaves_tables_without_a_migration_history_alone(empty_app, capsys):
    db.metadata.tables["users"].create(db.engine)
    url = empty_app.config["SQLALCHEMY_DATABASE_URI"]
    development = create_app({"BLOG_ENV": "development", "SQLALCHEMY_DATABASE_URI": url})
    with development.app_context():
        assert schema_migrations.current_revisions() == set()
        db.engine.dispose()
    assert "tables but no migration history" in capsys.readouterr().err
