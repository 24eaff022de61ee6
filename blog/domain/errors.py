"""Errors the domain raises; the HTML views and the API each turn them into their own answer."""

from __future__ import annotations


class DomainError(Exception):
    """Base class for rule violations a caller should report, not crash on."""


class ValidationError(DomainError):
    """Input that breaks a rule, as messages per field: ``{"title": ["can't be blank"]}``.

    The shape is the RealWorld API's error body, and forms attach the messages to their fields.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: [message]})


class Conflict(ValidationError):
    """A value another record already holds (a taken username or email)."""


class PermissionDenied(DomainError):
    """The user may not do this to this object.

    ``subject`` names the kind of object ("post", "comment", "profile"), for the API's error key.
    """

    def __init__(self, message: str = "", subject: str = "") -> None:
        super().__init__(message)
        self.subject = subject


class NotFound(DomainError):
    """No such object, or one the user may not see (drafts look absent to others)."""

    def __init__(self, message: str = "", subject: str = "") -> None:
        super().__init__(message)
        self.subject = subject


class AuthenticationFailed(DomainError):
    """Wrong login or password (deliberately not saying which)."""
