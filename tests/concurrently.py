"""Simultaneous requests, as several workers would serve them: threads, each in its own app
context (so its own database session and connection), released together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask

from blog.extensions import db


def at_once(app: Flask, arguments: list[Any], action: Callable[[Any], Any]) -> list[Any]:
    """``action(argument)`` for every argument at the same moment; their results in order."""
    everyone_ready = threading.Barrier(len(arguments))

    def run(argument: Any) -> Any:
        with app.app_context():
            everyone_ready.wait(timeout=10)
            try:
                return action(argument)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(arguments)) as pool:
        return list(pool.map(run, arguments))
