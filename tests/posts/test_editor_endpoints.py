"""The editor's JSON endpoints: live preview, autosave and a fresh CSRF token.

They answer fetch requests from blog/static/js/editor.js, so a signed-out browser gets a 401 in
JSON (not a redirect to the sign-in page, which fetch would follow and read as the answer), and a
stale CSRF token a 400 with ``errors.csrf`` (so the editor knows to fetch a fresh one).
"""

import pytest

from blog.domain import posts
from blog.domain.slugs import is_private_slug
from blog.markdown import MARKUP_MAX
from blog.models import Post, PostStatus
from tests.factories import PASSWORD, DraftFactory, PostFactory, UserFactory
from tests.helpers import app_on, csrf_token_in, sign_in_without_the_form

JSON = {"Accept": "application/json"}
FIELDS = {
    "title": "Notes from a slow journey",
    "description": "Eight days on foot.",
    "body": "## Day one\n\nRain, then **sun**.",
    "tags": "walking, rain",
}


def _version(post: Post) -> str:
    return post.updated_at.isoformat()


@pytest.fixture
def signed_in(client, auth, user):
    auth.login()
    return client


# ---- Live preview ----


def test_preview_is_the_body_rendered_by_the_post_renderer_and_saves_nothing(signed_in, db):
    body = "# Hello\n\n**bold** and <script>alert(1)</script>\n\n```python\nx = 1\n```"
    response = signed_in.post("/preview", data={"body": body}, headers=JSON)
    assert response.status_code == 200
    assert response.json == {"html": posts.preview(body)}
    assert "<strong>bold</strong>" in response.json["html"]
    assert "<script" not in response.json["html"]
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.query(Post).count() == 0


def test_preview_of_too_much_markup_is_a_422_with_the_domains_message(signed_in):
    body = "*" * (MARKUP_MAX + 1)
    response = signed_in.post("/preview", data={"body": body}, headers=JSON)
    assert response.status_code == 422
    assert response.json["errors"]["body"][0].startswith("has too much formatting")
    assert response.json["message"].startswith("Body has too much formatting")


# ---- Signed out, CSRF ----

EDITOR_REQUESTS = [
    ("post", "/preview"),
    ("post", "/write/autosave"),
    ("post", "/posts/a-draft/autosave"),
    ("get", "/editor/token"),
]


@pytest.mark.parametrize(("method", "path"), EDITOR_REQUESTS)
def test_signed_out_the_editor_gets_a_401_in_json_not_a_redirect(csrf_app, db, method, path):
    DraftFactory(slug="a-draft", body="Before")
    client = csrf_app.test_client()
    response = getattr(client, method)(path, data=FIELDS, headers=JSON)
    assert response.status_code == 401
    assert "signed out" in response.json["errors"]["session"][0]
    assert response.json["sign_in_url"] == "/login"
    assert db.session.query(Post).one().body == "Before"


def _signed_in_with_token(app, user) -> tuple:
    client = app.test_client()
    sign_in_without_the_form(client, user)
    return client, csrf_token_in(client.get("/write").get_data(as_text=True))


@pytest.mark.parametrize("path", ["/preview", "/write/autosave"])
def test_editor_posts_need_the_csrf_token_in_a_header(csrf_app, user, db, path):
    client, token = _signed_in_with_token(csrf_app, user)
    refused = client.post(path, data=FIELDS, headers=JSON)
    assert refused.status_code == 400 and "csrf" in refused.json["errors"]
    forged = client.post(path, data=FIELDS, headers={**JSON, "X-CSRFToken": "forged"})
    assert forged.status_code == 400 and "csrf" in forged.json["errors"]
    assert db.session.query(Post).count() == 0
    accepted = client.post(path, data=FIELDS, headers={**JSON, "X-CSRFToken": token})
    assert accepted.status_code == {"/preview": 200, "/write/autosave": 201}[path]


