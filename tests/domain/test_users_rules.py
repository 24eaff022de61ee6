"""Account rules (blog.domain.users): what a username, email, password and avatar may be, who is
who at sign-in, and what a profile change, a password change and the admin flags do."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from blog.domain import sessions, users
from blog.domain.errors import AuthenticationFailed, Conflict, PermissionDenied, ValidationError
from blog.extensions import db
from blog.models import User
from blog.models import user as user_model
from blog.models.user import BIO_MAX, EMAIL_MAX, IMAGE_URL_MAX, USERNAME_MAX
from tests.factories import PASSWORD, UserFactory


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.errors


def reloaded(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


@pytest.fixture
def count_password_checks(monkeypatch):
    checked: list[str] = []
    real_check = users.check_password_hash

    def check(hash_, given):
        checked.append(given)
        return real_check(hash_, given)

    monkeypatch.setattr(users, "check_password_hash", check)  # unknown accounts
    monkeypatch.setattr(user_model, "check_password_hash", check)  # known ones
    return checked


# Usernames, emails, passwords, avatars


@pytest.mark.parametrize("name", ["alice", "A_b-9", "x" * USERNAME_MAX])
def test_a_username_is_letters_digits_hyphens_and_underscores(name):
    assert users.clean_username(f"  {name} ") == name


@pytest.mark.parametrize("name", ["al ice", "a.b", "ünï", "a@b"])
def test_a_username_with_anything_else_is_refused_with_the_rule(name):
    assert errors_of(lambda: users.clean_username(name)) == {
        "username": ["may contain only letters, digits, hyphens and underscores"]
    }


def test_a_username_is_at_most_the_column_length():
    assert errors_of(lambda: users.clean_username("x" * (USERNAME_MAX + 1))) == {
        "username": [f"is too long (maximum is {USERNAME_MAX} characters)"]
    }


def test_an_email_is_normalised_to_lower_case():
    assert users.clean_email("  Alice@Example.COM ") == "alice@example.com"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not-an-email", "is invalid"),
        ("a@b", "is invalid"),
        ("", "can't be blank"),
        ("x" * EMAIL_MAX + "@example.com", f"is too long (maximum is {EMAIL_MAX} characters)"),
    ],
)
def test_a_bad_email_is_an_error_on_the_email_field(value, message):
    assert errors_of(lambda: users.clean_email(value)) == {"email": [message]}


def test_a_password_is_kept_as_typed_spaces_included():
    assert users.clean_password("  eight ch  ") == "  eight ch  "


def test_a_password_has_at_least_eight_characters():
    assert users.clean_password("x" * users.PASSWORD_MIN) == "x" * 8
    assert errors_of(lambda: users.clean_password("x" * 7)) == {
        "password": ["is too short (minimum is 8 characters)"]
    }


def test_a_password_has_at_most_256_characters():
    assert users.clean_password("x" * users.PASSWORD_MAX) == "x" * 256
    assert errors_of(lambda: users.clean_password("x" * 257)) == {
        "password": ["is too long (maximum is 256 characters)"]
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "can't be blank"),
        ("", "can't be blank"),
        (12345678, "must be a string"),
        (["password"], "must be a string"),
        ("long enough\x00", "contains characters that are not allowed"),
        ("long enough\udc00", "contains characters that are not allowed"),
    ],
)
def test_a_password_that_is_not_one_is_an_error_on_its_own_field(value, message):
    assert errors_of(lambda: users.clean_password(value, "new_password")) == {
        "new_password": [message]
    }


def test_a_password_may_hold_other_control_characters():
    assert users.clean_password("tab\there ok") == "tab\there ok"


@pytest.mark.parametrize(
    "url", ["https://img.example/a.png", "http://img.example/a", "HTTPS://IMG.EXAMPLE/A.PNG"]
)
def test_an_avatar_is_an_http_or_https_url(url):
    assert users.clean_image_url(f" {url} ") == url


@pytest.mark.parametrize("url", ["", "   ", None])
def test_no_avatar_is_none(url):
    assert users.clean_image_url(url) is None


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://img.example/a", "https://", "https:// x", "//img.example"]
)
def test_any_other_avatar_is_refused(url):
    assert errors_of(lambda: users.clean_image_url(url)) == {
        "image": ["must be an http or https URL"]
    }


def test_an_avatar_url_is_at_most_the_column_length():
    url = "https://img.example/" + "a" * IMAGE_URL_MAX
    assert errors_of(lambda: users.clean_image_url(url)) == {
        "image": [f"is too long (maximum is {IMAGE_URL_MAX} characters)"]
    }


# Registration


def test_a_new_account_has_an_empty_bio_and_no_admin_rights(db):
    user = reloaded(users.register("newbie", "newbie@example.com", "password123"))
    assert (user.bio, user.image_url, user.is_admin, user.is_disabled) == ("", None, False, False)
    assert user.check_password("password123")


def test_registration_reports_every_bad_field_at_once(db):
    assert errors_of(lambda: users.register("bad name", "nope", "short")) == {
        "username": ["may contain only letters, digits, hyphens and underscores"],
        "email": ["is invalid"],
        "password": ["is too short (minimum is 8 characters)"],
    }


@pytest.mark.parametrize(
    ("username", "email", "taken"),
    [
        ("ALICE", "other@example.com", {"username": ["has already been taken"]}),
        ("other", "Alice@Example.com", {"email": ["has already been taken"]}),
        (
            "alice",
            "alice@example.com",
            {"username": ["has already been taken"], "email": ["has already been taken"]},
        ),
    ],
)
def test_a_taken_username_or_email_is_a_conflict_naming_each_field(
    db, user, username, email, taken
):
    with pytest.raises(Conflict) as error:
        users.register(username, email, "password123")
    assert error.value.errors == taken
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_losing_a_race_for_a_username_is_the_same_conflict(db, user, monkeypatch):
    """Two registrations at once both pass the check; the database's unique index stops the
    second, which gets the answer the check would have given."""
    monkeypatch.setattr(users, "_check_unique", lambda *args, **kwargs: None)
    with pytest.raises(Conflict) as error:
        users.register("Alice", "other@example.com", "password123")
    assert error.value.errors == {"username": ["has already been taken"]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


# Signing in


def test_sign_in_finds_the_account_by_username_or_email_ignoring_case(db):
    carol = UserFactory(username="Carol", email="carol@example.com")
    assert users.authenticate("carol", PASSWORD) == carol
    assert users.authenticate("  CAROL@EXAMPLE.COM ", PASSWORD) == carol


def test_a_login_with_an_at_sign_is_only_ever_an_email(db):
    UserFactory(username="carol", email="carol@example.com")
    assert users.authenticate("carol@", PASSWORD) is None


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("carol", 12345678),
        ("carol", None),
        (None, PASSWORD),
        (["carol"], PASSWORD),
        ("carol", ""),
        ("", PASSWORD),
        ("carol", "with\x00nul"),
        ("x" * (EMAIL_MAX + 1), PASSWORD),
        ("carol", "x" * (users.PASSWORD_MAX + 1)),  # longer than any account's password
    ],
)
def test_missing_or_malformed_credentials_match_no_one_and_cost_no_hash(
    db, count_password_checks, login, password
):
    UserFactory(username="carol")
    assert users.authenticate(login, password) is None
    assert count_password_checks == []


def test_a_password_of_the_longest_length_allowed_signs_in(db):
    longest = "p" * users.PASSWORD_MAX
    UserFactory(username="carol").set_password(longest)
    assert users.authenticate("carol", longest).username == "carol"


def test_a_wrong_password_is_none_even_for_a_disabled_account(db):
    UserFactory(username="dave", is_disabled=True)
    assert users.authenticate("dave", "wrong password") is None


def test_a_disabled_account_with_the_right_password_is_told_so(db):
    UserFactory(username="dave", is_disabled=True)
    with pytest.raises(PermissionDenied) as error:
        users.authenticate("dave", PASSWORD)
    assert str(error.value) == "This account has been disabled."
    assert error.value.subject == "account"


def test_login_wants_both_fields_and_names_each_missing_one(db):
    assert errors_of(lambda: users.login("", None)) == {
        "email": ["can't be blank"],
        "password": ["can't be blank"],
    }


def test_login_with_a_wrong_pair_fails_without_saying_which_part(db):
    UserFactory(username="carol", email="carol@example.com")
    for email, password in (("carol@example.com", "wrong password"), ("no@example.com", PASSWORD)):
        with pytest.raises(AuthenticationFailed) as error:
            users.login(email, password)
        assert str(error.value) == "Wrong email or password."


def test_login_with_the_right_pair_is_the_account(db):
    carol = UserFactory(username="carol", email="carol@example.com")
    assert users.login("carol@example.com", PASSWORD) == carol


# Profile and password


def test_a_profile_change_applies_every_given_field(db):
    user = UserFactory(username="erin", email="erin@example.com", bio="old")
    users.update_profile(
        user,
        {
            "username": "Erin2",
            "email": "ERIN2@example.com",
            "bio": "\n\n  line one\nline two  \n",
            "image": "https://img.example/e.png",
            "password": "a new password",
        },
    )
    user = reloaded(user)
    assert (user.username, user.email, user.bio, user.image_url) == (
        "Erin2",
        "erin2@example.com",
        "  line one\nline two",
        "https://img.example/e.png",
    )
    assert user.check_password("a new password")


def test_a_profile_change_leaves_fields_not_given_alone(db):
    user = UserFactory(username="erin", email="erin@example.com", bio="old")
    users.update_profile(user, {"bio": "new"})
    user = reloaded(user)
    assert (user.username, user.email, user.bio) == ("erin", "erin@example.com", "new")
    assert user.check_password(PASSWORD)


def test_the_bio_and_the_avatar_may_be_emptied(db):
    user = UserFactory(bio="old", image_url="https://img.example/e.png")
    users.update_profile(user, {"bio": "   ", "image": ""})
    user = reloaded(user)
    assert (user.bio, user.image_url) == ("", None)


def test_a_bio_is_at_most_its_length_and_refuses_control_characters(db):
    user = UserFactory(bio="old")
    assert errors_of(lambda: users.update_profile(user, {"bio": "x" * (BIO_MAX + 1)})) == {
        "bio": [f"is too long (maximum is {BIO_MAX} characters)"]
    }
    assert errors_of(lambda: users.update_profile(user, {"bio": "a\x00b"})) == {
        "bio": ["contains characters that are not allowed"]
    }
    assert reloaded(user).bio == "old"


def test_a_profile_change_reports_every_bad_field_and_changes_nothing(db):
    user = UserFactory(username="erin", bio="old")
    errors = errors_of(
        lambda: users.update_profile(
            user, {"username": "no spaces please", "image": "ftp://x", "password": "short"}
        )
    )
    assert errors == {
        "username": ["may contain only letters, digits, hyphens and underscores"],
        "image": ["must be an http or https URL"],
        "password": ["is too short (minimum is 8 characters)"],
    }
    assert reloaded(user).username == "erin"


def test_keeping_your_own_username_and_email_is_no_conflict(db):
    user = UserFactory(username="erin", email="erin@example.com")
    users.update_profile(user, {"username": "ERIN", "email": "Erin@Example.com"})
    assert reloaded(user).username == "ERIN"


@pytest.mark.parametrize(
    ("changes", "taken"),
    [
        ({"username": "ALICE"}, {"username": ["has already been taken"]}),
        ({"email": "alice@EXAMPLE.com"}, {"email": ["has already been taken"]}),
        (
            {"username": "alice", "email": "alice@example.com"},
            {"username": ["has already been taken"], "email": ["has already been taken"]},
        ),
    ],
)
def test_taking_someone_elses_username_or_email_is_a_conflict(db, user, changes, taken):
    erin = UserFactory(username="erin", email="erin@example.com")
    with pytest.raises(Conflict) as error:
        users.update_profile(erin, changes)
    assert error.value.errors == taken
    erin = reloaded(erin)
    assert (erin.username, erin.email) == ("erin", "erin@example.com")


def test_a_password_change_needs_the_current_password(db):
    user = UserFactory()
    for current in ("wrong", None, 12345678):
        assert errors_of(
            lambda current=current: users.change_password(user, current, "new one!")
        ) == {"current_password": ["is not your current password"]}
    assert reloaded(user).check_password(PASSWORD)


def test_a_new_password_is_checked_like_any_password_on_its_own_field(db):
    user = UserFactory()
    assert errors_of(lambda: users.change_password(user, PASSWORD, "short")) == {
        "new_password": ["is too short (minimum is 8 characters)"]
    }
    assert reloaded(user).check_password(PASSWORD)


def test_a_password_change_replaces_the_password_and_ends_older_sessions(db):
    user = UserFactory()
    session_id = sessions.start(user)
    users.change_password(user, PASSWORD, "a new password")
    user = reloaded(user)
    assert user.check_password("a new password") and not user.check_password(PASSWORD)
    assert sessions.user_for(session_id) is None


# Admin rights and disabled accounts


def test_an_admin_gives_and_removes_admin_rights(db):
    admin, other = UserFactory(is_admin=True), UserFactory()
    users.set_admin(other, True, admin)
    assert reloaded(other).is_admin is True
    users.set_admin(other, False, admin)
    assert reloaded(other).is_admin is False


def test_an_admin_cannot_remove_their_own_rights_but_may_confirm_them(db):
    admin = UserFactory(is_admin=True)
    with pytest.raises(PermissionDenied) as error:
        users.set_admin(admin, False, admin)
    assert str(error.value) == "You can't remove your own admin rights."
    users.set_admin(admin, True, admin)
    assert reloaded(admin).is_admin is True


def test_an_admin_disables_and_enables_an_account(db):
    admin, other = UserFactory(is_admin=True), UserFactory()
    users.set_disabled(other, True, admin)
    assert reloaded(other).is_disabled is True
    assert reloaded(other).is_active is False
    users.set_disabled(other, False, admin)
    assert reloaded(other).is_disabled is False


def test_an_admin_cannot_disable_their_own_account(db):
    admin = UserFactory(is_admin=True)
    with pytest.raises(PermissionDenied) as error:
        users.set_disabled(admin, True, admin)
    assert str(error.value) == "You can't disable your own account."
    assert reloaded(admin).is_disabled is False
    users.set_disabled(admin, False, admin)
    assert reloaded(admin).is_disabled is False


def test_the_acting_admin_is_told_apart_by_id_not_by_identity(db):
    admin = UserFactory(is_admin=True)
    same_account = SimpleNamespace(id=admin.id)
    with pytest.raises(PermissionDenied):
        users.set_disabled(admin, True, same_account)
