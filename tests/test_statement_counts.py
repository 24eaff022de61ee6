"""Pages issue a fixed number of SQL statements however many posts, tags, comments or favorites
they show."""

import pytest

from blog.domain import social
from tests.factories import CommentFactory, PostFactory, UserFactory

PUBLIC_PAGES = ["/", "/tags/common", "/@prolific", "/@prolific/favorites", "/posts/post-0"]
CASES = [
    *((path, False) for path in PUBLIC_PAGES),
    *((path, True) for path in [*PUBLIC_PAGES, "/feed"]),
]
MOST_STATEMENTS = 8


def _write_posts(author, fans, start: int, stop: int) -> None:
    for n in range(start, stop):
        post = PostFactory(
            author=author, slug=f"post-{n}", tags=["common", f"own{n}", f"extra{n % 3}"]
        )
        CommentFactory(post=post, author=fans[n % len(fans)])
        for fan in (author, *fans):
            social.favorite(fan, post)


def _statements(client, count_statements, path: str) -> int:
    with count_statements() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return counted.total


@pytest.mark.parametrize(
    ("path", "signed_in"), CASES, ids=[f"{p}-{'reader' if s else 'anonymous'}" for p, s in CASES]
)
def test_statement_count_does_not_grow_with_the_page(
    app, client, auth, count_statements, path, signed_in
):
    app.config["POSTS_PER_PAGE"] = 50
    author = UserFactory(username="prolific")
    fans = [UserFactory(username=f"fan{n}") for n in range(2)]
    if signed_in:
        reader = UserFactory(username="reader")
        social.follow(reader, author)
        auth.login("reader")
    _write_posts(author, fans, 0, 1)
    with_one = _statements(client, count_statements, path)
    _write_posts(author, fans, 1, 50)
    with_fifty = _statements(client, count_statements, path)
    assert with_one == with_fifty, (
        f"{path}: {with_one} statements with 1 post, {with_fifty} with 50"
    )
    assert with_fifty <= MOST_STATEMENTS
