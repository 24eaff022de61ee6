"""Rate limits: 429 with Retry-After in HTML and JSON, per address and per account."""

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.helpers import app_on


@pytest.fixture
def limited(database_url):
    with app_on(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_LOGIN="3 per minute",
        RATELIMIT_LOGIN_ACCOUNT="2 per minute",
        RATELIMIT_REGISTER="2 per minute",
        RATELIMIT_API_WRITES_ACCOUNT="2 per minute",
        RATELIMIT_PASSWORD="2 per minute",
    ) as app:
        yield app


def _login(client, login, password="wrong password", address="10.0.0.1"):
    return client.post(
        "/login",
        data={"login": login, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _api_registration(client, username: str) -> dict[str, str]:
    """Register through the API; the headers that carry the new account's token."""
    user = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    token = client.post("/api/users", json={"user": user}).json["user"]["token"]
    return {"Authorization": f"Token {token}"}


def test_login_is_limited_per_account_from_any_address(limited):
    UserFactory(username="target")
    client = limited.test_client()
    assert _login(client, "target", address="10.0.0.1").status_code == 422
    assert _login(client, "target", address="10.0.0.2").status_code == 422
    blocked = _login(client, "target", PASSWORD, address="10.0.0.3")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert b"Too many requests" in blocked.data
    assert _login(client, "someone-else", address="10.0.0.4").status_code == 422


def test_a_username_and_its_email_are_counted_apart_so_no_count_links_them(limited):
    UserFactory(username="target", email="target@example.com")
    client = limited.test_client()
    assert _login(client, "target", address="10.0.0.1").status_code == 422
    assert _login(client, "target", address="10.0.0.2").status_code == 422
    assert _login(client, "target", address="10.0.0.3").status_code == 429
    assert _login(client, "target@example.com", address="10.0.0.4").status_code == 422


def test_a_lone_surrogate_in_the_account_name_is_limited_like_any_name(limited):
    client = limited.test_client()
    body = {"user": {"email": "\ud800@example.com", "password": "wrong password"}}
    codes = [client.post("/api/users/login", json=body).status_code for _ in range(3)]
    assert codes == [422, 422, 429]


def test_login_is_limited_per_address_across_accounts(limited):
    client = limited.test_client()
    for name in ("a", "b", "c"):
        assert _login(client, name).status_code == 422
    assert _login(client, "d").status_code == 429
    assert _login(client, "d", address="10.9.9.9").status_code == 422


def test_api_login_shares_the_limit_and_answers_json(limited):
    client = limited.test_client()
    body = {"user": {"email": "x@example.com", "password": "wrong password"}}
    for _ in range(2):
        assert client.post("/api/users/login", json=body).status_code == 401
    response = client.post("/api/users/login", json=body)
    assert response.status_code == 429
    assert response.headers["Retry-After"]
    assert set(response.json) == {"errors"}


def test_registration_is_limited(limited):
    client = limited.test_client()
    for n in range(2):
        data = {"username": f"new{n}", "email": f"new{n}@example.com", "password": PASSWORD}
        assert client.post("/register", data=data).status_code == 302
        client.post("/logout")
    data = {"username": "new9", "email": "new9@example.com", "password": PASSWORD}
    assert client.post("/register", data=data).status_code == 429


def test_api_writes_are_limited_per_account(limited):
    client = limited.test_client()
    headers = _api_registration(client, "w")
    article = {"article": {"title": "t", "description": "d", "body": "b"}}
    codes = [
        client.post("/api/articles", json=article, headers=headers).status_code for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    assert client.get("/api/articles", headers=headers).status_code == 200  # reads are not limited


def test_api_profile_changes_are_limited_like_the_settings_page(limited):
    client = limited.test_client()
    headers = _api_registration(client, "p")
    codes = [
        client.put("/api/user", json={"user": {"bio": f"v{n}"}}, headers=headers).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_limits_are_off_when_disabled(app, client, user):
    for _ in range(30):
        assert _login(client, "alice").status_code == 422


def test_without_redis_pages_are_served_and_limits_fall_back(database_url):
    with app_on(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
        RATELIMIT_LOGIN="2 per minute",
    ) as app:
        client = app.test_client()
        assert client.get("/").status_code == 200
        codes = [_login(client, f"n{n}").status_code for n in range(3)]
        assert codes == [422, 422, 429]
