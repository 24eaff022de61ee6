"""The settings page asks for the current password before the email address or password changes
(a browser left signed in is not enough), every change is mailed to the old address, and the
links in that mail refuse anything but a good, live link with a clear page."""

from __future__ import annotations

import pytest

from blog.api.tokens import issue_token
from blog.domain import account_changes
from tests.account_mail import SITE, follow, link_in, mail_to, only_mail_to
from tests.factories import PASSWORD, UserFactory
from tests.helpers import Api

ALICE = "alice@example.com"
NEW = "alice@new.example"


@pytest.fixture
def signed_in(settings, client, auth, user):
    settings(SITE_URL=SITE)
    auth.login()
    return client


def save_profile(client, **fields):
    data = {f"profile-{name}": value for name, value in fields.items()}
    return client.post("/settings", data={**data, "profile-save_profile": "Save profile"})


def change_email(client, email: str = NEW, current_password: str | None = PASSWORD):
    fields = {"username": "alice", "email": email, "bio": ""}
    if current_password is not None:
        fields["current_password"] = current_password
    return save_profile(client, **fields)


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def test_the_email_needs_the_current_password(app, signed_in, user):
    page = change_email(signed_in, current_password=None)
    assert page.status_code == 422
    assert "Current password is required to change the email address" in page.text
    assert user.email == ALICE
    assert mail_to(app, ALICE) == [] and mail_to(app, NEW) == []


def test_a_wrong_current_password_is_a_form_error(app, signed_in, user):
    page = change_email(signed_in, current_password="not my password")
    assert page.status_code == 422
    assert "Current password is not your current password" in page.text
    assert user.email == ALICE


def test_a_bio_alone_needs_no_password(signed_in, user):
    answer = save_profile(signed_in, username="alice", email=ALICE, bio="Hello")
    assert answer.status_code == 302 and user.bio == "Hello"


def test_with_the_password_the_email_changes_and_the_old_address_can_undo_it(app, signed_in, user):
    other_browser = app.test_client()
    other_browser.post("/login", data={"login": "alice", "password": PASSWORD})
    assert only_mail_to(app, ALICE).subject == "A new sign-in to your account on Blog"
    app.extensions["mailman"].outbox.clear()
    token = (
        Api(app.test_client())
        .post("/users/login", {"user": {"email": ALICE, "password": PASSWORD}})
        .json["user"]["token"]
    )

    assert change_email(signed_in).status_code == 302
    assert user.email == NEW
    assert mail_to(app, NEW) == []
    notice = only_mail_to(app, ALICE)
    assert notice.subject == "Your email address was changed on Blog"
    assert f"from {ALICE} to\n{NEW}" in notice.body
    undo = link_in(notice, "email/undo")

    page = signed_in.get(undo)
    assert f"goes back to <strong>{ALICE}</strong>" in page.text
    answer = follow(signed_in, undo)
    assert answer.status_code == 302 and answer.location == "/login"
    assert "signed out everywhere" in signed_in.get("/login").text
    assert user.email == ALICE
    assert not is_signed_in(signed_in) and not is_signed_in(other_browser)
    assert Api(app.test_client()).get("/user", token=token).status_code == 401


def test_an_undo_link_still_works_after_the_address_changed_again(app, signed_in, user):
    """Whoever took the account can't end the owner's undo link by moving it on."""
    change_email(signed_in)
    undo = link_in(only_mail_to(app, ALICE), "email/undo")
    change_email(signed_in, "alice@third.example")
    assert follow(app.test_client(), undo).status_code == 302
    assert user.email == ALICE


def test_an_undo_to_an_address_another_account_took_is_409(app, signed_in, user):
    change_email(signed_in)
    undo = link_in(only_mail_to(app, ALICE), "email/undo")
    UserFactory(username="newcomer", email=ALICE)
    answer = follow(app.test_client(), undo)
    assert answer.status_code == 409
    assert "Email is now used by another account" in answer.text
    assert user.email == NEW


def test_a_password_change_is_mailed_to_the_account(app, signed_in, user):
    data = {
        "password-current_password": PASSWORD,
        "password-new_password": "brand new password",
        "password-change_password": "Change password",
    }
    assert signed_in.post("/settings", data=data).status_code == 302
    notice = only_mail_to(app, ALICE)
    assert notice.subject == "Your password was changed on Blog"
    assert link_in(notice, "reset-password") == "/reset-password"


@pytest.fixture
def links(app, settings, user):
    """A live confirmation link and undo link for alice, and a way to make more."""
    settings(SITE_URL=SITE)
    return {
        "confirm": f"/email/confirm/{account_changes._confirmation_token(user, NEW)}",
        "undo": f"/email/undo/{account_changes._undo_token(user, ALICE, NEW)}",
    }


def tampered(path: str) -> str:
    """The path with the first character of its signature changed (the last one may carry
    bits the signature doesn't use)."""
    start = path.rindex(".") + 1
    return path[:start] + ("A" if path[start] != "A" else "B") + path[start + 1 :]


@pytest.mark.parametrize("kind", ["confirm", "undo"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_a_clear_400(client, links, kind, method):
    name = {"confirm": "confirmation", "undo": "undo"}[kind]
    for path in (
        tampered(links[kind]),
        f"/email/{kind}/not-a-token",
        f"/email/{kind}/caf%C3%A9",
        f"/email/{kind}/" + links["undo" if kind == "confirm" else "confirm"].rsplit("/", 1)[1],
    ):
        page = getattr(client, method)(path)
        assert page.status_code == 400, path
        assert f"This {name} link is not valid." in page.text
        assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("kind", "setting", "name"),
    [("confirm", "EMAIL_CONFIRM_MAX_AGE", "confirmation"), ("undo", "EMAIL_UNDO_MAX_AGE", "undo")],
)
def test_an_expired_link_is_a_clear_400(client, settings, links, user, kind, setting, name):
    settings(**{setting: -1})
    page = client.post(links[kind], data={"submit": "y"})
    assert page.status_code == 400
    assert f"This {name} link has expired." in page.text
    assert user.email == ALICE


def test_a_link_for_a_disabled_account_is_not_valid(client, links, user, db):
    user.is_disabled = True
    db.session.commit()
    assert client.get(links["undo"]).status_code == 400
    assert client.get(links["confirm"]).status_code == 400


def test_opening_a_link_changes_nothing_until_its_button_is_pressed(app, client, links, user):
    """Mail scanners open links: an undo signs the account out everywhere."""
    token = issue_token(user)
    assert client.get(links["confirm"]).status_code == 200
    assert client.get(links["undo"]).status_code == 200
    assert user.email == ALICE
    assert Api(app.test_client()).get("/user", token=token).status_code == 200
    assert follow(client, links["confirm"]).status_code == 302
    assert user.email == NEW
    assert link_in(only_mail_to(app, ALICE), "email/undo")
