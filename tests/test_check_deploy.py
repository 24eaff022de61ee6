"""``flask blog check-deploy`` fails on an unsafe production configuration, passes a good one."""

import os
import subprocess

import pytest

from blog import create_app
from blog.config import ConfigurationError
from blog.deploy_checks import check_deployment, mysql_server_findings
from blog.extensions import db
from blog.schema_migrations import upgrade_to_head
from tests.databases import fresh_database
from tests.factories import UserFactory
from tests.helpers import app_on
from tests.servers import (
    BIN,
    POSTGRES,
    REDIS,
    ROOT,
    flask,
    free_port,
    require_postgres_and_redis,
)

SECRET = "check-deploy-" + "k" * 40


@pytest.fixture
def production(monkeypatch, database_url):
    """The documented production environment, on the test database."""
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("WEB_CONCURRENCY", "4")

    def make(**overrides):
        return create_app({"BLOG_ENV": "production", **overrides})

    return make


def test_documented_production_settings_pass(tmp_path, monkeypatch):
    """The settings docs/deploy.md gives, on PostgreSQL and Redis, with an admin: clean."""
    require_postgres_and_redis()
    monkeypatch.setenv("TEST_DATABASE_URL", POSTGRES)
    with fresh_database("_check", tmp_path) as database_url:
        env = {
            **os.environ,
            "BLOG_ENV": "production",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgres://"),
            "REDIS_URL": REDIS,
            "WEB_CONCURRENCY": "4",
            "BLOG_ADMIN_PASSWORD": "check deploy admin",
            "TRUSTED_PROXIES": "1",
            "SITE_URL": "https://blog.example.com",
            "MAIL_SERVER": "smtp.example.com",
            "MAIL_USERNAME": "blog",
            "MAIL_PASSWORD": "an-smtp-password",
            "MAIL_DEFAULT_SENDER": "Blog <blog@example.com>",
        }
        env.pop("FLASK_DEBUG", None)
        flask(env, "db", "upgrade")
        flask(env, "blog", "create-admin", "--username", "ops", "--email", "ops@example.com")
        result = subprocess.run(
            [BIN / "flask", "--app", "blog", "blog", "check-deploy"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert "no problems found" in result.stdout and "warning" not in result.stderr


def test_no_admin_is_only_a_warning(production, app):
    with production().app_context() as context:
        findings = check_deployment(context.app)
    assert "there is no admin account yet: flask blog create-admin" in findings.warnings
    # The database was read to the end, its server (on MariaDB, its version) found fit.
    assert not [line for line in findings.problems if "unreachable" in line or "older" in line]


def test_no_mail_is_only_a_warning(production, app):
    UserFactory(is_admin=True)
    with production().app_context() as context:
        findings = check_deployment(context.app)
    assert not any("MAIL" in line or "SITE_URL" in line for line in findings.problems)
    assert "mail is not configured (MAIL_SERVER): readers can't reset a forgotten password" in (
        findings.warnings
    )
    assert any(line.startswith("TRUSTED_PROXIES is 0") for line in findings.warnings)


MAIL = {"MAIL_SERVER": "smtp.example.com", "MAIL_DEFAULT_SENDER": "blog@example.com"}

SIXTEEN_MB = 16 * 1024 * 1024
IN_DATABASE = {"UPLOAD_STORAGE": "database", "UPLOAD_MAX_BYTES": 10 * 1024 * 1024}


@pytest.mark.parametrize(
    ("version", "problems"),
    [
        ("10.11.19-MariaDB-0+deb12u1", []),
        ("10.6.0-MariaDB", []),
        (
            "10.5.27-MariaDB-log",
            ["MariaDB 10.5.27-MariaDB-log is older than 10.6: upgrade the server"],
        ),
        ("8.0.36", []),
        ("5.7.44-log", ["MySQL 5.7.44-log is older than 8.0: upgrade the server"]),
    ],
)
def test_a_mariadb_or_mysql_server_too_old_is_a_problem(version, problems):
    assert mysql_server_findings(version, SIXTEEN_MB, IN_DATABASE).problems == problems


def test_images_in_a_mariadb_need_statements_that_hold_one():
    small = mysql_server_findings("10.11.19-MariaDB", SIXTEEN_MB, IN_DATABASE)
    assert small.warnings == [
        "max_allowed_packet is 16777216 bytes: an image near UPLOAD_MAX_BYTES (10485760) may not "
        "fit in one statement; set it to at least 20971520 on the server"
    ]
    assert mysql_server_findings("10.11.19-MariaDB", 2 * SIXTEEN_MB, IN_DATABASE).warnings == []
    elsewhere = {**IN_DATABASE, "UPLOAD_STORAGE": "s3"}
    assert mysql_server_findings("10.11.19-MariaDB", SIXTEEN_MB, elsewhere).warnings == []


@pytest.mark.parametrize(
    ("overrides", "environ", "expected"),
    [
        ({"SESSION_COOKIE_SECURE": False}, {}, "SESSION_COOKIE_SECURE is off"),
        ({"REDIS_URL": ""}, {"WEB_CONCURRENCY": "4"}, "REDIS_URL is not set with 4 workers"),
        ({"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}, {}, "REDIS_URL does not answer"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, {}, "the database is SQLite"),
        ({"PREFERRED_URL_SCHEME": "http"}, {}, "PREFERRED_URL_SCHEME is not https"),
        ({**MAIL, "SITE_URL": "http://blog.example.com"}, {}, "SITE_URL 'http://blog.example.com'"),
        (
            {**MAIL, "SITE_URL": "https://b.example", "MAIL_DEFAULT_SENDER": ""},
            {},
            "MAIL_DEFAULT_SENDER is not set",
        ),
    ],
)
def test_each_unsafe_setting_is_one_problem_line(production, app, overrides, environ, expected):
    UserFactory(is_admin=True)
    unsafe = production(**overrides)
    with unsafe.app_context():
        findings = check_deployment(unsafe, {"WEB_CONCURRENCY": "4", **environ})
    assert any(expected in line for line in findings.problems), findings.problems


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({"WTF_CSRF_ENABLED": False}, "WTF_CSRF_ENABLED is off"),
        (MAIL, "SITE_URL is not set while mail is sent"),
    ],
)
def test_production_refuses_to_start_with_what_could_be_exploited_at_once(
    production, overrides, refusal
):
    with pytest.raises(ConfigurationError, match=refusal):
        production(**overrides)


def test_development_settings_fail_loudly(database_url):
    with app_on(database_url, **MAIL) as app:
        result = app.test_cli_runner().invoke(args=["blog", "check-deploy"])
    assert result.exit_code == 1
    assert "problem: BLOG_ENV is 'testing'" in result.output
    assert "problem: SECRET_KEY is a well-known default" in result.output
    assert "problem: WTF_CSRF_ENABLED is off" in result.output
    assert "problem: SITE_URL is not set" in result.output


def test_pending_migrations_are_a_problem(production, tmp_path):
    app = production(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/empty.db")
    with app.app_context():
        findings = check_deployment(app)
        assert any("migration(s) pending" in line for line in findings.problems)
        upgrade_to_head()
        db.session.remove()
        findings = check_deployment(app)
    assert not any("pending" in line for line in findings.problems)
