"""The faults themselves: each breaks one thing, probes what the blog answers meanwhile, puts it
back and measures how long the blog takes to serve again (its ``recovery``, in seconds).

What each fault may cost the load is written down in :data:`ALLOWED`; soak/faults.py judges
every answer of the fault's window by it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from soak.load import NO_ANSWER, Client, png
from soak.stack import WORKERS

RECOVERY_LIMIT = 15.0
"""Seconds within which the blog must serve again once what broke is back."""
LIMITER_GONE = "Rate limit storage unreachable - falling back to in-memory"
CACHE_GONE = "pages are computed without the cache until it answers again (logged once)"
CACHE_BACK = "cache answers again"
"""The app's lines for an outage of Redis (tests/test_redis_outage.py), as they read in
gunicorn's log, where the level stands in brackets before them: ``[WARNING] Rate limit ...``."""
ALLOWED = {
    "postgres": {503},  # the app's own page or JSON error, with Retry-After
    "worker": {NO_ANSWER},  # the requests the killed worker held
    "redis": set(),
    "uploads": {503},  # uploads only: "can't be stored right now"
    "s3": {503},  # uploads only, on the second gunicorn
}


@dataclass
class Phase:
    name: str
    start: float
    end: float = 0.0
    recovery: float | None = None
    failures: list[str] = field(default_factory=list)


def _until(test, seconds: float = 30, every: float = 0.1) -> float | None:
    """Seconds until ``test()`` is true, polling; None if it never was within ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if test():
            return time.monotonic() - started
        time.sleep(every)
    return None


def _status(client: Client, path: str, method: str = "GET", **kwargs) -> int:
    answer = client.call("probe", method, path, **kwargs)
    return NO_ANSWER if answer is None else answer.status_code


def postgres_restart(services, probe: Client, hold: float) -> Phase:
    phase = Phase("postgres", time.monotonic())
    services.postgres.stop()
    time.sleep(1)
    for path in ("/readyz", "/", "/api/articles"):
        answer = probe.call("probe", "GET", path)
        if answer is None or answer.status_code != 503:
            phase.failures.append(
                f"{path} with PostgreSQL down: {getattr(answer, 'status_code', 0)}"
            )
    time.sleep(max(0.0, hold - 1))
    services.postgres.start()
    phase.recovery = _until(
        lambda: _status(probe, "/readyz") == 200 and _status(probe, "/api/articles") == 200
    )
    phase.end = time.monotonic() + 1
    return phase


def worker_kill(services, probe: Client, hold: float) -> Phase:
    phase = Phase("worker", time.monotonic())
    server = services.server
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)
    replaced = _until(
        lambda: len(server.workers()) == WORKERS and victim not in server.workers(), seconds=60
    )
    ready = _until(lambda: _status(probe, "/readyz") == 200)
    phase.recovery = None if replaced is None or ready is None else replaced + ready
    time.sleep(hold)
    phase.end = time.monotonic()
    return phase


def _counted(server, start_line: int, text: str) -> int:
    return sum(text in line for line in server.log_lines()[start_line:])


def redis_stop(services, probe: Client, hold: float) -> Phase:
    phase = Phase("redis", time.monotonic())
    server = services.server
    before = len(server.log_lines())
    services.redis.stop()
    time.sleep(hold)
    gone = [_counted(server, before, LIMITER_GONE), _counted(server, before, CACHE_GONE)]
    for what, n in zip(("rate limit fallback", "cache read"), gone, strict=True):
        if not 1 <= n <= WORKERS:  # once per process that noticed, not once per request
            phase.failures.append(f"{what} warnings logged {n} times (1 to {WORKERS} expected)")
    back = len(server.log_lines())
    services.redis.start()
    phase.recovery = _until(lambda: _counted(server, back, CACHE_BACK) >= 1)
    phase.end = time.monotonic() + 1
    return phase


def _freeze(folder: Path, frozen: bool) -> None:
    """Read-only: a mode root ignores, so as root the immutable flag (``chattr +i``)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i" if frozen else "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555 if frozen else 0o755)


def uploads_read_only(services, probe: Client, hold: float, served: list[str]) -> Phase:
    phase = Phase("uploads", time.monotonic())
    _freeze(services.uploads, True)
    try:
        for n in range(3):
            files = {"file": ("probe.png", png(random.Random(n)), "image/png")}
            answer = probe.call("upload", "POST", "/api/uploads", files=files)
            status = getattr(answer, "status_code", NO_ANSWER)
            if status != 503 or "try again" not in answer.text:
                phase.failures.append(f"an upload to a read-only folder got {status}")
        for name in served[:3]:
            if _status(probe, f"/uploads/{name}") != 200:
                phase.failures.append(f"/uploads/{name} not served from a read-only folder")
        time.sleep(hold)
    finally:
        _freeze(services.uploads, False)
    rng = random.Random(time.time_ns())

    def uploads_again() -> bool:
        files = {"file": ("probe.png", png(rng), "image/png")}
        return _status(probe, "/api/uploads", "POST", files=files) == 201

    phase.recovery = _until(uploads_again)
    phase.end = time.monotonic() + 1
    return phase
