"""Gunicorn settings from the environment, so every host deploys with `gunicorn wsgi:app`.

Gunicorn loads this file by itself from the working directory; options given on the command line
still win over it (the tests and scripts/ pass their own --bind and --workers).
"""

import math
import os

from dotenv import find_dotenv, load_dotenv

# The same .env the app reads (from the working directory); real environment variables win.
load_dotenv(find_dotenv(usecwd=True))

# gunicorn is how the blog meets the public: unless told otherwise it serves production, which
# refuses to start without a real SECRET_KEY rather than run with development's settings.
if not (os.environ.get("BLOG_ENV") or os.environ.get("FLASK_ENV")):
    os.environ["BLOG_ENV"] = "production"


def _cores() -> int:
    """CPUs this process may really use: the container's CPU quota when there is one.

    os.cpu_count() reports the host's cores, which on a PaaS instance with half a CPU would start
    dozens of workers and run out of memory.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:  # cgroup v2: "max 100000" or "<quota> <period>"
        with open("/sys/fs/cgroup/cpu.max") as limit:
            quota, period = limit.read().split()
        if quota != "max":
            cores = min(cores or 1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return max(cores or 1, 1)


# Render, Railway and Heroku hand out the port in PORT and expect 0.0.0.0, not loopback.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Capped so a big host doesn't exhaust the database's connection limit: each gevent worker may
# use its whole pool at once (15 connections by default), and 6 x 15 stays under PostgreSQL's
# default of 100.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cores() + 1, 6))

# Most recipes put gunicorn straight on the internet, where a client may send its request slowly
# or stop halfway. A sync worker serves one connection at a time, so two uploads stalled after a
# few bytes held both of a small instance's workers and the site stopped answering. A gevent
# worker serves each connection in its own greenlet: a stalled one waits without holding the
# others. gevent patches the standard library in each worker before the app is imported, so
# psycopg, Redis, SMTP and the mail thread wait cooperatively (preload_app would import psycopg
# unpatched in the master: it must stay off).
worker_class = "gevent"
# Connections one worker holds at once, stalled ones included; more wait in the listen backlog.
worker_connections = 1000
# Seconds an idle connection is kept between requests, and, in a gevent worker, all the time a
# client has to send a request's line and headers: one that stops mid-headers is dropped then.
keepalive = 5

# Platforms send SIGTERM then SIGKILL after about 30 s: finish requests in flight within that.
graceful_timeout = 30
# A gevent worker's heartbeat beats in its event loop, so this is how long one request may compute
# without yielding (CPU-bound work) before the worker is killed and replaced, with the connections
# it holds. Requests waiting on the database, Redis or a client yield: it doesn't bound them.
timeout = 60

# A request body must keep arriving: a read of it that waits this many seconds for a byte ends the
# request with a 408 (post_worker_init below), so a client that stops mid-upload, or vanishes
# without closing, doesn't keep its connection for ever.
_BODY_TIMEOUT = float(os.environ.get("REQUEST_BODY_TIMEOUT") or 30)

# One line per request on stdout, where every platform and journald collect logs (they add the
# time). request_id is the X-Request-ID the app returns, so a user's report finds the app's
# log lines; remote is the client once TRUSTED_PROXIES lets the app read X-Forwarded-For.
accesslog = "-"
access_log_format = (
    'remote=%(h)s method=%(m)s path="%({raw_uri}e)s" status=%(s)s bytes=%(b)s '
    'duration_ms=%(M)s request_id=%({x-request-id}o)s agent="%(a)s"'
)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Trust X-Forwarded-Proto only from these peers (nginx on the same host by default); behind a
# PaaS router the app's TRUSTED_PROXIES does that job instead.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Gunicorn 25+ opens a control socket under $HOME by default: a read-only or shared home (a
# container's non-root user, systemd's ProtectHome) makes that fail or collide. Opt in with a path.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

# The heartbeat file is fchmod-ed constantly; on a container's overlay filesystem that can block a
# worker until it is killed as stuck. Memory-backed /dev/shm avoids it.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


class _PatientBody:
    """``wsgi.input`` whose reads wait at most ``seconds`` for the client, then raise a 408."""

    def __init__(self, body, sock, seconds: float):
        self._body, self._sock, self._seconds = body, sock, seconds

    def _wait(self, read, size):
        before = self._sock.gettimeout()
        self._sock.settimeout(self._seconds)
        try:
            return read(size)
        except TimeoutError:
            from werkzeug.exceptions import RequestTimeout

            raise RequestTimeout(
                "The request stopped arriving before it was complete, so nothing was done. "
                "Please try again."
            ) from None
        finally:
            self._sock.settimeout(before)

    def read(self, size=None):
        return self._wait(self._body.read, size)

    def readline(self, size=None):
        return self._wait(self._body.readline, size)

    def readlines(self, size=None):
        return self._wait(self._body.readlines, size)

    def __iter__(self):
        return iter(self.readline, b"")


def post_worker_init(worker):
    """The app reads bodies through :class:`_PatientBody`; gunicorn's own reads (headers, the
    rest of a body the app left unread) are bounded by ``keepalive`` instead."""
    app = worker.wsgi

    def patient(environ, start_response):
        sock = environ.get("gunicorn.socket")
        if sock is not None:
            environ["wsgi.input"] = _PatientBody(environ["wsgi.input"], sock, _BODY_TIMEOUT)
        return app(environ, start_response)

    worker.wsgi = patient
