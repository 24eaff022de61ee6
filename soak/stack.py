"""The blog as deployed, on the run's own services: production settings, gunicorn with the
project's gunicorn.conf.py (gevent workers), loopback only, its log kept for the checks.

The rate limits stay on (their Redis round trips, and their fallback when Redis goes, are part
of what is tried) but are raised past what the soak's writers send."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from soak.services import Postgres
from tests.servers import RedisServer, flask, gunicorn

WORKERS = 2
UNLIMITED = "1000000 per minute"
RATE_LIMITS = (
    "RATELIMIT_LOGIN",
    "RATELIMIT_LOGIN_ACCOUNT",
    "RATELIMIT_REGISTER",
    "RATELIMIT_PASSWORD",
    "RATELIMIT_API_WRITES",
    "RATELIMIT_API_WRITES_ACCOUNT",
    "RATELIMIT_EDITOR",
)


def environment(database_url: str, redis_url: str, uploads: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "BLOG_"))}
    env.update(
        BLOG_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        SESSION_COOKIE_SECURE="false",  # plain http on 127.0.0.1
        REMEMBER_COOKIE_SECURE="false",
        REDIS_URL=redis_url,
        UPLOAD_STORAGE="local",  # a folder the faults can make read-only
        UPLOAD_FOLDER=str(uploads),
        LOG_LEVEL="INFO",
        **{name: UNLIMITED for name in RATE_LIMITS},
    )
    env.update(extra)
    return env


@dataclass
class Server:
    url: str
    pid_file: Path
    log: Path
    output: list[str] = field(default_factory=list)

    def master(self) -> int:
        return int(self.pid_file.read_text().strip())

    def workers(self) -> list[int]:
        master = self.master()
        try:
            text = Path(f"/proc/{master}/task/{master}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()


@contextlib.contextmanager
def serve(env: dict[str, str], folder: Path, name: str = "gunicorn") -> Iterator[Server]:
    """gunicorn until the block ends, once ``/readyz`` answers; its log in ``folder``."""
    pid_file, log = folder / f"{name}.pid", folder / f"{name}.log"
    options = ["--no-control-socket", "--pid", str(pid_file), "--graceful-timeout", "10"]
    with gunicorn(env, workers=WORKERS, options=options, ready="/readyz", log=log) as (url, out):
        server = Server(url, pid_file, log, out)
        yield server


@dataclass
class Stack:
    postgres: Postgres
    redis: RedisServer
    uploads: Path
    env: dict[str, str]
    server: Server


@contextlib.contextmanager
def stack(folder: Path) -> Iterator[Stack]:
    """PostgreSQL, Redis, the migrated database and gunicorn; all stopped afterwards."""
    postgres, redis_server = Postgres(folder / "postgres"), RedisServer(folder / "redis")
    uploads = folder / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    try:
        postgres.create()
        redis_server.start()
        env = environment(postgres.url, redis_server.url, uploads)
        flask(env, "db", "upgrade")
        with serve(env, folder) as server:
            yield Stack(postgres, redis_server, uploads, env, server)
    finally:
        redis_server.stop()
        postgres.destroy()
