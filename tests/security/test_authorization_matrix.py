"""Every route of the URL map against every role, as :data:`tests.security.table.TABLE` declares.

A route added without an entry in the table fails :func:`test_every_route_is_in_the_table`,
and an entry left for a route that is gone fails it too. Each cell is a test of its own, named
``<endpoint>-<method>-<role>`` (``posts.edit-POST-another_user``).
"""

from __future__ import annotations

import pytest

from blog import create_app
from tests.security import cells
from tests.security.content import ANONYMOUS, DISABLED, ROLES
from tests.security.table import STATIC_ENDPOINTS, TABLE

IGNORED_METHODS = {"HEAD", "OPTIONS"}
"""Answered by Flask itself for every route: HEAD as GET, OPTIONS with the allowed methods."""


def _rules():
    app = create_app({"BLOG_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return list(app.url_map.iter_rules())


RULES = _rules()


def _methods(rule) -> list[str]:
    return sorted(rule.methods - IGNORED_METHODS)


def _keys_of(rule) -> list[str | tuple[str, str]]:
    methods = _methods(rule)
    if len(methods) == 1:
        return [rule.endpoint]
    return [(rule.endpoint, method) for method in methods]


def _method_of(key) -> str:
    if isinstance(key, tuple):
        return key[1]
    [rule] = [rule for rule in RULES if rule.endpoint == key]
    [method] = _methods(rule)
    return method


def _name(key) -> str:
    return f"{key[0]}-{key[1]}" if isinstance(key, tuple) else f"{key}-{_method_of(key)}"


CELLS = [(key, role) for key in TABLE for role in ROLES]


def test_every_route_is_in_the_table():
    """Both ways: every rule's endpoint (and method) has a row, and every row a rule."""
    routes = {
        key for rule in RULES if rule.endpoint not in STATIC_ENDPOINTS for key in _keys_of(rule)
    }
    missing = sorted(map(_name, routes - TABLE.keys()))
    stale = sorted(map(str, TABLE.keys() - routes))
    assert missing == [], f"routes with no row in tests/security/table.py: {missing}"
    assert stale == [], f"rows of routes that are gone: {stale}"


def test_each_endpoint_has_one_rule():
    """A row names one path: an endpoint served at two would leave one of them unchecked."""
    endpoints = [rule.endpoint for rule in RULES]
    assert sorted({e for e in endpoints if endpoints.count(e) > 1}) == []


def test_what_is_left_out_serves_files_alone():
    left_out = [rule for rule in RULES if rule.endpoint in STATIC_ENDPOINTS]
    assert sorted(rule.endpoint for rule in left_out) == sorted(STATIC_ENDPOINTS)
    for rule in left_out:
        assert rule.rule.endswith("/<path:filename>"), rule.rule
        assert _methods(rule) == ["GET"], rule.endpoint


def test_a_disabled_account_gets_nothing_an_anonymous_reader_does_not():
    """Its session signs in no one and its token is refused: its answer is the anonymous
    reader's, or a refusal."""
    for key, row in TABLE.items():
        disabled, anonymous = row.expect[DISABLED], row.expect[ANONYMOUS]
        assert disabled == anonymous or disabled.is_refusal, key


def test_every_unsafe_route_is_tried_by_a_role_refused_or_changes_only_the_readers_own():
    """Unsafe methods refused to someone are tried by them (and must change nothing); the
    few open to every role are listed here, each for its reason."""
    open_to_all = {
        "auth.logout": "anyone may sign out (a reader who isn't signed in: nothing happens)",
        ("auth.forgot_password", "POST"): "asking for a reset link tells nothing (one answer)",
        ("auth.reset_password", "POST"): "who holds a reset link may use it",
        ("account.confirm_email", "POST"): "who holds a confirmation link may use it",
        ("account.undo_email_change", "POST"): "who holds an undo link may use it",
        "api.register": "anyone may open an account",
        "passkeys.sign_in_options": "a challenge to sign in with, kept in the session alone",
    }
    for key, row in TABLE.items():
        if _method_of(key) not in cells.UNSAFE:
            continue
        refused = [role for role in ROLES if row.expect[role].is_refusal]
        assert refused or key in open_to_all, key


@pytest.mark.parametrize(("key", "role"), CELLS, ids=[f"{_name(k)}-{r}" for k, r in CELLS])
def test_cell(world, key, role):
    cells.run(world, TABLE[key], _method_of(key), role)
