"""Sign-ins live on the server: signing out ends every copy of a browser's cookies, and "keep me
signed in" ends on the server when its cookie should, whatever the browser does with it."""

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blog.domain import sessions, users
from blog.models import SignIn, User, utcnow
from tests.factories import PASSWORD, UserFactory
from tests.helpers import Api, csrf_token_in

SESSION = "session"
REMEMBER = "remember_token"


def sign_in(app, remember: bool = False, login: str = "alice"):
    browser = app.test_client()
    data = {"login": login, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert browser.post("/login", data=data).status_code == 302
    return browser


def cookie(browser, name: str) -> str:
    found = browser.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def browser_with(app, name: str, value: str):
    """A browser that has never been here, holding one cookie copied from another."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser


def signed_in(browser) -> bool:
    """Whether the browser gets the settings page, rather than sent to sign in."""
    response = browser.get("/settings")
    if response.status_code == 302:
        assert response.location.startswith("/login?next=")
        return False
    assert response.status_code == 200
    return True


MOMENTS = {User: ("created_at", "password_changed_at"), SignIn: ("created_at", "expires_at")}


def clock_moved_on(db, by: timedelta) -> None:
    """As if ``by`` had passed: every stored moment of accounts and sign-ins is moved back."""
    db.session.expire_all()
    for model, names in MOMENTS.items():
        for row in db.session.scalars(sa.select(model)):
            for name in names:
                setattr(row, name, getattr(row, name) - by)
    db.session.commit()


def test_a_session_cookie_copied_before_sign_out_signs_no_one_in_after_it(app, user):
    browser = sign_in(app)
    copied = cookie(browser, SESSION)
    assert signed_in(browser_with(app, SESSION, copied))  # the copy works while signed in
    assert browser.post("/logout").status_code == 302
    assert not signed_in(browser_with(app, SESSION, copied))
    assert not signed_in(browser)


def test_a_remember_cookie_copied_before_sign_out_signs_no_one_in_after_it(app, user):
    browser = sign_in(app, remember=True)
    copied = cookie(browser, REMEMBER)
    assert signed_in(browser_with(app, REMEMBER, copied))  # the copy works while signed in
    assert browser.post("/logout").status_code == 302
    assert browser.get_cookie(REMEMBER) is None
    assert not signed_in(browser_with(app, REMEMBER, copied))
    assert not signed_in(browser)


def test_signing_out_ends_only_that_browsers_sign_in(app, user):
    leaving, staying = sign_in(app, remember=True), sign_in(app, remember=True)
    kept = cookie(staying, REMEMBER)
    leaving.post("/logout")
    assert signed_in(staying)
    assert signed_in(browser_with(app, REMEMBER, kept))


def test_the_server_keeps_only_a_hash_of_a_sign_ins_key(app, user, db):
    browser = sign_in(app, remember=True)
    row = db.session.scalars(sa.select(SignIn)).one()
    key = app.session_interface.get_signing_serializer(app).loads(cookie(browser, SESSION))
    key = key["_user_id"]
    assert len(key) >= 43 and key not in row.key_hash  # 32 random bytes
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert cookie(browser, REMEMBER).partition("|")[0] == key  # nothing about the account


@pytest.mark.parametrize("remember", [True, False], ids=["remembered", "session"])
def test_a_sign_in_ends_on_the_server_when_its_lifetime_is_over(app, user, db, remember):
    browser = sign_in(app, remember=remember)
    name = REMEMBER if remember else SESSION
    copied = cookie(browser, name)
    lifetime = (
        timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"])
        if remember
        else app.permanent_session_lifetime
    )
    clock_moved_on(db, lifetime - timedelta(minutes=1))
    assert signed_in(browser_with(app, name, copied))
    clock_moved_on(db, timedelta(minutes=1, seconds=1))
    assert not signed_in(browser_with(app, name, copied))


def test_keep_me_signed_in_lasts_remember_cookie_duration_in_the_browser_and_on_the_server(
    app, user, db, settings
):
    settings(REMEMBER_COOKIE_DURATION=7 * 24 * 3600)
    before = utcnow()
    browser = sign_in(app, remember=True)
    row = db.session.scalars(sa.select(SignIn)).one()
    assert row.remembered
    assert row.expires_at - row.created_at == timedelta(days=7)
    assert before <= row.created_at <= utcnow()
    remembered = browser.get_cookie(REMEMBER)
    assert remembered.http_only and remembered.same_site == "Lax"
    assert abs(remembered.expires - row.expires_at) < timedelta(seconds=5)


def test_without_keep_me_signed_in_the_sign_in_lasts_the_session_lifetime(app, user, db):
    browser = sign_in(app)
    row = db.session.scalars(sa.select(SignIn)).one()
    assert not row.remembered
    assert row.expires_at - row.created_at == app.permanent_session_lifetime == timedelta(days=1)
    assert browser.get_cookie(REMEMBER) is None
    assert browser.get_cookie(SESSION).expires is None  # gone when the browser closes


def test_a_remember_cookie_that_no_longer_signs_in_is_deleted(app, user, db):
    browser = sign_in(app, remember=True)
    copied = cookie(browser, REMEMBER)
    db.session.execute(sa.delete(SignIn))
    db.session.commit()
    stale = browser_with(app, REMEMBER, copied)
    assert not signed_in(stale)
    assert stale.get_cookie(REMEMBER) is None


def test_disabling_an_account_ends_its_sign_ins_for_good(app, user, db):
    admin = UserFactory(username="root", is_admin=True)
    browser = sign_in(app, remember=True)
    copied = cookie(browser, REMEMBER)
    users.set_disabled(user, True, admin)
    assert not signed_in(browser)
    assert not signed_in(browser_with(app, REMEMBER, copied))
    users.set_disabled(user, False, admin)
    assert not signed_in(browser_with(app, REMEMBER, copied))
    assert signed_in(sign_in(app))


def test_a_disabled_accounts_sign_in_is_refused_even_while_its_row_lives(app, user, db):
    browser = sign_in(app, remember=True)
    copied = cookie(browser, REMEMBER)
    user.is_disabled = True  # as if written behind the domain's back
    db.session.commit()
    assert db.session.scalars(sa.select(SignIn)).one()
    assert not signed_in(browser)
    assert not signed_in(browser_with(app, REMEMBER, copied))


def test_a_password_change_keeps_this_browser_remembered_and_ends_the_others(app, user, db):
    other = sign_in(app, remember=True)
    other_copy = cookie(other, REMEMBER)
    browser = sign_in(app, remember=True)
    old = cookie(browser, REMEMBER)
    data = {
        "password-current_password": PASSWORD,
        "password-new_password": "brand new password",
        "password-change_password": "Change password",
    }
    assert browser.post("/settings", data=data).status_code == 302
    assert signed_in(browser)
    assert signed_in(browser_with(app, REMEMBER, cookie(browser, REMEMBER)))
    assert not signed_in(browser_with(app, REMEMBER, old))
    assert not signed_in(other)
    assert not signed_in(browser_with(app, REMEMBER, other_copy))
    assert count_sign_ins(db) == 1


def _sign_out_everywhere(browser):
    token = csrf_token_in(browser.get("/settings").text)
    return browser.post("/sign-out-everywhere", data={"csrf_token": token})


def count_sign_ins(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SignIn))


def test_sign_out_everywhere_ends_other_browsers_cookies_and_api_tokens(csrf_app, user, db):
    api = Api(csrf_app.test_client())
    login = {"user": {"email": "alice@example.com", "password": PASSWORD}}
    token = api.post("/users/login", login).json["user"]["token"]
    assert api.get("/user", token=token).status_code == 200
    elsewhere = _signed_in_with_csrf(csrf_app, remember=True)
    remembered, session_copy = cookie(elsewhere, REMEMBER), cookie(elsewhere, SESSION)
    here = _signed_in_with_csrf(csrf_app)

    response = _sign_out_everywhere(here)
    assert response.status_code == 302 and response.location == "/settings"
    assert "Every other browser and app has been signed out." in here.get("/settings").text
    assert count_sign_ins(db) == 1  # this browser's new one

    assert not signed_in(elsewhere)
    assert not signed_in(browser_with(csrf_app, REMEMBER, remembered))
    assert not signed_in(browser_with(csrf_app, SESSION, session_copy))
    assert api.get("/user", token=token).status_code == 401
    assert signed_in(here)
    assert signed_in(_signed_in_with_csrf(csrf_app, remember=True))  # signing in works after
    fresh = api.post("/users/login", login).json["user"]["token"]
    assert api.get("/user", token=fresh).status_code == 200


def _signed_in_with_csrf(app, remember: bool = False):
    browser = app.test_client()
    token = csrf_token_in(browser.get("/login").text)
    data = {"login": "alice", "password": PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    assert browser.post("/login", data=data).status_code == 302
    return browser


def test_sign_out_everywhere_needs_a_csrf_token_and_a_sign_in(csrf_app, user):
    here = _signed_in_with_csrf(csrf_app)
    assert here.post("/sign-out-everywhere").status_code == 400
    assert signed_in(here)
    anonymous = csrf_app.test_client()
    token = csrf_token_in(anonymous.get("/login").text)
    response = anonymous.post("/sign-out-everywhere", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.startswith("/login")


def test_the_settings_page_offers_sign_out_everywhere(client, auth, user):
    auth.login()
    page = client.get("/settings").text
    assert 'action="/sign-out-everywhere" method="post"' in page
    assert "Sign out everywhere else" in page


def test_sign_out_everywhere_deletes_the_sign_ins_and_ends_the_token_a_password_change_kept(
    app, user, db
):
    sign_in(app), sign_in(app, remember=True)
    other = sessions.start(UserFactory(username="bob"))
    user.kept_token_id = "a token that changed the password"
    db.session.commit()
    sessions.sign_out_everywhere(user)
    db.session.expire_all()
    assert count_sign_ins(db) == 1 and sessions.user_for(other) is not None
    assert user.kept_token_id is None
    assert user.signed_out_at is not None and user.sessions_ended_at == user.signed_out_at


def test_a_sign_in_racing_sign_out_everywhere_is_ended_by_it(app, user, db):
    """A sign-in started before "sign out everywhere" but written after its DELETE still ends."""
    clock_moved_on(db, timedelta(days=2))  # the password was set well before all this
    sessions.sign_out_everywhere(user)
    key = sessions.start(user)
    started = user.signed_out_at - timedelta(seconds=1)
    db.session.execute(sa.update(SignIn).values(created_at=started))
    db.session.commit()
    assert user.password_changed_at < started
    assert sessions.user_for(key) is None


def test_a_password_change_without_a_new_sign_in_ends_every_browsers(app, user, db):
    """As through the API or the CLI: no browser is signed in again, and none stays signed in."""
    browsers = [sign_in(app), sign_in(app, remember=True)]
    copied = cookie(browsers[1], REMEMBER)
    users.change_password(user, PASSWORD, "brand new password")
    assert [signed_in(browser) for browser in browsers] == [False, False]
    assert not signed_in(browser_with(app, REMEMBER, copied))


def test_ended_sign_ins_are_deleted_at_the_next_sign_in_and_by_the_cli(app, user, db):
    bob = UserFactory(username="bob")
    sign_in(app), sign_in(app, login="bob")
    clock_moved_on(db, timedelta(days=2))  # both have expired
    sign_in(app)  # deletes alice's expired one
    owners = db.session.scalars(sa.select(SignIn.user_id).order_by(SignIn.id)).all()
    assert owners == [bob.id, user.id]
    result = app.test_cli_runner().invoke(args=["blog", "prune-sign-ins"])
    assert result.exit_code == 0 and "Deleted 1 ended sign-ins." in result.output
    assert db.session.scalars(sa.select(SignIn.user_id)).all() == [user.id]


def test_a_session_from_before_sign_ins_were_kept_signs_no_one_in(app, user):
    """Cookies made before this change held ``<id>:<digest>``: they end with it."""
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = user.password_stamp()
    assert not signed_in(browser)
