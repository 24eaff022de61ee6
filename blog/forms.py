"""Form helpers shared by every blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm

from blog.domain.errors import ValidationError


def attach_errors(form: FlaskForm, error: ValidationError, aliases: dict[str, str] | None = None):
    """Show a domain :class:`ValidationError` on the form's fields (unknown fields go on top)."""
    aliases = aliases or {}
    for name, messages in error.errors.items():
        field = getattr(form, aliases.get(name, name), None)
        label = name.replace("_", " ").capitalize()
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *(f"{label} {m}" for m in messages)]
        else:
            form.form_errors.extend(f"{label} {m}" for m in messages)
