"""Redis going away, and coming back, with a redis-server of the test's own: the rate limits
hold in each process, pages are served, and each side says so once per outage in the app's
log, not once per request; a healthy Redis never gets a failure logged."""

from __future__ import annotations

import time

import flask_limiter._extension
import pytest
import redis

from blog import caching
from blog.domain import queries
from blog.extensions import db
from tests.factories import PostFactory
from tests.helpers import app_on, make_app
from tests.servers import RedisServer, _not_run, free_port

LIMITER_GONE = "WARNING flask-limiter: Rate limit storage unreachable - falling back to in-memory"
LIMITER_BACK = "INFO flask-limiter: Rate limit storage recovered"
CACHE_GONE = "WARNING blog: cache read of "  # of whichever key a page reads first
CACHE_BACK = "INFO blog: cache answers again"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    if not server.installed():
        _not_run("redis-server is not installed")
    server.start()
    yield server
    server.stop()


def outage_settings(redis_url: str) -> dict:
    return {
        "REDIS_URL": redis_url,
        "CACHE_TYPE": "",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": "1000 per minute",
        "RATELIMIT_LOGIN_ACCOUNT": "3 per minute",
        "LOG_LEVEL": "INFO",
    }


def sign_in_attempts(client, login: str, times: int) -> list[int]:
    data = {"login": login, "password": "a wrong password"}
    return [client.post("/login", data=data).status_code for _ in range(times)]


def logged(err: str, start: str) -> list[str]:
    """The lines of the app's own log (its handler on stderr) that begin, after the time, so."""
    return [line for line in err.splitlines() if line[24:].startswith(start)]


def test_with_redis_gone_limits_hold_per_process_and_each_side_logs_it_once(database_url, capsys):
    with app_on(database_url, **outage_settings(f"redis://127.0.0.1:{free_port()}/0")) as app:
        PostFactory(tags=["flask"])
        client = app.test_client()
        for n in range(20):
            assert sign_in_attempts(client, f"someone{n}", 2) == [422, 422]
            assert client.get("/").status_code == 200
        assert sign_in_attempts(client, "target", 5) == [422, 422, 422, 429, 429]
    err = capsys.readouterr().err
    warnings = [line[24:] for line in err.splitlines() if " WARNING " in line]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith(LIMITER_GONE)
    assert warnings[1].startswith(CACHE_GONE)


def test_with_redis_gone_a_remembered_value_is_computed_once_per_version(database_url):
    """What the process keeps in front of Redis (``NearCache``) still keeps, at the version:
    a deep page's keys, the sitemap's index, the tag counts are not computed anew per request."""
    computed = []

    def compute():
        computed.append(1)
        return ["kept"]

    with app_on(database_url, **outage_settings(f"redis://127.0.0.1:{free_port()}/0")) as app:
        PostFactory(tags=["flask"])
        for _ in range(3):
            with app.test_request_context("/"):
                assert caching.remember("outage-test", compute) == ["kept"]
        assert len(computed) == 1
        PostFactory(tags=["python"])  # a new version: computed again, once
        for _ in range(2):
            with app.test_request_context("/"):
                assert caching.remember("outage-test", compute) == ["kept"]
        assert len(computed) == 2


class ShiftedClock:
    """Flask-Limiter's clock, moved on: it tries a lost storage again only after a backoff of
    up to half a minute, which the test need not sit through."""

    seconds = 0.0

    @classmethod
    def time(cls) -> float:
        return time.time() + cls.seconds


def test_an_outage_is_logged_once_when_it_begins_and_once_when_it_ends(
    database_url, redis_server, capsys, monkeypatch
):
    monkeypatch.setattr(flask_limiter._extension, "time", ShiftedClock)
    with app_on(database_url, **outage_settings(redis_server.url)) as app:
        PostFactory(tags=["flask"])
        client = app.test_client()
        assert sign_in_attempts(client, "target", 2) == [422, 422]
        assert client.get("/").status_code == 200
        assert " WARNING " not in capsys.readouterr().err

        redis_server.stop()
        PostFactory(tags=["python"])  # a new version: what the process kept is for the one before
        for _ in range(15):
            assert client.get("/").status_code == 200
        assert sign_in_attempts(client, "target", 4) == [422, 422, 422, 429]  # counted anew
        err = capsys.readouterr().err
        assert [len(logged(err, LIMITER_GONE)), len(logged(err, CACHE_GONE))] == [1, 1]

        redis_server.start()  # empty: what it counted before is gone
        ShiftedClock.seconds = 60
        PostFactory(tags=["ruby"])  # a new version: what the process kept meanwhile is old
        assert sign_in_attempts(client, "other", 1) == [422]  # the limiter tries Redis again
        assert client.get("/").status_code == 200
        err = capsys.readouterr().err
        assert LIMITER_BACK in err
        assert CACHE_BACK in err
        assert " WARNING " not in err
        assert sign_in_attempts(client, "target", 4) == [422, 422, 422, 429]  # in Redis now
        counted_in_redis = redis.Redis.from_url(redis_server.url).keys("LIMITS:*account:target*")
        assert counted_in_redis == [b"LIMITS:LIMITER/blog/account:target/login-account/3/1/minute"]


def test_a_key_stored_by_another_request_meanwhile_is_not_a_failure(
    database_url, redis_server, capsys
):
    """What once logged "cache clear failed: RuntimeError" with Redis healthy: another request
    re-set a key between this one's read and its clearing. Keys are no longer cleared; between
    this request's read (a miss) and its store, another worker stores the same key, Redis
    evicts it, and a write raises the content version: nothing is logged, and the next request
    counts afresh. A Redis that fails is still logged."""
    settings = {"REDIS_URL": redis_server.url, "CACHE_TYPE": "", "LOG_LEVEL": "INFO"}
    with app_on(database_url, **settings) as app:
        PostFactory(tags=["flask"])
        other_worker = make_app(database_url, **settings)

        def counted_while_others_go_on():
            with other_worker.test_request_context("/"):
                assert queries.popular_tags() == [("flask", 1)]  # the same key, stored
                assert redis.Redis.from_url(redis_server.url).keys("blog:cache:popular-tags:20@*")
                redis.Redis.from_url(redis_server.url).flushdb()
                PostFactory(tags=["python"])
                PostFactory(tags=["python"])
                db.session.remove()
            return [("flask", 1)]

        with app.test_request_context("/"):
            assert caching.remember("popular-tags:20", counted_while_others_go_on) == [("flask", 1)]
        assert app.test_client().get("/api/tags").json["tags"] == ["python", "flask"]
        assert capsys.readouterr().err == ""

        redis_server.stop()
        for _ in range(3):
            assert app.test_client().get("/").status_code == 200
        assert len(logged(capsys.readouterr().err, CACHE_GONE)) == 1
