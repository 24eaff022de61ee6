"""The real entry points: gunicorn, the flask command, and what they print."""

import logging
import os
import subprocess
import sys
import urllib.request

import pytest

from blog import create_app
from blog.extensions import db
from tests.servers import BIN, ROOT, flask, gunicorn

SECRET = "s" * 50


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "FLASK_DEBUG"}}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path}/serve.db", **extra})
    return env


def test_production_without_a_secret_stops_with_one_line(tmp_path):
    result = subprocess.run(
        [BIN / "flask", "--app", "blog:create_app('production')", "routes"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY is not set" in lines[0] and "token_urlsafe" in lines[0]
    assert "Traceback" not in result.stderr


def test_flask_app_blog_development_builds_the_database_itself(tmp_path):
    result = subprocess.run(
        [BIN / "flask", "--app", "blog", "routes"],
        cwd=tmp_path,
        env=_env(tmp_path, BLOG_ENV="development"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "/posts/<slug>" in result.stdout
    assert "applying migrations" in result.stderr


def test_gunicorn_serves_wsgi_app_in_production(tmp_path):
    env = _env(tmp_path, BLOG_ENV="production", SECRET_KEY=SECRET)
    flask(env, "db", "upgrade")
    with gunicorn(env) as (url, output), urllib.request.urlopen(url + "/", timeout=10) as page:
        assert "Latest posts" in page.read().decode()
    assert any("Booting worker" in line for line in output)


@pytest.mark.parametrize("under_gunicorn", [False, True])
def test_an_error_is_one_log_line_with_its_traceback_and_request_id(under_gunicorn, capsys):
    """Under gunicorn the app logs through gunicorn's handlers, with gunicorn's own formatter:
    the record must arrive folded."""
    gunicorn_logger = logging.getLogger("gunicorn.error")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[gunicorn] %(levelname)s %(message)s"))
    if under_gunicorn:
        gunicorn_logger.addHandler(handler)
        gunicorn_logger.setLevel(logging.INFO)
    try:
        settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROPAGATE_EXCEPTIONS": False}
        app = create_app({"BLOG_ENV": "testing", **settings})
        assert (app.logger.handlers == [handler]) is under_gunicorn
        with app.app_context():  # the error page reads the site's settings
            db.create_all()

        @app.get("/boom")
        def boom():
            raise ValueError("first line\nsecond line")

        capsys.readouterr()
        response = app.test_client().get("/boom", headers={"X-Request-ID": "trace-7"})
    finally:
        gunicorn_logger.removeHandler(handler)
    assert response.status_code == 500
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("[gunicorn] ERROR") is under_gunicorn
    assert "request_id=trace-7 | Traceback" in line
    assert "ValueError: first line | second line" in line


def test_records_logged_in_a_request_carry_its_id(capsys):
    for _ in range(2):  # each app configures the same "blog" logger
        app = create_app({"BLOG_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context(headers={"X-Request-ID": "trace-42"}):
        app.logger.warning("mail to %s not sent", "a@example.com")
    app.logger.warning("outside any request")
    lines = capsys.readouterr().err.splitlines()
    assert lines[-2].endswith("WARNING blog: mail to a@example.com not sent request_id=trace-42")
    assert lines[-1].endswith("WARNING blog: outside any request")


@pytest.mark.parametrize("env_name", ["testing", "development"])
def test_outside_gunicorn_logs_go_to_stderr(env_name, monkeypatch):
    monkeypatch.setattr("blog.config.DevelopmentConfig.AUTO_MIGRATE", False)
    app = create_app({"BLOG_ENV": env_name, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    (handler,) = app.logger.handlers
    assert handler.stream is sys.stderr


def test_production_says_when_the_schema_is_behind(tmp_path):
    env = _env(tmp_path, SECRET_KEY=SECRET)
    command = [BIN / "flask", "--app", "blog:create_app('production')", "routes"]
    behind = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert behind.returncode == 0
    assert "database schema is behind" in behind.stderr
    assert "flask db upgrade" in behind.stderr
    upgrade = [BIN / "flask", "--app", "blog:create_app('production')", "db", "upgrade"]
    subprocess.run(upgrade, cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    current = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "database schema is behind" not in current.stderr


def test_production_starts_and_logs_when_the_database_is_unreachable(tmp_path):
    env = _env(tmp_path, SECRET_KEY=SECRET, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    command = [BIN / "flask", "--app", "blog:create_app('production')", "routes"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "database unreachable at start: OperationalError" in result.stderr
    assert "Traceback" not in result.stderr
