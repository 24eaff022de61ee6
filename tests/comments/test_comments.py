from datetime import timedelta

import pytest

from blog.domain import comments
from blog.models import Comment, Post, User, utcnow
from tests.concurrently import at_once
from tests.factories import CommentFactory, DraftFactory, PostFactory, UserFactory


@pytest.fixture
def post(db):
    return PostFactory(slug="talk", author=UserFactory(username="writer"))


def test_comment_is_rendered_sanitized_and_shown_newest_last(client, auth, user, post, db):
    CommentFactory(post=post, body="An earlier comment")
    auth.login()
    response = client.post(
        "/posts/talk/comments", data={"body": "**Great** post <script>x</script>"}
    )
    assert response.status_code == 302
    assert response.location.startswith("/posts/talk#comment-")
    page = client.get("/posts/talk").data.decode()
    assert "<strong>Great</strong>" in page and "<script>x" not in page
    assert page.index("An earlier comment") < page.index("<strong>Great</strong>")
    assert "2 comments" in page


def test_a_double_submit_makes_one_comment_but_a_later_repeat_is_kept(client, auth, user, post, db):
    auth.login()
    first = client.post("/posts/talk/comments", data={"body": "Same words"})
    second = client.post("/posts/talk/comments", data={"body": "Same words"})
    assert first.location == second.location
    assert db.session.query(Comment).count() == 1
    db.session.execute(db.update(Comment).values(created_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    client.post("/posts/talk/comments", data={"body": "Same words"})
    assert db.session.query(Comment).count() == 2


def test_one_comment_sent_by_several_workers_at_once_is_saved_once(app, user, post, db):
    user_id, post_id = user.id, post.id

    def send(_) -> int:
        reader = db.session.get(User, user_id)
        return comments.add_comment(db.session.get(Post, post_id), reader, "Me first!").id

    assert len(set(at_once(app, list(range(5)), send))) == 1
    assert db.session.query(Comment).count() == 1


def test_empty_or_huge_comment_is_refused_and_nothing_saved(client, auth, user, post, db):
    auth.login()
    assert client.post("/posts/talk/comments", data={"body": "  "}).status_code == 422
    assert client.post("/posts/talk/comments", data={"body": "x" * 6000}).status_code == 422
    assert db.session.query(Comment).count() == 0


def test_anonymous_readers_are_asked_to_sign_in(client, post):
    assert b"to comment" in client.get("/posts/talk").data
    response = client.post("/posts/talk/comments", data={"body": "hi"})
    assert response.status_code == 302 and response.location.startswith("/login")


def test_drafts_take_no_comments(client, auth, user, db):
    DraftFactory(slug="draft", author=user)
    auth.login()
    assert client.post("/posts/draft/comments", data={"body": "hi"}).status_code == 403


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("commenter", True), ("writer", True), ("admin", True), ("stranger", False)],
)
def test_who_may_delete_a_comment(client, auth, post, db, who, allowed):
    commenter = UserFactory(username="commenter")
    UserFactory(username="admin", is_admin=True)
    UserFactory(username="stranger")
    comment = CommentFactory(post=post, author=commenter, body="delete me?")
    auth.login(who)
    response = client.post(f"/posts/talk/comments/{comment.id}/delete")
    assert response.status_code == (302 if allowed else 403)
    assert (db.session.query(Comment).count() == 0) is allowed


@pytest.mark.parametrize("comment_id", ["999", "abc", "0", "-1", "99999999999999999999"])
def test_unknown_comment_ids_are_404(client, auth, user, post, comment_id):
    auth.login()
    assert client.post(f"/posts/talk/comments/{comment_id}/delete").status_code == 404


def test_a_comment_of_another_post_cannot_be_deleted_through_this_one(client, auth, user, post):
    other = CommentFactory(post=PostFactory(author=user))
    auth.login()
    assert client.post(f"/posts/talk/comments/{other.id}/delete").status_code == 404


def test_delete_buttons_only_where_allowed(client, auth, post, db):
    UserFactory(username="reader")
    CommentFactory(post=post, author=UserFactory(username="commenter"))
    auth.login("reader")
    assert b"comment-delete" not in client.get("/posts/talk").data
    auth.logout()
    auth.login("writer")
    assert b"comment-delete" in client.get("/posts/talk").data


def test_comment_counts_show_on_cards(client, post, db):
    CommentFactory.create_batch(3, post=post)
    page = client.get("/").data.decode()
    assert '3<span class="visually-hidden"> comments on' in page
