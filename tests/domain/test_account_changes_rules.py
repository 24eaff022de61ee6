"""Proof of presence and the email-change links (blog.domain.account_changes): what counts as
proof, what changes without it, and which signed payloads a link accepts."""

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from blog.domain import account_changes, sessions, users
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
from blog.domain.errors import Conflict, ValidationError
from blog.domain.sessions import sign_out_everywhere
from blog.domain.users import PASSWORD_MAX
from blog.models import utcnow
from tests.account_mail import SITE
from tests.factories import PASSWORD, UserFactory
from tests.helpers import sent_mail

NOT_VALID = re.escape("This undo link is not valid.")
NO_LONGER_WORKS = "^" + re.escape(
    "This confirmation link no longer works: since it was sent, the account's email address or "
    "password was changed, or the account was signed out everywhere."
)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.errors


def refused(call) -> str:
    with pytest.raises(InvalidEmailLink) as error:
        call()
    return str(error.value)


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
        [2**31, "a@example.com", "b@example.com"],
        [2**40, "a@example.com", "b@example.com"],
        [2**64, "a@example.com", "b@example.com"],
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
    with pytest.raises(InvalidEmailLink, match=NO_LONGER_WORKS):
        account_changes.pending_change(token)
    token = account_changes._confirmation_token(alice, "a@new.example")
    sign_out_everywhere(alice)
    with pytest.raises(InvalidEmailLink, match=NO_LONGER_WORKS):
        account_changes.pending_change(token)


# The proof's bounds


def test_a_password_of_the_longest_length_allowed_is_proof(alice, db):
    longest = "p" * PASSWORD_MAX
    alice.set_password(longest)
    db.session.commit()
    assert is_present(alice, Proof(password=longest)) is True


def test_a_sign_in_exactly_recent_sign_in_seconds_ago_still_counts(alice, settings, monkeypatch):
    settings(RECENT_SIGN_IN_SECONDS=300)
    now = utcnow()
    monkeypatch.setattr(account_changes, "utcnow", lambda: now)
    assert is_present(alice, Proof(signed_in_at=now - timedelta(seconds=300))) is True
    limit = now - timedelta(seconds=300, microseconds=1)
    assert is_present(alice, Proof(signed_in_at=limit)) is False


# Changes, and the mail they send

NEW = "a@new.example"
NEW_PASSWORD = "a new passphrase"


@pytest.fixture
def mailing(app, settings):
    settings(SITE_URL=SITE)
    with app.test_request_context():  # the links mailed are built as for a request
        yield


def mail_to(app, address) -> list[tuple[str, str]]:
    """(subject, body) of each message to ``address``."""
    return [(m.subject, m.body) for m in sent_mail(app) if m.to == [address]]


def token_in(body: str, kind: str) -> str:
    (token,) = re.findall(rf"^{re.escape(SITE)}/email/{kind}/(\S+)$", body, re.MULTILINE)
    return token


def only_mail_to(app, address) -> tuple[str, str]:
    (message,) = mail_to(app, address)
    assert message[1].startswith("Hello alice,\n")
    return message


@pytest.mark.parametrize(
    "changes",
    [{"password": NEW_PASSWORD}, {"email": NEW}, {"email": NEW, "password": NEW_PASSWORD}],
)
@pytest.mark.parametrize("proof", ["password", "recent sign-in"])
def test_with_proof_each_change_is_made_at_once_and_told_to_the_old_address(
    app, alice, mailing, changes, proof
):
    given = Proof(password=PASSWORD) if proof == "password" else Proof(signed_in_at=utcnow())
    assert account_changes.update_account(alice, changes, given) is None
    assert alice.email == changes.get("email", "alice@example.com")
    assert alice.check_password(changes.get("password", PASSWORD))
    told = dict(mail_to(app, "alice@example.com"))
    assert mail_to(app, NEW) == []
    assert set(told) == {
        subject
        for field, subject in [
            ("email", "Your email address was changed on Blog"),
            ("password", "Your password was changed on Blog"),
        ]
        if field in changes
    }
    assert all(body.startswith("Hello alice,\n") for body in told.values())
    if "email" in changes:
        undo = token_in(told["Your email address was changed on Blog"], "undo")
        assert account_changes.change_to_undo(undo) == (alice, "alice@example.com", NEW)


