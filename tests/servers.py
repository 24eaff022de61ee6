"""Real servers: gunicorn on a free port of 127.0.0.1, stopped afterwards.

The tests serve with :func:`gunicorn`; scripts/conformance and scripts/fuzz-api run this module
(``python -m tests.servers --help``), so all of them start and stop the server one way."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_TEST_DATABASE = os.environ.get("TEST_DATABASE_URL", "")
POSTGRES = (
    _TEST_DATABASE
    if _TEST_DATABASE.startswith(("postgres://", "postgresql"))
    else "postgresql://postgres@127.0.0.1:5432/blog_test"
)
"""The PostgreSQL of the deployment tests (the production the docs describe): TEST_DATABASE_URL's
server when it is one, else the local one, as in a run on SQLite or MariaDB."""
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
    """Return once ``url`` gives any HTTP answer; raise if the server exits or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server exited; its log:\n{log.read()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # an answer, whatever its status
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(
        f"the server did not answer at {url} in {seconds:.0f} s; its log:\n{log.read()}"
    )


def _stop(process: subprocess.Popen) -> None:
    """TERM, as a graceful shutdown; after 30 s, KILL the master and its workers."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: master and workers
        process.wait()


@contextlib.contextmanager
def _serving(
    env: dict, workers: int, threads: int, options: Sequence[str], ready: str, log: Path | None
) -> Iterator[tuple[str, subprocess.Popen, list[str]]]:
    port = free_port()
    command = [
        BIN / "gunicorn", "--no-control-socket", "--workers", str(workers),
        "--threads", str(threads), "--bind", f"127.0.0.1:{port}", *options, "wsgi:app",
    ]  # fmt: skip
    output: list[str] = []
    # The log goes to a file, not a pipe: a pipe nobody reads fills up and stalls the server.
    with open(log, "w+") if log else tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a Ctrl-C is for whoever started it to pass on, in order
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url + ready, process, out, seconds=30)
            yield url, process, output
        finally:
            _stop(process)
            out.seek(0)
            output.extend(out.read().splitlines())


REDIS_NOTHING_ON_DISK = ("--bind", "127.0.0.1", "--save", "", "--appendonly", "no")


class RedisServer:
    """A redis-server of its own on a free port of 127.0.0.1, keeping nothing on disk, to stop
    and start again on the same port (an outage, then its end)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def installed() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> None:
        """Start it and wait until it answers; FileNotFoundError if redis-server is missing."""
        import redis

        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        options = ["--port", str(self.port), *REDIS_NOTHING_ON_DISK, "--dir", str(self.folder)]
        self.process = subprocess.Popen([binary, *options], stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def gunicorn(
    env: dict,
    *,
    workers: int = 1,
    threads: int = 1,
    options: Sequence[str] = (),
    ready: str = "/",
    log: Path | None = None,
) -> Iterator[tuple[str, list[str]]]:
    """``with gunicorn(env) as (url, output):`` serves ``wsgi:app`` from the project folder with
    the environment ``env``, on a free port of 127.0.0.1, from when ``ready`` (a path) gives any
    HTTP answer to the end of the block. ``options`` go to gunicorn. Its log goes to the file
    ``log`` if given; ``output`` holds the log's lines once the server has stopped."""
    with _serving(env, workers, threads, options, ready, log) as (url, _, output):
        yield url, output


USAGE = """\
python -m tests.servers [--workers N] [--threads N] [--ready PATH] [--log FILE] [-- OPTIONS]

Serves the blog (wsgi:app) with gunicorn on a free port of 127.0.0.1, from the project folder, in
this environment (DATABASE_URL, BLOG_ENV, ...), as the tests do. It prints the address once the
server answers at PATH (default /), serves until it is stopped (TERM, or Ctrl-C), then stops
gunicorn (TERM; KILL after 30 s) and exits 0. OPTIONS go to gunicorn; its log goes to FILE (else
nowhere). If the server does not answer within 30 s, or exits, the log is printed and the exit
status is 1."""


def main(argv: Sequence[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.servers", usage=USAGE)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--ready", default="/", metavar="PATH")
    parser.add_argument("--log", type=Path, metavar="FILE")
    parser.add_argument("options", nargs="*", metavar="OPTIONS")
    args = parser.parse_args(argv)

    def stop(signum, frame):
        for name in (signal.SIGTERM, signal.SIGINT):  # a second signal must not cut the stop short
            signal.signal(name, signal.SIG_IGN)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    serving = _serving(
        dict(os.environ), args.workers, args.threads, args.options, args.ready, args.log
    )
    try:
        with serving as (url, process, _):
            print(url, flush=True)
            status = process.wait()
            print(f"the server exited on its own (status {status})", file=sys.stderr)
            return 1
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
