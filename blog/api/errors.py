"""Errors in the RealWorld shape: ``{"errors": {"field": ["message"]}}``, never a stack trace."""

from __future__ import annotations

from flask import jsonify
from pydantic import ValidationError as SchemaError

from blog.api.tokens import TokenError
from blog.domain.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)

SUBJECTS = {"post": "article", "author": "profile"}
API_FIELDS = {"tags": "tagList", "cover_image": "image", "publish_at": "publishAt"}
"""The API's names for the domain's fields."""
MESSAGES = {
    "missing": "is missing",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "model_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
}


def error_body(errors: dict[str, list[str]], status: int):
    response = jsonify(errors=errors)
    response.status_code = status
    return response


def _subject(error: NotFound | PermissionDenied, default: str) -> str:
    return SUBJECTS.get(error.subject, error.subject) or default


def schema_errors(error: SchemaError):
    """pydantic's complaints, keyed by the innermost field name (``user.email`` → ``email``)."""
    errors: dict[str, list[str]] = {}
    for problem in error.errors(include_url=False):
        fields = [str(part) for part in problem["loc"] if not isinstance(part, int)]
        field = fields[-1] if fields else "body"
        message = MESSAGES.get(problem["type"], problem["msg"][:1].lower() + problem["msg"][1:])
        errors.setdefault(field, []).append(message)
    return error_body(errors, 422)


def register_api_error_handlers(blueprint) -> None:
    @blueprint.errorhandler(TokenError)
    def token_error(error: TokenError):
        response = error_body({"token": [error.reason]}, 401)
        response.headers["WWW-Authenticate"] = "Token"
        return response

    @blueprint.errorhandler(AuthenticationFailed)
    def authentication_failed(error: AuthenticationFailed):
        return error_body({"credentials": ["invalid"]}, 401)

    @blueprint.errorhandler(Conflict)
    def conflict(error: Conflict):
        return error_body(error.errors, 409)

    @blueprint.errorhandler(ValidationError)
    def invalid(error: ValidationError):
        errors = {API_FIELDS.get(name, name): messages for name, messages in error.errors.items()}
        return error_body(errors, 422)

    @blueprint.errorhandler(NotFound)
    def not_found(error: NotFound):
        return error_body({_subject(error, "resource"): ["not found"]}, 404)

    @blueprint.errorhandler(PermissionDenied)
    def forbidden(error: PermissionDenied):
        return error_body({_subject(error, "resource"): ["forbidden"]}, 403)
