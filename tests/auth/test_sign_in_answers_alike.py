"""A failed sign-in answers an unknown account as it answers a wrong password: the same words,
status and headers, from the same work (the statements run and one password hash computed), on
the site's form and in the API, so neither the answer nor its time tells which accounts exist.
(A disabled account is told so only with its right password: tests/auth/test_auth.py.)"""

from __future__ import annotations

import pytest
import werkzeug.security

from tests.factories import UserFactory
from tests.helpers import app_on, csrf_token_in

VARYING_HEADERS = {"Set-Cookie", "X-Request-ID"}
WRONG = "not the password at all"
TRIES = {
    "a wrong password": ("alice", WRONG),
    "a wrong password, by email": ("alice@example.com", WRONG),
    "an unknown username": ("nobody", WRONG),
    "an unknown email": ("nobody@example.com", WRONG),
    "a disabled account's wrong password": ("gone", WRONG),
}


@pytest.fixture
def hashes(monkeypatch) -> list:
    """Every password hash computed (werkzeug's, which checking a password runs)."""
    computed = []
    internal = werkzeug.security._hash_internal

    def counting(method, salt, password):
        computed.append(method)
        return internal(method, salt, password)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    return computed


@pytest.fixture
def csrf_app(database_url):
    with app_on(database_url, WTF_CSRF_ENABLED=True) as app:
        UserFactory(username="alice", email="alice@example.com")
        UserFactory(username="gone", email="gone@example.com", is_disabled=True)
        yield app


def _headers(answer, varying=VARYING_HEADERS) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in answer.headers.items() if k not in varying)


def _site_try(app, login: str, count_statements, hashes: list):
    client = app.test_client()
    token = csrf_token_in(client.get("/login").text)
    hashes.clear()
    with count_statements() as counted:
        answer = client.post(
            "/login", data={"login": login, "password": WRONG, "csrf_token": token}
        )
    # The form shows again what was typed: its length, and the login itself, are the reader's.
    headers = _headers(answer, VARYING_HEADERS | {"Content-Length"})
    body = answer.get_data(as_text=True).replace(csrf_token_in(answer.text), "<token>")
    body = body.replace(f'value="{login}"', 'value="<login>"')
    return answer.status_code, headers, body, counted.total, len(hashes)


def _api_try(app, login: str, count_statements, hashes: list):
    email = login if "@" in login else f"{login}@example.com"
    hashes.clear()
    with count_statements() as counted:
        answer = app.test_client().post(
            "/api/users/login", json={"user": {"email": email, "password": WRONG}}
        )
    return (
        answer.status_code,
        _headers(answer),
        answer.get_data(as_text=True),
        counted.total,
        len(hashes),
    )


def test_the_site_answers_every_failed_sign_in_alike(csrf_app, count_statements, hashes):
    answers = {
        name: _site_try(csrf_app, login, count_statements, hashes)
        for name, (login, _) in TRIES.items()
    }
    first = answers["a wrong password"]
    assert first[0] == 422
    assert "Wrong email, username or password." in first[2]
    assert first[4] == 1  # one password hash, for the known account and for no account
    assert {name: answer for name, answer in answers.items() if answer != first} == {}


def test_the_api_answers_every_failed_sign_in_alike(csrf_app, count_statements, hashes):
    answers = {
        name: _api_try(csrf_app, login, count_statements, hashes)
        for name, (login, _) in TRIES.items()
    }
    first = answers["a wrong password"]
    assert first[0] == 401
    assert first[4] == 1
    assert {name: answer for name, answer in answers.items() if answer != first} == {}
