"""Driving the load with wrk (Debian's package): fixed durations, loopback, a fixed number of
connections; its Lua script (``lua/report.lua``) ends with one line of JSON read here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "lua" / "report.lua"
MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    non_2xx: int
    statuses: dict
    socket_errors: int  # connect, read, write
    timeouts: int
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    mean_ms: float | None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        """Answers that weren't right: not 2xx, or a connection broken (not a slow answer:
        timeouts are counted apart, a result of the run and no failure of it)."""
        return self.non_2xx + self.socket_errors


def parse(output: str) -> Result:
    """wrk's output, from the script's JSON line; an error when wrk ran without it."""
    lines = [line for line in output.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise RuntimeError(f"wrk printed no result line:\n{output.strip()[-2000:]}")
    found = json.loads(lines[-1][len(MARKER) :])
    errors, latency = found["errors"], found["latency_us"]
    answered = found["requests"] > 0

    def ms(value):
        return round(value / 1000, 2) if answered else None

    return Result(
        requests=found["requests"],
        seconds=found["duration_us"] / 1e6,
        non_2xx=found["non_2xx"],
        statuses={int(k): v for k, v in found.get("statuses", {}).items()},
        socket_errors=errors["connect"] + errors["read"] + errors["write"],
        timeouts=errors["timeout"],
        p50_ms=ms(latency["p50"]),
        p90_ms=ms(latency["p90"]),
        p99_ms=ms(latency["p99"]),
        mean_ms=ms(latency["mean"]),
    )


def executable() -> str:
    """wrk's path, installed from Debian's packages when missing and this process is root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: installing wrk (apt-get install wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: wrk is missing; install it with: sudo apt-get install wrk")
    return found


def run(
    port: int,
    path: str,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
    post_body: str | None = None,
    run_id: str = "",
    timeout: int = 10,
    paths: list[str] | None = None,
) -> Result:
    threads = min(connections, 2)
    command = [
        executable(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout}s",
        "-s",
        str(SCRIPT),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    env = {key: value for key, value in os.environ.items() if not key.startswith("BENCH_")}
    if paths:
        env["BENCH_PATHS"] = "|".join(paths)
    if post_body is not None:
        env.update(BENCH_POST_PATH=path, BENCH_POST_BODY=post_body, BENCH_RUN=run_id)
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=seconds + timeout + 60
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
        )
    return parse(done.stdout)
