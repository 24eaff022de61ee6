import pytest

from blog.models import User
from tests.factories import PASSWORD, UserFactory


def test_register_signs_the_new_user_in(client, db):
    response = client.post(
        "/register",
        data={"username": "newbie", "email": "newbie@example.com", "password": "password123"},
    )
    assert response.status_code == 302
    assert db.session.query(User).filter_by(username="newbie").one()
    assert b"newbie" in client.get("/").data


def test_register_shows_inline_errors_and_keeps_existing_accounts(client, user, db):
    response = client.post(
        "/register",
        data={"username": "ALICE", "email": "fresh@example.com", "password": "password123"},
    )
    assert response.status_code == 422
    assert b"Username has already been taken" in response.data
    assert db.session.query(User).count() == 1


def test_double_submit_of_registration_creates_one_account(client, db):
    data = {"username": "twice", "email": "twice@example.com", "password": "password123"}
    assert client.post("/register", data=data).status_code == 302
    client.post("/logout")
    assert client.post("/register", data=data).status_code == 422
    assert db.session.query(User).filter_by(username="twice").count() == 1


@pytest.mark.parametrize("login", ["alice", "ALICE", "alice@example.com"])
def test_login_with_username_or_email(client, auth, user, login):
    response = auth.login(login)
    assert response.status_code == 302
    assert b"Sign out" in client.get("/").data


def test_wrong_password_is_a_clear_message(auth, user):
    response = auth.login("alice", "wrong password")
    assert response.status_code == 422
    assert b"Wrong email, username or password." in response.data


def test_disabled_account_cannot_sign_in(auth, db):
    UserFactory(username="mallory", is_disabled=True)
    response = auth.login("mallory")
    assert response.status_code == 422
    assert b"disabled" in response.data


def test_a_disabled_account_is_told_so_only_with_the_right_password(client, auth, db):
    UserFactory(username="mallory", is_disabled=True)
    right = auth.login("mallory")
    assert right.status_code == 422
    assert "This account has been disabled." in right.text
    assert "Wrong email, username or password." not in right.text
    wrong = auth.login("mallory", "wrong password")
    assert wrong.status_code == 422
    assert "Wrong email, username or password." in wrong.text
    assert "has been disabled" not in wrong.text
    assert "Sign out" not in client.get("/").text


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/settings", "/settings"),
        ("/posts/x?y=1", "/posts/x?y=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_only_redirects_within_the_site(client, user, next_url, expected):
    response = client.post(
        "/login", query_string={"next": next_url}, data={"login": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == expected


def test_remember_me_sets_a_long_lived_cookie(client, user):
    client.post("/login", data={"login": "alice", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_logout_is_post_only(client, auth, user):
    auth.login()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert b"Sign in" in client.get("/").data


def test_login_required_pages_send_anonymous_readers_to_login(client):
    response = client.get("/write")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
