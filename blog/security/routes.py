"""Account security in the settings: the TOTP second factor and where the account is signed in.

Passkeys have their own feature (:mod:`blog.passkeys`). Every page here is the signed-in
reader's own; the recovery codes are shown once, on the answer to the request that made them,
never kept to be shown again.
"""

from __future__ import annotations

import segno
from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from blog import limits
from blog.domain import passkeys, sessions, site_settings, two_factor
from blog.domain.errors import ValidationError
from blog.forms import attach_errors
from blog.security.forms import ConfirmWithCodeForm, EnableTwoFactorForm

bp = Blueprint("security", __name__, template_folder="templates", url_prefix="/settings")


def _account():
    return current_user._get_current_object()


def _private(body: str, status: int = 200):
    """A page with a secret on it (the TOTP secret, recovery codes): kept out of every cache."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _qr_code(uri: str) -> Markup:
    """The QR code of ``uri`` as inline SVG, made here: the secret goes to no other service.
    segno writes only the modules' path, none of the URI's text."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return Markup(svg)  # nosec B704: segno's own SVG, without any text of the URI


def _recovery_codes_page(codes: list[str]):
    return _private(render_template("security/recovery_codes.html", codes=codes))


def settings_panels(user) -> dict:
    """What the settings page's security panels show (:file:`security/settings_panels.html`)."""
    this_key = user.sign_in_key
    return {
        "sign_ins": [
            (sign_in, sessions.is_key_of(sign_in, this_key))
            for sign_in in sessions.live_sign_ins(user)
        ],
        "recovery_codes_left": two_factor.recovery_codes_left(user) if user.has_totp else 0,
        "confirm_form": ConfirmWithCodeForm(),
        "passkeys": passkeys.of(user),
    }


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    user = _account()
    if user.has_totp:
        return redirect(url_for("users.settings"))
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        if not limits.spend_second_factor_try(user):
            form.form_errors.append("Too many codes tried. Wait a minute, then try again.")
        else:
            try:
                codes = two_factor.enable(user, form.code.data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                flash("Two-factor authentication is on.", "success")
                return _recovery_codes_page(codes)
    secret = two_factor.setup_secret(user)
    uri = two_factor.provisioning_uri(user, secret, site_settings.current().title)
    page = render_template(
        "security/two_factor_setup.html",
        form=form,
        qr_code=_qr_code(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )
    return _private(page, 422 if form.errors or form.form_errors else 200)


def _with_password_and_code(action, done: str):
    """Run ``action(user, password, code)`` from a :class:`ConfirmWithCodeForm`; on a wrong
    password or code, the settings page again with the reason."""
    user = _account()
    form = ConfirmWithCodeForm()
    if form.validate_on_submit():
        if not limits.spend_second_factor_try(user):
            flash("Too many codes tried. Wait a minute, then try again.", "error")
            return redirect(url_for("users.settings"))
        try:
            result = action(user, form.password.data, form.code.data)
        except ValidationError as error:
            wrong_password = "password" in error.errors
            flash(
                "That is not your current password." if wrong_password else two_factor.WRONG_CODE,
                "error",
            )
            return redirect(url_for("users.settings"))
        flash(done, "success")
        return result
    flash("Enter your current password and a code.", "error")
    return redirect(url_for("users.settings"))


@bp.post("/two-factor/disable")
@login_required
@limits.password_change_per_account
def two_factor_disable():
    def turn_off(user, password, code):
        two_factor.disable(user, password, code)
        return redirect(url_for("users.settings"))

    return _with_password_and_code(turn_off, "Two-factor authentication is off.")


@bp.post("/two-factor/recovery-codes")
@login_required
@limits.password_change_per_account
def new_recovery_codes():
    def replace(user, password, code):
        return _recovery_codes_page(two_factor.replace_recovery_codes(user, password, code))

    return _with_password_and_code(replace, "New recovery codes made; the old ones no longer work.")


@bp.post("/sign-ins/<int:sign_in_id>/sign-out")
@login_required
def sign_out_one(sign_in_id: int):
    """Sign out one of the reader's browsers (this one is signed out with the header's button)."""
    user = _account()
    if sessions.end_one(user, sign_in_id):
        flash("That browser has been signed out.", "success")
    else:
        flash("That browser was already signed out.", "info")
    return redirect(url_for("users.settings"))
