"""The pages the links in email-change mail open: confirm a new address, undo a change.

Opening a link only shows what it will do; a button (a POST, with its CSRF token) does it. Mail
scanners open the links in the messages they let through, and an undo signs the account out
everywhere: that must take a person.
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from blog import limits
from blog.auth.sessions import sign_out
from blog.domain import account_changes
from blog.domain.errors import Conflict
from blog.users.forms import EmailLinkForm

bp = Blueprint("account", __name__, template_folder="templates")


def _page(template: str, status: int = 200, **context):
    """A page reached by a secret link: keep it out of every cache."""
    response = make_response(render_template(f"users/{template}", **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(template: str, error: Exception):
    status = 409 if isinstance(error, Conflict) else 400
    message = (
        " ".join(f"{field.capitalize()} {m}" for field, ms in error.errors.items() for m in ms)
        if isinstance(error, Conflict)
        else str(error)
    )
    return _page(template, status, invalid=message)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@limits.password_reset_per_address
def confirm_email(token: str):
    try:
        user, new_email = account_changes.pending_change(token)
    except account_changes.InvalidEmailLink as invalid:
        return _refused("confirm_email.html", invalid)
    form = EmailLinkForm()
    if form.validate_on_submit():
        try:
            account_changes.confirm_email(token)
        except (account_changes.InvalidEmailLink, Conflict) as refused:
            return _refused("confirm_email.html", refused)
        flash(f"Your email address is now {new_email}.", "success")
        return redirect(url_for("main.home"))
    return _page("confirm_email.html", user=user, new_email=new_email, form=form)


@bp.route("/email/undo/<token>", methods=["GET", "POST"])
@limits.password_reset_per_address
def undo_email_change(token: str):
    try:
        user, old_email, new_email = account_changes.change_to_undo(token)
    except account_changes.InvalidEmailLink as invalid:
        return _refused("undo_email_change.html", invalid)
    form = EmailLinkForm()
    if form.validate_on_submit():
        try:
            account_changes.undo_email_change(token)
        except (account_changes.InvalidEmailLink, Conflict) as refused:
            return _refused("undo_email_change.html", refused)
        if current_user.is_authenticated and current_user.id == user.id:
            sign_out()  # its sign-in has just ended with the others: drop the cookies too
        flash(
            f"The account's email address is {old_email}, and the account has been signed out "
            "everywhere. Sign in again; if someone may know your password, choose a new one "
            "(Forgot your password?).",
            "success",
        )
        return redirect(url_for("auth.login"))
    return _page(
        "undo_email_change.html", user=user, old_email=old_email, new_email=new_email, form=form
    )
