import re
from datetime import UTC, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import blog
from blog.domain import posts
from blog.domain.errors import PermissionDenied, ValidationError
from blog.domain.slugs import base_slug
from blog.domain.tags import get_or_create_tags
from blog.extensions import db
from blog.models import Post, PostStatus, User
from blog.models.post import TAGS_PER_POST_MAX, TITLE_MAX
from tests.concurrently import at_once
from tests.factories import UserFactory


@pytest.fixture
def author(db):
    return UserFactory(username="writer")


def write(author, title="A title", body="Some *text*", description="In short.", **kwargs):
    return posts.create_post(author, title=title, body=body, description=description, **kwargs)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("Crème brûlée à la française", "creme-brulee-a-la-francaise"),
        ("Привет мир", "privet-mir"),
        ("???", "post"),
        ("  Flask   &   SQLAlchemy  ", "flask-sqlalchemy"),
    ],
)
def test_slug_comes_from_the_title(title, slug):
    assert base_slug(title) == slug


def test_duplicate_titles_get_numbered_slugs(author):
    slugs = [
        write(author, title="Same title", body=f"Take {n}", publish=True).slug for n in range(3)
    ]
    assert slugs == ["same-title", "same-title-2", "same-title-3"]


def test_slug_family_match_does_not_treat_underscore_as_wildcard(author):
    write(author, title="a_b", publish=True)
    assert write(author, title="axb", publish=True).slug == "axb"


def test_slug_is_stable_when_the_title_changes(author):
    post = write(author, title="First title", publish=True)
    posts.update_post(post, author, {"title": "Second title"})
    assert post.slug == "first-title"
    assert post.title == "Second title"


def test_markdown_is_rendered_and_sanitized_on_save(author):
    post = write(author, body="# Head\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    assert '<h1 id="h-head">Head</h1>' in post.body_html
    assert "<script>" not in post.body_html
    assert "javascript:" not in post.body_html.replace("[x](javascript:alert(1))", "")
    posts.update_post(post, author, {"body": "**bold**"})
    assert post.body_html == "<p><strong>bold</strong></p>\n"


def test_tags_are_normalized_deduplicated_and_keep_their_order(author):
    post = write(author, tags=" Python , flask,PYTHON,  Web   Dev ,,")
    assert post.tag_names == ["python", "flask", "web dev"]
    posts.update_post(post, author, {"tags": ["web dev", "python"]})
    assert post.tag_names == ["web dev", "python"]
    posts.update_post(post, author, {"title": "No tag change"})
    assert post.tag_names == ["web dev", "python"]


def test_tags_are_shared_between_posts(author, db):
    from blog.models import Tag

    write(author, tags=["flask"])
    write(author, title="Other", tags=["Flask"])
    assert db.session.query(Tag).count() == 1


def test_too_many_tags_are_refused(author):
    with pytest.raises(ValidationError) as error:
        write(author, tags=[f"t{n}" for n in range(TAGS_PER_POST_MAX + 1)])
    assert "tags" in error.value.errors


def backdate(post: Post, **fields) -> None:
    """Move the post's stamps a day back, so that a new stamp is later than any of them."""
    for name in fields or ("created_at", "updated_at", "published_at"):
        if getattr(post, name) is not None:
            setattr(post, name, getattr(post, name) - timedelta(days=1))
    db.session.commit()


def test_a_new_published_post_has_one_time_for_all_its_stamps(author):
    post = write(author, publish=True)
    assert post.published_at == post.created_at == post.updated_at
    assert post.published_at.utcoffset() == UTC.utcoffset(None)
    assert not post.edited_since_published


def test_a_new_draft_has_no_publication_time(author):
    post = write(author)
    assert post.status is PostStatus.DRAFT and post.published_at is None
    assert post.created_at == post.updated_at
    assert not post.edited_since_published


def test_publishing_a_draft_stamps_published_and_updated_alike(author):
    post = write(author)
    backdate(post)
    drafted = post.updated_at
    posts.publish_post(post, author)
    assert post.is_published and post.published_at > drafted
    assert post.updated_at == post.published_at
    assert not post.edited_since_published


def test_an_edit_after_publishing_moves_updated_at_and_keeps_published_at(author):
    post = write(author, publish=True)
    backdate(post)
    published = post.published_at
    posts.update_post(post, author, {"body": "changed"})
    assert post.published_at == published
    assert post.updated_at > published
    assert post.edited_since_published


def test_saving_without_a_change_is_not_an_edit(author):
    post = write(author, tags=["a", "b"], publish=True)
    backdate(post)
    before = post.updated_at
    posts.update_post(
        post,
        author,
        {"title": post.title, "body": post.body, "description": post.description,
         "tags": ["a", "b"], "publish": True},
    )  # fmt: skip
    assert post.updated_at == before
    assert not post.edited_since_published


@pytest.mark.parametrize("field", ["title", "description", "body", "tags"])
def test_a_change_to_any_one_field_is_an_edit(author, field):
    post = write(author, tags=["a"], publish=True)
    backdate(post)
    before = post.updated_at
    posts.update_post(post, author, {field: ["b"] if field == "tags" else "Something else"})
    assert post.updated_at > before


def test_republishing_keeps_the_date_of_the_first_publication(author):
    post = write(author, publish=True)
    backdate(post)
    first = post.published_at
    posts.unpublish_post(post, author)
    assert post.status is PostStatus.DRAFT and not post.is_public
    assert post.published_at == first
    posts.publish_post(post, author)
    assert post.is_public and post.published_at == first


@pytest.mark.parametrize("status", list(PostStatus))
def test_the_public_rule_is_the_same_in_python_and_in_sql(author, status):
    post = write(author, publish=status is PostStatus.PUBLISHED)
    in_sql = db.session.scalar(sa.select(Post.is_public).where(Post.id == post.id))
    found = db.session.scalar(sa.select(sa.func.count()).where(Post.is_public))
    assert post.is_public is (status is PostStatus.PUBLISHED)
    assert bool(in_sql) is post.is_public
    assert found == (1 if post.is_public else 0)


def test_no_module_writes_the_public_rule_again():
    """Who sees a post is decided by ``Post.is_public`` alone: scheduling is a one-place change."""
    package = Path(blog.__file__).parent
    comparison = re.compile(r"(==|!=|\bis\b|status=)\s*PostStatus\.PUBLISHED")
    repeats = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        if path.name != "post.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if comparison.search(line)
    ]
    assert repeats == []


