"""The mail an account gets when its email address or password changes.

Each notice goes to the address the account had before the change: if a thief made it, the
owner is the one who reads it. Links are built on ``SITE_URL`` (:func:`blog.urls.absolute_url_for`),
never on the request's host.
"""

from __future__ import annotations

from flask import current_app

from blog import mail
from blog.domain import site_settings
from blog.models import User
from blog.urls import absolute_url_for

EMAIL_TEMPLATES = "users/email/"


def can_send() -> bool:
    return mail.can_send()


def _send(to: str, subject: str, template: str, user: User, link: tuple, **context) -> None:
    """Send a notice whose ``link`` is ``(endpoint, url values)``; nothing (no link is built)
    on a blog that sends no mail."""
    if not mail.can_send():
        return
    endpoint, values = link
    title = site_settings.current().title
    mail.send(
        to,
        f"{subject} on {title}",
        EMAIL_TEMPLATES + template,
        user=user,
        link=absolute_url_for(endpoint, **values),
        **context,
    )


def _days(setting: str) -> int:
    return max(1, current_app.config[setting] // 86400)


def _hours(setting: str) -> int:
    return max(1, current_app.config[setting] // 3600)


def confirm_new_email(user: User, new_email: str, token: str) -> None:
    _send(
        new_email,
        "Confirm your new email address",
        "confirm_email.txt",
        user,
        ("account.confirm_email", {"token": token}),
        new_email=new_email,
        hours=_hours("EMAIL_CONFIRM_MAX_AGE"),
    )


def email_change_asked(user: User, new_email: str, undo_token: str) -> None:
    """To the current address, while the new one has not confirmed yet."""
    _send(
        user.email,
        "A new email address was asked for your account",
        "email_change_asked.txt",
        user,
        ("account.undo_email_change", {"token": undo_token}),
        new_email=new_email,
        days=_days("EMAIL_UNDO_MAX_AGE"),
    )


def email_changed(user: User, old_email: str, undo_token: str) -> None:
    _send(
        old_email,
        "Your email address was changed",
        "email_changed.txt",
        user,
        ("account.undo_email_change", {"token": undo_token}),
        old_email=old_email,
        days=_days("EMAIL_UNDO_MAX_AGE"),
    )


def password_changed(user: User, address: str) -> None:
    _send(
        address,
        "Your password was changed",
        "password_changed.txt",
        user,
        ("auth.forgot_password", {}),
    )


def second_factor_added(user: User, what: str) -> None:
    """``what`` names the factor as the owner knows it: "an authenticator app", "the passkey
    “Laptop”"."""
    _send(
        user.email,
        "A way to sign in was added to your account",
        "second_factor_added.txt",
        user,
        ("users.settings", {}),
        what=what,
    )


def second_factor_removed(user: User, what: str) -> None:
    _send(
        user.email,
        "A way to sign in was removed from your account",
        "second_factor_removed.txt",
        user,
        ("users.settings", {}),
        what=what,
    )


def new_device(user: User, browser: str) -> None:
    """A sign-in from a browser that had never signed in to the account (or had its cookies
    cleared since)."""
    _send(
        user.email,
        "A new sign-in to your account",
        "new_device.txt",
        user,
        ("users.settings", {}),
        browser=browser or "an unknown browser",
    )
