from wtforms import EmailField, PasswordField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional

from blog.domain.users import PASSWORD_MAX
from blog.forms import Form, new_password_field
from blog.models.user import BIO_MAX, EMAIL_MAX, IMAGE_URL_MAX, USERNAME_MAX


class ProfileForm(Form):
    username = StringField("Username", validators=[DataRequired(), Length(max=USERNAME_MAX)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX)])
    image = URLField(
        "Avatar URL",
        validators=[Optional(), Length(max=IMAGE_URL_MAX)],
        description="A link to a square picture (https://…). Leave empty for a generated one.",
    )
    bio = TextAreaField(
        "Bio",
        validators=[Length(max=BIO_MAX)],
        render_kw={"rows": 4},
        description="A few words about you, shown on your page.",
    )
    current_password = PasswordField(
        "Current password",
        validators=[Optional(), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
        description="Needed only to change your email address.",
    )
    save_profile = SubmitField("Save profile")


class PasswordForm(Form):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field("New password", "Other browsers will be signed out.")
    change_password = SubmitField("Change password")


class EmailLinkForm(Form):
    """The button on the page a confirmation or undo link opens."""

    submit = SubmitField("Confirm")
