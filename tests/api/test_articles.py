"""The API and the site are two front doors to one blog."""

import pytest
import sqlalchemy as sa

from blog.models import Comment, Post, User
from blog.models.post import favorites
from tests.factories import DraftFactory, PostFactory, UserFactory


def test_an_api_article_is_a_post_on_the_site(client, signed_up, db):
    article = signed_up.write("From the API", body="## Rendered\n\n*here*", tagList=["Mixed Case"])
    assert article["tagList"] == ["mixed case"]
    page = client.get(f"/posts/{article['slug']}").data.decode()
    assert '<h2 id="h-rendered">Rendered</h2>' in page and "<em>here</em>" in page
    assert "From the API" in client.get("/").data.decode()


def test_a_site_post_is_an_api_article_with_comments_and_favorites(client, auth, signed_up, db):
    PostFactory(slug="site-post", author=UserFactory(username="writer"), tags=["b", "a"])
    auth.login("writer")
    client.post("/posts/site-post/comments", data={"body": "From the site"})
    signed_up.post("/articles/site-post/favorite")
    article = signed_up.get("/articles/site-post").json["article"]
    assert article["tagList"] == ["b", "a"]
    assert article["favorited"] is True and article["favoritesCount"] == 1
    comments = signed_up.get("/articles/site-post/comments").json["comments"]
    assert [c["body"] for c in comments] == ["From the site"]
    assert '<span class="favorite-count">1</span>' in client.get("/posts/site-post").data.decode()


def test_drafts_stay_out_of_the_api(signed_up, db):
    DraftFactory(slug="secret", author=UserFactory(username="drafter"))
    assert signed_up.get("/articles/secret").status_code == 404
    assert signed_up.get("/articles").json["articlesCount"] == 0


DRAFT_REQUESTS = [
    ("get", "/articles/draft", None),
    ("put", "/articles/draft", {"article": {"body": "changed"}}),
    ("delete", "/articles/draft", None),
    ("post", "/articles/draft/favorite", None),
    ("delete", "/articles/draft/favorite", None),
    ("get", "/articles/draft/comments", None),
    ("post", "/articles/draft/comments", {"comment": {"body": "hi"}}),
]


@pytest.mark.parametrize(("method", "path", "body"), DRAFT_REQUESTS)
@pytest.mark.parametrize("who", ["author", "admin"])
def test_a_draft_is_absent_from_every_endpoint_even_for_its_author(
    signed_up, db, who, method, path, body
):
    """The API knows no drafts: they stay in the site's editor until published."""
    author = db.session.query(User).filter_by(username="jake").one()
    DraftFactory(slug="draft", author=author, body="Unfinished")
    if who == "admin":
        signed_up.token = signed_up.sign_up("boss")
        db.session.query(User).filter_by(username="boss").one().is_admin = True
        db.session.commit()
    call = getattr(signed_up, method)
    response = call(path, body) if method in ("put", "post") else call(path)
    assert response.status_code == 404, response.json
    assert response.json == {"errors": {"article": ["not found"]}}
    assert db.session.query(Post).one().body == "Unfinished"
    assert db.session.query(Comment).count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(favorites)) == 0


def test_saving_an_article_unchanged_keeps_its_updated_time(signed_up, db):
    article = signed_up.write("Steady")
    again = signed_up.put(f"/articles/{article['slug']}", {"article": {"title": "Steady"}})
    assert again.json["article"]["updatedAt"] == article["updatedAt"]
    changed = signed_up.put(f"/articles/{article['slug']}", {"article": {"title": "Moved"}})
    assert changed.json["article"]["updatedAt"] > article["updatedAt"]


def test_a_body_that_starts_with_indented_code_keeps_it(client, signed_up, db):
    article = signed_up.write("Code first", body="\n\n    print('hi')\n\nThen words.  \n")
    saved = signed_up.get(f"/articles/{article['slug']}").json["article"]
    assert saved["body"] == "    print('hi')\n\nThen words."
    assert "<pre><code>print('hi')" in client.get(f"/posts/{article['slug']}").text


def test_update_keeps_the_slug_and_unsent_fields(signed_up, db):
    article = signed_up.write("Original title", tagList=["keep"])
    response = signed_up.put(f"/articles/{article['slug']}", {"article": {"title": "New title"}})
    updated = response.json["article"]
    assert updated["slug"] == article["slug"] and updated["title"] == "New title"
    assert updated["tagList"] == ["keep"] and updated["body"] == "# Hello"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"tagList": None}, "tagList"),
        ({"body": "x" * 200_000}, "body"),
        ({"tagList": [f"t{n}" for n in range(11)]}, "tagList"),
    ],
)
def test_bad_updates_are_422_and_change_nothing(signed_up, db, fields, field):
    article = signed_up.write("Stays")
    response = signed_up.put(f"/articles/{article['slug']}", {"article": fields})
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.session.query(Post).one().title == "Stays"


