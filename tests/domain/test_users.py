import pytest

from blog.domain import users
from blog.domain.errors import PermissionDenied, ValidationError
from tests.factories import PASSWORD, UserFactory


def test_register_hashes_the_password_with_a_modern_kdf(db):
    user = users.register("Alice", "Alice@Example.COM", "password123")
    assert user.password_hash.startswith(("scrypt:", "argon2"))
    assert "password123" not in user.password_hash
    assert user.email == "alice@example.com"
    assert user.username == "Alice"


@pytest.mark.parametrize(
    ("username", "email"),
    [("alice", "other@example.com"), ("ALICE", "other@example.com"), ("bob", "ALICE@example.com")],
)
def test_usernames_and_emails_are_unique_ignoring_case(db, username, email):
    users.register("Alice", "alice@example.com", "password123")
    with pytest.raises(ValidationError) as error:
        users.register(username, email, "password123")
    assert "has already been taken" in next(iter(error.value.errors.values()))


@pytest.mark.parametrize(
    ("username", "email", "password", "field"),
    [
        ("bad name", "a@example.com", "password123", "username"),
        ("a/b", "a@example.com", "password123", "username"),
        ("x" * 41, "a@example.com", "password123", "username"),
        ("good", "not-an-email", "password123", "email"),
        ("good", "a@example.com", "short", "password"),
        ("good", "a@example.com", None, "password"),
        (None, "a@example.com", "password123", "username"),
    ],
)
def test_register_rejects_bad_input(db, username, email, password, field):
    with pytest.raises(ValidationError) as error:
        users.register(username, email, password)
    assert field in error.value.errors


def test_authenticate_by_email_or_username(db):
    UserFactory(username="carol", email="carol@example.com")
    assert users.authenticate("carol", PASSWORD).username == "carol"
    assert users.authenticate("CAROL@example.com", PASSWORD).username == "carol"
    assert users.authenticate("carol", "wrong password") is None
    assert users.authenticate("nobody", PASSWORD) is None
    assert users.authenticate("car\x00ol", PASSWORD) is None


def test_a_disabled_account_cannot_sign_in(db):
    UserFactory(username="dave", is_disabled=True)
    with pytest.raises(PermissionDenied):
        users.authenticate("dave", PASSWORD)


def test_update_profile_changes_only_given_fields(db):
    user = UserFactory(username="erin", bio="old")
    users.update_profile(user, {"bio": "new bio", "image": "https://img.example/e.png"})
    assert (user.username, user.bio, user.image_url) == (
        "erin",
        "new bio",
        "https://img.example/e.png",
    )
    with pytest.raises(ValidationError):
        users.update_profile(user, {"image": "javascript:alert(1)"})
    assert user.image_url == "https://img.example/e.png"


def test_change_password_checks_the_current_one(db):
    user = UserFactory()
    with pytest.raises(ValidationError):
        users.change_password(user, "wrong", "a new password")
    users.change_password(user, PASSWORD, "a new password")
    assert user.check_password("a new password")


@pytest.mark.parametrize("login", ["nobody", "nobody@example.com"])
def test_an_unknown_account_costs_a_password_check_like_a_wrong_password(db, monkeypatch, login):
    """Without it, "no such account" answers in microseconds and a wrong password in ~100 ms:
    the time would tell which accounts exist."""
    UserFactory(username="alice")
    users.authenticate(
        "stranger", "a guess"
    )  # the first unknown account in a process makes the hash
    checked = []
    real_check = users.check_password_hash
    monkeypatch.setattr(
        users,
        "check_password_hash",
        lambda hash, given: checked.append(given) or real_check(hash, given),
    )
    assert users.authenticate(login, "a guess") is None
    assert checked == ["a guess"]
