"""Forgotten passwords: a link sent over a real SMTP conversation, used once, within its time."""

from __future__ import annotations

import email
import json
import re
import subprocess
import sys
import threading
import time
from email.message import Message

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from itsdangerous import TimestampSigner

from blog import mail
from blog.domain import password_reset
from blog.extensions import db
from blog.models import User
from tests.factories import PASSWORD, UserFactory
from tests.helpers import app_on
from tests.servers import free_port

NEW_PASSWORD = "a brand new passphrase"
SITE = "https://blog.example.test"


def deliveries_done() -> None:
    """Wait for the messages the app is sending in the background."""
    for thread in threading.enumerate():
        if thread.name == mail.THREAD_NAME:
            thread.join(timeout=15)


class Mailbox:
    """An SMTP server on a free local port that keeps every message it is given."""

    def __init__(self) -> None:
        self.port = free_port()
        self._messages: list[Message] = []

    def received(self) -> list[Message]:
        """What arrived once the app's deliveries are done (a method: aiosmtpd's server thread
        looks at the handler's attributes, and must not be the one that waits)."""
        deliveries_done()
        return self._messages

    async def handle_DATA(self, server, session, envelope):
        self._messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"

    def only_link(self) -> str:
        """The reset link of the one message received, as a path on the test client's site."""
        assert len(self.received()) == 1, [m["Subject"] for m in self._messages]
        body = self.received()[0].get_payload(decode=True).decode()
        link = re.search(r"https?://\S+", body).group(0)
        assert link.startswith(f"{SITE}/reset-password/"), link
        return link.removeprefix(SITE)


@pytest.fixture
def mailbox() -> Mailbox:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


def mail_settings(port: int) -> dict:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_USE_TLS": False,
        "MAIL_DEFAULT_SENDER": "Blog <blog@example.test>",
        "SITE_URL": SITE + "/",
    }


@pytest.fixture
def mail_app(database_url, mailbox):
    """The app sending through the SMTP server above, its links on a configured public URL."""
    with app_on(database_url, **mail_settings(mailbox.port)) as app:
        yield app


@pytest.fixture
def alice(mail_app):
    return UserFactory(username="alice", email="alice@example.com")


def request_link(client, address: str = "alice@example.com", **kwargs):
    return client.post("/reset-password", data={"email": address}, **kwargs)


def choose(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    data = {"password": password, "confirm": password if confirm is None else confirm}
    return client.post(path, data=data)


def can_sign_in(app, password: str) -> bool:
    response = app.test_client().post("/login", data={"login": "alice", "password": password})
    return response.status_code == 302


def test_the_whole_journey_from_forgotten_to_signed_in(mail_app, alice, mailbox):
    client = mail_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/reset-password"' in login_page

    response = request_link(client, "  Alice@Example.com ")
    assert response.status_code == 302 and response.location == "/login"
    answer = client.get("/login").text
    assert "a link to choose a new password is on its way" in answer
    assert "Check your inbox (and spam folder)." in answer
    assert "terminal" not in answer

    message = mailbox.received()[0]
    assert message["To"] == "alice@example.com"
    assert message["From"] == "Blog <blog@example.test>"
    assert "Choose a new password" in message["Subject"]
    path = mailbox.only_link()
    form = client.get(path)
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"
    assert "For the account <strong>alice</strong>" in form.text

    response = choose(client, path)
    assert response.status_code == 302 and response.location == "/"
    assert "Sign out" in client.get("/").text  # signed in
    assert can_sign_in(mail_app, NEW_PASSWORD)
    assert not can_sign_in(mail_app, PASSWORD)


def test_a_link_works_once(mail_app, alice, mailbox):
    client = mail_app.test_client()
    request_link(client)
    path = mailbox.only_link()
    assert choose(client, path).status_code == 302
    again = mail_app.test_client().get(path)
    assert again.status_code == 400
    assert "already been used" in again.text
    stolen = choose(mail_app.test_client(), path, "attacker's choice!")
    assert stolen.status_code == 400
    assert can_sign_in(mail_app, NEW_PASSWORD)


def test_a_link_ends_when_the_password_changes_another_way(mail_app, alice, mailbox):
    request_link(mail_app.test_client())
    path = mailbox.only_link()
    alice.set_password("changed in settings")
    db.session.commit()
    assert mail_app.test_client().get(path).status_code == 400


def test_a_link_ends_when_the_email_address_changes(mail_app, alice, mailbox):
    request_link(mail_app.test_client())
    path = mailbox.only_link()
    alice.email = "new-address@example.com"
    db.session.commit()
    assert mail_app.test_client().get(path).status_code == 400


def test_of_two_racing_uses_of_one_link_only_one_sets_a_password(
    mail_app, alice, mailbox, monkeypatch
):
    """The other use changes the password between this one's check and its update."""
    request_link(mail_app.test_client())
    path = mailbox.only_link()
    checked = password_reset.user_for_token

    def checked_then_overtaken(token):
        user = checked(token)
        with db.engine.begin() as other_request:
            other_request.execute(
                sa.update(User).where(User.id == user.id).values(password_hash="set by the winner")
            )
        return user

    monkeypatch.setattr(password_reset, "user_for_token", checked_then_overtaken)
    with pytest.raises(password_reset.InvalidResetLink, match="already been used"):
        password_reset.reset_password(path.rsplit("/", 1)[1], NEW_PASSWORD)
    db.session.expire_all()
    assert db.session.get(User, alice.id).password_hash == "set by the winner"


def test_resetting_signs_out_other_browsers(mail_app, alice, mailbox):
    elsewhere = mail_app.test_client()
    elsewhere.post("/login", data={"login": "alice", "password": PASSWORD})
    assert "Sign out" in elsewhere.get("/").text
    request_link(mail_app.test_client())
    assert choose(mail_app.test_client(), mailbox.only_link()).status_code == 302
    assert "Sign out" not in elsewhere.get("/").text


def test_an_expired_link_says_so(mail_app, alice, mailbox, monkeypatch):
    hour_and_a_bit_ago = int(time.time()) - mail_app.config["PASSWORD_RESET_MAX_AGE"] - 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: hour_and_a_bit_ago)
    request_link(mail_app.test_client())
    monkeypatch.undo()
    response = mail_app.test_client().get(mailbox.only_link())
    assert response.status_code == 400
    assert "has expired" in response.text
    assert 'href="/reset-password"' in response.text  # a way to ask for a new one


