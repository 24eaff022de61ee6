"""Real servers for tests: gunicorn on a free port of 127.0.0.1, stopped afterwards."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/blog_test")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_postgres_and_redis() -> None:
    """Skip loudly when PostgreSQL or Redis is not there; in CI (``CI`` set), fail instead."""
    import psycopg
    import redis
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES).set(drivername="postgresql", database="postgres")
    problem = None
    try:
        psycopg.connect(server.render_as_string(hide_password=False), connect_timeout=3).close()
    except psycopg.Error as error:
        problem = f"PostgreSQL at {POSTGRES} is not reachable ({error.__class__.__name__})"
    try:
        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except redis.RedisError as error:
        problem = problem or f"Redis at {REDIS} is not reachable ({error.__class__.__name__})"
    if problem:
        _not_run(problem)


def require_redis() -> None:
    """Skip loudly when Redis is not there; in CI (``CI`` set), fail instead."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except redis.RedisError as error:
        _not_run(f"Redis at {REDIS} is not reachable ({error.__class__.__name__})")


def _not_run(problem: str) -> None:
    import pytest

    message = f"NOT RUN: {problem}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run it)", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    """``flask --app blog ARGS`` in the project folder; raises if it fails."""
    return subprocess.run(
        [BIN / "flask", "--app", "blog", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


def _wait_until_up(url: str, process: subprocess.Popen, log, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start in {seconds} s")


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int = 1, threads: int = 1) -> Iterator[tuple[str, list]]:
    """``with gunicorn(env) as (url, output):`` serves ``wsgi:app``; ``output`` holds the server's
    log lines once it has stopped."""
    port = free_port()
    command = [
        BIN / "gunicorn", "--no-control-socket", "--workers", str(workers),
        "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "wsgi:app",
    ]  # fmt: skip
    # The log goes to a file, not a pipe: a pipe nobody reads fills up and stalls the server.
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        url = f"http://127.0.0.1:{port}"
        output: list[str] = []
        try:
            _wait_until_up(url + "/", process, log, seconds=30)
            yield url, output
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.seek(0)
            output.extend(log.read().splitlines())
