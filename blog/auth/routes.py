from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from blog import limits
from blog.auth import sessions  # noqa: F401  (registers the user loader)
from blog.auth.forms import LoginForm, RegisterForm
from blog.domain import users
from blog.domain.errors import PermissionDenied, ValidationError
from blog.forms import attach_errors
from blog.redirects import safe_next

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
            session.clear()
            login_user(user)
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
            else:
                session.clear()  # a fresh session: nothing from before sign-in carries over
                login_user(user, remember=form.remember.data)
                flash(f"Signed in as {user.username}.", "success")
                return redirect(next_url or url_for("main.home"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """POST only, and CSRFProtect checks the token, so no other site can sign a reader out."""
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("main.home"))
