"""`make run`: scripts/serve checks the address first, then serves where it was told to."""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "scripts" / "serve"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"FLASK_DEBUG", "FLASK_APP", "FLASK_RUN_HOST", "FLASK_RUN_PORT"}
    }
    database = tmp_path / "serve.db"
    # a key of its own, so development doesn't make instance/secret_key in the checkout
    env.update(BLOG_ENV="development", SECRET_KEY="s" * 50, DATABASE_URL=f"sqlite:///{database}")
    return env


def test_a_taken_port_is_one_line_saying_what_to_do(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # as make runs it: the script itself, told the virtualenv
            [SERVE, "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env={**_env(tmp_path), "VENV": sys.prefix},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stdout == ""  # no banner claiming the blog runs
    (line,) = result.stderr.splitlines()
    advice = re.fullmatch(
        rf"Port {port} is in use: stop whatever is using it or run `make run PORT=(\d+)`", line
    )
    assert advice, line
    assert int(advice[1]) > port
    assert not (tmp_path / "serve.db").exists()  # it stopped before touching the database


def test_it_serves_on_the_port_it_is_given_and_says_where(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, SERVE, "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryFile("w+") as log:
        # its own process group: flask run --debug starts a reloader child, stopped with it
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_env(tmp_path),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            home = _first_answer(url + "/", server, seconds=60)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        log.seek(0)
        output = log.read()
    assert home is not None, output
    assert "Latest posts" in home
    assert f"Blog running at {url}\n" in output
    assert f"Running on {url}" in output  # what the server itself says, after binding


def _first_answer(url: str, server: subprocess.Popen, seconds: float) -> str | None:
    """The first page served at ``url`` within ``seconds``; None if the server exited or never
    answered."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as page:
                return page.read().decode()
        except OSError:
            time.sleep(0.3)
    return None


MAKE_VARIABLES = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}


def test_make_run_passes_host_and_port_from_the_command_line_only():
    def run_command(*args: str, **environ: str) -> str:
        # Run under `make test`, make's own variables would make this one a sub-make.
        inherited = {k: v for k, v in os.environ.items() if k not in MAKE_VARIABLES}
        env = {**inherited, **environ}
        dry = subprocess.run(
            ["make", "--dry-run", "--no-print-directory", "run", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return dry.stdout.splitlines()[-1]

    assert run_command("PORT=5001", "HOST=0.0.0.0").endswith(
        "scripts/serve --host '0.0.0.0' --port '5001'"
    )
    # a PORT meant for gunicorn, or a shell's HOST (the machine's name), leave make run alone
    assert run_command(PORT="8000", HOST="somebox").endswith(
        "scripts/serve --host '127.0.0.1' --port '5000'"
    )
