"""A clock the tests move: ``clock.advance(hours=2)`` is two hours later for the whole blog
(:class:`blog.models.types.Clock`), with no sleeping. Import the fixture where it is used:
``from tests.clock import clock_fixture  # noqa: F401`` (then ask for ``clock``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from blog.models.types import Clock


class MovableClock:
    def __init__(self) -> None:
        # The next whole second: never before a row the test wrote already (a clock going back
        # would, for one, end the sign-ins of an account made just before).
        self.now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
        Clock.fixed = self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        Clock.fixed = self.now
        return self.now


@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[MovableClock]:
    try:
        yield MovableClock()
    finally:
        Clock.fixed = None
