"""Malformed ids, selections and searches sent to the admin panel get a 4xx, never a 500.

PostgreSQL refuses what SQLite takes in its stride (a NUL character in a string, an integer
beyond the column's range), so these ran into server errors there. The endpoints are read from
the panel itself: one that an upgrade of Flask-Admin or a new view adds fails here until it is
given its answer below.

The answers: an address or a form that names one record (details, edit, delete) with an id that
is no id, or names no row, is 404, as on the rest of the site; a selection (the "With selected"
form) that is not a list of ids, or asks for an action the view doesn't offer, is 400; a search
no database could hold (a NUL character) is 400; an endpoint the view doesn't offer (create, or
edit where editing is off) is 404 whatever it is sent.
"""

from __future__ import annotations

import pytest

from blog.admin import views
from blog.admin.views import BaseAdminView
from blog.models import User
from tests.factories import CommentFactory, PostFactory, UserFactory

MALFORMED_IDS = ["abc", "99999999999999999999", "\x00", "-1", "0", "1.5", "", "1\x00"]
UNKNOWN_ID = "2147483647"  # an id, the largest the column holds, of no row
BAD_SEARCHES = ["\x00", "tag\x00", "word " * 33, "w" * 1001]

OFFERED_WHEN = {
    **views.OFFERED_WHEN,
    "ajax_lookup": "_form_ajax_refs",
    "ajax_update": "column_editable_list",
}
"""The endpoints a view may not offer, and the attribute that says whether it does."""


def _requests(view, name: str, path: str, methods) -> list[tuple[str, dict, dict, int]]:
    """(method, query, form, expected status) of each bad request for endpoint ``name``."""
    ids = [*MALFORMED_IDS, UNKNOWN_ID]
    if name in OFFERED_WHEN and not getattr(view, OFFERED_WHEN[name]):
        return [
            (method, {"id": value}, {"id": value, "list_form_pk": value}, 404)
            for method in methods
            for value in ids
        ]
    if name == "index_view":
        return [("GET", {"search": value}, {}, 400) for value in BAD_SEARCHES]
    if name in ("details_view", "edit_view"):
        return [(m, {"id": value}, {"name": "x"}, 404) for m in methods for value in ids]
    if name == "delete_view":
        return [("POST", {}, {"id": value}, 404) for value in ids]
    if name == "action_view":
        actions, _ = view.get_actions_list()
        assert actions, view
        bad_selections = [
            ("POST", {}, {"action": action, "rowid": ["1", value]}, 400)
            for action, _text in actions
            for value in MALFORMED_IDS
        ]
        unknown_action = ("POST", {}, {"action": "nonsense", "rowid": ["1"]}, 400)
        return [*bad_selections, unknown_action]
    raise AssertionError(f"{view.endpoint}.{name} ({path}) has no expected answer")


def _endpoints(app):
    """Every model view's endpoints, from the panel; the dashboard takes no input."""
    [admin] = app.extensions["admin"]
    for view in admin._views:
        if not isinstance(view, BaseAdminView):
            assert [name for _url, name, _methods in view._urls] == ["index"], view
            continue
        for url, name, methods in view._urls:
            path = f"{view.url}{url}".replace("<export_type>", "csv")
            yield view, name, path, methods or ("GET",)


@pytest.fixture
def admin_client(client, auth, db):
    UserFactory(username="boss", is_admin=True)
    CommentFactory(post=PostFactory(tags=["tag"]))
    auth.login("boss")
    return client


def test_every_admin_endpoint_answers_bad_ids_and_searches_with_a_4xx(app, admin_client):
    wrong = []
    tried = 0
    for view, name, path, methods in _endpoints(app):
        for method, query, form, expected in _requests(view, name, path, methods):
            response = admin_client.open(path, method=method, query_string=query, data=form)
            tried += 1
            if response.status_code != expected:
                wrong.append((method, path, query, form, response.status_code, expected))
    assert wrong == []
    assert tried > 200


def test_a_bad_search_is_told_so_in_the_sites_words(admin_client):
    response = admin_client.get("/admin/posts/", query_string={"search": "a\x00"})
    assert response.status_code == 400
    assert "can&#39;t contain" in response.text


def test_a_search_of_more_words_than_the_sites_search_reads_is_400(admin_client):
    """Every word is matched against every column: 2,000 words made a statement SQLite
    refused (a 500), and 20,000 took minutes to build."""
    response = admin_client.get("/admin/users/", query_string={"search": "word " * 2_000})
    assert response.status_code == 400
    assert "at most 32 words" in response.text
    kept = admin_client.get("/admin/users/", query_string={"search": " ".join(["w"] * 32)})
    assert kept.status_code == 200


def test_a_selection_naming_a_row_gone_since_goes_on_with_the_others(admin_client, db):
    """An id, of a row another admin has just deleted, is no malformed selection: the action
    goes on with the rows that are there, as Flask-Admin's does."""
    member = UserFactory(username="member")
    response = admin_client.post(
        "/admin/users/action/", data={"action": "promote", "rowid": [UNKNOWN_ID, str(member.id)]}
    )
    assert response.status_code == 302
    assert db.session.get(User, member.id).is_admin
