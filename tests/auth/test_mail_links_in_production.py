"""Production builds no link in an email on the request's Host header: whatever backend delivers
the mail, it refuses to start without SITE_URL, and with one a forged Host changes nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from blog import create_app, mail
from blog.config import ConfigurationError
from blog.urls import absolute_url_for
from tests.factories import UserFactory
from tests.helpers import app_on, csrf_token_in

SITE = "https://blog.example.test"
FILE_CLASS = "flask_mailman.backends.file.EmailBackend"
PRODUCTION = {"BLOG_ENV": "production", "SECRET_KEY": "mail-links-" + "k" * 40}


@pytest.mark.parametrize(
    ("mail_settings", "backend"),
    [
        ({"MAIL_BACKEND": "file", "MAIL_FILE_PATH": "/nonexistent"}, "file"),
        ({"MAIL_BACKEND": FILE_CLASS}, FILE_CLASS),
        ({"MAIL_BACKEND": "console"}, "console"),
        ({"MAIL_BACKEND": "locmem"}, "locmem"),
        ({"MAIL_BACKEND": "smtp"}, "smtp"),
        ({"MAIL_SERVER": "smtp.example.com"}, "smtp"),
    ],
)
def test_production_refuses_to_start_without_site_url_whatever_delivers_the_mail(
    mail_settings, backend
):
    with pytest.raises(ConfigurationError) as refused:
        create_app({**PRODUCTION, **mail_settings})
    assert str(refused.value) == (
        f"blog: configuration error: SITE_URL is not set while mail is sent (MAIL_BACKEND "
        f"{backend!r}): links in emails would follow a request's Host header, which anyone can "
        "forge; set it to the public address, e.g. https://blog.example.com"
    )


@pytest.mark.parametrize(
    "backend",
    ["", "dummy", "flask_mailman.backends.dummy", "flask_mailman.backends.dummy.EmailBackend"],
)
def test_production_without_mail_needs_no_site_url_and_sends_nothing(database_url, backend):
    with (
        app_on(database_url, **PRODUCTION, MAIL_BACKEND=backend) as app,
        app.test_request_context(),
    ):
        assert not mail.can_send()


def test_production_builds_no_link_on_the_request_host(database_url):
    """Only a caller making a link for mail that goes nowhere can get here: it is told."""
    forged = {"base_url": "https://evil.example"}
    refused = pytest.raises(RuntimeError, match="SITE_URL is not set")
    with app_on(database_url, **PRODUCTION) as app, app.test_request_context(**forged), refused:
        absolute_url_for("auth.reset_password", token="t")


def test_development_builds_links_on_the_request_host(database_url):
    here = {"base_url": "http://localhost:5000"}
    with app_on(database_url, BLOG_ENV="development") as app, app.test_request_context(**here):
        link = absolute_url_for("auth.reset_password", token="t")
    assert link == "http://localhost:5000/reset-password/t"


def _links_mailed_after_a_forged_request(app: Flask, tmp_path) -> list[str]:
    UserFactory(username="alice", email="alice@example.com")
    client = app.test_client()
    forged = {
        "base_url": "https://evil.example",
        "headers": {"X-Forwarded-Host": "evil.example", "Referer": "https://evil.example/"},
    }
    token = csrf_token_in(client.get("/reset-password", **forged).text)
    response = client.post(
        "/reset-password", data={"email": "alice@example.com", "csrf_token": token}, **forged
    )
    assert response.status_code == 302
    for thread in mail.threading.enumerate():
        if thread.name == mail.THREAD_NAME:
            thread.join(timeout=15)
    mailed = "".join(path.read_text() for path in sorted(tmp_path.glob("*.log")))
    return re.findall(r"https?://\S+", mailed)


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_a_forged_host_never_reaches_a_mailed_link_in_production(
    database_url, tmp_path, trusted_proxies
):
    settings = {
        **PRODUCTION,
        "MAIL_BACKEND": "file",
        "MAIL_FILE_PATH": str(tmp_path),
        "SITE_URL": SITE,
        "TRUSTED_PROXIES": trusted_proxies,
    }
    with app_on(database_url, **settings) as app:
        links = _links_mailed_after_a_forged_request(app, tmp_path)
    assert len(links) == 1
    assert links[0].startswith(f"{SITE}/reset-password/"), links