def test_an_email_change_waits_for_the_new_address_and_the_old_one_can_undo_it(app, alice, mailing):
    older_sign_in = sessions.start(alice)
    waits = Proof(confirm_by_mail=True)
    assert account_changes.update_account(alice, {"email": "A@New.example"}, waits) == NEW
    assert alice.email == "alice@example.com"

    subject, body = only_mail_to(app, NEW)
    assert subject == "Confirm your new email address on Blog"
    confirm = token_in(body, "confirm")
    subject, body = only_mail_to(app, "alice@example.com")
    assert subject == "A new email address was asked for your account on Blog"
    assert f"change its email address to\n{NEW}." in body
    undo = token_in(body, "undo")
    assert account_changes.change_to_undo(undo) == (alice, "alice@example.com", NEW)

    assert account_changes.confirm_email(confirm) is alice
    assert alice.email == NEW
    assert [subject for subject, _ in mail_to(app, "alice@example.com")] == [
        "A new email address was asked for your account on Blog",
        "Your email address was changed on Blog",
    ]
    refusal = refused(lambda: account_changes.pending_change(confirm))
    assert refusal == "This email address has already been confirmed."

    assert account_changes.undo_email_change(undo) is alice
    assert alice.email == "alice@example.com"
    assert sessions.user_for(older_sign_in) is None  # signed out everywhere
    assert alice.signed_out_at is not None


def test_an_undo_link_to_the_address_the_account_has_only_signs_it_out(alice, db):
    """Nothing to put back, in whatever letters the address was saved."""
    alice.email = "Alice@Example.com"
    db.session.commit()
    key = sessions.start(alice)
    undo = account_changes._undo_token(alice, "alice@example.com", NEW)
    assert account_changes.undo_email_change(undo) is alice
    assert alice.email == "Alice@Example.com"
    assert sessions.user_for(key) is None


def test_an_old_address_another_account_took_meanwhile_is_not_put_back(alice, mailing):
    account_changes.update_account(alice, {"email": NEW}, Proof(password=PASSWORD))
    undo = account_changes._undo_token(alice, "alice@example.com", NEW)
    UserFactory(username="bob", email="alice@example.com")
    with pytest.raises(Conflict) as error:
        account_changes.undo_email_change(undo)
    assert error.value.errors == {"email": ["is now used by another account"]}
    assert alice.email == NEW


def test_a_new_address_another_account_took_meanwhile_is_not_confirmed(alice):
    confirm = account_changes._confirmation_token(alice, NEW)
    UserFactory(username="bob", email=NEW)
    with pytest.raises(Conflict) as error:
        account_changes.confirm_email(confirm)
    assert error.value.errors == {"email": ["has already been taken"]}
    assert alice.email == "alice@example.com"


def test_a_new_address_taken_between_the_check_and_the_save_is_the_same_conflict(
    alice, db, monkeypatch
):
    confirm = account_changes._confirmation_token(alice, NEW)
    UserFactory(username="bob", email=NEW)
    monkeypatch.setattr(users, "_check_unique", lambda *args, **kwargs: None)  # lost the race
    with pytest.raises(Conflict) as error:
        account_changes.confirm_email(confirm)
    assert error.value.errors == {"email": ["has already been taken"]}
    assert alice.email == "alice@example.com"  # rolled back


def test_the_password_form_changes_the_password_and_tells_the_address(app, alice, mailing):
    account_changes.change_password(alice, PASSWORD, NEW_PASSWORD)
    assert alice.check_password(NEW_PASSWORD)
    subject, body = only_mail_to(app, "alice@example.com")
    assert subject == "Your password was changed on Blog"
    assert body.endswith(f"\n{SITE}/reset-password")


def test_the_password_form_needs_the_current_password(app, alice, mailing):
    call = lambda: account_changes.change_password(alice, "wrong password", NEW_PASSWORD)  # noqa: E731
    assert errors_of(call) == {"current_password": ["is not your current password"]}
    assert alice.check_password(PASSWORD) and sent_mail(app) == []


# How long links last


def signed_at(moment: int, make):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: moment)
        return make()


def test_each_link_lasts_its_own_setting(alice, settings):
    settings(EMAIL_CONFIRM_MAX_AGE=3600, EMAIL_UNDO_MAX_AGE=7200)
    now = int(time.time())
    confirm = lambda at: signed_at(at, lambda: account_changes._confirmation_token(alice, NEW))  # noqa: E731
    undo = lambda at: signed_at(  # noqa: E731
        at, lambda: account_changes._undo_token(alice, "alice@example.com", NEW)
    )
    assert account_changes.pending_change(confirm(now - 3590)) == (alice, NEW)
    expired = refused(lambda: account_changes.pending_change(confirm(now - 3610)))
    assert expired == "This confirmation link has expired."
    assert account_changes.change_to_undo(undo(now - 7190)) == (alice, "alice@example.com", NEW)
    expired = refused(lambda: account_changes.change_to_undo(undo(now - 7210)))
    assert expired == "This undo link has expired."


def test_the_largest_account_id_gets_working_links(db):
    biggest = UserFactory(id=2**31 - 1, username="biggest", email="big@example.com")
    undo = account_changes._undo_token(biggest, "big@example.com", NEW)
    assert account_changes.change_to_undo(undo) == (biggest, "big@example.com", NEW)
