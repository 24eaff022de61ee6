"""Proof of presence and the email-change links (blog.domain.account_changes): what counts as
proof, what changes without it, and which signed payloads a link accepts."""

import re
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from blog.domain import account_changes
from blog.domain.account_changes import (
    CONFIRM_SALT,
    EMAIL_NEEDS_PROOF,
    PASSWORD_NEEDS_PROOF,
    UNDO_SALT,
    WRONG_PASSWORD,
    InvalidEmailLink,
    Proof,
    is_present,
)
from blog.domain.errors import ValidationError
from blog.domain.sessions import sign_out_everywhere
from blog.domain.users import PASSWORD_MAX
from blog.models import utcnow
from tests.factories import PASSWORD, UserFactory

NOT_VALID = re.escape("This undo link is not valid.")


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.errors


def ago(seconds: float):
    return utcnow() - timedelta(seconds=seconds)


def test_the_right_password_is_proof(alice):
    assert is_present(alice, Proof(password=PASSWORD)) is True


@pytest.mark.parametrize("given", ["wrong password", 12345678, ["x"], "x" * (PASSWORD_MAX + 1)])
def test_a_wrong_password_is_an_error_named_for_the_field(alice, given):
    proof = Proof(password=given, field="currentPassword")
    assert errors_of(lambda: is_present(alice, proof)) == {"currentPassword": [WRONG_PASSWORD]}


@pytest.mark.parametrize("given", [None, ""])
def test_no_password_and_no_sign_in_is_no_proof(alice, given):
    assert is_present(alice, Proof(password=given)) is False


def test_a_sign_in_counts_for_recent_sign_in_seconds(alice, settings):
    settings(RECENT_SIGN_IN_SECONDS=300)
    assert is_present(alice, Proof(signed_in_at=ago(290))) is True
    assert is_present(alice, Proof(signed_in_at=ago(310))) is False
    settings(RECENT_SIGN_IN_SECONDS=400)
    assert is_present(alice, Proof(signed_in_at=ago(310))) is True


def test_a_wrong_password_beats_a_recent_sign_in(alice):
    proof = Proof(password="wrong password", signed_in_at=utcnow())
    assert errors_of(lambda: is_present(alice, proof)) == {"current_password": [WRONG_PASSWORD]}


def test_without_proof_a_password_change_is_refused(alice):
    call = lambda: account_changes.update_account(alice, {"password": "new password"}, Proof())  # noqa: E731
    assert errors_of(call) == {"current_password": [PASSWORD_NEEDS_PROOF]}
    assert alice.check_password(PASSWORD)


def test_without_proof_an_email_change_is_refused_unless_it_may_wait(app, alice):
    call = lambda: account_changes.update_account(alice, {"email": "a@new.example"}, Proof())  # noqa: E731
    assert errors_of(call) == {"current_password": [EMAIL_NEEDS_PROOF]}
    waits = Proof(confirm_by_mail=True)
    with app.test_request_context():  # the links mailed are built for a request
        pending = account_changes.update_account(alice, {"email": "A@New.example"}, waits)
    assert pending == "a@new.example"
    assert alice.email == "alice@example.com"


def test_field_errors_come_before_proof(alice):
    call = lambda: account_changes.update_account(alice, {"password": "short"}, Proof())  # noqa: E731
    assert errors_of(call) == {"password": ["is too short (minimum is 8 characters)"]}


def test_what_needs_no_proof_is_saved_without_it(alice):
    changes = {"bio": "hello", "email": "ALICE@example.com"}
    assert account_changes.update_account(alice, changes, Proof()) is None
    assert alice.bio == "hello" and alice.email == "alice@example.com"


def signed(app, payload, salt) -> str:
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt).dumps(payload)


@pytest.mark.parametrize(
    "payload",
    [
        [],
        ["1", "a@example.com", "b@example.com"],
        [1, "a@example.com"],
        [1, None, "b@example.com"],
        [0, "a@example.com", "b@example.com"],
        [2**40, "a@example.com", "b@example.com"],
        [999, "a@example.com", "b@example.com"],
        {"id": 1},
    ],
)
def test_an_undo_link_needs_an_account_and_two_addresses(app, alice, payload):
    with pytest.raises(InvalidEmailLink, match=NOT_VALID):
        account_changes.change_to_undo(signed(app, payload, UNDO_SALT))


def test_an_undo_link_is_signed_with_its_own_salt(app, alice):
    token = signed(app, [alice.id, "alice@example.com", "b@example.com"], CONFIRM_SALT)
    with pytest.raises(InvalidEmailLink, match=NOT_VALID):
        account_changes.change_to_undo(token)
    assert account_changes.change_to_undo(
        signed(app, [alice.id, "alice@example.com", "b@example.com"], UNDO_SALT)
    ) == (alice, "alice@example.com", "b@example.com")


def test_a_confirmation_link_ends_with_a_password_change_or_signing_out_everywhere(app, alice, db):
    token = account_changes._confirmation_token(alice, "a@new.example")
    assert account_changes.pending_change(token) == (alice, "a@new.example")
    alice.set_password("another password")
    db.session.commit()
    with pytest.raises(InvalidEmailLink, match="no longer works"):
        account_changes.pending_change(token)
    token = account_changes._confirmation_token(alice, "a@new.example")
    sign_out_everywhere(alice)
    with pytest.raises(InvalidEmailLink, match="no longer works"):
        account_changes.pending_change(token)
