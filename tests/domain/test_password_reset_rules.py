"""Password reset links (blog.domain.password_reset): signed, timed, for one account and one email
address, and good for one use."""

import time

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from blog.domain import password_reset, sessions
from blog.domain.errors import ValidationError
from blog.domain.password_reset import SALT, InvalidResetLink, make_token, user_for_token
from blog.extensions import db
from blog.models import User
from tests.factories import PASSWORD, UserFactory

NOT_VALID = "This password reset link is not valid."
USED = "This password reset link has already been used."
EXPIRED = "This password reset link has expired."
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


def refused(token: str) -> str:
    with pytest.raises(InvalidResetLink) as error:
        user_for_token(token)
    return str(error.value)


def signed(app, payload, *, salt=SALT, key=None) -> str:
    return URLSafeTimedSerializer(key or app.config["SECRET_KEY"], salt=salt).dumps(payload)


def test_an_enabled_account_is_found_by_its_email_in_any_case(alice):
    assert password_reset.account_to_reset("  ALICE@example.com ") == alice


@pytest.mark.parametrize("email", ["nobody@example.com", "", None, 5, "x" * 300, "nul\x00@x.y"])
def test_an_unknown_or_malformed_email_is_no_account_and_no_error(alice, email):
    assert password_reset.account_to_reset(email) is None


def test_a_disabled_account_gets_no_reset_link(alice):
    alice.is_disabled = True
    db.session.commit()
    assert password_reset.account_to_reset("alice@example.com") is None


def test_a_request_for_an_account_is_its_address_name_and_link(alice):
    request = password_reset.request_reset(" ALICE@example.com")
    assert (request.recipient, request.username) == ("alice@example.com", "alice")
    assert user_for_token(request.token) == alice


@pytest.mark.parametrize("email", ["NoBody@Example.com", None, 5])
def test_a_request_for_no_account_is_a_link_made_alike_for_no_one(app, alice, email):
    """As much work as a real link: a stamp (the one no account has) and the digest of the
    address, lower-cased as an account's is, signed; it goes to no one and opens nothing."""
    request = password_reset.request_reset(email)
    assert (request.recipient, request.username) == (None, "")
    digest = password_reset._email_digest(User(email=str(email)))
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT).loads(request.token)
    assert payload == [password_reset.NOBODY_STAMP, digest]
    assert refused(request.token) == NOT_VALID


def test_a_link_names_its_account(alice):
    assert user_for_token(make_token(alice)) == alice


def test_a_link_is_made_for_one_account(alice):
    bob = UserFactory(username="bob")
    assert user_for_token(make_token(bob)) == bob


def test_a_link_works_until_the_last_second_of_its_time(app, alice, monkeypatch):
    almost_an_hour_ago = int(time.time()) - app.config["PASSWORD_RESET_MAX_AGE"] + 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: almost_an_hour_ago)
    token = make_token(alice)
    monkeypatch.undo()
    assert user_for_token(token) == alice


def test_a_link_older_than_its_time_has_expired(app, alice, monkeypatch):
    an_hour_and_a_bit_ago = int(time.time()) - app.config["PASSWORD_RESET_MAX_AGE"] - 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: an_hour_and_a_bit_ago)
    token = make_token(alice)
    monkeypatch.undo()
    assert refused(token) == EXPIRED


def test_the_time_a_link_is_good_for_is_the_setting(alice, settings, monkeypatch):
    settings(PASSWORD_RESET_MAX_AGE=60)
    two_minutes_ago = int(time.time()) - 120
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: two_minutes_ago)
    token = make_token(alice)
    monkeypatch.undo()
    assert refused(token) == EXPIRED


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "é" + "x" * 20])
def test_a_garbled_link_is_not_valid(alice, token):
    assert refused(token) == NOT_VALID


def test_a_link_with_a_non_ascii_character_is_not_valid(alice):
    assert refused(make_token(alice) + "é") == NOT_VALID


def test_a_tampered_link_is_not_valid(alice):
    token = make_token(alice)
    assert refused(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) == NOT_VALID


def test_a_link_signed_with_another_key_is_not_valid(app, alice):
    digest = password_reset._email_digest(alice)
    assert refused(signed(app, [alice.password_stamp(), digest], key="another key")) == NOT_VALID


