"""A stolen API token is not enough to take the account (its email address or password).

The thief's token is one from a sign-in long ago, as a stolen token is; the owner's is fresh.
"""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from blog.api.tokens import issue_token
from blog.domain import account_changes
from blog.models import User, utcnow
from tests import factories
from tests.account_mail import SITE, follow, link_in, mail_to, only_mail_to
from tests.factories import PASSWORD
from tests.helpers import Api, app_on

OWNER = "jake@example.com"
THIEF = "thief@evil.example"
NEW_PASSWORD = "the thief's own password"


@pytest.fixture
def owner(settings, signed_up, db):
    settings(SITE_URL=SITE)
    return db.session.query(User).filter_by(username="jake").one()


@pytest.fixture
def stolen(owner) -> str:
    """A token from a sign-in an hour ago (RECENT_SIGN_IN_SECONDS is five minutes)."""
    return issue_token(owner, signed_in_at=utcnow() - timedelta(hours=1))


def email_of(api, token) -> str:
    return api.get("/user", token=token).json["user"]["email"]


def can_sign_in(api, email: str, password: str = PASSWORD) -> bool:
    answer = api.post("/users/login", {"user": {"email": email, "password": password}})
    return answer.status_code == 200


def test_a_stolen_token_cannot_change_the_email_at_once(app, api, owner, stolen):
    answer = api.put("/user", {"user": {"email": THIEF, "bio": "mine now"}}, token=stolen)
    assert answer.status_code == 200
    assert answer.json["user"]["email"] == OWNER
    assert answer.json["user"]["pendingEmail"] == THIEF
    assert answer.json["user"]["bio"] == "mine now"  # the rest is saved
    assert email_of(api, api.token) == OWNER
    assert not can_sign_in(api, THIEF)
    confirmation = only_mail_to(app, THIEF)
    assert "Confirm your new email address" in confirmation.subject
    link_in(confirmation, "email/confirm")
    notice = only_mail_to(app, OWNER)
    assert THIEF in notice.body
    link_in(notice, "email/undo")


def test_a_stolen_token_cannot_change_the_password(app, api, owner, stolen):
    answer = api.put("/user", {"user": {"password": NEW_PASSWORD}}, token=stolen)
    assert answer.status_code == 422
    assert answer.json == {
        "errors": {
            "currentPassword": ["is required to change the password (or sign in again first)"]
        }
    }
    assert can_sign_in(api, OWNER) and not can_sign_in(api, OWNER, NEW_PASSWORD)
    assert api.get("/user", token=api.token).status_code == 200  # the owner's token lives
    assert mail_to(app, OWNER) == []


def test_a_refused_password_change_changes_nothing_else(api, owner, stolen):
    answer = api.put(
        "/user", {"user": {"password": NEW_PASSWORD, "username": "thief"}}, token=stolen
    )
    assert answer.status_code == 422
    assert api.get("/user", token=api.token).json["user"]["username"] == "jake"


def test_a_token_handed_out_again_keeps_its_sign_in_time(api, owner, stolen):
    """GET /api/user answers with a new token: it must not turn a stolen one into a fresh one."""
    again = api.get("/user", token=stolen).json["user"]["token"]
    claims = jwt.decode(again, options={"verify_signature": False})
    assert (
        claims["auth_time"] == jwt.decode(stolen, options={"verify_signature": False})["auth_time"]
    )
    answer = api.put("/user", {"user": {"password": NEW_PASSWORD}}, token=again)
    assert answer.status_code == 422


def test_the_current_password_is_proof_enough(app, api, owner, stolen):
    answer = api.put(
        "/user",
        {
            "user": {
                "password": NEW_PASSWORD,
                "email": "jake@new.example",
                "currentPassword": PASSWORD,
            }
        },
        token=stolen,
    )
    assert answer.status_code == 200
    assert answer.json["user"]["email"] == "jake@new.example"
    assert "pendingEmail" not in answer.json["user"]
    assert can_sign_in(api, "jake@new.example", NEW_PASSWORD)
    subjects = sorted(message.subject for message in mail_to(app, OWNER))
    assert subjects == [
        "Your email address was changed on Blog",
        "Your password was changed on Blog",
    ]
    assert mail_to(app, "jake@new.example") == []


