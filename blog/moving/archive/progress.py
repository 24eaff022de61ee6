"""How far an export or an import has gone: a progress bar on stderr for the commands, nothing
for the admin's download."""

from __future__ import annotations

import sys
from typing import Protocol

import click


class Progress(Protocol):
    def begin(self, total: int) -> None:
        """The work ahead, in rows and images, once it is known."""

    def advance(self, steps: int) -> None: ...

    def finish(self) -> None: ...


class Silent:
    def begin(self, total: int) -> None:
        pass

    def advance(self, steps: int) -> None:
        pass

    def finish(self) -> None:
        pass


class Bar:
    """Click's progress bar on stderr, so stdout keeps only the report. Off the terminal (a cron
    job, a pipe) click writes just its label, once."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar = None

    def begin(self, total: int) -> None:
        self._bar = click.progressbar(length=max(total, 1), label=self._label, file=sys.stderr)
        self._bar.__enter__()

    def advance(self, steps: int) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
