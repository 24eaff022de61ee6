"""Sign-ins kept on the server (blog.domain.sessions): what a key signs in, for how long, and what
ends it."""

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blog.domain import sessions
from blog.extensions import db
from blog.models import SignIn, User, utcnow
from tests.factories import UserFactory

DAY = timedelta(days=1)


@pytest.fixture
def ann(db):
    return UserFactory(username="ann")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


def rows() -> list[SignIn]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SignIn).order_by(SignIn.id)))


def age(by: timedelta) -> None:
    """As if ``by`` had passed since every account and sign-in was written."""
    for user in db.session.scalars(sa.select(User)):
        user.created_at -= by
        user.password_changed_at -= by
        if user.signed_out_at is not None:
            user.signed_out_at -= by
    for row in db.session.scalars(sa.select(SignIn)):
        row.created_at -= by
        row.expires_at -= by
    db.session.commit()


def test_a_sign_in_is_a_random_key_of_which_only_the_hash_is_kept(ann):
    before = utcnow()
    first, second = sessions.start(ann), sessions.start(ann)
    assert first != second and len(first) == len(second) == 43  # 32 bytes, base64
    assert [r.key_hash for r in rows()] == [
        hashlib.sha256(key.encode()).hexdigest() for key in (first, second)
    ]
    row = rows()[0]
    assert row.user_id == ann.id and before <= row.created_at <= utcnow()


@pytest.mark.parametrize("remember", [False, True])
def test_a_sign_in_lasts_its_lifetime(app, ann, settings, remember):
    settings(REMEMBER_COOKIE_DURATION=3 * 86400, PERMANENT_SESSION_LIFETIME=2 * 3600)
    lifetime = timedelta(days=3) if remember else timedelta(hours=2)
    assert sessions.lifetime(remember) == lifetime
    key = sessions.start(ann, remember)
    row = rows()[0]
    assert row.remembered is remember and sessions.was_remembered(key) is remember
    assert row.expires_at - row.created_at == lifetime
    age(lifetime - timedelta(seconds=5))
    assert sessions.user_for(key) is ann
    age(timedelta(seconds=5))
    assert sessions.user_for(key) is None


def test_a_remember_duration_given_as_a_timedelta_is_taken_as_it_is(app, settings):
    settings(REMEMBER_COOKIE_DURATION=timedelta(hours=5))
    assert sessions.lifetime(True) == timedelta(hours=5)


def test_a_key_signs_in_its_own_account_only(ann, bob):
    ann_key, bob_key = sessions.start(ann), sessions.start(bob)
    assert sessions.user_for(ann_key) is ann and sessions.user_for(bob_key) is bob
    assert sessions.user_for(ann_key[:-1]) is None
    assert sessions.user_for("") is None
    assert sessions.user_for(hashlib.sha256(ann_key.encode()).hexdigest()) is None
    assert sessions.was_remembered("no such key") is False


def test_ending_a_sign_in_ends_only_it(ann):
    leaving, staying = sessions.start(ann), sessions.start(ann)
    sessions.end(leaving, "", "no such key")
    assert sessions.user_for(leaving) is None and sessions.user_for(staying) is ann
    assert len(rows()) == 1
    sessions.end()
    assert len(rows()) == 1


def test_a_password_change_ends_every_sign_in_from_before_it(ann):
    older = sessions.start(ann)
    ann.set_password("a new password")
    db.session.commit()
    newer = sessions.start(ann)
    assert sessions.user_for(older) is None and sessions.user_for(newer) is ann


def test_a_sign_in_made_the_moment_sessions_were_ended_lives(ann):
    """As an API token issued that moment does: "before" is strictly before."""
    key = sessions.start(ann)
    row = rows()[0]
    ann.password_changed_at = ann.signed_out_at = row.created_at
    db.session.commit()
    assert sessions.user_for(key) is ann
    assert sessions.prune() == 0


def test_a_disabled_account_is_signed_in_by_no_key(ann):
    key = sessions.start(ann)
    ann.is_disabled = True
    db.session.commit()
    assert sessions.user_for(key) is None


def test_sign_out_everywhere_ends_the_accounts_sign_ins_and_tokens_only(ann, bob):
    ann_keys, bob_key = [sessions.start(ann), sessions.start(ann, True)], sessions.start(bob)
    ann.kept_token_id = "kept"
    db.session.commit()
    before = utcnow()
    sessions.sign_out_everywhere(ann)
    assert [r.user_id for r in rows()] == [bob.id]
    assert all(sessions.user_for(key) is None for key in ann_keys)
    assert sessions.user_for(bob_key) is bob
    assert ann.kept_token_id is None and before <= ann.signed_out_at <= utcnow()
    assert ann.sessions_ended_at == ann.signed_out_at
    assert sessions.user_for(sessions.start(ann)) is ann  # signing in again works


def test_the_later_of_a_password_change_and_a_sign_out_ends_sessions(ann):
    assert ann.signed_out_at is None and ann.sessions_ended_at == ann.password_changed_at
    ann.signed_out_at = ann.password_changed_at - DAY
    assert ann.sessions_ended_at == ann.password_changed_at
    ann.signed_out_at = ann.password_changed_at + DAY
    assert ann.sessions_ended_at == ann.signed_out_at


def test_a_sign_in_written_after_sign_out_everywhere_but_started_before_is_ended(ann):
    age(2 * DAY)
    sessions.sign_out_everywhere(ann)
    key = sessions.start(ann)
    db.session.execute(
        sa.update(SignIn).values(created_at=ann.signed_out_at - timedelta(seconds=1))
    )
    db.session.commit()
    assert sessions.user_for(key) is None


def test_signing_in_deletes_the_accounts_ended_sign_ins_only(ann, bob):
    sessions.start(ann), sessions.start(bob)
    age(2 * DAY)  # both have expired
    remembered = sessions.start(ann, remember=True)  # a month: still alive below
    ann.set_password("a new password")  # ends the remembered one
    db.session.commit()
    kept = sessions.start(ann)
    assert [r.user_id for r in rows()] == [bob.id, ann.id]
    assert sessions.user_for(kept) is ann and sessions.user_for(remembered) is None


def test_pruning_deletes_every_ended_sign_in_and_counts_them(ann, bob):
    carol, dave = UserFactory(username="carol"), UserFactory(username="dave")
    expired = sessions.start(dave)  # dave signs in no more: only pruning deletes it
    age(2 * DAY)
    before_the_change = sessions.start(ann, remember=True)
    ann.set_password("a new password")
    raced = sessions.start(carol, remember=True)
    carol.signed_out_at = utcnow() + timedelta(seconds=1)  # as if it lost the race
    db.session.commit()
    live = sessions.start(bob, remember=True)
    assert sessions.prune() == 3
    assert [r.user_id for r in rows()] == [bob.id]
    assert sessions.user_for(live) is bob
    assert all(sessions.user_for(k) is None for k in (expired, before_the_change, raced))
    assert sessions.prune() == 0


def test_a_sign_in_has_ended_at_the_instant_it_expires(ann, monkeypatch):
    """``expires_at`` is the first instant it no longer signs in, and pruning deletes it then."""
    key = sessions.start(ann)
    row = rows()[0]
    expiry = row.expires_at
    monkeypatch.setattr(sessions, "utcnow", lambda: expiry - timedelta(microseconds=1))
    assert sessions.user_for(key) is ann and sessions.prune() == 0
    monkeypatch.setattr(sessions, "utcnow", lambda: expiry)
    assert sessions.user_for(key) is None
    assert sessions.prune() == 1 and rows() == []