def _sign_in_with_the_form(client, login="alice"):
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"login": login, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_after_signing_in_again_the_old_token_fails_and_a_fresh_one_works(csrf_app, user):
    """Signing in starts a new session (nothing carries over), so a page opened before, whose
    token belonged to the old session, must fetch a new token: the editor does."""
    client = csrf_app.test_client()
    _sign_in_with_the_form(client)
    old_token = csrf_token_in(client.get("/write").get_data(as_text=True))
    client.delete_cookie("session")  # the session expired mid-edit
    assert client.post("/preview", data={"body": "x"}, headers=JSON).status_code == 401
    _sign_in_with_the_form(client)  # in another tab

    stale = client.post("/preview", data={"body": "x"}, headers={**JSON, "X-CSRFToken": old_token})
    assert stale.status_code == 400 and "csrf" in stale.json["errors"]
    fresh = client.get("/editor/token", headers=JSON)
    assert fresh.status_code == 200 and fresh.headers["Cache-Control"] == "no-store"
    token = fresh.json["csrf_token"]
    headers = {**JSON, "X-CSRFToken": token}
    assert client.post("/preview", data={"body": "x"}, headers=headers).status_code == 200


# ---- Autosave ----


def test_the_first_autosave_of_a_new_post_makes_a_draft_and_gives_its_addresses(signed_in, db):
    response = signed_in.post("/write/autosave", data=FIELDS, headers=JSON)
    assert response.status_code == 201
    post = db.session.query(Post).one()
    assert post.status is PostStatus.DRAFT and is_private_slug(post.slug)
    assert (post.title, post.body, post.tag_names) == (
        FIELDS["title"],
        FIELDS["body"],
        ["walking", "rain"],
    )
    assert response.json == {
        "updated_at": _version(post),
        "edit_url": f"/posts/{post.slug}/edit",
        "autosave_url": f"/posts/{post.slug}/autosave",
    }


def test_the_same_first_autosave_sent_twice_makes_one_draft(signed_in, db):
    first = signed_in.post("/write/autosave", data=FIELDS, headers=JSON)
    again = signed_in.post("/write/autosave", data=FIELDS, headers=JSON)
    assert first.status_code == again.status_code == 201
    assert again.json["edit_url"] == first.json["edit_url"]
    assert db.session.query(Post).count() == 1


def test_a_new_post_without_a_title_is_not_saved_and_the_editor_is_told_why(signed_in, db):
    response = signed_in.post("/write/autosave", data={**FIELDS, "title": " "}, headers=JSON)
    assert response.status_code == 422
    assert response.json["errors"] == {"title": ["can't be blank"]}
    assert response.json["message"] == "Title can't be blank."
    assert db.session.query(Post).count() == 0


def test_autosave_saves_the_draft_it_last_saw_and_gives_its_new_version(signed_in, user, db):
    draft = DraftFactory(author=user, slug="my-draft", body="Before")
    seen = _version(draft)
    data = {**FIELDS, "body": "After", "updated_at": seen}
    response = signed_in.post("/posts/my-draft/autosave", data=data, headers=JSON)
    assert response.status_code == 200
    post = db.session.get(Post, draft.id)
    assert post.body == "After" and post.status is PostStatus.DRAFT
    assert response.json["updated_at"] == _version(post) != seen
    again = {**data, "body": "After again", "updated_at": response.json["updated_at"]}
    assert signed_in.post("/posts/my-draft/autosave", data=again, headers=JSON).status_code == 200
    assert db.session.get(Post, draft.id).body == "After again"


def test_a_field_left_out_of_an_autosave_keeps_its_saved_value(signed_in, user, db):
    draft = DraftFactory(author=user, slug="my-draft", title="Kept", body="Before")
    data = {"body": "After", "updated_at": _version(draft)}
    assert signed_in.post("/posts/my-draft/autosave", data=data, headers=JSON).status_code == 200
    post = db.session.get(Post, draft.id)
    assert (post.title, post.body) == ("Kept", "After")