@pytest.mark.parametrize(
    "path",
    [
        "/reset-password/not-a-token",
        "/reset-password/eyJ1c2VyIjoxfQ.ZZZZZZ.forged-signature",
        "/reset-password/%F0%9F%94%91",
        "/reset-password/%ED%A0%80",
    ],
)
def test_a_forged_or_garbled_link_is_a_clear_400(mail_app, alice, path):
    response = mail_app.test_client().get(path)
    assert response.status_code == 400
    assert "not valid" in response.text


def test_a_link_signed_with_another_key_is_refused(mail_app, alice, mailbox, database_url):
    with app_on(database_url, SECRET_KEY="another-key", **mail_settings(mailbox.port)) as other:
        request_link(other.test_client())
    response = mail_app.test_client().get(mailbox.only_link())
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "between 8 and 256 characters"),
        (NEW_PASSWORD, "something else entirely", "The passwords don&#39;t match."),
        ("", "", "This field is required."),
    ],
)
def test_a_bad_new_password_is_explained_and_the_link_still_works(
    mail_app, alice, mailbox, password, confirm, message
):
    client = mail_app.test_client()
    request_link(client)
    path = mailbox.only_link()
    response = choose(client, path, password, confirm)
    assert response.status_code == 422
    assert message in response.text
    assert can_sign_in(mail_app, PASSWORD)
    assert choose(client, path).status_code == 302


@pytest.mark.parametrize(
    ("address", "status"),
    [
        ("nobody@example.com", 302),
        ("not an email", 302),
        ("", 422),
        ("x" * 300 + "@example.com", 422),
    ],
)
def test_unknown_or_malformed_addresses_get_the_same_answer_and_no_mail(
    mail_app, alice, mailbox, address, status
):
    """An address with no account, well-formed or not, gets the answer a known one gets; only a
    blank or overlong field is the form's own error."""
    response = request_link(mail_app.test_client(), address)
    assert response.status_code == status
    if status == 302:
        assert response.location == "/login"
    assert mailbox.received() == []


def test_a_disabled_account_gets_no_link_and_its_old_link_stops(mail_app, alice, mailbox):
    request_link(mail_app.test_client())
    path = mailbox.only_link()
    alice.is_disabled = True
    db.session.commit()
    assert mail_app.test_client().get(path).status_code == 400
    assert request_link(mail_app.test_client()).status_code == 302
    assert len(mailbox.received()) == 1


def test_the_link_ignores_a_forged_host_header(mail_app, alice, mailbox):
    request_link(mail_app.test_client(), headers={"Host": "evil.example"})
    assert "evil.example" not in mailbox.received()[0].get_payload(decode=True).decode()
    mailbox.only_link()  # on SITE_URL


def test_without_site_url_the_link_is_on_the_requested_host(database_url, mailbox):
    settings = {**mail_settings(mailbox.port), "SITE_URL": ""}
    with app_on(database_url, **settings) as app:
        UserFactory(username="alice", email="alice@example.com")
        request_link(app.test_client())
    body = mailbox.received()[0].get_payload(decode=True).decode()
    assert "http://localhost/reset-password/" in body


