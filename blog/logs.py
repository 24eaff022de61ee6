"""Logging: one line per record on stderr, or gunicorn's handlers when it serves the app."""

from __future__ import annotations

import logging
import sys

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    """Keeps each record on one line, tracebacks included, so log collectors see one event."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


def configure_logging(app: Flask) -> None:
    gunicorn_logger = logging.getLogger("gunicorn.error")
    app.logger.handlers.clear()
    if gunicorn_logger.handlers:
        app.logger.handlers.extend(gunicorn_logger.handlers)
        app.logger.setLevel(gunicorn_logger.level)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(OneLineFormatter(FORMAT))
        app.logger.addHandler(handler)
        app.logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    app.logger.propagate = False
