"""``python -m soak --faults`` (``make faults``): the soak's load while, one after another,
PostgreSQL restarts, a gunicorn worker is killed, Redis stops and the uploads folder turns
read-only (soak/breaks.py); then, on a second gunicorn, an S3 storage that does not answer.

Each must be recovered from unattended, within :data:`~soak.breaks.RECOVERY_LIMIT`, with
nothing acknowledged lost (the ledger is checked at the end); between the faults, and during
each beyond what :data:`~soak.breaks.ALLOWED` lets it cost, nothing may fail."""

from __future__ import annotations

import random
import socket
import sys
import time
from pathlib import Path

from soak import breaks, report
from soak.breaks import ALLOWED, RECOVERY_LIMIT, Phase
from soak.load import NO_ANSWER, Answer, Client, Recorder, png, register
from soak.run import check, load, log
from soak.stack import serve, stack

HOLD = 5.0
"""Seconds each fault lasts (PostgreSQL down, Redis down, the folder read-only)."""


def _may_cost(phase: Phase, answer: Answer) -> bool:
    """Whether the fault may cost this answer: a success, a refusal, or what ALLOWED lists (an
    error page of the app's own, not a bare one; a read-only folder refuses uploads only)."""
    if answer.status != NO_ANSWER and answer.status < 500:
        return True
    if answer.status not in ALLOWED.get(phase.name, set()) or not answer.friendly:
        return False
    return phase.name not in ("uploads", "s3") or answer.kind == "upload"


def judge(phase: Phase, answers: list[Answer]) -> None:
    """Every error in the fault's window that the fault may not cost becomes a failure."""
    during = report.within(answers, phase.start, phase.end)
    bad = [answer for answer in during if not _may_cost(phase, answer)]
    if bad:
        counts = report.describe(report.statuses(bad))
        kinds = ", ".join(sorted({answer.kind for answer in bad}))
        phase.failures.append(f"errors it may not cost: {counts} (in {kinds})")
    if phase.recovery is None or phase.recovery > RECOVERY_LIMIT:
        phase.failures.append(f"not serving again within {RECOVERY_LIMIT:.0f} s")


def s3_down(services, folder: Path, slugs: list[str]) -> tuple[Phase, list[Answer]]:
    """A second gunicorn whose storage is S3 on a port that refuses: uploads get a 503 that
    says to try again, pages are served."""
    phase = Phase("s3", time.monotonic())
    recorder = Recorder()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: refused, and no one else's
        env = dict(services.env)
        env.update(
            UPLOAD_STORAGE="s3",
            UPLOAD_S3_BUCKET="soak",
            UPLOAD_S3_ENDPOINT_URL=f"http://127.0.0.1:{closed.getsockname()[1]}",
            UPLOAD_S3_REGION="us-east-1",
            UPLOAD_S3_ACCESS_KEY_ID="soak",
            UPLOAD_S3_SECRET_ACCESS_KEY="soak",  # no real S3 behind it
        )
        with serve(env, folder, name="gunicorn-s3") as server:
            token = register(server.url, recorder, f"soaks3{int(time.time())}")
            client = Client(server.url, recorder, token)
            for n in range(3):
                files = {"file": ("s3.png", png(random.Random(n)), "image/png")}
                answer = client.call("upload", "POST", "/api/uploads", files=files)
                if getattr(answer, "status_code", 0) != 503 or "try again" not in answer.text:
                    phase.failures.append(
                        f"an upload to S3 away got {getattr(answer, 'status_code', 0)}"
                    )
            reader = Client(server.url, recorder)
            for n in range(30):
                slug = slugs[n % len(slugs)]
                for path in ("/", f"/posts/{slug}", "/api/articles", f"/api/articles/{slug}"):
                    status = getattr(reader.call("page", "GET", path), "status_code", 0)
                    if status != 200:
                        phase.failures.append(f"{path} with S3 away: {status}")
    phase.end = time.monotonic()
    phase.recovery = 0.0  # nothing to come back from: the pages never stopped
    return phase, recorder.answers


def faults(folder: Path, duration: int, clients: int) -> int:
    phases: list[Phase] = []
    with stack(folder) as services:
        base = services.server.url
        probe = Client(base, Recorder(), register(base, Recorder(), f"soakprobe{int(time.time())}"))
        log(f"serving at {base}; {clients} clients, {duration} s of calm between faults")
        with load(base, clients) as shared:
            time.sleep(duration)
            for name, fault in (  # Redis first: PostgreSQL away also makes the limiter fall back
                ("Redis stopped", breaks.redis_stop),
                ("a worker killed", breaks.worker_kill),
                ("PostgreSQL restarted", breaks.postgres_restart),
                ("uploads read-only", breaks.uploads_read_only),
            ):
                log(f"fault: {name}")
                extra = (list(shared.ledger.uploads),) if fault is breaks.uploads_read_only else ()
                phases.append(fault(services, probe, HOLD, *extra))
                time.sleep(duration)
        answers = list(shared.recorder.answers) + list(probe.recorder.answers)
        log("fault: S3 away (a second gunicorn)")
        s3_phase, s3_answers = s3_down(services, folder, list(shared.ledger.articles))
        phases.append(s3_phase)
        checked = check(base, services.env["DATABASE_URL"], shared)
    for phase in phases:
        judge(phase, answers + s3_answers)
    calm = [a for a in answers if not any(report.overlaps(a, p.start, p.end) for p in phases)]
    calm_errors = report.errors(calm)
    return _report(phases, answers + s3_answers, checked.problems, calm_errors, shared)


def _report(phases, answers, problems, calm_errors, shared) -> int:
    previous = 0.0
    for phase in phases:
        during = report.within(answers, phase.start, phase.end)
        lost = [
            p for p in problems if p.acked_at is not None and previous <= p.acked_at < phase.end
        ]
        previous = phase.end
        recovery = "-" if phase.recovery is None else f"{phase.recovery:.1f} s"
        print(
            f"fault {phase.name}: {len(during)} requests ({report.acknowledged(during)} writes "
            "acknowledged), "
            f"errors {report.describe(report.errors(during))}, recovery {recovery}, "
            f"acknowledged lost {len(lost)}"
            + ("" if not phase.failures else f" FAILED: {'; '.join(phase.failures)}")
        )
    for problem in problems[:50]:
        print(f"  {problem}", file=sys.stderr)
    failed = [p.name for p in phases if p.failures]
    ok = not failed and not problems and not calm_errors
    lost = sum(p.kind == "lost" for p in problems)
    worst = max((p.recovery or 0.0 for p in phases), default=0.0)
    print(
        f"faults: {len(phases)} faults, {len(answers)} requests, "
        f"{report.acknowledged(answers)} acknowledged writes ({shared.ledger.count()} records "
        f"checked), {lost} lost, "
        f"{len(problems) - lost} other problems, errors outside faults: "
        f"{report.describe(calm_errors)}, slowest recovery {worst:.1f} s"
        + ("" if ok else f" FAILED{': ' + ', '.join(failed) if failed else ''}")
    )
    return 0 if ok else 1
