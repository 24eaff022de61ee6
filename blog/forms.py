"""Form helpers shared by every blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from blog.domain.errors import ValidationError
from blog.domain.users import PASSWORD_MAX, PASSWORD_MIN


def new_password_field(label: str, note: str = "") -> PasswordField:
    """A field for choosing a password, with the domain's length rules and the browser hint
    that makes password managers offer to generate one."""
    return PasswordField(
        label,
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=f"At least {PASSWORD_MIN} characters.{' ' + note if note else ''}",
        render_kw={"autocomplete": "new-password"},
    )


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
