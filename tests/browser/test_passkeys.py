"""Passkeys in a real Chromium, with a virtual authenticator (the DevTools protocol's WebAuthn
domain) standing in for a device with a screen lock: two passkeys added from the settings, one
renamed, a sign-in with a passkey and no password typed, one removed, and the mail that tells
the owner.

WebAuthn wants a domain name, not an IP address, and a secure context, which plain http is on
``localhost``: so this module has a server of its own, the production configuration with
``SITE_URL=http://localhost:<port>`` (the passkeys' relying party) and mail written to files
(production sends mail only with a SITE_URL).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests import servers
from tests.browser.conftest import register
from tests.databases import fresh_database
from tests.servers import flask, gunicorn

PASSWORD = "a long password 1"
ADDED = "A way to sign in was added to your account on Field Notes"
REMOVED = "A way to sign in was removed from your account on Field Notes"


@dataclass
class PasskeyServer:
    url: str
    mail: Path

    def mail_to(self, address: str, count: int, seconds: float = 15) -> list[tuple[str, str]]:
        """The (subject, body) of the messages sent to ``address``, once ``count`` are there
        (mail goes out in the background)."""
        deadline = time.monotonic() + seconds
        while True:
            messages = []
            for path in sorted(self.mail.glob("*.log"), key=lambda p: p.stat().st_mtime):
                for raw in path.read_bytes().split(b"-" * 79):
                    message = message_from_bytes(raw.strip(), policy=policy.default)
                    if message["To"] == address:
                        messages.append((str(message["Subject"]), message.get_content()))
            if len(messages) >= count or time.monotonic() > deadline:
                return messages
            time.sleep(0.2)


@pytest.fixture(scope="module")
def passkey_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("passkeys")
    port = servers.free_port()
    with fresh_database("_passkeys", tmp) as database_url:
        env = {
            **os.environ,
            "BLOG_ENV": "production",
            "SECRET_KEY": "passkey-browser-tests-" + "x" * 40,
            "DATABASE_URL": database_url,
            "SITE_URL": f"http://localhost:{port}",
            "SESSION_COOKIE_SECURE": "false",  # plain http on localhost
            "REMEMBER_COOKIE_SECURE": "false",
            "BLOG_TITLE": "Field Notes",
            "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(tmp / "mail"),
        }
        env.pop("FLASK_DEBUG", None)
        flask(env, "db", "upgrade")
        with contextlib.ExitStack() as stack:
            patch = stack.enter_context(pytest.MonkeyPatch.context())
            patch.setattr(servers, "free_port", lambda: port)  # the port SITE_URL names
            url, _ = stack.enter_context(gunicorn(env, workers=2, threads=4))
            patch.undo()
            assert url.endswith(f":{port}")
            yield PasskeyServer(f"http://localhost:{port}", tmp / "mail")


VIRTUAL_DEVICE = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def add_device(cdp) -> str:
    return cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_DEVICE})[
        "authenticatorId"
    ]


def passkey_names(page) -> list[str]:
    return page.locator(".passkey-name").all_inner_texts()


def add_passkey(page, name: str = "") -> None:
    panel = page.locator("form[data-passkey-add]")
    panel.get_by_label("Current password").fill(PASSWORD)
    panel.get_by_label("Name").fill(name)
    panel.get_by_role("button", name="Add a passkey").click()


def test_passkeys_are_added_renamed_used_to_sign_in_and_removed(
    passkey_server, new_page, page_problems
):
    base = passkey_server.url
    page = new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    laptop = add_device(cdp)
    register(page, base, "pat", PASSWORD)

    page.goto(base + "/settings")
    assert page.get_by_text("You have no passkeys yet.").is_visible()
    assert page.locator("[data-passkeys-unsupported]").is_hidden()

    # A wrong password stops it before the device is asked, and says so in the page.
    panel = page.locator("form[data-passkey-add]")
    panel.get_by_label("Current password").fill("not my password")
    panel.get_by_role("button", name="Add a passkey").click()
    error = panel.locator("[data-passkey-error]")
    error.wait_for(state="visible")
    assert error.inner_text() == "Your password is not your current password."
    assert cdp.send("WebAuthn.getCredentials", {"authenticatorId": laptop})["credentials"] == []
    problems = page_problems.take()
    assert len(problems) == 1 and "status of 422" in problems[0], problems

    add_passkey(page, "Laptop")
    page.get_by_text("Passkey “Laptop” added").wait_for()
    assert passkey_names(page) == ["Laptop"]
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": laptop})["credentials"]
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"

    # The second on another device (this one holds a passkey of the account already).
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": laptop})
    phone = add_device(cdp)
    add_passkey(page)
    page.get_by_text("Passkey “Passkey 2” added").wait_for()
    assert passkey_names(page) == ["Laptop", "Passkey 2"]
    assert page.locator(".passkey").nth(1).get_by_text("not used yet").is_visible()

    second = page.locator(".passkey").nth(1)
    second.get_by_label("New name for Passkey 2").fill("Phone")
    second.get_by_role("button", name="Rename Passkey 2").click()
    page.get_by_text("Passkey renamed “Phone”.").wait_for()
    assert passkey_names(page) == ["Laptop", "Phone"]

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_text("You have signed out.").wait_for()

    # Signing in: one click, the device's screen lock, no username and no password.
    page.goto(base + "/login?next=/settings")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(base + "/settings")
    page.get_by_text("Signed in as pat.").wait_for()
    assert page.get_by_label("Password").first.input_value() == ""
    [used] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": phone})["credentials"]
    assert used["signCount"] >= 1
    phone_row = page.locator(".passkey").nth(1)
    assert phone_row.get_by_text("last used").is_visible()
    assert page.locator(".passkey").first.get_by_text("not used yet").is_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove Laptop").click()
    page.get_by_text("Passkey “Laptop” removed").wait_for()
    assert passkey_names(page) == ["Phone"]

    mail = passkey_server.mail_to("pat@example.com", 3)
    assert [subject for subject, _ in mail] == [ADDED, ADDED, REMOVED]
    assert "The passkey “Laptop” was added" in mail[0][1]
    assert "The passkey “Passkey 2” was added" in mail[1][1]
    assert "The passkey “Laptop” was removed" in mail[2][1]
    assert re.search(rf"{re.escape(base)}/settings\b", mail[0][1])


def test_without_a_device_the_sign_in_says_what_went_wrong(passkey_server, new_page):
    """No passkey for this site on the device: Chromium's prompt fails, and the page says so
    instead of doing nothing."""
    page = new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    add_device(cdp)
    page.goto(passkey_server.url + "/login")
    page.get_by_role("button", name="Sign in with a passkey").click()
    error = page.locator("[data-passkey-sign-in] [data-passkey-error]")
    error.wait_for(state="visible", timeout=20_000)
    assert "closed or timed out" in error.inner_text()
    assert page.url == passkey_server.url + "/login"
