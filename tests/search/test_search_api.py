"""``GET /api/articles?q=``: the site's search, through the API's list."""

import pytest

from blog.domain import social
from tests.factories import PASSWORD, DraftFactory, PostFactory, UserFactory
from tests.helpers import Api

SHORE = "A day on the water."


@pytest.fixture
def api(client, db):
    return Api(client)


def _titles(api, query: str) -> tuple[list[str], int]:
    response = api.get("/articles?" + query)
    assert response.status_code == 200, response.json
    return [a["title"] for a in response.json["articles"]], response.json["articlesCount"]


@pytest.fixture
def shore(db):
    """Kayak posts by jake and mia, with tags, a post of jake's that mia favorited, and posts
    that match the tag, the author or the favorite but not the search."""
    jake, mia = UserFactory(username="jake"), UserFactory(username="mia")
    PostFactory(author=mia, title="Kayak trips", description=SHORE, body="Tides.", tags=["water"])
    PostFactory(
        author=jake, title="Choosing a kayak", description=SHORE, body="Fit.", tags=["gear"]
    )
    liked = PostFactory(
        author=jake, title="Paddles", description=SHORE, body="Mine fits my kayak.", tags=["water"]
    )
    other = PostFactory(
        author=jake, title="Swimming", description=SHORE, body="No boat.", tags=["water"]
    )
    for post in (liked, other):
        social.favorite(mia, post)
    DraftFactory(author=jake, title="Kayak draft", description="Kayak.", body="A kayak.")


def test_q_filters_and_ranks_title_matches_above_body_matches(api, db):
    """The body match is the newer post: without ranking it would come first."""
    PostFactory(title="Sea kayaks", description=SHORE, body="Long and narrow.")
    PostFactory(title="A harbour", description=SHORE, body="We launched the kayaks at dawn.")
    PostFactory(title="A forest", description="Trees.", body="No water here.")
    assert _titles(api, "q=kayak") == (["Sea kayaks", "A harbour"], 2)


def test_articles_count_counts_every_match_not_the_page(api, shore):
    titles, count = _titles(api, "q=kayak&limit=1")
    assert (len(titles), count) == (1, 3)
    assert _titles(api, "q=kayak&limit=1&offset=2")[1] == 3


@pytest.mark.parametrize(
    ("narrowed_by", "without_q", "with_q"),
    [
        ("tag=water", {"Kayak trips", "Paddles", "Swimming"}, {"Kayak trips", "Paddles"}),
        (
            "author=jake",
            {"Choosing a kayak", "Paddles", "Swimming"},
            {"Choosing a kayak", "Paddles"},
        ),
        ("favorited=mia", {"Paddles", "Swimming"}, {"Paddles"}),
        ("tag=water&author=jake", {"Paddles", "Swimming"}, {"Paddles"}),
    ],
)
def test_q_combines_with_tag_author_and_favorited_each_narrowing(
    api, shore, narrowed_by, without_q, with_q
):
    everything = {"Kayak trips", "Choosing a kayak", "Paddles"}
    assert set(_titles(api, "q=kayak")[0]) == everything
    titles, count = _titles(api, f"{narrowed_by}")
    assert (set(titles), count) == (without_q, len(without_q))
    titles, count = _titles(api, f"q=kayak&{narrowed_by}")
    assert (set(titles), count) == (with_q, len(with_q))


@pytest.mark.parametrize("blank", ["q=", "q=%20%20", "q=%09", "q=%00%1b"])
def test_a_blank_q_is_no_search_and_lists_every_article_newest_first(api, shore, blank):
    assert _titles(api, blank) == _titles(api, "")
    assert _titles(api, blank)[1] == 4


def test_drafts_are_never_found_even_by_their_author(api, db):
    author = UserFactory(username="drafter")
    DraftFactory(author=author, title="Kayak draft", description="Kayak.", body="A kayak.")
    api.token = api.post(
        "/users/login", {"user": {"email": "drafter@example.com", "password": PASSWORD}}
    ).json["user"]["token"]
    assert _titles(api, "q=kayak") == ([], 0)
    assert _titles(api, "q=kayak&author=drafter") == ([], 0)


def test_the_openapi_document_marks_q_as_an_extension(api):
    operation = api.get("/openapi.json").json["paths"]["/api/articles"]["get"]
    (q,) = [p for p in operation["parameters"] if p["name"] == "q"]
    assert (q["in"], q["required"]) == ("query", False)
    assert q["description"].startswith("x-extension: a full-text search")
    assert "q searches" in operation["x-extension"]
