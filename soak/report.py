"""Figures from the recorded answers: counts by status, latency percentiles, a window's errors."""

from __future__ import annotations

from collections import Counter

from soak.load import NO_ANSWER, Answer


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.5 for p50); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def statuses(answers: list[Answer]) -> Counter:
    return Counter(answer.status for answer in answers)


def errors(answers: list[Answer]) -> Counter:
    """Answers that are not a success nor a deliberate refusal: 5xx and no answer at all."""
    return Counter(a.status for a in answers if a.status == NO_ANSWER or a.status >= 500)


def describe(counts: Counter) -> str:
    """``503 x12, no answer x2``, or ``none``."""
    if not counts:
        return "none"
    names = {NO_ANSWER: "no answer"}
    return ", ".join(f"{names.get(status, status)} x{n}" for status, n in sorted(counts.items()))


def overlaps(answer: Answer, start: float, end: float) -> bool:
    """Whether the request was in flight at some time between ``start`` and ``end``."""
    return answer.started < end and answer.started + answer.seconds >= start


def within(answers: list[Answer], start: float, end: float) -> list[Answer]:
    """The requests in flight during the window: one sent just before a fault counts in it."""
    return [answer for answer in answers if overlaps(answer, start, end)]


def latency_ms(answers: list[Answer]) -> tuple[float, float]:
    """p50 and p99 of the answered requests, in milliseconds."""
    seconds = [answer.seconds for answer in answers if answer.status != NO_ANSWER]
    return percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000


WRITE_KINDS = frozenset({"create", "edit", "comment", "favorite", "follow", "upload"})


def acknowledged(answers: list[Answer]) -> int:
    """Write requests the blog answered with a 2xx."""
    return sum(a.kind in WRITE_KINDS and 200 <= a.status < 300 for a in answers)
