"""The soak's ledger (soak/ledger.py) against a small database of the test's own: it finds an
acknowledged write that is missing, there twice or not as acknowledged, and a counter that
disagrees with its rows. The soak itself (``make soak``, ``make faults``) is too long for here."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from blog.models import Comment, Post, favorites, follows, post_counts
from soak.ledger import Ledger, Reported, verify
from tests.factories import CommentFactory, PostFactory, UserFactory


@pytest.fixture
def acknowledged(db):
    """A post, its comment, a favorite and a follow, as the blog acknowledged them."""
    author, reader = UserFactory(username="author"), UserFactory(username="reader")
    post = PostFactory(author=author, slug="kept", title="Kept", body="last body")
    comment = CommentFactory(post=post, author=reader, body="a comment")
    db.session.execute(sa.insert(favorites).values(user_id=reader.id, post_id=post.id))
    db.session.execute(sa.insert(follows).values(follower_id=reader.id, followed_id=author.id))
    db.session.commit()
    ledger = Ledger()
    ledger.created("kept", "author", "Kept", "first body")
    ledger.edited("kept", "last body", acknowledged=True)
    ledger.commented(comment.id, "kept", "reader", "a comment")
    ledger.favorited("reader", "kept")
    ledger.followed("reader", "author")
    return ledger


def problems(db, ledger, reported=None) -> list[str]:
    return [str(problem) for problem in verify(db.session.connection(), ledger, reported)]


def test_what_was_acknowledged_and_is_there_is_no_problem(db, acknowledged):
    assert problems(db, acknowledged, Reported({"kept": 1}, {"kept": 1})) == []


def test_a_lost_comment_and_a_lost_favorite_are_found(db, acknowledged):
    db.session.execute(sa.delete(Comment))
    db.session.execute(sa.delete(favorites))
    assert problems(db, acknowledged) == [
        f"lost: comment {next(iter(acknowledged.comments))} on kept",
        "lost: favorite reader -> kept",
    ]


def test_a_comment_stored_twice_is_found(db, acknowledged):
    post = db.session.scalar(sa.select(Post))
    CommentFactory(post=post, author=post.author, body="a comment")
    (found,) = problems(db, acknowledged)
    assert found.startswith("duplicated: comment ")


def test_an_article_holding_an_older_body_is_wrong_unless_a_later_edit_went_unanswered(
    db, acknowledged
):
    db.session.execute(sa.update(Post).values(body="first body"))
    assert problems(db, acknowledged) == ["wrong: article kept: not its last body"]
    db.session.execute(sa.update(Post).values(body="sent, no answer"))
    acknowledged.edited("kept", "sent, no answer", acknowledged=False)
    assert problems(db, acknowledged) == []


def test_counters_that_disagree_with_the_rows_are_found(db, acknowledged):
    db.session.execute(
        sa.update(post_counts).where(post_counts.c.scope == "all").values(published=5)
    )
    assert problems(db, acknowledged, Reported({"kept": 2}, {"kept": 1})) == [
        "counter: post_counts all: 5 != 1",
        "counter: kept: favoritesCount 2 != 1 rows",
    ]
