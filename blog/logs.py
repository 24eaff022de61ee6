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


class OneLineFilter(logging.Filter):
    """Folds each record into one line, traceback included, so log collectors see one event.

    A filter on the logger rather than a formatter, so the records reach gunicorn's handlers,
    with gunicorn's own formatter, already folded.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that don't fit: let logging report it
            return True
        if record.exc_info:
            message = f"{message}\n{_TRACEBACKS.formatException(record.exc_info)}"
        if record.stack_info:
            message = f"{message}\n{record.stack_info}"
        record.msg = message.replace("\n", " | ")
        record.args = None
        record.exc_info = record.exc_text = record.stack_info = None
        return True


_TRACEBACKS = logging.Formatter()


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
ONE_LINE_FILTER = OneLineFilter()

LIBRARY_LOGGERS = ("flask-limiter",)
"""Libraries whose records are the operator's business, logged where the app's own go.

Flask-Limiter says, once, when the rate-limit storage (Redis) is lost and the limits fall back
to counting in this process, and when it is back; on its own logger, which has only a
``NullHandler``, those lines reached no one."""


def configure_logging(app: Flask) -> None:
    gunicorn_logger = logging.getLogger("gunicorn.error")
    app.logger.handlers.clear()
    if gunicorn_logger.handlers:
        app.logger.handlers.extend(gunicorn_logger.handlers)
        app.logger.setLevel(gunicorn_logger.level)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        app.logger.addHandler(handler)
        app.logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    app.logger.propagate = False
    # The loggers are shared by every app: each filter is added once, the request id first so
    # it comes before a traceback.
    for logger in (app.logger, *map(logging.getLogger, LIBRARY_LOGGERS)):
        if logger is not app.logger:
            logger.handlers[:] = app.logger.handlers
            logger.setLevel(app.logger.level)
            logger.propagate = False
        logger.addFilter(REQUEST_ID_FILTER)
        logger.addFilter(ONE_LINE_FILTER)
