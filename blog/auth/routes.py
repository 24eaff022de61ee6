from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from blog import limits, mail
from blog.auth import second_step
from blog.auth.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from blog.auth.sessions import sign_in, sign_in_again, sign_out
from blog.domain import password_reset, sessions, site_settings, users
from blog.domain.errors import PermissionDenied, ValidationError
from blog.forms import attach_errors
from blog.redirects import safe_next
from blog.urls import absolute_url_for

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/register", methods=["GET", "POST"])
@limits.registration
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = users.register(form.username.data, form.email.data, form.password.data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            sign_in(user, new_device_notice=False)  # this browser made it
            flash(f"Welcome, {user.username}! Your account is ready.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limits.login_per_address
@limits.login_per_account
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.login.data, form.password.data)
        except PermissionDenied as denied:
            form.form_errors.append(str(denied))
        else:
            if user is None:
                form.form_errors.append("Wrong email, username or password.")
            elif second_step.needs_code(user):
                return second_step.hold(user, form.remember.data, next_url)
            else:
                sign_in(user, remember=form.remember.data)
                flash(f"Signed in as {user.username}.", "success")
                return redirect(next_url or url_for("main.home"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


bp.add_url_rule(
    "/login/code",
    "sign_in_code",
    limits.login_per_address(second_step.sign_in_code),
    methods=["GET", "POST"],
)


@bp.post("/logout")
def logout():
    """POST only, and CSRFProtect checks the token, so no other site can sign a reader out."""
    sign_out()
    flash("You have signed out.", "info")
    return redirect(url_for("main.home"))


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """The settings page's button: every other browser and every API token is signed out; this
    browser stays signed in (with a new sign-in, as after a password change)."""
    user = current_user._get_current_object()
    sessions.sign_out_everywhere(user)
    sign_in_again(user)
    flash("Every other browser and app has been signed out. This one stays signed in.", "success")
    return redirect(url_for("users.settings"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limits.password_reset_per_address
@limits.password_reset_per_account
def forgot_password():
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    if not mail.can_send():
        return render_template("auth/forgot_password.html", form=None)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        _send_reset_link(password_reset.request_reset(form.email.data))
        where = (
            "This blog prints its emails in the terminal where the server runs instead of "
            "sending them: look there."
            if mail.prints_to_terminal()
            else "Check your inbox (and spam folder)."
        )
        flash(
            f"If an account uses that address, a link to choose a new password is on its way. "
            f"{where}",
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


def _send_reset_link(reset: password_reset.ResetRequest) -> None:
    """Sent alike whether or not an account uses the address (a message to no one reaches no
    one), so the answer takes as long either way."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    link = absolute_url_for("auth.reset_password", token=reset.token)
    mail.send(
        reset.recipient,
        f"Choose a new password for {site_settings.current().title}",
        "auth/email/reset_password.txt",
        username=reset.username,
        link=link,
        minutes=max_age // 60,
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limits.password_reset_per_address
def reset_password(token: str):
    try:
        user = password_reset.user_for_token(token)
    except password_reset.InvalidResetLink as invalid:
        return _no_store(render_template("auth/reset_password.html", invalid=str(invalid)), 400)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_reset.reset_password(token, form.password.data)
        except ValidationError as error:
            attach_errors(form, error)
        except password_reset.InvalidResetLink as invalid:  # used by another tab meanwhile
            return _no_store(render_template("auth/reset_password.html", invalid=str(invalid)), 400)
        else:
            sign_in(user, new_device_notice=False)  # its owner is told of the change instead
            flash("Your password has been changed and you are signed in.", "success")
            return redirect(url_for("main.home"))
    page = render_template("auth/reset_password.html", form=form, user=user)
    return _no_store(page, 422 if form.errors else 200)


def _no_store(body: str, status: int):
    """A page reached by a secret link: keep it out of every cache."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response