def test_validation_reports_every_bad_field_at_once(author):
    with pytest.raises(ValidationError) as error:
        write(author, title="", body="", description="")
    assert error.value.errors == {
        "title": ["can't be blank"],
        "description": ["can't be blank"],
        "body": ["can't be blank"],
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "x" * (TITLE_MAX + 1)}, "title"),
        ({"title": "nul\x00byte"}, "title"),
        ({"title": 42}, "title"),
        ({"body": ["not", "text"]}, "body"),
        ({"tags": {"not": "a list"}}, "tags"),
        ({"tags": None}, "tags"),
        ({"title": "\u200b\u200b"}, "title"),  # zero-width spaces only
        ({"title": " \u202e\u2066 "}, "title"),  # direction marks only
        ({"body": "\ufeff\n\u00a0"}, "body"),
        ({"tags": ["ok", ".."]}, "tags"),
        ({"tags": ["."]}, "tags"),
    ],
)
def test_bad_values_are_validation_errors_and_nothing_is_saved(author, db, fields, field):
    from blog.models import Post

    with pytest.raises(ValidationError) as error:
        write(author, **{"title": "T", "body": "B", **fields})
    assert field in error.value.errors
    assert db.session.query(Post).count() == 0


def test_text_in_any_script_with_invisible_characters_inside_is_kept(author):
    post = write(author, title="שלום\u200fworld", body="a\u200bb", tags=["c++", "node.js"])
    assert write(author, title="\U0001faa8", body="Unicode 15 emoji").title == "\U0001faa8"
    assert post.title == "שלום\u200fworld" and post.tag_names == ["c++", "node.js"]


def test_only_the_author_or_an_admin_may_edit_or_delete(author):
    post = write(author)
    stranger = UserFactory()
    admin = UserFactory(is_admin=True)
    with pytest.raises(PermissionDenied):
        posts.update_post(post, stranger, {"title": "hijack"})
    with pytest.raises(PermissionDenied):
        posts.delete_post(post, stranger)
    posts.update_post(post, admin, {"title": "moderated"})
    assert post.title == "moderated"
    posts.delete_post(post, admin)


def test_the_same_post_sent_by_several_workers_at_once_is_saved_once(app, author):
    """Simultaneous requests (a retrying client, several workers) each see no copy yet: the
    author's row lock makes them take turns, so all but the first find the saved post."""

    def send(author_id: int) -> int:
        sender = db.session.get(User, author_id)
        return write(sender, title="Sent at once", tags=["race"], publish=True).id

    ids = at_once(app, [author.id] * 6, send)
    assert len(set(ids)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1


def test_authors_posting_one_title_at_once_get_a_slug_each(app):
    """Writers of one slug family take turns, so each gets the next number, not a clash."""
    author_ids = [UserFactory().id for _ in range(4)]
    db.session.commit()

    def send(author_id: int) -> str:
        return write(db.session.get(User, author_id), title="Breaking news", publish=True).slug

    slugs = sorted(at_once(app, author_ids, send))
    assert slugs == ["breaking-news", "breaking-news-2", "breaking-news-3", "breaking-news-4"]


def test_new_tags_given_in_opposite_orders_at_once_do_not_deadlock(app):
    """Two writers inserting the same new tags in opposite orders would each wait for the other
    (PostgreSQL ends that with an error): tags are inserted in one order whatever was typed."""
    names = [f"topic{n:04}" for n in range(2000)]

    def add(typed: list[str]) -> int:
        created = get_or_create_tags(typed)
        db.session.commit()
        return len(created)

    assert at_once(app, [names, names[::-1]], add) == [len(names), len(names)]
