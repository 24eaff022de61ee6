"""Form helpers shared by every blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from blog.domain.errors import ValidationError
from blog.domain.users import PASSWORD_MAX, PASSWORD_MIN


class Form(FlaskForm):
    """The base of every form on the site: it reads text only.

    A file upload, or a JSON number or list, sent where a text field belongs is treated as
    missing, so the field says "This field is required." instead of a validator failing on a
    value it can't measure (a 500). A JSON body that isn't an object counts as empty.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            try:
                data = super().wrap_formdata(form, formdata)
            except (TypeError, ValueError):  # e.g. a JSON list or string as the whole body
                return MultiDict()
            return None if data is None else text_only(data)


def text_only(formdata: MultiDict) -> MultiDict:
    """The text values of submitted form data: uploaded files and other types are left out."""
    return MultiDict((k, v) for k, v in formdata.items(multi=True) if isinstance(v, str))


def new_password_field(label: str, note: str = "") -> PasswordField:
    """A field for choosing a password, with the domain's length rules and the browser hint
    that makes password managers offer to generate one."""
    return PasswordField(
        label,
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=f"At least {PASSWORD_MIN} characters.{' ' + note if note else ''}",
        render_kw={"autocomplete": "new-password"},
    )


def attach_errors(form: Form, error: ValidationError, aliases: dict[str, str] | None = None):
    """Show a domain :class:`ValidationError` on the form's fields (unknown fields go on top)."""
    aliases = aliases or {}
    for name, messages in error.errors.items():
        field = getattr(form, aliases.get(name, name), None)
        label = name.replace("_", " ").capitalize()
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *(f"{label} {m}" for m in messages)]
        else:
            form.form_errors.extend(f"{label} {m}" for m in messages)
