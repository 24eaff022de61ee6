"""Who may see, edit and delete what (blog.domain.permissions), and the errors the domain raises
(blog.domain.errors)."""

from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from blog.domain.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from blog.domain.permissions import can_delete_comment, can_edit_post, can_view_post
from tests.factories import CommentFactory, DraftFactory, PostFactory, UserFactory

ANONYMOUS = [None, AnonymousUserMixin()]


@pytest.fixture
def people(db):
    author = UserFactory(username="author")
    return SimpleNamespace(
        author=author,
        stranger=UserFactory(username="stranger"),
        admin=UserFactory(username="admin", is_admin=True),
        commenter=UserFactory(username="commenter"),
    )


def test_a_published_post_is_seen_by_everyone(people):
    post = PostFactory(author=people.author)
    for viewer in [*ANONYMOUS, people.stranger, people.author, people.admin]:
        assert can_view_post(viewer, post) is True


def test_a_draft_is_seen_by_its_author_alone(people):
    draft = DraftFactory(author=people.author)
    assert can_view_post(people.author, draft) is True
    for viewer in [*ANONYMOUS, people.stranger, people.admin]:
        assert can_view_post(viewer, draft) is False


def test_an_account_that_does_not_say_it_is_signed_in_is_anonymous(people):
    """Rights come with ``is_authenticated``: an object with the author's id alone has none."""
    draft = DraftFactory(author=people.author)
    unsigned = SimpleNamespace(id=people.author.id, is_admin=True)
    assert can_view_post(unsigned, draft) is False
    assert can_edit_post(unsigned, draft) is False
    assert can_delete_comment(unsigned, CommentFactory(post=PostFactory(author=people.author))) is (
        False
    )


def test_a_post_is_edited_by_its_author_and_admins_only(people):
    for post in (PostFactory(author=people.author), DraftFactory(author=people.author)):
        assert can_edit_post(people.author, post) is True
        assert can_edit_post(people.admin, post) is True
        assert can_edit_post(people.stranger, post) is False
        for viewer in ANONYMOUS:
            assert can_edit_post(viewer, post) is False


def test_a_comment_is_deleted_by_its_author_the_posts_author_and_admins(people):
    comment = CommentFactory(post=PostFactory(author=people.author), author=people.commenter)
    assert can_delete_comment(people.commenter, comment) is True
    assert can_delete_comment(people.author, comment) is True
    assert can_delete_comment(people.admin, comment) is True
    assert can_delete_comment(people.stranger, comment) is False
    for viewer in ANONYMOUS:
        assert can_delete_comment(viewer, comment) is False


def test_a_validation_error_carries_its_messages_per_field():
    error = ValidationError({"title": ["can't be blank"]})
    assert error.errors == {"title": ["can't be blank"]}
    assert error.args == ({"title": ["can't be blank"]},)
    assert ValidationError.single("body", "is too long").errors == {"body": ["is too long"]}
    assert isinstance(error, DomainError)


def test_a_conflict_is_a_validation_error_of_its_own_kind():
    conflict = Conflict.single("email", "has already been taken")
    assert type(conflict) is Conflict and isinstance(conflict, ValidationError)
    assert conflict.errors == {"email": ["has already been taken"]}


@pytest.mark.parametrize("kind", [PermissionDenied, NotFound])
def test_refusals_carry_a_message_and_the_kind_of_object(kind):
    error = kind("Not yours.", "post")
    assert (str(error), error.subject) == ("Not yours.", "post")
    bare = kind()
    assert (str(bare), bare.subject) == ("", "")
    assert isinstance(bare, DomainError)