def test_autosave_never_overwrites_a_save_made_after_the_version_it_saw(signed_in, user, db):
    draft = DraftFactory(author=user, slug="my-draft", body="Before")
    seen = _version(draft)
    posts.update_post(draft, user, {"body": "Saved in another tab"})
    data = {**FIELDS, "body": "Older text", "updated_at": seen}
    response = signed_in.post("/posts/my-draft/autosave", data=data, headers=JSON)
    assert response.status_code == 409
    assert "saved elsewhere" in response.json["errors"]["updated_at"][0]
    assert response.json["message"] == response.json["errors"]["updated_at"][0]
    assert db.session.get(Post, draft.id).body == "Saved in another tab"


@pytest.mark.parametrize("version", [None, "", "yesterday", "2026-01-01T10:00:00"])
def test_an_autosave_without_a_version_with_an_offset_is_refused(signed_in, user, db, version):
    DraftFactory(author=user, slug="my-draft", body="Before")
    data = {**FIELDS, "body": "After"} | ({"updated_at": version} if version is not None else {})
    response = signed_in.post("/posts/my-draft/autosave", data=data, headers=JSON)
    assert response.status_code == 422 and "updated_at" in response.json["errors"]
    assert db.session.query(Post).one().body == "Before"


def test_a_published_post_is_not_autosaved(signed_in, user, db):
    post = PostFactory(author=user, slug="live", body="Before")
    data = {**FIELDS, "body": "Half-way through an edit", "updated_at": _version(post)}
    response = signed_in.post("/posts/live/autosave", data=data, headers=JSON)
    assert response.status_code == 409
    assert "press Update" in response.json["errors"]["post"][0]
    saved = db.session.get(Post, post.id)
    assert saved.body == "Before" and saved.is_published


def test_only_the_author_or_an_admin_autosaves_a_draft(client, auth, user, db):
    theirs = DraftFactory(slug="theirs", author=UserFactory(username="owner"), body="Before")
    data = {**FIELDS, "updated_at": _version(theirs)}
    auth.login()
    assert client.post("/posts/theirs/autosave", data=data, headers=JSON).status_code == 404
    UserFactory(username="boss", is_admin=True)
    auth.logout()
    auth.login("boss")
    assert client.post("/posts/theirs/autosave", data=data, headers=JSON).status_code == 200
    assert db.session.get(Post, theirs.id).body == FIELDS["body"]


def test_the_editor_form_carries_what_the_script_needs(signed_in, user):
    draft = DraftFactory(author=user, slug="my-draft")
    published = PostFactory(author=user, slug="live")
    new_form = signed_in.get("/write").get_data(as_text=True)
    assert 'data-autosave-url="/write/autosave"' in new_form
    assert (
        'data-preview-url="/preview"' in new_form and 'data-token-url="/editor/token"' in new_form
    )
    draft_form = signed_in.get("/posts/my-draft/edit").get_data(as_text=True)
    assert 'data-autosave-url="/posts/my-draft/autosave"' in draft_form
    assert f'data-updated-at="{_version(draft)}"' in draft_form
    published_form = signed_in.get("/posts/live/edit").get_data(as_text=True)
    assert "data-autosave-url" not in published_form
    assert f'data-updated-at="{_version(published)}"' in published_form


def test_previews_and_autosaves_are_rate_limited_per_account(database_url):
    with app_on(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_EDITOR="2 per minute",
    ) as app:
        client = app.test_client()
        sign_in_without_the_form(client, UserFactory(username="typist"))
        statuses = [client.post("/preview", data={"body": "x"}, headers=JSON).status_code]
        statuses += [client.post("/preview", data={"body": "x"}, headers=JSON).status_code]
        limited = client.post("/preview", data={"body": "x"}, headers=JSON)
        assert statuses == [200, 200] and limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        assert client.post("/write/autosave", data=FIELDS, headers=JSON).status_code == 201
