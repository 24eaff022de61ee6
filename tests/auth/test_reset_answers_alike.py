"""A reset request answers an address with an account as it answers one without: the same
response, from the same work (statements run, a token signed, a message rendered and handed to
the mail thread), so neither the answer nor its time tells which addresses have accounts. The
message for no one reaches no one."""

from __future__ import annotations

import pytest
from flask import Flask

from blog import mail
from tests.auth.test_password_reset import Mailbox, deliveries_done, mail_settings, mailbox
from tests.factories import UserFactory
from tests.helpers import app_on, csrf_token_in

__all__ = ["mailbox"]  # the fixture, used by name

KNOWN, UNKNOWN, DISABLED = "alice@example.com", "nobody@example.com", "gone@example.com"
VARYING_HEADERS = {"Set-Cookie", "X-Request-ID"}
"""Headers that differ between any two requests: the session cookie (compared decoded, below)
and the request's own id."""


@pytest.fixture
def reset_app(database_url, mailbox: Mailbox):
    """CSRF on, as in production, so the pages compared carry tokens as they do there."""
    with app_on(database_url, **mail_settings(mailbox.port), WTF_CSRF_ENABLED=True) as app:
        UserFactory(username="alice", email=KNOWN)
        UserFactory(username="gone", email=DISABLED, is_disabled=True)
        yield app


@pytest.fixture
def handed_to_the_mail_thread(monkeypatch) -> list:
    """Every message given to the background delivery, whoever it is for."""
    handed = []
    deliver = mail._deliver

    def recording(app, message):
        handed.append(message)
        deliver(app, message)

    monkeypatch.setattr(mail, "_deliver", recording)
    return handed


def _ask(app: Flask, address: str, count_statements):
    """A reset request from a new browser: the answer, the page it leads to, the statements."""
    client = app.test_client()
    token = csrf_token_in(client.get("/reset-password").text)
    with count_statements() as counted:
        answer = client.post("/reset-password", data={"email": address, "csrf_token": token})
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    del session["csrf_token"]  # each browser's own
    page = client.get(answer.location).text
    return answer, session, page.replace(csrf_token_in(page), "<token>"), counted.total


def _comparable(answer) -> tuple:
    headers = sorted((k, v) for k, v in answer.headers.items() if k not in VARYING_HEADERS)
    return answer.status_code, headers, answer.get_data()


@pytest.mark.parametrize("other", [UNKNOWN, DISABLED, "not an email"])
def test_the_answer_and_the_work_are_the_same_with_or_without_an_account(
    reset_app, mailbox, handed_to_the_mail_thread, count_statements, other
):
    known = _ask(reset_app, KNOWN, count_statements)
    deliveries_done()
    unknown = _ask(reset_app, other, count_statements)
    deliveries_done()

    assert _comparable(unknown[0]) == _comparable(known[0])
    assert unknown[0].status_code == 302 and unknown[0].location == "/login"
    assert unknown[1] == known[1]  # the session: the same notice, nothing else
    assert "a link to choose a new password is on its way" in known[2]
    assert unknown[2] == known[2]
    assert unknown[3] == known[3]  # statements run

    assert [message.to for message in handed_to_the_mail_thread] == [[KNOWN], []]
    to_alice, to_no_one = handed_to_the_mail_thread
    assert to_no_one.subject == to_alice.subject
    assert "/reset-password/" in to_no_one.body
    assert [message["To"] for message in mailbox.received()] == [KNOWN]
