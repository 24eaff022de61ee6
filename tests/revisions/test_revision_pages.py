"""The history pages: the list of versions, one version with what changed since, restoring it;
who may see them, and that nothing an author typed reaches the page as HTML."""

import re

import pytest
import sqlalchemy as sa

from blog.domain import posts
from blog.extensions import db
from blog.models import Post, PostRevision
from tests.factories import DraftFactory, UserFactory
from tests.helpers import Api, counting_statements, csrf_token_in, sign_in_without_the_form


@pytest.fixture
def author(db):
    return UserFactory(username="alice")


@pytest.fixture
def post(author):
    return posts.create_post(
        author,
        title="Old title",
        description="Old summary",
        body="First line\nThe quick brown fox\nLast line",
        tags=["python"],
        publish=True,
    )


@pytest.fixture
def edited(post, author):
    """The post saved once since it was written: one revision, the original."""
    posts.update_post(
        post,
        author,
        {
            "title": "New title",
            "body": "First line\nThe quick red fox\nLast line\nAn added line",
            "tags": ["python", "flask"],
        },
    )
    return post


def revision_ids(post) -> list[int]:
    db.session.expire_all()
    statement = (
        sa.select(PostRevision.id)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.id.desc())
    )
    return list(db.session.scalars(statement))


def test_saving_in_the_editor_keeps_the_version_and_the_history_lists_it(
    client, auth, author, post
):
    auth.login()
    response = client.post(
        f"/posts/{post.slug}/edit",
        data={
            "title": "Edited in the editor",
            "description": "Old summary",
            "body": "First line\nThe quick brown fox\nLast line",
            "tags": "python",
            "publish": "Update",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/posts/{post.slug}/revisions").get_data(as_text=True)
    [revision_id] = revision_ids(post)
    assert f'href="/posts/{post.slug}/revisions/{revision_id}"' in page
    assert "Old title" in page
    assert "<strong>You</strong> edited this version" in page
    assert "Changed the title." in page


def test_the_history_says_what_each_save_changed(client, auth, edited):
    auth.login()
    page = client.get(f"/posts/{edited.slug}/revisions").get_data(as_text=True)
    assert "Changed the title, the text (+2 \N{MINUS SIGN}1 lines) and the tags." in page


def test_a_post_without_revisions_says_so(client, auth, post):
    auth.login()
    page = client.get(f"/posts/{post.slug}/revisions").get_data(as_text=True)
    assert "No earlier versions yet" in page
    assert 'class="revision-list"' not in page


def test_the_post_page_and_the_editor_link_to_the_history_for_those_who_can_edit(
    client, auth, post
):
    history = f'href="/posts/{post.slug}/revisions"'
    assert history not in client.get(f"/posts/{post.slug}").get_data(as_text=True)
    auth.login()
    assert history in client.get(f"/posts/{post.slug}").get_data(as_text=True)
    assert history in client.get(f"/posts/{post.slug}/edit").get_data(as_text=True)


def test_the_diff_shows_fields_before_and_after_and_the_changed_words(client, auth, edited):
    auth.login()
    [revision_id] = revision_ids(edited)
    response = client.get(f"/posts/{edited.slug}/revisions/{revision_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r"<del[^>]*>Old title</del>\s*<span[^>]*>→</span>\s*<ins[^>]*>New title", page)
    assert '<span class="tag is-added">flask</span>' in page
    assert "The quick <del>brown</del> fox" in page
    assert "The quick <ins>red</ins> fox" in page
    assert '<tr class="diff-added">' in page and "An added line" in page
    assert "Restore this version" in page


def test_the_diff_page_escapes_what_the_author_typed(client, auth, author, post):
    hostile = '<script>alert("x")</script> <img src=x onerror=alert(1)>'
    posts.update_post(post, author, {"title": hostile, "body": f"{hostile}\nThe quick fox"})
    posts.update_post(post, author, {"title": "Safe", "body": f"{hostile} changed\nThe fox"})
    auth.login()
    for revision_id in revision_ids(post):
        page = client.get(f"/posts/{post.slug}/revisions/{revision_id}").get_data(as_text=True)
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    listing = client.get(f"/posts/{post.slug}/revisions").get_data(as_text=True)
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing


def test_restoring_from_the_page_puts_the_version_back_and_can_be_undone(csrf_app, author, edited):
    client = csrf_app.test_client()
    sign_in_without_the_form(client, author)
    [original] = revision_ids(edited)
    page = client.get(f"/posts/{edited.slug}/revisions/{original}").get_data(as_text=True)
    response = client.post(
        f"/posts/{edited.slug}/revisions/{original}/restore",
        data={"csrf_token": csrf_token_in(page)},
    )
    assert response.status_code == 302
    assert response.location == f"/posts/{edited.slug}"
    shown = client.get(response.location).get_data(as_text=True)
    assert "Earlier version restored" in shown
    post = db.session.get(Post, edited.id)
    assert post.title == "Old title" and post.tag_names == ["python"]
    assert post.body == "First line\nThe quick brown fox\nLast line"
    assert post.is_published and post.slug == edited.slug
    newest = revision_ids(post)[0]
    assert db.session.get(PostRevision, newest).title == "New title"

    page = client.get(f"/posts/{edited.slug}/revisions/{newest}").get_data(as_text=True)
    client.post(
        f"/posts/{edited.slug}/revisions/{newest}/restore",
        data={"csrf_token": csrf_token_in(page)},
    )
    assert db.session.get(Post, edited.id).title == "New title"


def test_restoring_without_a_token_is_refused(csrf_app, author, edited):
    client = csrf_app.test_client()
    sign_in_without_the_form(client, author)
    [original] = revision_ids(edited)
    response = client.post(f"/posts/{edited.slug}/revisions/{original}/restore")
    assert response.status_code == 400
    assert db.session.get(Post, edited.id).title == "New title"


def test_restoring_the_version_the_post_reads_as_says_there_is_nothing_to_do(
    client, auth, author, edited
):
    posts.update_post(
        edited,
        author,
        {
            "title": "Old title",
            "body": "First line\nThe quick brown fox\nLast line",
            "tags": ["python"],
        },
    )
    original = revision_ids(edited)[-1]
    auth.login()
    page = client.get(f"/posts/{edited.slug}/revisions/{original}").get_data(as_text=True)
    assert "the post reads as this version does" in page
    assert "Restore this version" not in page
    response = client.post(f"/posts/{edited.slug}/revisions/{original}/restore")
    assert response.status_code == 302
    assert "nothing to restore" in client.get(response.location).get_data(as_text=True)
    assert len(revision_ids(edited)) == 2


def test_a_version_the_rules_now_refuse_is_explained_not_a_500(client, auth, edited):
    [original] = revision_ids(edited)
    revision = db.session.get(PostRevision, original)
    revision.tag_names = ["no/slash"]
    db.session.commit()
    auth.login()
    response = client.post(f"/posts/{edited.slug}/revisions/{original}/restore")
    assert response.status_code == 302
    assert response.location == f"/posts/{edited.slug}/revisions/{original}"
    page = client.get(response.location).get_data(as_text=True)
    assert "can&#39;t be restored as it is (tags: contains characters" in page
    assert db.session.get(Post, edited.id).title == "New title"


@pytest.mark.parametrize("revision_id", ["99999", "0", "abc", "-3", "1" * 40])
def test_an_unknown_revision_is_a_404(client, auth, edited, revision_id):
    auth.login()
    assert client.get(f"/posts/{edited.slug}/revisions/{revision_id}").status_code == 404
    restore = client.post(f"/posts/{edited.slug}/revisions/{revision_id}/restore")
    assert restore.status_code == 404


def test_a_revision_of_another_post_is_a_404_through_this_one(client, auth, author, edited):
    other = posts.create_post(author, title="Other", description="d", body="b")
    auth.login()
    [revision_id] = revision_ids(edited)
    assert client.get(f"/posts/{other.slug}/revisions/{revision_id}").status_code == 404


def test_an_unknown_post_is_a_404(client, auth, author):
    auth.login()
    assert client.get("/posts/no-such-post/revisions").status_code == 404


def test_other_readers_get_a_403_and_anonymous_ones_are_sent_to_sign_in(client, auth, edited):
    [revision_id] = revision_ids(edited)
    paths = [f"/posts/{edited.slug}/revisions", f"/posts/{edited.slug}/revisions/{revision_id}"]
    restore = f"/posts/{edited.slug}/revisions/{revision_id}/restore"
    for path in paths:
        assert client.get(path).location.startswith("/login")
    assert client.post(restore).location.startswith("/login")
    UserFactory(username="mallory")
    auth.login("mallory")
    for path in paths:
        assert client.get(path).status_code == 403
    assert client.post(restore).status_code == 403
    assert db.session.get(Post, edited.id).title == "New title"


def test_the_history_of_someone_elses_draft_is_a_404(client, auth):
    draft = DraftFactory(author=UserFactory(username="owner"))
    UserFactory(username="mallory")
    auth.login("mallory")
    assert client.get(f"/posts/{draft.slug}/revisions").status_code == 404


def test_an_admin_restores_a_draft_and_lands_in_its_editor(client, auth):
    owner = UserFactory(username="owner")
    draft = posts.create_post(owner, title="Draft one", description="d", body="b")
    posts.update_post(draft, owner, {"title": "Draft two"})
    UserFactory(username="admin", is_admin=True)
    auth.login("admin")
    [revision_id] = revision_ids(draft)
    assert client.get(f"/posts/{draft.slug}/revisions").status_code == 200
    response = client.post(f"/posts/{draft.slug}/revisions/{revision_id}/restore")
    assert response.location == f"/posts/{draft.slug}/edit"
    assert db.session.get(Post, draft.id).title == "Draft one"


def test_the_history_page_runs_the_same_statements_however_many_revisions(
    client, auth, author, post, settings
):
    settings(REVISIONS_KEPT=40)
    auth.login()
    path = f"/posts/{post.slug}/revisions"
    posts.update_post(post, author, {"body": "Version 0"})
    with counting_statements() as one:
        assert client.get(path).status_code == 200
    for n in range(1, 30):
        editor = author if n % 2 else UserFactory(username=f"admin{n}", is_admin=True)
        posts.update_post(post, editor, {"body": f"Version {n}"})
    with counting_statements() as thirty:
        page = client.get(path).get_data(as_text=True)
    assert page.count('class="revision-item"') == 30
    assert one.total == thirty.total


def test_an_edit_through_the_api_keeps_a_revision_too(client, db):
    api = Api(client)
    api.token = api.sign_up("apiwriter")
    slug = api.write("From the API", tagList=["api"])["slug"]
    response = api.put(f"/articles/{slug}", {"article": {"body": "Changed through the API"}})
    assert response.status_code == 200
    post = db.session.scalar(sa.select(Post).where(Post.slug == slug))
    [revision_id] = revision_ids(post)
    revision = db.session.get(PostRevision, revision_id)
    assert revision.body == "# Hello" and revision.tag_names == ["api"]
    assert revision.editor_id == post.author_id


def test_the_history_says_so_when_the_blog_keeps_no_versions(client, auth, edited, settings):
    settings(REVISIONS_KEPT=0)
    auth.login()
    page = client.get(f"/posts/{edited.slug}/revisions").get_data(as_text=True)
    assert "set to keep no earlier versions" in page
    assert 'class="revision-item"' not in page and "No earlier versions yet" not in page
