"""The app (or the hello world) under gunicorn with the project's ``gunicorn.conf.py``: two
workers, production settings, loopback only, a port of its own; and its workers' memory."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench.datasets import DATA, ROOT

WORKERS = 2
LOGS = DATA / "logs"
UNLIMITED = "1000000 per minute"
RATE_LIMITS = (
    "RATELIMIT_LOGIN",
    "RATELIMIT_LOGIN_ACCOUNT",
    "RATELIMIT_REGISTER",
    "RATELIMIT_API_WRITES",
    "RATELIMIT_API_WRITES_ACCOUNT",
    "RATELIMIT_EDITOR",
)
"""Kept on (their Redis round trips are part of the cost) but too high to refuse the load."""
CACHE_SETTING = "PAGE_CACHE"
IDLE_SAMPLE, IDLE_TICKS = 0.2, 1
"""The workers count as idle when, twice in a row, they used at most this many CPU ticks (a
hundredth of a second each) in this many seconds: their heartbeat and event loop, no request."""
REDIS_DATABASES = {
    "hello": 9,
    "sqlite-small": 10,
    "postgresql-small": 11,
    "sqlite-large": 12,
    "postgresql-large": 13,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(
    database_url: str, port: int, redis_db: int, page_cache: bool
) -> dict[str, str]:
    """Production, as a deployment sets it: what production refuses to start without (a
    strong SECRET_KEY) and what it wants (SITE_URL, REDIS_URL shared by the workers)."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "BLOG_"))
    }
    env.update(
        BLOG_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        SITE_URL=f"http://127.0.0.1:{port}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        WEB_CONCURRENCY=str(WORKERS),
        **{name: UNLIMITED for name in RATE_LIMITS},
    )
    env[CACHE_SETTING] = "true" if page_cache else "false"
    return env


def _active_queries(database_url: str) -> int:
    """Statements still running on the app's PostgreSQL database (0 for SQLite, which runs
    inside the workers): one a worker left behind keeps PostgreSQL busy after the worker has
    given up on it."""
    if not database_url.startswith("postgresql"):
        return 0
    server, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active'",
            (name,),
        ).fetchone()[0]


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log: Path, database_url: str = ""):
        self.process, self.port, self.log = process, port, log
        self.database_url = database_url

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def cpu_ticks(self) -> tuple[frozenset[int], int]:
        """The workers, and the CPU time they have used (user and system, in clock ticks)."""
        pids, ticks = frozenset(self.workers()), 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return pids, ticks

    def wait_idle(self, most: float = 300) -> float:
        """Wait until the workers stop computing, and their database too; returns how long that
        took. When wrk stops, the requests it leaves behind still run to the end (a worker
        doesn't notice the client has gone), and would slow down whatever is measured next."""
        started = time.monotonic()
        quiet = 0
        before = self.cpu_ticks()
        while quiet < 2 and time.monotonic() - started < most:
            time.sleep(IDLE_SAMPLE)
            now = self.cpu_ticks()
            busy = now[0] != before[0] or now[1] - before[1] > IDLE_TICKS
            busy = busy or _active_queries(self.database_url) > 0
            quiet = 0 if busy else quiet + 1
            before = now
        return round(time.monotonic() - started, 1)

    def rss_mb(self) -> list[float]:
        """Each worker's resident memory (VmRSS), in MB."""
        found = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    found.append(round(int(line.split()[1]) / 1024, 1))
        return found


def _flush_redis(db_index: int) -> None:
    """The server's own Redis database starts empty: no cache or limit left from another run."""
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=db_index).flushdb()


@contextlib.contextmanager
def serve(app: str, env: dict[str, str], port: int, name: str):
    """gunicorn serving ``app`` until the block ends; fails when it doesn't come up."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    redis_db = int(env["REDIS_URL"].rsplit("/", 1)[1]) if "REDIS_URL" in env else None
    if redis_db is not None:
        _flush_redis(redis_db)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--no-control-socket",
        app,
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(process, port, log, env.get("DATABASE_URL", ""))
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: master and workers
            process.wait()


def _wait_until_up(server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text()[-3000:]
            raise RuntimeError(f"gunicorn stopped at start ({server.process.returncode}):\n{tail}")
        with socket.socket() as probe:
            if (
                probe.connect_ex(("127.0.0.1", server.port)) == 0
                and len(server.workers()) == WORKERS
            ):
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {server.port} within {seconds:.0f} s")
