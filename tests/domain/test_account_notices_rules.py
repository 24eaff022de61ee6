"""The mail an email or password change sends (blog.domain.account_notices): to whom, under which
subject, with which link, and how long the link is said to last."""

import pytest

from blog.domain import account_notices
from tests.account_mail import SITE
from tests.factories import UserFactory
from tests.helpers import app_on, sent_mail

DAY, HOUR = 86400, 3600


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def mailing(app, settings):
    """A blog of its own name, on SITE, whose links last 2 days (undo) and 3 hours (confirm),
    each with some seconds to spare that a notice leaves out."""
    settings(
        SITE_URL=SITE,
        BLOG_TITLE="Ann's Notes",
        EMAIL_UNDO_MAX_AGE=2 * DAY + 5 * HOUR,
        EMAIL_CONFIRM_MAX_AGE=3 * HOUR + 59 * 60,
    )
    with app.test_request_context():  # links are built as for a request
        yield


def only_message(app):
    messages = sent_mail(app)
    assert len(messages) == 1, [(m.to, m.subject) for m in messages]
    return messages[0]


def test_the_confirmation_goes_to_the_new_address(app, alice, mailing):
    account_notices.confirm_new_email(alice, "a@new.example", "the-token")
    message = only_message(app)
    assert message.to == ["a@new.example"]
    assert message.subject == "Confirm your new email address on Ann's Notes"
    assert message.body.startswith("Hello alice,\n")
    assert "to make a@new.example the email address of the account\nalice" in message.body
    assert "open this link within 3 hours:" in message.body
    assert f"\n{SITE}/email/confirm/the-token\n" in message.body


def test_the_request_for_a_new_address_is_told_to_the_current_one(app, alice, mailing):
    account_notices.email_change_asked(alice, "a@new.example", "the-undo-token")
    message = only_message(app)
    assert message.to == ["alice@example.com"]
    assert message.subject == "A new email address was asked for your account on Ann's Notes"
    assert message.body.startswith("Hello alice,\n")
    assert "change its email address to\na@new.example." in message.body
    assert "open this link within 2 days:" in message.body
    assert f"\n{SITE}/email/undo/the-undo-token\n" in message.body


def test_a_changed_address_is_told_to_the_old_one(app, alice, mailing):
    alice.email = "a@new.example"
    account_notices.email_changed(alice, "alice@example.com", "the-undo-token")
    message = only_message(app)
    assert message.to == ["alice@example.com"]
    assert message.subject == "Your email address was changed on Ann's Notes"
    assert message.body.startswith("Hello alice,\n")
    assert "was changed from alice@example.com to\na@new.example." in message.body
    assert "It puts alice@example.com back" in message.body
    assert "open this link within 2 days:" in message.body
    assert f"\n{SITE}/email/undo/the-undo-token\n" in message.body


def test_a_changed_password_is_told_to_the_address_given(app, alice, mailing):
    account_notices.password_changed(alice, "old@example.com")
    message = only_message(app)
    assert message.to == ["old@example.com"]
    assert message.subject == "Your password was changed on Ann's Notes"
    assert message.body.startswith("Hello alice,\n")
    assert message.body.endswith(f"sent to this address:\n\n{SITE}/reset-password")


@pytest.mark.parametrize(
    ("seconds", "days", "hours"), [(2 * DAY, 2, 48), (DAY - 1, 1, 23), (HOUR - 1, 1, 1)]
)
def test_a_links_time_is_told_in_whole_days_or_hours_and_never_as_none(
    settings, seconds, days, hours
):
    settings(EMAIL_UNDO_MAX_AGE=seconds, EMAIL_CONFIRM_MAX_AGE=seconds)
    assert account_notices._days("EMAIL_UNDO_MAX_AGE") == days
    assert account_notices._hours("EMAIL_CONFIRM_MAX_AGE") == hours


def test_a_blog_that_sends_no_mail_sends_no_notice_and_builds_no_link(database_url):
    """Production without mail has no SITE_URL, and building a link there is an error."""
    production = {"BLOG_ENV": "production", "SECRET_KEY": "no-mail-" + "k" * 40}
    with app_on(database_url, **production) as app, app.test_request_context():
        alice = UserFactory(username="alice", email="alice@example.com")
        assert account_notices.can_send() is False
        account_notices.password_changed(alice, "alice@example.com")
        account_notices.email_changed(alice, "old@example.com", "the-undo-token")
        assert sent_mail(app) == []