def test_an_unreachable_mail_server_is_logged_not_shown(database_url, capsys):
    with app_on(database_url, **mail_settings(free_port())) as app:
        UserFactory(username="alice", email="alice@example.com")
        response = request_link(app.test_client())
        deliveries_done()
    assert response.status_code == 302 and response.location == "/login"
    logged = capsys.readouterr().err
    assert "ERROR blog: mail to alice@example.com not sent: ConnectionRefusedError" in logged


def test_ssl_on_port_465_turns_starttls_off_and_failures_are_only_logged(
    mailbox, database_url, capsys
):
    settings = {**mail_settings(mailbox.port), "MAIL_USE_SSL": True, "MAIL_USE_TLS": True}
    with app_on(database_url, **settings) as app:
        assert app.config["MAIL_USE_TLS"] is False
        UserFactory(username="alice", email="alice@example.com")
        response = request_link(app.test_client())  # the test server speaks no TLS
        deliveries_done()
    assert response.status_code == 302
    assert "ERROR blog: mail to alice@example.com not sent: SSLError" in capsys.readouterr().err


def test_production_without_mail_says_it_cannot_reset(database_url):
    settings = {"BLOG_ENV": "production", "SECRET_KEY": "x" * 40, "SESSION_COOKIE_SECURE": False}
    with app_on(database_url, **settings) as app:
        UserFactory(username="alice", email="alice@example.com")
        client = app.test_client()
        page = client.get("/reset-password")
        assert page.status_code == 200
        assert "can't send email" in page.text
        assert 'name="email"' not in page.text
        assert "Forgot your password?" in client.get("/login").text


def test_development_prints_the_message_to_the_terminal(database_url, capsys):
    with app_on(database_url, BLOG_ENV="development", WTF_CSRF_ENABLED=False) as app:
        assert app.config["MAIL_BACKEND"] == "console"
        UserFactory(username="alice", email="alice@example.com")
        client = app.test_client()
        request_link(client)
        deliveries_done()
        answer = client.get("/login").text
    printed = capsys.readouterr().out
    assert "To: alice@example.com" in printed
    assert "From: Blog <noreply@localhost>" in printed.splitlines()
    assert "http://localhost/reset-password/" in printed
    assert "prints its emails in the terminal where the server runs" in answer
    assert "Check your inbox" not in answer


def test_without_a_configured_sender_mail_comes_from_the_blog_at_its_site(database_url, mailbox):
    settings = {
        **mail_settings(mailbox.port),
        "MAIL_DEFAULT_SENDER": "",
        "BLOG_TITLE": "Field Notes",
    }
    with app_on(database_url, **settings) as app:
        UserFactory(username="alice", email="alice@example.com")
        request_link(app.test_client())
        received = mailbox.received()
    assert [message["From"] for message in received] == ["Field Notes <noreply@blog.example.test>"]


def test_the_answer_is_rate_limited_per_account_from_any_address(database_url, mailbox):
    limits = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_PASSWORD_RESET_ACCOUNT": "2 per hour",
    }
    with app_on(database_url, **mail_settings(mailbox.port), **limits) as app:
        UserFactory(username="alice", email="alice@example.com")
        client = app.test_client()
        for address in ("10.0.0.1", "10.0.0.2"):
            response = request_link(client, environ_base={"REMOTE_ADDR": address})
            assert response.status_code == 302
        blocked = request_link(client, environ_base={"REMOTE_ADDR": "10.0.0.3"})
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) > 0
        other = request_link(client, "bob@example.com", environ_base={"REMOTE_ADDR": "10.0.0.3"})
        assert other.status_code == 302
    assert len(mailbox.received()) == 2


def test_a_user_row_is_untouched_by_asking(mail_app, alice, mailbox):
    before = db.session.get(User, alice.id).password_hash
    request_link(mail_app.test_client())
    assert db.session.get(User, alice.id).password_hash == before


SEND_THEN_EXIT = """
import json, sys
from blog import create_app, mail
app = create_app({"BLOG_ENV": "testing", "MAIL_BACKEND": "smtp", **json.loads(sys.argv[1])})
with app.test_request_context():
    mail.send("alice@example.com", "Last words", "auth/email/reset_password.txt",
              username="alice", link="https://blog.example.test/reset-password/x",
              minutes=60)
"""


def test_a_process_that_exits_delivers_the_mail_in_flight_first(database_url, mailbox):
    settings = {**mail_settings(mailbox.port), "SQLALCHEMY_DATABASE_URI": database_url}
    done = subprocess.run(
        [sys.executable, "-c", SEND_THEN_EXIT, json.dumps(settings)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [m["Subject"] for m in mailbox.received()] == ["Last words"]
