"""Production as deployed: gunicorn instances sharing PostgreSQL and Redis, and the production
configuration's cookies and headers."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid

import pytest

from blog import create_app
from tests.databases import fresh_database
from tests.servers import POSTGRES, REDIS, flask, gunicorn, require_postgres_and_redis

SECRET = "deployment-test-" + "s" * 40


@pytest.fixture(scope="module")
def services():
    require_postgres_and_redis()


def _call(url: str, data: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, method="POST" if data is not None else "GET")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    body = json.dumps(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(request, body, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_two_instances_share_the_database_and_the_login_limit(services, tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", POSTGRES)
    prefix = f"blogtest-{uuid.uuid4().hex}"
    with fresh_database("_deploy", tmp_path) as database_url:
        env = {
            **os.environ,
            "BLOG_ENV": "production",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS,
            "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_LOGIN_ACCOUNT": "4 per minute",
            "BLOG_ADMIN_PASSWORD": "deploy admin password",
        }
        env.pop("FLASK_DEBUG", None)
        flask(env, "db", "upgrade")
        flask(env, "blog", "create-admin", "--username", "ops", "--email", "ops@example.com")
        try:
            with gunicorn(env, workers=2) as (first, _), gunicorn(env, workers=2) as (second, _):
                for base in (first, second):
                    assert _call(base + "/readyz") == (200, {"status": "ready"})

                login = {"user": {"email": "ops@example.com", "password": "deploy admin password"}}
                status, body = _call(first + "/api/users/login", login)
                assert status == 200
                status, body = _call(second + "/api/user", token=body["user"]["token"])
                assert status == 200 and body["user"]["username"] == "ops"

                wrong = {"user": {"email": "ops@example.com", "password": "not the password"}}
                codes = [_call(base + "/api/users/login", wrong)[0] for base in (first, second) * 2]
                assert codes == [401, 401, 401, 429]  # the first sign-in counted too
                assert _call(first + "/api/users/login", login)[0] == 429
        finally:
            import redis

            client = redis.Redis.from_url(REDIS)
            for key in client.scan_iter(f"*{prefix}*"):
                client.delete(key)


def test_production_cookies_and_headers(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    app = create_app("production")
    with app.app_context():
        from blog.extensions import db

        db.create_all()
    client = app.test_client()
    response = client.get("/login", base_url="https://blog.example")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    plain = client.get("/login", base_url="http://blog.example")
    assert "Strict-Transport-Security" not in plain.headers
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
