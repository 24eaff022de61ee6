from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from blog.domain.two_factor import CODE_MAX
from blog.domain.users import PASSWORD_MAX
from blog.forms import Form, new_password_field
from blog.models.user import EMAIL_MAX, USERNAME_MAX


class RegisterForm(Form):
    username = StringField(
        "Username",
        validators=[DataRequired(), Length(max=USERNAME_MAX)],
        description="Letters, digits, hyphens and underscores. Your page will be /@username.",
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "email"},
    )
    password = new_password_field("Password")
    submit = SubmitField("Create account")


class LoginForm(Form):
    login = StringField(
        "Email or username",
        validators=[DataRequired(), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")


class ForgotPasswordForm(Form):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=EMAIL_MAX)],
        description="The email address of your account.",
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField("Email me a link")


class ResetPasswordForm(Form):
    password = new_password_field("New password", "Other browsers will be signed out.")
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords don't match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set new password")


class SignInCodeForm(Form):
    code = StringField(
        "Code",
        validators=[DataRequired(), Length(max=CODE_MAX)],
        description="The six digits your authenticator app shows, or one of your recovery codes.",
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "none",
            "autofocus": True,
        },
    )
    trust_device = BooleanField("Don't ask for a code on this browser again for a while")
    submit = SubmitField("Sign in")
