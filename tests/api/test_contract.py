"""The OpenAPI document, the docs page, CORS, and statement counts of the list endpoints."""

import pytest

from blog.api import schemas
from blog.domain import social
from blog.domain.users import find_by_username
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.helpers import Api, counting_statements, make_app


def test_openapi_document_is_generated_from_the_schemas(api):
    document = api.get("/openapi.json").json
    assert document["openapi"].startswith("3.1")
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert len(operations) == 20  # the spec's 19 and POST /api/uploads (an x-extension)
    assert ("/api/articles/{slug}/comments/{id}", "delete") in operations
    components = document["components"]["schemas"]
    parameters = {p["name"]: p for p in document["paths"]["/api/articles"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 100
    assert set(components["UserOut"]["properties"]) == set(schemas.UserOut.model_fields)
    assert document["components"]["securitySchemes"]["Token"]["name"] == "Authorization"


def test_where_the_api_goes_beyond_the_spec_the_document_says_so(api):
    document = api.get("/openapi.json").json
    paths = document["paths"]
    assert "at most 100" in paths["/api/articles"]["get"]["x-extension"]
    assert "at most 100" in paths["/api/articles/feed"]["get"]["x-extension"]
    assert "disabled account" in paths["/api/users/login"]["post"]["x-extension"]
    assert "Bearer" in document["components"]["securitySchemes"]["Token"]["x-extension"]


def test_bearer_tokens_work_like_token_ones(api, db):
    token = api.post(
        "/users", {"user": {"username": "b", "email": "b@example.com", "password": "long enough"}}
    ).json["user"]["token"]
    for scheme in ("Token", "Bearer"):
        response = api.client.get("/api/user", headers={"Authorization": f"{scheme} {token}"})
        assert response.status_code == 200 and response.json["user"]["username"] == "b"


def test_docs_page_is_served_from_local_files(client):
    response = client.get("/api/docs", follow_redirects=True)
    assert response.status_code == 200
    page = response.data.decode()
    assert "swagger-ui-bundle.js" in page and "//cdn" not in page and "https://" not in page
    assert client.get("/api/swagger/js/swagger-ui-bundle.js").status_code == 200


def test_no_cors_by_default(api):
    response = api.client.get("/api/tags", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_for_configured_origins_only(database_url):
    app = make_app(database_url, CORS_ORIGINS="https://app.example, http://localhost:3000")
    client = app.test_client()
    preflight = client.options(
        "/api/articles",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    other = client.options("/api/articles", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = client.get("/", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in page.headers


def _fill(author, fans, start, stop):
    for n in range(start, stop):
        post = PostFactory(author=author, slug=f"p{n}", tags=["all", f"t{n}"])
        CommentFactory(post=post, author=fans[n % 2])
        for fan in fans:
            social.favorite(fan, post)


LIST_PATHS = [
    "/articles?limit=50",
    "/articles?tag=all&limit=50",
    "/articles?author=author&limit=50",
    "/articles?favorited=fan0&limit=50",
    "/articles/feed?limit=50",
    "/articles/p0/comments",
]


@pytest.fixture(scope="module")
def list_statements(shared_app):
    """``{path: (statements with 1 article, statements with 50)}`` for every list endpoint, on
    one blog written once: a reader follows the author and a fan; two fans comment and
    favorite."""
    with shared_app.fresh() as app:
        api = Api(app.test_client())
        author = UserFactory(username="author")
        fans = [UserFactory(username=f"fan{n}") for n in range(2)]
        api.token = api.sign_up("reader")
        reader = find_by_username("reader")
        social.follow(reader, author)
        social.follow(reader, fans[1])

        def statements(path: str) -> int:
            with counting_statements() as counted:
                assert api.get(path).status_code == 200, path
            return counted.total

        _fill(author, fans, 0, 1)
        with_one = {path: statements(path) for path in LIST_PATHS}
        _fill(author, fans, 1, 50)
        return {path: (with_one[path], statements(path)) for path in LIST_PATHS}


@pytest.mark.xdist_group("api-statement-counts")  # one worker writes the blog, once
@pytest.mark.parametrize("path", LIST_PATHS)
def test_list_endpoints_run_a_fixed_number_of_statements(list_statements, path):
    first, fifty = list_statements[path]
    assert first == fifty, f"{path}: {first} statements with 1 article, {fifty} with 50"
    assert fifty <= 6


def test_cors_preflight_needs_no_token(database_url):
    app = make_app(database_url, CORS_ORIGINS="http://localhost:3000")
    response = app.test_client().options(
        "/api/user",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "PUT"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