def test_list_filters_and_total_count(signed_up, db):
    for n in range(3):
        signed_up.write(f"Article {n}", tagList=["even"] if n % 2 == 0 else ["odd"])
    listing = signed_up.get("/articles?tag=even&limit=1").json
    assert listing["articlesCount"] == 2 and len(listing["articles"]) == 1
    assert listing["articles"][0]["title"] == "Article 2"
    assert "body" not in listing["articles"][0]
    assert signed_up.get("/articles?author=JAKE").json["articlesCount"] == 3
    assert signed_up.get("/articles?author=nobody").json == {"articles": [], "articlesCount": 0}


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=-1",
        "limit=101",
        "limit=99999999999999999999",
        "offset=-5",
        "offset=99999999999999999999",
        "limit=abc",
    ],
)
def test_bad_limits_and_offsets_are_422_in_the_realworld_shape(api, db, query):
    response = api.get(f"/articles?{query}")
    assert response.status_code == 422
    assert set(response.json) == {"errors"}


def test_huge_offset_is_an_empty_page(api, db):
    response = api.get("/articles?offset=10000000")
    assert response.status_code == 200 and response.json["articles"] == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"article": "text"}', "application/json"),
        ('{"nothing": {}}', "application/json"),
        ("[]", "application/json"),
        ("title=x", "application/x-www-form-urlencoded"),
        ('{"article": {"title": 5, "description": [], "body": {}}}', "application/json"),
        ("[" * 5000 + "]" * 5000, "application/json"),  # too deep for the JSON parser
        ('{"article": ' * 3000 + "{}" + "}" * 3000, "application/json"),
    ],
)
def test_malformed_requests_are_422_never_500(signed_up, db, body, content_type):
    response = signed_up.client.post(
        "/api/articles",
        data=body,
        content_type=content_type,
        headers={"Authorization": f"Token {signed_up.token}"},
    )
    assert response.status_code == 422
    assert "errors" in response.json
    assert db.session.query(Post).count() == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ("[]", {"body": ["must be a JSON object"]}),
        ("not json", {"body": ["must be a JSON object"]}),
        ('{"article": "text"}', {"article": ["must be a JSON object"]}),
    ],
)
def test_a_body_that_is_not_an_object_says_so_in_plain_words(signed_up, db, body, errors):
    response = signed_up.client.post(
        "/api/articles",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Token {signed_up.token}"},
    )
    assert response.status_code == 422
    assert response.json == {"errors": errors}


def test_a_huge_body_is_413_in_the_realworld_shape(settings, signed_up, db):
    settings(MAX_CONTENT_LENGTH=1000)
    response = signed_up.post("/articles", {"article": {"title": "t", "body": "x" * 5000}})
    assert response.status_code == 413
    assert "errors" in response.json


def test_unknown_slugs_and_ids(signed_up, db):
    assert signed_up.get("/articles/%00").status_code == 404
    assert signed_up.delete("/articles/nope/comments/1").status_code == 404
    article = signed_up.write("Here")
    missing = signed_up.delete(f"/articles/{article['slug']}/comments/99999")
    assert missing.status_code == 404 and missing.json == {"errors": {"comment": ["not found"]}}


@pytest.mark.parametrize("field", ["title", "description", "body"])
def test_lone_surrogates_are_422_not_500(signed_up, db, field):
    article = {"title": "t", "description": "d", "body": "b", field: "bad \ud800 text"}
    response = signed_up.post("/articles", {"article": article})
    assert response.status_code == 422
    assert response.json["errors"][field] == ["contains characters that are not allowed"]


@pytest.mark.parametrize("path", ["/users", "/users/login"])
def test_lone_surrogates_in_credentials_are_422(api, db, path):
    user = {"username": "s", "email": "s@example.com", "password": "pass\udfffword"}
    response = api.post(path, {"user": user})
    assert response.status_code == 422


@pytest.mark.parametrize("name", ["tag", "author", "favorited"])
def test_malformed_list_filters_match_nothing(signed_up, db, name):
    signed_up.write("Visible", tagList=["x"])
    response = signed_up.get(f"/articles?{name}=%00")
    assert response.status_code == 200
    assert response.json == {"articles": [], "articlesCount": 0}


def test_an_article_titled_feed_does_not_shadow_the_feed(signed_up, db):
    article = signed_up.write("Feed")
    assert article["slug"] == "feed-post"
    assert signed_up.get("/articles/feed").json["articlesCount"] == 0
    assert signed_up.put("/articles/feed", {"article": {"body": "x"}}).status_code == 405


def test_passwords_keep_their_spaces_from_registration_to_sign_in(api, db):
    spaced = "        "
    user = {"username": "spaces", "email": "spaces@example.com", "password": spaced}
    assert api.post("/users", {"user": user}).status_code == 201
    login = {"user": {"email": "spaces@example.com", "password": spaced}}
    assert api.post("/users/login", login).status_code == 200
