"""Pages issue a fixed number of SQL statements however many posts, tags, comments or favorites
they show."""

import pytest

from blog.domain import queries, social
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.helpers import AuthActions, counting_statements

SEARCH = "/search?q=common"
PUBLIC_PAGES = [
    "/",
    "/tags/common",
    "/@prolific",
    "/@prolific/favorites",
    "/posts/post-0",
    SEARCH,
]
CASES = [
    *((path, False) for path in PUBLIC_PAGES),
    *((path, True) for path in [*PUBLIC_PAGES, "/feed"]),
]
MOST_STATEMENTS = 9
"""The tests run without a cache (NullCache): two of these, the site settings and the pages in the
navigation, come from the cache on a running blog."""

# Every case reads the same blog: it is written once for the module, which one worker runs.
pytestmark = pytest.mark.xdist_group("statement-counts")


def _write_posts(author, fans, start: int, stop: int) -> None:
    for n in range(start, stop):
        post = PostFactory(
            author=author, slug=f"post-{n}", tags=["common", f"own{n}", f"extra{n % 3}"]
        )
        CommentFactory(post=post, author=fans[n % len(fans)])
        for fan in (author, *fans):
            social.favorite(fan, post)


def _statements(client, path: str) -> int:
    with counting_statements() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return counted.total


def _search_finds(client, posts: int) -> None:
    """The search case counts a page of hits, not an empty one: every post carries the tag."""
    page = client.get(SEARCH).get_data(as_text=True)
    assert f"{posts} post{'s' if posts > 1 else ''} found" in page


@pytest.fixture(scope="module")
def counted(shared_app):
    """``{(path, signed_in): (statements with 1 post, statements with 50)}`` for every case, on
    one blog written once: a reader follows the prolific author, whose posts two fans comment on
    and favorite."""
    with shared_app.fresh() as app:
        app.config["POSTS_PER_PAGE"] = 50  # put back when fresh() ends
        author = UserFactory(username="prolific")
        fans = [UserFactory(username=f"fan{n}") for n in range(2)]
        social.follow(UserFactory(username="reader"), author)
        clients = {False: app.test_client(), True: app.test_client()}
        assert AuthActions(clients[True]).login("reader").status_code == 302
        _write_posts(author, fans, 0, 1)
        with_one = {case: _statements(clients[case[1]], case[0]) for case in CASES}
        _search_finds(clients[False], 1)
        _write_posts(author, fans, 1, 50)
        with_fifty = {case: _statements(clients[case[1]], case[0]) for case in CASES}
        _search_finds(clients[False], 50)
        return {case: (with_one[case], with_fifty[case]) for case in CASES}


@pytest.mark.parametrize(
    ("path", "signed_in"), CASES, ids=[f"{p}-{'reader' if s else 'anonymous'}" for p, s in CASES]
)
def test_statement_count_does_not_grow_with_the_page(counted, path, signed_in):
    with_one, with_fifty = counted[path, signed_in]
    assert with_one == with_fifty, (
        f"{path}: {with_one} statements with 1 post, {with_fifty} with 50"
    )
    assert with_fifty <= MOST_STATEMENTS


def test_the_more_posts_lists_under_a_post_are_one_statement(db, count_statements):
    """The lists "More from the author" and "More on the tag", both full, whatever the blog
    holds."""
    author = UserFactory()
    PostFactory(author=author, tags=["shared"], slug="this-one")
    for n in range(8):
        PostFactory(author=author if n % 2 else UserFactory(), tags=["shared"])
    post = queries.get_post("this-one", None)  # with its tags, as the post page has it
    with count_statements() as counted:
        more = queries.more_posts(post)
    assert counted.total == 1
    assert len(more.by_author) == len(more.on_tag) == queries.MORE_POSTS
