from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from blog.domain.two_factor import CODE_MAX
from blog.domain.users import PASSWORD_MAX
from blog.forms import Form


def _code_field(description: str) -> StringField:
    return StringField(
        "Code",
        validators=[DataRequired(), Length(max=CODE_MAX)],
        description=description,
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class EnableTwoFactorForm(Form):
    code = _code_field("The six digits the app shows for this blog once it has read the code.")
    submit = SubmitField("Turn on two-factor authentication")


class ConfirmWithCodeForm(Form):
    """The password and a code: what turning TOTP off, or new recovery codes, ask for."""

    password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    code = _code_field("From your authenticator app, or a recovery code.")
    submit = SubmitField()
