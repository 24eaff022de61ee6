"""Sending email (password reset links) through Flask-Mailman.

Which backend sends is decided once per app (:func:`blog.config.mail_backend`): SMTP when
``MAIL_SERVER`` is set; otherwise development prints each message to the terminal, tests keep
them in ``flask_mailman.outbox``, and production has no mail at all (:func:`can_send` is false,
and the pages that would send say so instead). ``MAIL_BACKEND`` overrides the choice.
"""

from __future__ import annotations

import re
import threading
from email.headerregistry import Address
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_mailman import EmailMessage, Mail

from blog.config import delivers_mail, mail_backend
from blog.domain import site_settings

DOMAIN_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")
"""A host an email address can be at (an IP address or ``localhost`` is not one)."""

mail = Mail()
THREAD_NAME = "blog-mail"


def init_app(app: Flask) -> None:
    app.config["MAIL_BACKEND"] = mail_backend(app.config)
    if app.config.get("MAIL_USE_SSL"):  # TLS from the start (port 465) replaces STARTTLS
        app.config["MAIL_USE_TLS"] = False
    mail.init_app(app)


def can_send() -> bool:
    return delivers_mail(current_app.config)


def prints_to_terminal() -> bool:
    """Whether mail is printed where the server runs instead of sent (development's way)."""
    return current_app.config["MAIL_BACKEND"] == "console"


def sender(config, site_name: str | None = None) -> str:
    """The From of every message: ``MAIL_DEFAULT_SENDER``, else the blog's name (``site_name``,
    the site settings' title, else ``BLOG_TITLE``) at ``noreply@``
    the host of ``SITE_URL`` (``localhost`` without one, or when it is no domain name), so no
    message goes out with an empty From."""
    if config.get("MAIL_DEFAULT_SENDER"):
        return config["MAIL_DEFAULT_SENDER"]
    host = urlsplit(config.get("SITE_URL") or "").hostname or ""
    if not DOMAIN_NAME.fullmatch(host):
        host = "localhost"
    return str(
        Address(
            display_name=site_name or config.get("BLOG_TITLE") or "Blog",
            addr_spec=f"noreply@{host}",
        )
    )


def send(to: str | None, subject: str, template: str, **context) -> threading.Thread:
    """Send one plain-text message rendered from ``template``, in the background.

    The request doesn't wait for the mail server, so an answer takes as long whether or not a
    message went out (a reset request must not reveal which addresses have accounts), and a slow
    server never holds a worker. With ``to`` None the message is rendered and handed to the
    thread all the same, and goes to no one (Flask-Mailman opens no connection for a message
    without recipients): a caller that must not tell whether there is anyone to write to does
    the same work either way. A failure is logged: it is the operator's to fix. The thread is not
    a daemon, so a process that exits normally (a gunicorn worker's graceful shutdown) first
    delivers what is in flight, each message bounded by MAIL_TIMEOUT. It is returned for callers
    (tests) that need to wait for it.
    """
    message = EmailMessage(
        subject=subject,
        body=render_template(template, **context),
        from_email=sender(current_app.config, site_settings.current().title),
        to=[to] if to else [],
    )
    app = current_app._get_current_object()
    thread = threading.Thread(target=_deliver, args=(app, message), name=THREAD_NAME, daemon=False)
    thread.start()
    return thread


def _deliver(app: Flask, message: EmailMessage) -> None:
    with app.app_context():
        try:
            message.send()
        except Exception as error:  # whatever the backend raises: log it, the reader saw "sent"
            app.logger.error(
                "mail to %s not sent: %s: %s", ", ".join(message.to), type(error).__name__, error
            )
