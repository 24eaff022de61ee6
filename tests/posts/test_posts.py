import io
from datetime import timedelta

import pytest

from blog.domain.slugs import is_private_slug
from blog.models import Post, utcnow
from tests.factories import DraftFactory, PostFactory, UserFactory

MARKDOWN = "# Heading\n\n- one\n- two\n\n```\ncode\n```\n\n[link](https://example.com)"


def write(client, **fields):
    data = {
        "title": "My first post",
        "description": "What I learned.",
        "body": MARKDOWN,
        "tags": "Flask, Python",
        **fields,
    }
    return client.post("/write", data=data)


def test_draft_then_publish_then_it_is_on_the_home_page(client, auth, user, db):
    auth.login()
    response = write(client, save_draft="Save draft")
    draft_url = response.location
    assert response.status_code == 302 and is_private_slug(draft_url.removeprefix("/posts/"))
    assert b"My first post" not in client.get("/").data
    page = client.get(draft_url).data
    assert b"only you can see it" in page and b'<h1 id="h-heading">Heading</h1>' in page

    response = client.post(
        f"{draft_url}/edit",
        data={
            "title": "My first post",
            "description": "d",
            "body": MARKDOWN,
            "tags": "flask",
            "publish": "Publish",
        },
    )
    assert response.status_code == 302 and response.location == "/posts/my-first-post"
    home = client.get("/").data
    assert b"My first post" in home and b'href="/tags/flask"' in home
    post = db.session.query(Post).one()
    assert post.is_published and post.tag_names == ["flask"]


def test_preview_renders_without_saving(client, auth, user, db):
    auth.login()
    response = write(client, preview="Preview")
    assert response.status_code == 200
    assert b'<h1 id="h-heading">Heading</h1>' in response.data
    assert b'value="My first post"' in response.data
    assert db.session.query(Post).count() == 0


def test_drafts_are_invisible_to_everyone_else(client, auth, db):
    DraftFactory(slug="secret", author=UserFactory(username="owner"))
    assert client.get("/posts/secret").status_code == 404
    UserFactory(username="alice")
    auth.login("alice")
    assert client.get("/posts/secret").status_code == 404
    assert client.get("/posts/secret/edit").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/edit"), ("post", "/edit"), ("post", "/delete")]
)
def test_only_author_or_admin_may_change_a_post(client, auth, user, db, method, path):
    PostFactory(slug="theirs", author=UserFactory(username="owner"))
    auth.login()
    data = {"title": "Hijacked", "body": "x", "publish": "Publish"}
    response = getattr(client, method)(f"/posts/theirs{path}", data=data)
    assert response.status_code == 403
    assert db.session.query(Post).one().title != "Hijacked"


def test_admin_may_edit_and_delete_any_post(client, auth, db):
    PostFactory(slug="theirs", author=UserFactory(username="owner"))
    UserFactory(username="boss", is_admin=True)
    auth.login("boss")
    response = client.post(
        "/posts/theirs/edit",
        data={"title": "Moderated", "description": "d", "body": "ok", "publish": "y"},
    )
    assert response.status_code == 302
    assert db.session.query(Post).one().title == "Moderated"
    assert client.post("/posts/theirs/delete").status_code == 302
    assert db.session.query(Post).count() == 0


def test_delete_by_author(client, auth, user, db):
    PostFactory(slug="mine", author=user)
    auth.login()
    response = client.post("/posts/mine/delete")
    assert response.status_code == 302 and response.location == "/@alice"
    assert client.get("/posts/mine").status_code == 404


def test_invalid_post_shows_inline_errors_and_keeps_the_text(client, auth, user, db):
    auth.login()
    response = write(client, title="", publish="Publish")
    assert response.status_code == 422
    assert b"This field is required." in response.data
    assert b"# Heading" in response.data
    assert db.session.query(Post).count() == 0


def test_a_refused_tag_is_told_on_the_tags_field(client, auth, user, db):
    auth.login()
    response = write(client, tags="fine, <b>bold</b>", publish="Publish")
    assert response.status_code == 422
    tags_field = response.text.split('name="tags"', 1)[1].split("</div>", 1)[0]
    assert '<p class="error">Tags contains characters that are not allowed</p>' in tags_field
    assert db.session.query(Post).count() == 0


def test_failed_edit_does_not_change_the_saved_post(client, auth, user, db):
    PostFactory(slug="mine", author=user, title="Original", body="Original body")
    auth.login()
    response = client.post(
        "/posts/mine/edit", data={"title": "x" * 500, "body": "new", "publish": "y"}
    )
    assert response.status_code == 422
    post = db.session.query(Post).one()
    assert (post.title, post.body) == ("Original", "Original body")


