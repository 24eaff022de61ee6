"""``python -m soak`` (``make soak DURATION=60``): writers and readers at once against gunicorn,
PostgreSQL and Redis of the run's own, then every acknowledged write checked in the database.
``--faults`` (``make faults``) does the same while things break (soak/faults.py).

Exits 1 when an acknowledged write is lost, duplicated or wrong, a counter disagrees with its
rows, a request got a 5xx or no answer (or, with --faults, a fault was not recovered from)."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from soak import report
from soak.run import check, load, log
from soak.stack import stack


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m soak", description=__doc__)
    p.add_argument("--duration", type=int, default=60, help="seconds of load (60; with --faults: "
                   "the seconds of load before, between and after the faults, 20)")  # fmt: skip
    p.add_argument("--clients", type=int, default=16, help="threads, half writing (16)")
    p.add_argument("--faults", action="store_true", help="break things during the load")
    p.add_argument("--keep", action="store_true", help="keep the run's folder (logs, database)")
    return p


def summary(answers, records: int, problems) -> tuple[str, bool]:
    kinds = {kind: sum(p.kind == kind for p in problems) for kind in ("lost", "duplicated")}
    wrong = len(problems) - kinds["lost"] - kinds["duplicated"]
    p50, p99 = report.latency_ms(answers)
    errors = report.errors(answers)
    line = (
        f"{len(answers)} requests, {report.acknowledged(answers)} acknowledged writes "
        f"({records} records checked), {kinds['lost']} lost, "
        f"{kinds['duplicated']} duplicated, {wrong} wrong, 5xx/no answer: "
        f"{report.describe(errors)}, p50 {p50:.0f} ms, p99 {p99:.0f} ms"
    )
    return line, not problems and not errors


def soak(folder: Path, duration: int, clients: int) -> int:
    with stack(folder) as services:
        base = services.server.url
        log(f"serving at {base}; {clients} clients for {duration} s")
        with load(base, clients) as shared:
            time.sleep(duration)
        answers = list(shared.recorder.answers)
        checked = check(base, services.env["DATABASE_URL"], shared)
    line, ok = summary(answers, shared.ledger.count(), checked.problems)
    for problem in checked.problems[:50]:
        print(f"  {problem}", file=sys.stderr)
    writes = report.statuses([a for a in answers if a.kind in report.WRITE_KINDS])
    log(f"writes by status: {report.describe(writes)}")
    print(f"soak: {line}" + ("" if ok else " FAILED"))
    return 0 if ok else 1


def _stop(signum, frame):
    """TERM ends the run as Ctrl-C does: through the ``finally`` that stops each server."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    args = parser().parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="blog-soak-"))
    status = 1
    try:
        if args.faults:
            from soak.faults import faults

            status = faults(folder, args.duration, args.clients)
        else:
            status = soak(folder, args.duration, args.clients)
    finally:
        if args.keep or status != 0:
            print(f"the run's folder (logs, database) is kept: {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers have been stopped on the way out
        print("soak: interrupted", file=sys.stderr)
        sys.exit(130)
