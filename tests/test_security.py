"""Every state-changing route needs POST and a valid CSRF token; the url map is the checklist."""

import re

import pytest

from blog import create_app
from tests.helpers import csrf_token_in, sign_in_without_the_form

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _rules():
    app = create_app({"BLOG_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _path(rule) -> str:
    """The rule's path with each argument filled in: ``1`` where it must be a number."""
    numbered = re.sub(r"<int:[^>]+>", "1", rule.rule)
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "x", numbered)


STATE_CHANGING = [r for r in _rules() if r.methods & UNSAFE and not r.rule.startswith("/api/")]
API_STATE_CHANGING = [r for r in _rules() if r.methods & UNSAFE and r.rule.startswith("/api/")]


def test_there_are_state_changing_routes_to_check():
    assert len(STATE_CHANGING) >= 6


@pytest.mark.parametrize("rule", STATE_CHANGING, ids=lambda r: r.endpoint)
def test_unsafe_methods_without_a_csrf_token_are_refused(csrf_app, user, rule):
    client = csrf_app.test_client()
    sign_in_without_the_form(client, user)  # a signed-in reader, so login_required passes
    for method in sorted(rule.methods & UNSAFE):
        response = client.open(_path(rule), method=method, data={"title": "t", "body": "b"})
        assert response.status_code == 400, (rule.rule, method)
        assert b"The form expired" in response.data


@pytest.mark.parametrize("rule", API_STATE_CHANGING, ids=lambda r: f"{r.endpoint}-{r.rule}")
def test_the_api_ignores_the_session_cookie_so_needs_no_csrf_token(csrf_app, user, rule):
    """The API is exempt from CSRF because a cookie alone never authenticates it."""
    client = csrf_app.test_client()
    sign_in_without_the_form(client, user)
    for method in sorted(rule.methods & UNSAFE):
        path = _path(rule).replace("/x/comments/x", "/x/comments/1")
        response = client.open(path, method=method, json={})
        if rule.endpoint in ("api.register", "api.login"):
            assert response.status_code == 422, (rule.rule, method)
        else:
            assert response.status_code == 401, (rule.rule, method)
            assert response.json == {"errors": {"token": ["is missing"]}}


@pytest.mark.parametrize("rule", STATE_CHANGING, ids=lambda r: r.endpoint)
def test_state_changing_routes_do_not_change_state_on_get(rule):
    """A route that takes POST either refuses GET or only shows its form on GET."""
    if "GET" in rule.methods and rule.endpoint.startswith("admin_"):
        # Flask-Admin's form pages, the site settings' form, and the archive's page (its POST
        # downloads the archive, changing nothing)
        endpoints = (".create_view", ".edit_view", "admin_settings.index", "admin_archive.index")
        assert rule.endpoint.endswith(endpoints)
    elif "GET" in rule.methods:
        assert rule.endpoint in {
            "auth.login",
            "auth.register",
            "auth.forgot_password",
            "auth.reset_password",
            "auth.sign_in_code",
            "security.two_factor_setup",
            "posts.new",
            "posts.edit",
            "pages.new",
            "pages.edit",
            "users.settings",
            "account.confirm_email",  # a page with a button: mail scanners open links
            "account.undo_email_change",
        }
    else:
        assert rule.methods & UNSAFE


def test_forms_carry_a_csrf_token_and_a_valid_token_is_accepted(csrf_app, db):
    client = csrf_app.test_client()
    page = client.get("/register").data.decode()
    token = csrf_token_in(page)
    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "username": "ok",
            "email": "ok@example.com",
            "password": "password123",
        },
    )
    assert response.status_code == 302


def test_sign_out_form_has_a_token(csrf_app, user):
    client = csrf_app.test_client()
    sign_in_without_the_form(client, user)
    page = client.get("/").data.decode()
    assert re.search(
        r'action="/logout" method="post"[^>]*>\s*<input type="hidden" name="csrf_token"', page
    )
