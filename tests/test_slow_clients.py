"""Clients that send their request slowly, or stop halfway, against the real gunicorn with the
recipes' own settings (gunicorn.conf.py), on PostgreSQL and Redis as in production.

Most recipes put gunicorn straight on the internet. With sync workers, two sockets that sent
their headers and ten bytes of a 500-byte body held both workers, and every health check timed
out while they were held. Here fifty such sockets (half stopped mid-headers, half mid-body) are
held while normal requests must still be answered promptly; afterwards each must have been ended
by the server, so none holds its connection for ever. One server serves the whole module.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.databases import fresh_database
from tests.servers import POSTGRES, REDIS, flask, gunicorn, require_postgres_and_redis

pytestmark = pytest.mark.xdist_group("slow_clients")  # one server for the module's tests

STALLED = 50
PROMPTLY = 2.0  # seconds: generous for requests that take milliseconds
BODY_TIMEOUT = 5  # REQUEST_BODY_TIMEOUT of this server (30 in production), to finish quickly
KEEPALIVE = 5  # gunicorn.conf.py's keepalive: the time a client has to send its headers
MID_HEADERS = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow"
MID_BODY = (
    b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n"
    b"username=a"  # 10 of the 500 bytes announced
)
EMAIL, PASSWORD = "ops@example.com", "slow clients password"


@dataclass
class Server:
    url: str
    port: int
    mail_dir: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_postgres_and_redis()
    tmp = tmp_path_factory.mktemp("slow_clients")
    prefix = f"blogtest-{uuid.uuid4().hex}"
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TEST_DATABASE_URL", POSTGRES)
            with fresh_database("_slow", tmp) as database_url:
                env = {k: v for k, v in os.environ.items() if k not in {"FLASK_DEBUG"}}
                env.update(
                    BLOG_ENV="production",
                    SECRET_KEY="slow-clients-test-" + "s" * 40,
                    DATABASE_URL=database_url,
                    REDIS_URL=REDIS,
                    RATELIMIT_KEY_PREFIX=prefix,
                    CACHE_KEY_PREFIX=f"{prefix}:cache:",
                    RATELIMIT_LOGIN_ACCOUNT="2 per minute",
                    REQUEST_BODY_TIMEOUT=str(BODY_TIMEOUT),
                    SITE_URL="http://127.0.0.1",
                    MAIL_BACKEND="file",
                    MAIL_FILE_PATH=str(tmp / "mail"),
                    SESSION_COOKIE_SECURE="false",  # the test speaks plain http
                )
                flask(env, "db", "upgrade")
                # Two workers, as on a small instance; everything else is gunicorn.conf.py's.
                with gunicorn(env, workers=2, ready="/healthz") as (url, _):
                    account = {"username": "ops", "email": EMAIL, "password": PASSWORD}
                    assert _post_json(url + "/api/users", {"user": account}) == 201
                    yield Server(url, int(url.rsplit(":", 1)[1]), tmp / "mail")
    finally:
        import redis

        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


@dataclass
class Stalled:
    opened: float
    mid_headers: list[socket.socket]
    mid_body: list[socket.socket]


@pytest.fixture(scope="module")
def stalled(server):
    """Fifty connections that stop sending: half mid-headers, half mid-body."""
    sockets = {MID_HEADERS: [], MID_BODY: []}
    opened = time.monotonic()
    for number in range(STALLED):
        start = MID_HEADERS if number % 2 else MID_BODY
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(start)
        sockets[start].append(sock)
    yield Stalled(opened, sockets[MID_HEADERS], sockets[MID_BODY])
    for sock in sockets[MID_HEADERS] + sockets[MID_BODY]:
        sock.close()


def _post_json(url: str, data: dict) -> int:
    request = urllib.request.Request(
        url, json.dumps(data).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _timed_get(url: str) -> tuple[float, int, bytes]:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=PROMPTLY + 1) as response:
        body = response.read()
    return time.monotonic() - started, response.status, body


def _still_held(sock: socket.socket) -> bool:
    """Whether the server has neither answered nor closed the connection."""
    sock.setblocking(False)
    try:
        sock.recv(1)
    except BlockingIOError:
        return True
    finally:
        sock.setblocking(True)
    return False


def _answer(sock: socket.socket, deadline: float) -> bytes:
    """What the server sends before it closes the connection (b"" for a bare close), waiting
    until ``deadline`` at most."""
    received = b""
    while True:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:  # closed while our unread request bytes were in flight
            chunk = b""
        if not chunk:
            return received
        received += chunk


def test_stalled_connections_leave_the_site_answering_promptly(server, stalled):
    for path in ["/healthz"] * 5 + ["/", "/api/articles"]:
        seconds, status, _ = _timed_get(server.url + path)
        assert status == 200, path
        assert seconds < PROMPTLY, f"{path} took {seconds:.2f} s"
    assert json.loads(_timed_get(server.url + "/api/articles")[2])["articlesCount"] == 0
    # They were held all along: the server had neither answered nor dropped any of them yet.
    assert [_still_held(sock) for sock in stalled.mid_headers + stalled.mid_body] == [True] * 50


def test_stalled_connections_are_ended_by_the_server(server, stalled):
    """Headers must be complete within keepalive; a body that stops is answered 408."""
    deadline = stalled.opened + max(BODY_TIMEOUT, KEEPALIVE) + 5
    headers = {_answer(sock, deadline) for sock in stalled.mid_headers}
    assert headers == {b""}  # closed
    answers = [_answer(sock, deadline) for sock in stalled.mid_body]
    assert [answer.split(b"\r\n", 1)[0] for answer in answers] == [
        b"HTTP/1.1 408 REQUEST TIMEOUT"
    ] * 25
    assert b"The request stopped arriving before it was complete" in answers[0]
    assert time.monotonic() < deadline


def test_rate_limits_and_mail_work_in_gevent_workers(server):
    """Flask-Limiter counts in Redis and the mail thread delivers, under gevent's patching."""
    wrong = {"user": {"email": EMAIL, "password": "not the password"}}
    codes = [_post_json(server.url + "/api/users/login", wrong) for _ in range(3)]
    assert codes == [401, 401, 429]

    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(server.url + "/reset-password", timeout=10) as page:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode())[1]
    form = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL}).encode()
    with browser.open(server.url + "/reset-password", form, timeout=10) as answer:
        assert answer.url == server.url + "/login"  # redirected there: the mail is on its way
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not list(server.mail_dir.glob("*")):
        time.sleep(0.1)
    (message,) = server.mail_dir.glob("*")
    assert "http://127.0.0.1/reset-password/" in message.read_text()
