"""Comment rules (blog.domain.comments): who may write, read and remove them, and a comment sent
twice is saved once."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from blog.domain import comments
from blog.domain.errors import NotFound, PermissionDenied, ValidationError
from blog.domain.posts import RESUBMIT_WINDOW
from blog.extensions import db
from blog.models import Comment
from blog.models.post import COMMENT_MAX
from tests.factories import CommentFactory, DraftFactory, PostFactory, UserFactory


@pytest.fixture
def post(db):
    return PostFactory(author=UserFactory(username="author"))


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


def saved_comments() -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Comment).order_by(Comment.id)))


def test_a_comment_is_saved_with_its_author_post_text_and_safe_html(post, reader):
    comment = comments.add_comment(post, reader, "\n\n  **Great** post  \n")
    [saved] = saved_comments()
    assert saved.id == comment.id
    assert (saved.post_id, saved.author_id) == (post.id, reader.id)
    assert saved.body == "  **Great** post"
    assert saved.body_html == "<p><strong>Great</strong> post</p>\n"


def test_a_comment_keeps_its_line_breaks(post, reader):
    assert comments.add_comment(post, reader, "one\n\ntwo").body == "one\n\ntwo"


def test_a_comment_is_rendered_in_the_comment_subset(post, reader):
    comment = comments.add_comment(post, reader, "# not a heading\n\n![x](https://e.example/i.png)")
    assert "<h1>" not in comment.body_html and "<img" not in comment.body_html


def test_a_draft_takes_no_comments(reader):
    draft = DraftFactory()
    with pytest.raises(PermissionDenied) as error:
        comments.add_comment(draft, reader, "First!")
    assert (str(error.value), error.value.subject) == ("Drafts can't be commented on.", "post")
    assert saved_comments() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "can't be blank"),
        (None, "can't be blank"),
        (42, "must be a string"),
        ("x" * (COMMENT_MAX + 1), f"is too long (maximum is {COMMENT_MAX} characters)"),
        ("nul\x00", "contains characters that are not allowed"),
    ],
)
def test_a_bad_comment_is_an_error_on_the_body_and_nothing_is_saved(post, reader, body, message):
    with pytest.raises(ValidationError) as error:
        comments.add_comment(post, reader, body)
    assert error.value.errors == {"body": [message]}
    assert saved_comments() == []


def test_a_comment_of_the_longest_length_is_taken(post, reader):
    assert len(comments.add_comment(post, reader, "x" * COMMENT_MAX).body) == COMMENT_MAX


def test_the_same_comment_sent_again_at_once_is_the_one_saved(post, reader):
    first = comments.add_comment(post, reader, "Nice")
    again = comments.add_comment(post, reader, "Nice\n")
    assert again.id == first.id
    assert len(saved_comments()) == 1


def test_what_makes_a_comment_a_new_one(post, reader):
    """Another text, another post, another commenter, or the same text after the window."""
    first = comments.add_comment(post, reader, "Nice")
    other_post = PostFactory()
    other_reader = UserFactory()
    new = [
        comments.add_comment(post, reader, "Nicer"),
        comments.add_comment(other_post, reader, "Nice"),
        comments.add_comment(post, other_reader, "Nice"),
    ]
    first.created_at -= RESUBMIT_WINDOW + timedelta(seconds=1)
    db.session.commit()
    new.append(comments.add_comment(post, reader, "Nice"))
    assert len({first.id, *(comment.id for comment in new)}) == 5
    assert len(saved_comments()) == 5


def test_a_copy_sent_just_as_the_window_closes_is_still_the_same_comment(post, reader, monkeypatch):
    first = comments.add_comment(post, reader, "Nice")
    closing = first.created_at + RESUBMIT_WINDOW
    monkeypatch.setattr(comments, "utcnow", lambda: closing)
    assert comments.add_comment(post, reader, "Nice").id == first.id
    assert len(saved_comments()) == 1


def test_the_resubmit_window_is_ten_seconds():
    assert timedelta(seconds=10) == RESUBMIT_WINDOW


def test_a_posts_comments_come_oldest_first_with_their_authors(post, reader, count_statements):
    later = CommentFactory(post=post, body="later")
    earlier = CommentFactory(post=post, body="earlier", author=reader)
    earlier.created_at = later.created_at - timedelta(minutes=1)
    same_time = CommentFactory(post=post, body="same time as later")
    same_time.created_at = later.created_at
    CommentFactory(body="on another post")
    db.session.commit()
    db.session.expire_all()
    assert post.id  # loaded before counting
    with count_statements() as counted:
        listed = comments.post_comments(post)
        names = [comment.author.username for comment in listed]
    assert [comment.body for comment in listed] == ["earlier", "later", "same time as later"]
    assert names[0] == "reader"
    assert counted.total == 1


def test_a_post_without_comments_lists_none(post):
    assert comments.post_comments(post) == []


def test_a_comment_is_found_by_its_id_on_its_own_post(post):
    comment = CommentFactory(post=post)
    assert comments.get_comment(post, comment.id) == comment
    assert comments.get_comment(post, str(comment.id)) == comment


@pytest.mark.parametrize("comment_id", ["0", "-1", "abc", None, "99999", str(2**40)])
def test_no_such_comment_is_not_found(post, comment_id):
    CommentFactory(post=post)
    with pytest.raises(NotFound) as error:
        comments.get_comment(post, comment_id)
    assert (str(error.value), error.value.subject) == ("No such comment.", "comment")


def test_a_comment_on_another_post_is_not_found_on_this_one(post):
    elsewhere = CommentFactory()
    with pytest.raises(NotFound):
        comments.get_comment(post, elsewhere.id)


@pytest.mark.parametrize("who", ["commenter", "post_author", "admin"])
def test_a_comment_is_deleted_by_its_author_the_posts_author_or_an_admin(post, reader, who):
    comment = CommentFactory(post=post, author=reader)
    kept = CommentFactory(post=post)
    deleter = {"commenter": reader, "post_author": post.author}.get(who) or UserFactory(
        is_admin=True
    )
    comments.delete_comment(comment, deleter)
    assert [c.id for c in saved_comments()] == [kept.id]


@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_no_one_else_deletes_a_comment(post, reader, who):
    comment = CommentFactory(post=post, author=reader)
    with pytest.raises(PermissionDenied) as error:
        comments.delete_comment(comment, UserFactory() if who == "stranger" else None)
    assert str(error.value) == "Only the comment's author, the post's author or an admin can."
    assert error.value.subject == "comment"
    assert len(saved_comments()) == 1
