"""Error pages: HTML for browsers, JSON for API clients, never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from blog.domain.errors import NotFound, PermissionDenied
from blog.extensions import db, login_manager
from blog.outages import OUTAGE_ERRORS, database_unavailable

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Down for a moment",
}

MESSAGES = {
    400: (
        "Something in that request was garbled, so nothing was done. Please go back and try again."
    ),
    403: "This page is not open to your account.",
    404: (
        "There is nothing at this address. The link may be mistyped, or what it led to has been "
        "unpublished or deleted."
    ),
    405: (
        "This address doesn't answer that kind of request. If you typed it or followed a link, "
        "go back and use the button on the page instead."
    ),
    413: "That was more than the blog takes in one go{limit}. Please send less.",
    429: "That was too many tries in a short while. Please wait a little and try again.",
    500: "The error has been logged. Please try again later.",
    503: "The blog can't answer right now. Please try again in a few minutes.",
}
"""What each status says when nothing more particular was given: the blog's words, not
Werkzeug's ("You don't have the permission to access the requested resource...")."""


RETRY_AFTER_SECONDS = 60
"""What a 503 for a database outage tells clients to wait: about what a PostgreSQL restart or a
failover takes."""


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    preferred = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return preferred == "application/json"


def error_response(status: int, message: str):
    if wants_json():
        return jsonify(errors={"body": [message]}), status
    title = TITLES.get(status, "Error")
    return render_template("errors/error.html", status=status, title=title, message=message), status


def size(limit: int) -> str:
    """A byte count as a reader would say it: 1048576 is "1 MB"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= factor and limit % factor == 0:
            return f"{limit // factor} {unit}"
    return f"{limit:,} bytes"


def default_message(status: int) -> str | None:
    message = MESSAGES.get(status)
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = message.format(limit=f" (at most {size(limit)})" if limit else "")
    return message


def stock_description(error: HTTPException) -> bool:
    """Whether ``error`` says only what its library says for any such error: Werkzeug's sentence
    for the status, or the bare limit ("3 per 1 minute") Flask-Limiter gives a breach without a
    message of its own. A message given on purpose (``abort(403, "...")``) is kept."""
    description = error.description
    stock = default_exceptions.get(error.code)
    if not description or description in (type(error).description, stock and stock.description):
        return True
    return isinstance(error, RateLimitExceeded) and not error.limit.error_message


def end_session() -> None:
    """Remove the request's session, also when the database dropped its connection meanwhile.

    Removing rolls the transaction back, and a ROLLBACK sent on a connection PostgreSQL is
    terminating (a restart's fast shutdown) fails: raised from the request's teardown, that
    became gunicorn's bare 500 after an answer was already made. The connection is then
    invalidated instead: the pool opens a new one for the next request."""
    try:
        db.session.remove()
    except OUTAGE_ERRORS as error:
        if not database_unavailable(error):
            raise
        current_app.logger.warning(
            "database unavailable: %s", type(getattr(error, "orig", None) or error).__name__
        )
        db.session().invalidate()  # scoped_session has no invalidate of its own
        db.session.remove()


def roll_back_session() -> None:
    """Roll the session back after the database went away under it, so the request can go on
    (and answer its own 503, or be served if the database is back) instead of failing later
    with SQLAlchemy's PendingRollbackError, a 500. Objects loaded stay, expired."""
    try:
        db.session.rollback()
    except OUTAGE_ERRORS as error:
        if not database_unavailable(error):
            raise
        db.session().invalidate()


def register_error_handlers(app: Flask) -> None:
    # After Flask-SQLAlchemy's own (db.init_app), so it runs before it: that one then finds
    # no session left to remove.
    app.teardown_appcontext(lambda error: end_session())

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        message = error.description or ""
        if stock_description(error):
            message = default_message(status) or message
        response = error_response(status, message)
        if error.code == 405 and error.valid_methods:  # keep the Allow header
            body, status = response
            return body, status, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        return error_response(400, "The form expired or was sent from elsewhere. Please try again.")

    @app.errorhandler(NotFound)
    def handle_not_found(error: NotFound):
        return error_response(404, str(error) or "Not found.")

    @app.errorhandler(PermissionDenied)
    def handle_permission_denied(error: PermissionDenied):
        return error_response(403, str(error) or "You may not do that.")

    for outage_error in OUTAGE_ERRORS:
        app.register_error_handler(outage_error, handle_database_away)

    @app.errorhandler(InternalServerError)
    def handle_server_error(error: InternalServerError):
        db.session.rollback()
        return error_response(500, MESSAGES[500])


def handle_database_away(error: Exception):
    """503 with Retry-After while the database can't be reached, for the site and the API alike;
    any other database error is raised on, to be logged and answered as the fault it is.

    The session is removed (its transaction died with the connection), so the next request
    starts clean and is served as soon as the database is back. The page is rendered for an
    anonymous reader: loading the signed-in one would need the database again."""
    if not database_unavailable(error):
        raise error
    cause = getattr(error, "orig", None) or error
    current_app.logger.warning("database unavailable: %s", type(cause).__name__)
    end_session()
    g._login_user = login_manager.anonymous_user()
    body, status = error_response(503, MESSAGES[503])
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return body, status, headers