def test_a_wrong_current_password_is_refused(api, owner, stolen):
    answer = api.put(
        "/user", {"user": {"password": NEW_PASSWORD, "currentPassword": "a guess!!"}}, token=stolen
    )
    assert answer.status_code == 422
    assert answer.json == {"errors": {"currentPassword": ["is not your current password"]}}
    assert can_sign_in(api, OWNER)


def test_a_fresh_sign_in_changes_username_and_email_at_once(app, api, owner):
    """What the official suite does with the token registration gives."""
    answer = api.put("/user", {"user": {"username": "jake2", "email": "jake2@example.com"}})
    assert answer.status_code == 200
    user = answer.json["user"]
    assert (user["username"], user["email"]) == ("jake2", "jake2@example.com")
    assert "pendingEmail" not in user
    assert email_of(api, user["token"]) == "jake2@example.com"
    notice = only_mail_to(app, OWNER)
    assert "jake2@example.com" in notice.body
    link_in(notice, "email/undo")
    assert mail_to(app, "jake2@example.com") == []


def test_a_fresh_sign_in_changes_the_password_and_the_old_address_is_told(app, api, owner):
    answer = api.put("/user", {"user": {"password": NEW_PASSWORD}})
    assert answer.status_code == 200
    notice = only_mail_to(app, OWNER)
    assert "Your password was changed" in notice.subject
    assert link_in(notice, "reset-password") == "/reset-password"


def test_the_same_email_is_no_change(app, api, owner, stolen):
    answer = api.put("/user", {"user": {"email": "JAKE@example.com", "bio": "hi"}}, token=stolen)
    assert answer.status_code == 200
    assert answer.json["user"]["email"] == OWNER and "pendingEmail" not in answer.json["user"]
    assert mail_to(app, OWNER) == []


def _undoes(link: str) -> tuple[str, str]:
    _user, old_email, new_email = account_changes.change_to_undo(link.rpartition("/")[2])
    return old_email, new_email


def test_the_thief_confirms_but_the_owner_undoes_and_the_thief_is_signed_out(
    app, client, api, owner, stolen
):
    api.put("/user", {"user": {"email": THIEF}}, token=stolen)
    undo = link_in(only_mail_to(app, OWNER), "email/undo")
    confirmed = follow(app.test_client(), link_in(only_mail_to(app, THIEF), "email/confirm"))
    assert confirmed.status_code == 302
    assert email_of(api, stolen) == THIEF
    changed = [m for m in mail_to(app, OWNER) if "was changed" in m.subject]
    assert len(changed) == 1
    # The same change is undone by both links (signed maybe a second apart, so not the same text).
    assert _undoes(link_in(changed[0], "email/undo")) == _undoes(undo) == (OWNER, THIEF)

    undone = follow(client, undo)
    assert undone.status_code == 302 and undone.location == "/login"
    assert api.get("/user", token=stolen).status_code == 401  # the thief is out
    assert api.get("/user", token=api.token).status_code == 401  # everyone is
    assert can_sign_in(api, OWNER) and not can_sign_in(api, THIEF)


def test_undoing_a_change_waiting_for_confirmation_cancels_it(app, api, owner, stolen):
    api.put("/user", {"user": {"email": THIEF}}, token=stolen)
    confirm = link_in(only_mail_to(app, THIEF), "email/confirm")
    assert (
        follow(app.test_client(), link_in(only_mail_to(app, OWNER), "email/undo")).status_code
        == 302
    )
    assert api.get("/user", token=stolen).status_code == 401
    page = app.test_client().get(confirm)
    assert page.status_code == 400
    assert "This confirmation link no longer works" in page.text
    assert app.test_client().post(confirm, data={"submit": "y"}).status_code == 400
    assert can_sign_in(api, OWNER)