@pytest.mark.parametrize("tags", [None, (io.BytesIO(b"x"), "tags.txt")])
def test_an_edit_without_a_tags_field_keeps_the_tags(client, auth, user, db, tags):
    """Only a crafted request leaves a field out (or sends a file for it): keep what is saved."""
    PostFactory(slug="mine", author=user, title="Original", tags=["flask", "python"])
    auth.login()
    data = {"title": "Renamed", "publish": "Publish"}
    if tags:
        data["tags"] = tags
    response = client.post("/posts/mine/edit", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    post = db.session.query(Post).one()
    assert (post.title, post.tag_names) == ("Renamed", ["flask", "python"])


def test_a_double_submit_makes_one_post(client, auth, user, db):
    auth.login()
    first = write(client, publish="Publish")
    second = write(client, publish="Publish")
    assert first.location == second.location == "/posts/my-first-post"
    assert list(db.session.scalars(db.select(Post.slug))) == ["my-first-post"]


def test_the_same_title_later_or_with_other_words_is_a_new_post(client, auth, user, db):
    auth.login()
    write(client, publish="Publish")
    db.session.execute(db.update(Post).values(created_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    write(client, publish="Publish")
    write(client, publish="Publish", body="Other words.")
    slugs = sorted(db.session.scalars(db.select(Post.slug)))
    assert slugs == ["my-first-post", "my-first-post-2", "my-first-post-3"]


def test_editing_keeps_the_slug(client, auth, user, db):
    PostFactory(slug="stable", author=user, title="Old")
    auth.login()
    client.post(
        "/posts/stable/edit",
        data={"title": "Brand new title", "description": "d", "body": "b", "publish": "y"},
    )
    assert client.get("/posts/stable").status_code == 200
    assert b"Brand new title" in client.get("/posts/stable").data


def _edit(client, post, **fields):
    data = {"title": post.title, "description": post.description, "body": post.body, **fields}
    return client.post(f"/posts/{post.slug}/edit", data=data, follow_redirects=True)


def test_a_draft_offers_its_author_a_publish_button_that_publishes_it(client, auth, user, db):
    draft = DraftFactory(author=user, slug="soon")
    auth.login()
    page = client.get("/posts/soon").text
    assert 'action="/posts/soon/publish"' in page
    response = client.post("/posts/soon/publish", follow_redirects=True)
    assert response.status_code == 200
    assert "Published." in response.text and "Updated" not in response.text
    assert 'action="/posts/soon/publish"' not in response.text
    assert db.session.get(Post, draft.id).is_public


def test_a_new_draft_is_published_with_its_button_and_moves_to_the_slug_of_its_title(
    client, auth, user, db
):
    """Its private address is the one the editor leads to and the Publish button posts to;
    publishing leads to the new one, where the draft's is gone."""
    auth.login()
    draft_url = write(client, save_draft="Save draft").location
    page = client.get(draft_url).text
    assert f'action="{draft_url}/publish"' in page
    response = client.post(f"{draft_url}/publish")
    assert response.status_code == 302 and response.location == "/posts/my-first-post"
    page = client.get(response.location).text
    assert "Published." in page and "/posts/my-first-post/publish" not in page
    assert client.get(draft_url).status_code == 404


def test_a_published_post_offers_no_publish_button(client, auth, user, db):
    PostFactory(author=user, slug="out")
    auth.login()
    page = client.get("/posts/out").text
    assert 'href="/posts/out/edit"' in page and "/posts/out/publish" not in page


def test_no_one_else_may_publish_a_draft(client, auth, user, db):
    draft = DraftFactory(author=user, slug="mine")
    UserFactory(username="bob")
    assert client.post("/posts/mine/publish").status_code == 302  # to sign in
    auth.login("bob")
    assert "/posts/mine/publish" not in client.get("/@alice").text
    assert client.post("/posts/mine/publish").status_code == 404
    assert not db.session.get(Post, draft.id).is_public


@pytest.mark.parametrize(
    ("published", "button", "message"),
    [
        (False, {"save_draft": "Save draft"}, "Draft saved."),
        (False, {"publish": "Publish"}, "Published."),
        (True, {"publish": "Update"}, "Post updated."),
        (True, {"save_draft": "Unpublish"}, "Unpublished: the post is a draft again."),
    ],
)
def test_saving_from_the_editor_says_what_happened(client, auth, user, published, button, message):
    factory = PostFactory if published else DraftFactory
    post = factory(author=user, slug="it")
    auth.login()
    response = _edit(client, post, body="New words.", **button)
    assert response.status_code == 200
    flashes = response.text.split('class="flashes"')[1].split("</div>")[0]
    assert message in flashes


def test_updated_shows_only_when_a_published_post_changed_later(client, auth, user, db):
    auth.login()
    write(client, save_draft="Save draft")
    post = db.session.query(Post).one()
    post.created_at = post.updated_at = utcnow() - timedelta(days=2)
    db.session.commit()
    published = _edit(client, post, publish="Publish")
    assert "Published." in published.text and "Updated" not in published.text
    post = db.session.query(Post).one()
    post.published_at = post.updated_at = utcnow() - timedelta(days=1)
    db.session.commit()
    edited = _edit(client, post, body="Second thoughts.", publish="Update")
    assert "Post updated." in edited.text and "Updated <time" in edited.text
