"""Passkeys: added, renamed and removed from the settings, and a sign-in with one instead of the
password (:mod:`blog.domain.passkeys` has the rules).

Making a passkey and signing in with one are two requests each, sent by
:file:`static/js/passkeys.js` as JSON with the CSRF token in the ``X-CSRFToken`` header: the
options, then the device's answer to them. Their answers are JSON too: ``{"errors": {field:
[messages]}}`` when refused, 400 for a body that is no JSON object, 422 for an answer that does
not verify, 403 for a disabled account. Renaming and removing are plain forms.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, make_response, redirect, request, url_for
from flask_login import current_user, login_required

from blog import limits
from blog.auth.sessions import sign_in
from blog.domain import passkeys
from blog.domain.errors import NotFound, PermissionDenied, ValidationError
from blog.redirects import safe_next

bp = Blueprint("passkeys", __name__, template_folder="templates")

NOT_JSON = "Send a JSON object (the browser's passkey answer)."


def _account():
    return current_user._get_current_object()


def _json(body, status: int = 200):
    """A JSON answer no cache keeps: options hold a challenge for this browser alone."""
    response = make_response(body if isinstance(body, str) else jsonify(body), status)
    response.headers["Cache-Control"] = "no-store"
    if isinstance(body, str):
        response.mimetype = "application/json"
    return response


def _refused(error: ValidationError):
    return _json({"errors": error.errors}, 422)


class _NotAnObject(Exception):
    pass


def _body() -> dict:
    """The request's JSON object ({} when there is no body); :class:`_NotAnObject` for a body
    that is not one."""
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise _NotAnObject
    return body


@bp.errorhandler(_NotAnObject)
def _not_an_object(error):
    return _json({"errors": {"body": [NOT_JSON]}}, 400)


# -- In the settings ------------------------------------------------------------------------


@bp.post("/settings/passkeys/options")
@login_required
@limits.password_change_per_account
def registration_options():
    """Options for making a passkey; the current password (``{"password": ...}``) is asked
    first, before the browser prompts for the device."""
    body = _body()
    try:
        return _json(passkeys.registration_options(_account(), body.get("password")))
    except ValidationError as error:
        return _refused(error)


@bp.post("/settings/passkeys")
@login_required
def register():
    """``{"credential": <the answer of navigator.credentials.create()>, "name": ...}``."""
    body = _body()
    try:
        passkey = passkeys.register(_account(), body.get("credential"), body.get("name"))
    except ValidationError as error:
        return _refused(error)
    flash(f"Passkey “{passkey.name}” added: you can sign in with it now.", "success")
    answer = {"passkey": {"id": passkey.id, "name": passkey.name}}
    return _json({**answer, "redirect": url_for("users.settings")}, 201)


@bp.post("/settings/passkeys/<int:passkey_id>/rename")
@login_required
def rename(passkey_id: int):
    try:
        passkey = passkeys.rename(_account(), passkey_id, request.form.get("name"))
    except NotFound:
        flash("That passkey was already removed.", "info")
    except ValidationError as error:
        flash(f"The passkey's name {error.errors['name'][0]}.", "error")
    else:
        flash(f"Passkey renamed “{passkey.name}”.", "success")
    return redirect(url_for("users.settings"))


@bp.post("/settings/passkeys/<int:passkey_id>/delete")
@login_required
def delete(passkey_id: int):
    try:
        name = passkeys.remove(_account(), passkey_id)
    except NotFound:
        flash("That passkey was already removed.", "info")
    else:
        flash(f"Passkey “{name}” removed: it no longer signs you in.", "success")
    return redirect(url_for("users.settings"))


# -- Signing in -----------------------------------------------------------------------------


@bp.post("/login/passkey/options")
@limits.login_per_address
def sign_in_options():
    try:
        return _json(passkeys.sign_in_options())
    except ValidationError as error:
        return _refused(error)


@bp.post("/login/passkey")
@limits.login_per_address
def sign_in_with_passkey():
    """``{"credential": <the answer of navigator.credentials.get()>, "remember": bool, "next":
    path}``; the answer names where to go (``next`` when it is a path on this site)."""
    body = _body()
    next_url = safe_next(body.get("next") if isinstance(body.get("next"), str) else None)
    if current_user.is_authenticated:
        return _json({"redirect": next_url or url_for("main.home")})
    try:
        user = passkeys.authenticate(body.get("credential"))
    except ValidationError as error:
        return _refused(error)
    except PermissionDenied as denied:
        return _json({"errors": {"account": [str(denied)]}}, 403)
    sign_in(user, remember=body.get("remember") is True)
    flash(f"Signed in as {user.username}.", "success")
    return _json({"redirect": next_url or url_for("main.home")})