@pytest.mark.parametrize("salt", ["itsdangerous", "cookie-session", None, "default"])
def test_a_value_signed_with_the_key_for_another_purpose_is_not_a_link(app, alice, salt):
    """The reset salt keeps, say, a session cookie's signature from passing for a link."""
    digest = password_reset._email_digest(alice)
    key = app.config["SECRET_KEY"]
    serializer = (
        URLSafeTimedSerializer(key) if salt == "default" else URLSafeTimedSerializer(key, salt=salt)
    )
    assert refused(serializer.dumps([alice.password_stamp(), digest])) == NOT_VALID


@pytest.mark.parametrize("payload", ["just a string", 5, [1], [1, 2, 3], {"a": 1}, None])
def test_a_signed_value_of_another_shape_is_not_valid(app, alice, payload):
    assert refused(signed(app, payload)) == NOT_VALID


def test_a_link_for_an_account_that_is_gone_or_never_was_is_not_valid(app, alice):
    digest = password_reset._email_digest(alice)
    for session_id in (f"{alice.id + 100}:abc", "abc:def", ":", "", "-1:x"):
        assert refused(signed(app, [session_id, digest])) == NOT_VALID


def test_a_link_for_a_disabled_account_is_not_valid(alice):
    token = make_token(alice)
    alice.is_disabled = True
    db.session.commit()
    assert refused(token) == NOT_VALID


def test_a_link_for_another_accounts_email_is_not_valid(app, alice):
    bob = UserFactory(username="bob")
    assert (
        refused(signed(app, [alice.password_stamp(), password_reset._email_digest(bob)]))
        == NOT_VALID
    )


def test_changing_the_email_address_ends_the_link(alice):
    token = make_token(alice)
    alice.email = "new@example.com"
    db.session.commit()
    assert refused(token) == NOT_VALID


def test_the_email_address_is_compared_ignoring_case(alice):
    token = make_token(alice)
    alice.email = "ALICE@example.com"
    db.session.commit()
    assert user_for_token(token) == alice


def test_changing_the_password_any_other_way_ends_the_link(alice):
    token = make_token(alice)
    alice.set_password("changed elsewhere")
    db.session.commit()
    assert refused(token) == USED


def test_a_reset_sets_the_new_password_and_ends_the_link_and_older_sessions(alice):
    bystander = UserFactory(username="bystander")  # the same password hash as alice
    old_session = sessions.start(alice)
    token = make_token(alice)
    assert password_reset.reset_password(token, NEW_PASSWORD) == alice
    db.session.expire_all()
    alice = db.session.get(User, alice.id)
    assert alice.check_password(NEW_PASSWORD) and not alice.check_password(PASSWORD)
    assert sessions.user_for(old_session) is None
    assert db.session.get(User, bystander.id).check_password(PASSWORD)
    assert refused(token) == USED
    with pytest.raises(InvalidResetLink):
        password_reset.reset_password(token, "yet another password")


def test_a_bad_new_password_changes_nothing_and_the_link_still_works(alice):
    token = make_token(alice)
    with pytest.raises(ValidationError) as error:
        password_reset.reset_password(token, "short")
    assert error.value.errors == {"password": ["is too short (minimum is 8 characters)"]}
    db.session.expire_all()
    assert db.session.get(User, alice.id).check_password(PASSWORD)
    assert user_for_token(token) == alice


def test_a_bad_link_is_refused_before_the_new_password_is_looked_at(alice):
    with pytest.raises(InvalidResetLink):
        password_reset.reset_password("garbage", "short")


def test_of_two_resets_racing_with_one_link_the_second_is_told_it_was_used(alice, monkeypatch):
    """The other request changes the password between this one's checks and its UPDATE."""
    token = make_token(alice)
    real_clean = password_reset.clean_password

    def the_other_request_wins(value):
        users = User.__table__  # behind the session's back, as another process would
        db.session.execute(
            sa.update(users).where(users.c.id == alice.id).values(password_hash="changed meanwhile")
        )
        return real_clean(value)

    monkeypatch.setattr(password_reset, "clean_password", the_other_request_wins)
    with pytest.raises(InvalidResetLink) as error:
        password_reset.reset_password(token, NEW_PASSWORD)
    assert str(error.value) == USED
    db.session.expire_all()
    assert db.session.get(User, alice.id).check_password(PASSWORD)  # nothing of this one stays
