"""Sending email (password reset links) through Flask-Mailman.

Which backend sends is decided once per app: SMTP when ``MAIL_SERVER`` is set; otherwise
development prints each message to the terminal, tests keep them in ``flask_mailman.outbox``,
and production has no mail at all (:func:`can_send` is false, and the pages that would send
say so instead). ``MAIL_BACKEND`` overrides the choice.
"""

from __future__ import annotations

import smtplib

from flask import Flask, current_app, render_template
from flask_mailman import EmailMessage, Mail

NO_MAIL = "dummy"
"""The backend of an app that cannot send: Flask-Mailman's, which drops every message."""

mail = Mail()


def default_backend(config) -> str:
    if config.get("MAIL_SERVER"):
        return "smtp"
    return {"development": "console", "testing": "locmem"}.get(config["ENV_NAME"], NO_MAIL)


def init_app(app: Flask) -> None:
    app.config["MAIL_BACKEND"] = app.config.get("MAIL_BACKEND") or default_backend(app.config)
    mail.init_app(app)


def can_send() -> bool:
    return current_app.config["MAIL_BACKEND"] != NO_MAIL


def send(to: str, subject: str, template: str, **context) -> bool:
    """Send one plain-text message rendered from ``template``; False (and logged) if it failed.

    A failure is the operator's to fix, not the reader's to see: callers answer the same either
    way, so an answer never reveals whether an address has an account.
    """
    message = EmailMessage(
        subject=subject,
        body=render_template(template, **context),
        from_email=current_app.config["MAIL_DEFAULT_SENDER"] or None,
        to=[to],
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.error("mail to %s not sent: %s: %s", to, type(error).__name__, error)
        return False
    return True
