import warnings
from datetime import timedelta

import jwt
import pytest

from blog.api.tokens import issue_token
from blog.models import User
from tests.factories import PASSWORD, UserFactory


def test_token_works_and_is_signed_with_a_derived_key(app, signed_up):
    assert signed_up.get("/user").json["user"]["username"] == "jake"
    claims = jwt.decode(signed_up.token, options={"verify_signature": False})
    assert claims["sub"].isdigit()
    with warnings.catch_warnings(), pytest.raises(jwt.InvalidSignatureError):
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        jwt.decode(signed_up.token, app.config["SECRET_KEY"], algorithms=["HS256"])


@pytest.mark.parametrize(
    "header",
    ["Token", "Token not-a-jwt", "Basic abc", "Token eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."],
)
def test_bad_tokens_are_401_invalid(api, db, header):
    response = api.client.get("/api/user", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json == {"errors": {"token": ["is invalid"]}}


def test_expired_token_is_refused(settings, api, db):
    settings(API_TOKEN_DAYS=-1)
    token = api.sign_up("old")
    settings(API_TOKEN_DAYS=30)
    assert api.get("/user", token=token).status_code == 401


def test_token_days_setting_sets_the_expiry(app, signed_up):
    claims = jwt.decode(signed_up.token, options={"verify_signature": False})
    assert timedelta(seconds=claims["exp"] - claims["iat"]) > timedelta(days=29)


def test_password_change_ends_older_tokens_but_not_the_one_that_made_it(api, db):
    first = api.sign_up("kim")
    other_device = api.post(
        "/users/login", {"user": {"email": "kim@example.com", "password": PASSWORD}}
    ).json["user"]["token"]
    response = api.put("/user", {"user": {"password": "a brand new password"}}, token=first)
    assert response.status_code == 200
    assert api.get("/user", token=first).status_code == 200
    assert api.get("/user", token=response.json["user"]["token"]).status_code == 200
    assert api.get("/user", token=other_device).status_code == 401


def test_password_change_on_the_site_ends_every_token(client, auth, api, db):
    token = api.sign_up("lee")
    auth.login("lee")
    client.post(
        "/settings",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": "another new password",
            "password-change_password": "Change password",
        },
    )
    assert api.get("/user", token=token).status_code == 401


def test_disabled_accounts_cannot_use_the_api(api, db):
    token = api.sign_up("gone")
    user = db.session.query(User).filter_by(username="gone").one()
    user.is_disabled = True
    db.session.commit()
    assert api.get("/user", token=token).status_code == 401
    login = api.post("/users/login", {"user": {"email": "gone@example.com", "password": PASSWORD}})
    assert login.status_code == 403


def test_a_disabled_account_is_told_so_only_with_the_right_password(api, db):
    UserFactory(username="gone", email="gone@example.com", is_disabled=True)
    right = api.post("/users/login", {"user": {"email": "gone@example.com", "password": PASSWORD}})
    assert right.status_code == 403
    assert right.json == {"errors": {"account": ["has been disabled"]}}
    wrong = api.post(
        "/users/login", {"user": {"email": "gone@example.com", "password": "wrong password"}}
    )
    assert wrong.status_code == 401
    assert wrong.json == {"errors": {"credentials": ["invalid"]}}


def test_wrong_password_is_401_credentials_invalid(api, db):
    UserFactory(username="max", email="max@example.com")
    response = api.post(
        "/users/login", {"user": {"email": "max@example.com", "password": "nope!!!!"}}
    )
    assert response.status_code == 401
    assert response.json == {"errors": {"credentials": ["invalid"]}}


def test_tokens_of_deleted_users_are_refused(api, db):
    token = api.sign_up("temp")
    db.session.query(User).filter_by(username="temp").delete()
    db.session.commit()
    assert api.get("/user", token=token).status_code == 401


@pytest.mark.parametrize("subject", [10**20, 2**31, 2**63, 0, -1])
def test_a_well_signed_token_naming_an_id_out_of_range_is_401_invalid(api, db, subject):
    """The signature is good, so only the lookup stands between it and the database, which
    (PostgreSQL) refuses an id beyond its integer range."""
    token = issue_token(User(id=subject))
    response = api.get("/user", token=token)
    assert response.status_code == 401
    assert response.json == {"errors": {"token": ["is invalid"]}}
