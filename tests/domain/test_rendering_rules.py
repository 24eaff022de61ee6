"""Rendering stored bodies again (blog.domain.rendering): older posts and comments get what the
renderer makes today, and nothing else about them changes."""

from datetime import timedelta

from blog.domain.queries import search_posts
from blog.domain.rendering import render_again
from blog.markdown import render_comment, render_post
from blog.models import utcnow
from tests.factories import CommentFactory, PostFactory

CODE = "Some code:\n\n```python\nprint('snippet')\n```"


def test_bodies_rendered_before_a_renderer_change_are_rendered_again(app, db):
    long_ago = utcnow() - timedelta(days=30)
    post = PostFactory(body=CODE, body_html="<p>old</p>", updated_at=long_ago)
    current = PostFactory(body=CODE)
    comment = CommentFactory(post=current, body=CODE, body_html="<p>old</p>")
    assert render_again() == (1, 1, 0)
    db.session.expire_all()
    assert post.body_html == render_post(CODE) and '<span class="nb">print</span>' in post.body_html
    assert comment.body_html == render_comment(CODE)
    assert post.updated_at == long_ago
    assert render_again() == (0, 0, 0)


def test_the_search_index_reads_the_new_text(app, db):
    post = PostFactory(
        title="Old", body="New words here.", body_html="<p>stale</p>", description=""
    )
    assert [hit.title for hit in search_posts("stale", None, 1, 10)[1].items] == ["Old"]
    render_again()
    assert search_posts("stale", None, 1, 10)[1].items == []
    assert [hit.id for hit in search_posts("words", None, 1, 10)[1].items] == [post.id]


def test_the_command_says_how_many_changed(app, db):
    PostFactory(body=CODE, body_html="<p>old</p>")
    result = app.test_cli_runner().invoke(args=["blog", "render-posts"])
    assert result.exit_code == 0
    assert "1 posts, 0 comments and 0 pages changed" in result.output
