"""Logging: one line per record on stderr, or gunicorn's handlers when it serves the app.

A record logged while a request is served ends with ``request_id=...``, the id the response
carries in ``X-Request-ID`` and gunicorn's access line shows, so one id finds every line of a
request.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask, has_request_context

from blog.hardening import request_id

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    """Keeps each record on one line, tracebacks included, so log collectors see one event."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # arguments that don't fit: let logging report it
                return True
            record.msg = f"{message} request_id={request_id()}"
            record.args = None
        return True


REQUEST_ID_FILTER = RequestIdFilter()


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
    app.logger.addFilter(REQUEST_ID_FILTER)  # the logger is shared by every app: added once