def test_a_confirmation_link_works_once(app, api, owner, stolen):
    api.put("/user", {"user": {"email": "jake@new.example"}}, token=stolen)
    confirm = link_in(only_mail_to(app, "jake@new.example"), "email/confirm")
    assert follow(app.test_client(), confirm).status_code == 302
    again = app.test_client().post(confirm, data={"submit": "y"})
    assert again.status_code == 400
    assert "This email address has already been confirmed." in again.text


def test_a_confirmation_link_ends_when_the_email_changes_otherwise(app, api, owner, stolen):
    api.put("/user", {"user": {"email": "jake@new.example"}}, token=stolen)
    confirm = link_in(only_mail_to(app, "jake@new.example"), "email/confirm")
    assert api.put("/user", {"user": {"email": "jake@other.example"}}).status_code == 200
    page = app.test_client().get(confirm)
    assert page.status_code == 400
    assert "This confirmation link no longer works" in page.text
    assert email_of(api, api.token) == "jake@other.example"


def test_a_confirmation_link_for_an_address_taken_meanwhile_is_409(app, api, owner, stolen):
    api.put("/user", {"user": {"email": "taken@example.com"}}, token=stolen)
    confirm = link_in(only_mail_to(app, "taken@example.com"), "email/confirm")
    api.post(
        "/users",
        {"user": {"username": "other", "email": "taken@example.com", "password": PASSWORD}},
    )
    answer = follow(app.test_client(), confirm)
    assert answer.status_code == 409
    assert "Email has already been taken" in answer.text
    assert email_of(api, api.token) == OWNER


def test_without_mail_a_change_that_needs_confirming_is_refused(database_url):
    """Production without MAIL_SERVER sends nothing: a link to confirm could never arrive."""
    with app_on(database_url, MAIL_BACKEND="dummy") as app:
        api = Api(app.test_client())
        user = factories.UserFactory(username="jake", email=OWNER)
        stolen = issue_token(user, signed_in_at=utcnow() - timedelta(hours=1))
        answer = api.put("/user", {"user": {"email": THIEF}}, token=stolen)
        assert answer.status_code == 422
        assert answer.json == {
            "errors": {"currentPassword": ["is required to change the email address"]}
        }
        assert api.get("/user", token=stolen).json["user"]["email"] == OWNER


def test_the_document_says_what_goes_beyond_the_spec(api):
    document = api.get("/openapi.json").json
    put = document["paths"]["/api/user"]["put"]
    assert "currentPassword" in put["x-extension"] and "pendingEmail" in put["x-extension"]
    schemas = document["components"]["schemas"]
    changes = schemas["UserChanges"]["properties"]["currentPassword"]
    assert changes["description"].startswith("x-extension: the current password")
    pending = schemas["UpdatedUserOut"]["properties"]["pendingEmail"]
    assert pending["description"].startswith("x-extension: present when")


def test_a_thief_who_also_reset_the_password_still_loses_to_the_undo_link(app, api, owner, stolen):
    api.put("/user", {"user": {"email": THIEF}}, token=stolen)
    undo = link_in(only_mail_to(app, OWNER), "email/undo")
    thief = app.test_client()
    follow(thief, link_in(only_mail_to(app, THIEF), "email/confirm"))
    thief.post("/reset-password", data={"email": THIEF})
    reset = [m for m in mail_to(app, THIEF) if "Choose a new password" in m.subject]
    answer = thief.post(
        link_in(reset[0], "reset-password"),
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert answer.status_code == 302 and is_signed_in(thief)
    assert not can_sign_in(api, OWNER)  # locked out, for now

    assert follow(app.test_client(), undo).status_code == 302
    assert not is_signed_in(thief)
    assert (
        email_of(
            api,
            api.post("/users/login", {"user": {"email": OWNER, "password": NEW_PASSWORD}}).json[
                "user"
            ]["token"],
        )
        == OWNER
    )
    # The address is the owner's again, so a reset link goes to the owner.
    app.test_client().post("/reset-password", data={"email": OWNER})
    assert any("Choose a new password" in m.subject for m in mail_to(app, OWNER))


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200
