"""Error pages: HTML for browsers, JSON for API clients, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from blog.domain.errors import NotFound, PermissionDenied
from blog.extensions import db

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
}


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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        response = error_response(error.code or 500, error.description or "")
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

    @app.errorhandler(InternalServerError)
    def handle_server_error(error: InternalServerError):
        db.session.rollback()
        return error_response(500, "The error has been logged. Please try again later.")
