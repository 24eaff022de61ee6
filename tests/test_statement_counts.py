"""Pages issue a fixed number of SQL statements however many posts or tags they show."""

import pytest

from tests.factories import PostFactory, UserFactory

PAGES = ["/", "/tags/common", "/@prolific", "/posts/post-0"]
MOST_STATEMENTS = 8


def _write_posts(author, start: int, stop: int) -> None:
    for n in range(start, stop):
        PostFactory(author=author, slug=f"post-{n}", tags=["common", f"own{n}", f"extra{n % 3}"])


def _statements(client, count_statements, path: str) -> int:
    with count_statements() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return counted.total


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("path", PAGES)
def test_statement_count_does_not_grow_with_the_page(
    app, client, auth, count_statements, path, signed_in
):
    app.config["POSTS_PER_PAGE"] = 50
    author = UserFactory(username="prolific")
    if signed_in:
        UserFactory(username="reader")
        auth.login("reader")
    _write_posts(author, 0, 1)
    with_one = _statements(client, count_statements, path)
    _write_posts(author, 1, 50)
    with_fifty = _statements(client, count_statements, path)
    assert with_one == with_fifty, (
        f"{path}: {with_one} statements with 1 post, {with_fifty} with 50"
    )
    assert with_fifty <= MOST_STATEMENTS
