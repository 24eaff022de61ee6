"""Two-factor sign-in in a real Chromium, as a person goes through it: set up from the settings
with the key under the QR code typed into an authenticator (pyotp here), the recovery codes
shown once, a sign-in asking for the code, a trusted browser, signing another browser out from
"Where you're signed in", and turning it off with the password and a recovery code."""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import register

PASSWORD = "a long password 1"


def _password_step(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_two_factor_from_setting_up_to_turning_it_off(live_server, new_page):
    base = live_server.url
    owner = new_page()
    register(owner, base, "totp-owner", PASSWORD)
    owner.goto(base + "/settings")
    owner.get_by_role("link", name="Set up an authenticator app").click()
    expect(owner.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    expect(owner.locator(".qr-code svg")).to_be_visible()
    authenticator = pyotp.TOTP(owner.locator(".totp-secret").inner_text().replace(" ", ""))
    owner.get_by_role("textbox", name="Code").fill(
        "000000" if authenticator.now() != "000000" else "111111"
    )
    owner.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(owner.locator(".field .error")).to_be_visible()  # a wrong code: told, nothing on
    owner.get_by_role("textbox", name="Code").fill(authenticator.now())
    owner.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(owner.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = owner.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    owner.get_by_role("link", name="I have saved them").click()
    expect(owner.get_by_text("10 of 10 recovery codes left")).to_be_visible()

    # Another browser: the password alone is not enough; a recovery code works once.
    laptop = new_page()
    _password_step(laptop, base, "totp-owner")
    laptop.wait_for_url(base + "/login/code")
    laptop.get_by_role("textbox", name="Code").fill(codes[0])
    laptop.get_by_label("Don't ask for a code on this browser again").check()
    laptop.get_by_role("button", name="Sign in").click()
    laptop.wait_for_url(base + "/")
    expect(laptop.get_by_role("link", name="totp-owner").first).to_be_visible()

    # A third, with the app's next code; the owner sees all three and signs this one out.
    phone = new_page(390, 844)
    _password_step(phone, base, "totp-owner")
    phone.wait_for_url(base + "/login/code")
    phone.get_by_role("textbox", name="Code").fill(
        authenticator.at(time.time() + 30)
    )  # the step after setup's
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url(base + "/")
    owner.goto(base + "/settings")
    sign_ins = owner.locator(".sign-ins .sign-in")
    expect(sign_ins).to_have_count(3)
    expect(sign_ins.filter(has_text="This browser")).to_have_count(1)
    expect(owner.get_by_text("9 of 10 recovery codes left")).to_be_visible()
    # Newest first: the last one not this browser is the laptop.
    sign_ins.filter(has_not_text="This browser").last.get_by_role("button", name="Sign out").click()
    expect(sign_ins).to_have_count(2)
    laptop.reload()
    expect(laptop.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    phone.reload()
    expect(phone.get_by_role("link", name="Sign in", exact=True)).to_have_count(0)

    # The laptop was trusted: its next sign-in asks for no code.
    _password_step(laptop, base, "totp-owner")
    laptop.wait_for_url(base + "/")

    # Turning it off needs the password and a code; then the password alone signs in.
    panel = owner.get_by_role("region", name="Two-factor authentication")
    panel.get_by_label("Current password").fill(PASSWORD)
    panel.get_by_role("textbox", name="Code").fill(codes[1])
    panel.get_by_role("button", name="Turn off two-factor authentication").click()
    expect(owner.get_by_role("link", name="Set up an authenticator app")).to_be_visible()
    again = new_page()
    _password_step(again, base, "totp-owner")
    again.wait_for_url(base + "/")
