"""Writing rules of blog.domain.posts that tests/domain/test_posts.py leaves unsaid: what makes a
second submission the same post, retrying a clashing slug, and the refusals' words."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from blog.domain import posts
from blog.domain.errors import PermissionDenied, ValidationError
from blog.extensions import db
from blog.markdown import MARKUP_MAX
from blog.models import Post, utcnow
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def author(db):
    return UserFactory(username="writer")


def write(author, title="A title", body="Some *text*", description="In short.", **kwargs):
    return posts.create_post(author, title=title, body=body, description=description, **kwargs)


def post_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Post))


def test_the_same_post_sent_again_is_the_one_saved(author):
    first = write(author, tags=["a"], publish=True)
    assert write(author, tags=["A"], publish=True).id == first.id
    assert post_count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Another title"},
        {"body": "Another body"},
        {"description": "Another summary"},
        {"tags": ["b"]},
        {"tags": ["a", "b"]},
        {"publish": False},
    ],
)
def test_a_submission_that_differs_in_anything_is_a_new_post(author, change):
    first = write(author, tags=["a"], publish=True)
    second = write(author, **{"tags": ["a"], "publish": True, **change})
    assert second.id != first.id
    assert post_count() == 2


def test_the_same_post_by_another_author_is_theirs(author):
    first = write(author)
    assert write(UserFactory()).id != first.id


def test_the_same_post_sent_after_the_window_is_a_new_post(author):
    first = write(author)
    first.created_at -= posts.RESUBMIT_WINDOW + timedelta(seconds=1)
    db.session.commit()
    assert write(author).id != first.id
    assert post_count() == 2


def test_a_copy_sent_just_as_the_window_closes_is_still_the_same_post(author, monkeypatch):
    sent = utcnow()
    monkeypatch.setattr(posts, "utcnow", lambda: sent)
    first = write(author)
    monkeypatch.setattr(posts, "utcnow", lambda: sent + posts.RESUBMIT_WINDOW)
    assert write(author).id == first.id
    assert post_count() == 1


def test_the_copy_found_is_the_latest_matching_post(author):
    """Two posts alike but for their tags: sending the second again finds the second."""
    write(author, tags=["x"])
    second = write(author, tags=["y"])
    assert write(author, tags=["y"]).id == second.id
    assert post_count() == 2


def test_a_post_by_an_author_not_yet_saved_is_never_a_copy(db):
    """An author without an id (being created in the same transaction) has no earlier posts."""
    new_author = UserFactory.build(username="fresh")
    post = write(new_author)
    assert post.author.username == "fresh" and post_count() == 1


def clashing_slugs(monkeypatch, clashes: int) -> list[str]:
    """``unique_slug`` answers a taken slug ``clashes`` times, as when another writer takes the
    free one between the check and the insert."""
    PostFactory(slug="taken")
    given: list[str] = []
    real = posts.unique_slug

    def unique_slug(title):
        slug = "taken" if len(given) < clashes else real(title)
        given.append(slug)
        return slug

    monkeypatch.setattr(posts, "unique_slug", unique_slug)
    return given


@pytest.mark.parametrize("clashes", [1, 2])
def test_a_slug_taken_meanwhile_is_chosen_again(author, monkeypatch, clashes):
    given = clashing_slugs(monkeypatch, clashes)
    post = write(author, title="Fresh", publish=True)
    assert post.slug == "fresh"
    assert given == ["taken"] * clashes + ["fresh"]
    assert post_count() == 2


def test_three_clashes_in_a_row_are_an_error(author, monkeypatch):
    given = clashing_slugs(monkeypatch, 3)
    with pytest.raises(IntegrityError):
        write(author, title="Fresh", publish=True)
    assert given == ["taken"] * posts.SLUG_ATTEMPTS == ["taken"] * 3


@pytest.mark.parametrize("clashes", [1, 2])
def test_a_slug_taken_meanwhile_is_chosen_again_when_a_draft_is_published(
    author, monkeypatch, clashes
):
    draft = write(author, title="Fresh")
    given = clashing_slugs(monkeypatch, clashes)
    posts.publish_post(draft, author)
    assert (draft.slug, draft.is_public) == ("fresh", True)
    assert given == ["taken"] * clashes + ["fresh"]


def test_three_clashes_in_a_row_on_publishing_are_an_error(author, monkeypatch):
    draft = write(author, title="Fresh")
    given = clashing_slugs(monkeypatch, 3)
    with pytest.raises(IntegrityError):
        posts.publish_post(draft, author)
    assert given == ["taken"] * 3


def test_a_stranger_is_told_only_the_author_or_an_admin_may_edit_or_delete(author):
    post = write(author)
    stranger = UserFactory()
    with pytest.raises(PermissionDenied) as editing:
        posts.update_post(post, stranger, {"title": "hijack"})
    with pytest.raises(PermissionDenied) as deleting:
        posts.delete_post(post, stranger)
    assert (str(editing.value), editing.value.subject) == (
        "Only the author or an admin can edit this post.",
        "post",
    )
    assert (str(deleting.value), deleting.value.subject) == (
        "Only the author or an admin can delete this post.",
        "post",
    )
    for action in (posts.publish_post, posts.unpublish_post):
        with pytest.raises(PermissionDenied):
            action(post, stranger)
    assert post_count() == 1


def test_deleting_a_post_removes_it(author):
    post, kept = write(author), write(author, title="Kept")
    posts.delete_post(post, author)
    assert list(db.session.scalars(sa.select(Post.id))) == [kept.id]


def test_an_edit_of_the_body_renders_it_again_and_other_fields_leave_the_html_alone(author):
    post = write(author, body="**one**")
    posts.update_post(post, author, {"title": "New title", "tags": ["t"]})
    assert post.body_html == "<p><strong>one</strong></p>\n"
    posts.update_post(post, author, {"body": "*two*"})
    assert post.body_html == "<p><em>two</em></p>\n"


def test_an_update_checks_every_given_field_and_changes_nothing_when_one_is_bad(author):
    post = write(author, tags=["a"])
    with pytest.raises(ValidationError) as error:
        posts.update_post(post, author, {"title": "", "tags": ["a/b"], "body": "fine"})
    assert error.value.errors == {
        "title": ["can't be blank"],
        "tags": ["contains characters that are not allowed"],
    }
    db.session.rollback()
    db.session.expire_all()
    assert (post.title, post.body, post.tag_names) == ("A title", "Some *text*", ["a"])


def test_publishing_stamps_the_time_of_publishing(author, monkeypatch):
    post = write(author)
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(posts, "utcnow", lambda: later)
    posts.publish_post(post, author)
    assert post.published_at == later == post.updated_at


def test_unpublishing_a_draft_or_publishing_a_published_post_is_no_edit(author):
    draft, published = write(author), write(author, title="Out", publish=True)
    for post in (draft, published):
        post.updated_at -= timedelta(days=1)
    db.session.commit()
    before = (draft.updated_at, published.updated_at)
    posts.unpublish_post(draft, author)
    posts.publish_post(published, author)
    assert (draft.updated_at, published.updated_at) == before
    assert not draft.is_published and published.is_published


def test_only_a_true_publish_flag_publishes(author):
    post = write(author, publish=True)
    posts.update_post(post, author, {"publish": ""})
    assert not post.is_published
    posts.update_post(post, author, {"publish": "yes"})
    assert post.is_published


MARKUP_REFUSAL = {
    "body": [
        f"has too much formatting (at most {MARKUP_MAX} markup characters such as "
        "[ ] * _ ` < > |, each line break counting as three)"
    ]
}


def test_a_body_holds_at_most_the_markup_bound_and_is_refused_before_rendering(author):
    assert write(author, body="[" * MARKUP_MAX).body == "[" * MARKUP_MAX
    with pytest.raises(ValidationError) as error:
        write(author, title="Other", body="[" * (MARKUP_MAX + 1))
    assert error.value.errors == MARKUP_REFUSAL
    assert post_count() == 1


def test_a_body_saved_before_the_markup_bound_can_be_saved_again_as_it_is(author):
    heavy = "[" * (MARKUP_MAX + 1)
    post = PostFactory(author=author, body=heavy)
    posts.update_post(post, author, {"title": "Renamed", "body": heavy})
    assert (post.title, post.body) == ("Renamed", heavy)
    with pytest.raises(ValidationError) as error:
        posts.update_post(post, author, {"body": heavy + "["})
    assert error.value.errors == MARKUP_REFUSAL
    assert post.body == heavy


def test_a_preview_is_rendered_under_the_rules_of_saving():
    assert posts.preview("\n\n*text*  \n") == "<p><em>text</em></p>\n"
    with pytest.raises(ValidationError) as error:
        posts.preview("[" * (MARKUP_MAX + 1))
    assert error.value.errors == MARKUP_REFUSAL
