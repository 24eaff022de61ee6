"""Two-factor sign-in with TOTP: set up from the settings, a code after the password, each code
good once, recovery codes, trusted browsers, turning it off, and the API's ``otp``."""

from __future__ import annotations

import hashlib
import re

import pyotp
import pytest
import sqlalchemy as sa

from blog.auth import second_step
from blog.domain import two_factor
from blog.extensions import db
from blog.models import RecoveryCode, User
from tests.clock import clock_fixture  # noqa: F401
from tests.factories import PASSWORD, UserFactory
from tests.helpers import Api, sent_mail

ADDED = "A way to sign in was added to your account on Blog"
REMOVED = "A way to sign in was removed from your account on Blog"
NEW_SIGN_IN = "A new sign-in to your account on Blog"


def code_at(secret: str, clock, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows ``steps_ahead`` 30-second steps after the clock."""
    return pyotp.TOTP(secret).at(clock.now.timestamp() + 30 * steps_ahead)


def sign_in_with_password(app, login: str = "alice", **extra):
    browser = app.test_client()
    answer = browser.post("/login", data={"login": login, "password": PASSWORD, **extra})
    return browser, answer


def is_signed_in(browser) -> bool:
    return browser.get("/settings").status_code == 200


def turn_on(app, clock, user: User) -> tuple[str, list[str]]:
    """Set up TOTP for ``user`` through the settings page; the secret and the recovery codes."""
    browser = app.test_client()
    browser.post("/login", data={"login": user.username, "password": PASSWORD})
    page = browser.get("/settings/two-factor").text
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    answer = browser.post("/settings/two-factor", data={"code": code_at(secret, clock)})
    assert answer.status_code == 200, answer.text
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", answer.text)
    clock.advance(seconds=30)  # the code used is spent: the next sign-in needs the next one
    return secret, codes


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def enrolled(app, clock, alice):
    secret, codes = turn_on(app, clock, alice)
    sent_mail(app)
    app.extensions["mailman"].outbox.clear()
    return secret, codes


def test_setting_up_shows_a_qr_code_drawn_here_and_keeps_the_secret_out_of_caches(
    app, clock, alice
):
    browser, _ = sign_in_with_password(app)
    page = browser.get("/settings/two-factor")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert re.search(r"<svg [^>]*>.*<path ", page.text, re.S)
    assert "otpauth://" not in page.text  # the QR code holds it, the page's text does not
    db_secret = alice.totp_secret
    assert db_secret and db_secret.replace(" ", "") in page.text.replace(" ", "")
    assert not alice.has_totp
    assert browser.get("/settings/two-factor").text.count(db_secret[:4]) >= 1
    assert alice.totp_secret == db_secret  # opening the page again shows the same secret


def test_a_wrong_code_leaves_it_off(app, clock, alice):
    browser, _ = sign_in_with_password(app)
    browser.get("/settings/two-factor")
    wrong = str((int(code_at(alice.totp_secret, clock)) + 1) % 1_000_000).zfill(6)
    answer = browser.post("/settings/two-factor", data={"code": wrong})
    assert answer.status_code == 422
    assert two_factor.WRONG_CODE in answer.text
    assert not alice.has_totp
    assert sent_mail(app) == []


def test_turning_it_on_shows_ten_codes_once_keeps_them_hashed_and_tells_the_owner(
    app, db, clock, alice
):
    secret, codes = turn_on(app, clock, alice)
    assert alice.has_totp and alice.totp_secret == secret
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"([a-z2-9]{4}-){3}[a-z2-9]{4}", code) for code in codes)
    kept = set(
        db.session.scalars(
            sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == alice.id)
        )
    )
    assert kept == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert [m.subject for m in sent_mail(app)] == [ADDED]
    assert "An authenticator app (TOTP) was added" in sent_mail(app)[0].body


def test_the_password_alone_no_longer_signs_in(app, clock, enrolled):
    browser, answer = sign_in_with_password(app)
    assert answer.status_code == 302 and answer.location == "/login/code"
    assert not is_signed_in(browser)
    assert browser.get("/login/code").status_code == 200


def test_a_code_after_the_password_signs_in_and_goes_where_the_reader_was_going(
    app, clock, enrolled
):
    secret, _ = enrolled
    browser = app.test_client()
    browser.post("/login?next=/settings", data={"login": "alice", "password": PASSWORD})
    answer = browser.post("/login/code", data={"code": code_at(secret, clock)})
    assert answer.status_code == 302 and answer.location == "/settings"
    assert is_signed_in(browser)


def test_a_wrong_code_does_not_sign_in(app, clock, enrolled):
    secret, _ = enrolled
    browser, _ = sign_in_with_password(app)
    wrong = code_at(secret, clock, steps_ahead=5)  # a real code, but of a step far off
    answer = browser.post("/login/code", data={"code": wrong})
    assert answer.status_code == 422
    assert two_factor.WRONG_CODE in answer.text
    assert not is_signed_in(browser)


def test_a_code_is_good_once(app, clock, enrolled):
    secret, _ = enrolled
    code = code_at(secret, clock)
    first, _ = sign_in_with_password(app)
    assert first.post("/login/code", data={"code": code}).status_code == 302
    second, _ = sign_in_with_password(app)
    assert second.post("/login/code", data={"code": code}).status_code == 422
    assert not is_signed_in(second)


def test_a_code_of_an_earlier_step_is_refused_once_a_later_one_was_used(app, clock, enrolled):
    secret, _ = enrolled
    first, _ = sign_in_with_password(app)
    assert first.post("/login/code", data={"code": code_at(secret, clock, 1)}).status_code == 302
    second, _ = sign_in_with_password(app)
    assert second.post("/login/code", data={"code": code_at(secret, clock)}).status_code == 422


def test_a_code_from_a_clock_one_step_off_is_accepted(app, clock, enrolled):
    secret, _ = enrolled
    clock.advance(seconds=60)  # past the step spent turning it on
    browser, _ = sign_in_with_password(app)
    answer = browser.post("/login/code", data={"code": code_at(secret, clock, -1)})
    assert answer.status_code == 302


def test_a_recovery_code_signs_in_once_typed_any_way(app, clock, enrolled):
    _, codes = enrolled
    browser, _ = sign_in_with_password(app)
    typed = " " + codes[3].upper().replace("-", " ") + " "
    assert browser.post("/login/code", data={"code": typed}).status_code == 302
    again, _ = sign_in_with_password(app)
    assert again.post("/login/code", data={"code": codes[3]}).status_code == 422
    assert two_factor.recovery_codes_left(enrolled_user(app)) == 9


def enrolled_user(app) -> User:
    return db.session.scalar(sa.select(User).where(User.username == "alice"))


def test_the_wait_for_a_code_ends(app, clock, enrolled):
    secret, _ = enrolled
    browser, _ = sign_in_with_password(app)
    clock.advance(seconds=second_step.WAIT_SECONDS + 1)
    answer = browser.post("/login/code", data={"code": code_at(secret, clock)})
    assert answer.status_code == 302 and answer.location == "/login"
    assert not is_signed_in(browser)


def test_a_password_changed_meanwhile_ends_the_wait(app, clock, enrolled, alice):
    secret, _ = enrolled
    browser, _ = sign_in_with_password(app)
    alice.set_password("a brand new password")
    db.session.commit()
    answer = browser.post("/login/code", data={"code": code_at(secret, clock)})
    assert answer.status_code == 302 and answer.location == "/login"
    assert not is_signed_in(browser)


def test_without_the_password_step_the_code_page_signs_no_one_in(app, clock, enrolled):
    secret, _ = enrolled
    browser = app.test_client()
    answer = browser.post("/login/code", data={"code": code_at(secret, clock)})
    assert answer.status_code == 302 and answer.location == "/login"
    assert not is_signed_in(browser)


def test_a_trusted_browser_skips_the_code_and_others_do_not(app, clock, enrolled):
    secret, _ = enrolled
    browser, _ = sign_in_with_password(app)
    browser.post("/login/code", data={"code": code_at(secret, clock), "trust_device": "y"})
    browser.post("/logout")
    answer = browser.post("/login", data={"login": "alice", "password": PASSWORD})
    assert answer.status_code == 302 and answer.location == "/"
    assert is_signed_in(browser)
    _, answer = sign_in_with_password(app)
    assert answer.location == "/login/code"


def test_trust_ends_after_its_days_and_after_signing_out_everywhere(app, clock, enrolled):
    secret, _ = enrolled
    browser, _ = sign_in_with_password(app)
    browser.post("/login/code", data={"code": code_at(secret, clock), "trust_device": "y"})
    browser.post("/sign-out-everywhere")
    browser.post("/logout")
    clock.advance(seconds=1)
    assert browser.post("/login", data={"login": "alice", "password": PASSWORD}).location == (
        "/login/code"
    )
    clock.advance(seconds=30)
    browser.post("/login/code", data={"code": code_at(secret, clock), "trust_device": "y"})
    browser.post("/logout")
    clock.advance(days=app.config["TRUSTED_DEVICE_DAYS"], seconds=1)
    assert browser.post("/login", data={"login": "alice", "password": PASSWORD}).location == (
        "/login/code"
    )


def test_turning_it_off_needs_the_password_and_a_code(app, clock, enrolled, alice):
    secret, codes = enrolled
    browser, _ = sign_in_with_password(app)
    browser.post("/login/code", data={"code": codes[0]})
    assert [m.subject for m in sent_mail(app)] == [NEW_SIGN_IN]  # a second browser of the account
    app.extensions["mailman"].outbox.clear()
    code = code_at(secret, clock)
    wrong_password = {"password": "not it at all", "code": code}
    answer = browser.post("/settings/two-factor/disable", data=wrong_password)
    assert answer.status_code == 302
    assert "That is not your current password." in browser.get("/settings").text
    assert enrolled_user(app).has_totp
    wrong_code = {"password": PASSWORD, "code": code_at(secret, clock, 7)}
    browser.post("/settings/two-factor/disable", data=wrong_code)
    assert two_factor.WRONG_CODE in browser.get("/settings").text
    assert enrolled_user(app).has_totp
    browser.post("/settings/two-factor/disable", data={"password": PASSWORD, "code": code})
    user = enrolled_user(app)
    assert not user.has_totp and user.totp_secret is None
    assert two_factor.recovery_codes_left(user) == 0
    assert [m.subject for m in sent_mail(app)] == [REMOVED]
    again, answer = sign_in_with_password(app)
    assert answer.location == "/" and is_signed_in(again)


def test_new_recovery_codes_replace_the_old_ones(app, clock, enrolled):
    secret, old = enrolled
    browser, _ = sign_in_with_password(app)
    browser.post("/login/code", data={"code": old[0]})
    answer = browser.post(
        "/settings/two-factor/recovery-codes",
        data={"password": PASSWORD, "code": code_at(secret, clock)},
    )
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", answer.text)
    assert len(new) == 10 and not set(new) & set(old)
    other, _ = sign_in_with_password(app)
    assert other.post("/login/code", data={"code": old[1]}).status_code == 422
    assert other.post("/login/code", data={"code": new[1]}).status_code == 302


def test_the_settings_page_says_it_is_on_and_how_many_codes_are_left(app, clock, enrolled):
    _, codes = enrolled
    browser, _ = sign_in_with_password(app)
    browser.post("/login/code", data={"code": codes[0]})
    page = browser.get("/settings").text
    assert "9 of 10 recovery codes left" in page
    assert browser.get("/settings/two-factor").location == "/settings"


class TestApi:
    def login(self, app, **fields):
        user = {"email": "alice@example.com", "password": PASSWORD, **fields}
        return Api(app.test_client()).post("/users/login", {"user": user})

    def test_without_a_code_it_asks_for_one(self, app, clock, enrolled):
        answer = self.login(app)
        assert answer.status_code == 401
        assert answer.json == {"errors": {"otp": ["is required"]}}

    def test_a_wrong_code_is_refused(self, app, clock, enrolled):
        secret, _ = enrolled
        answer = self.login(app, otp=code_at(secret, clock, 4))
        assert answer.status_code == 401
        assert answer.json == {"errors": {"otp": ["is not right, or was already used"]}}

    def test_a_code_gives_a_token_once(self, app, clock, enrolled):
        secret, _ = enrolled
        code = code_at(secret, clock)
        answer = self.login(app, otp=code)
        assert answer.status_code == 200 and answer.json["user"]["username"] == "alice"
        assert self.login(app, otp=code).status_code == 401

    def test_a_recovery_code_works_too(self, app, clock, enrolled):
        _, codes = enrolled
        assert self.login(app, otp=codes[9]).status_code == 200

    def test_a_wrong_password_says_nothing_of_the_second_factor(self, app, clock, enrolled):
        user = {"email": "alice@example.com", "password": "wrong password!"}
        answer = Api(app.test_client()).post("/users/login", {"user": user})
        assert answer.status_code == 401 and "otp" not in answer.json["errors"]

    def test_an_account_without_it_ignores_otp(self, app, alice):
        assert self.login(app, otp="123456").status_code == 200
