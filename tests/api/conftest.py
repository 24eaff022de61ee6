import pytest

from tests.factories import PASSWORD


class Api:
    """JSON requests to /api, with an optional ``Authorization: Token ...``."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None

    def _headers(self, token):
        token = token if token is not None else self.token
        return {"Authorization": f"Token {token}"} if token else {}

    def get(self, path, token=None, **kwargs):
        return self.client.get("/api" + path, headers=self._headers(token), **kwargs)

    def post(self, path, json=None, token=None, **kwargs):
        return self.client.post("/api" + path, json=json, headers=self._headers(token), **kwargs)

    def put(self, path, json=None, token=None, **kwargs):
        return self.client.put("/api" + path, json=json, headers=self._headers(token), **kwargs)

    def delete(self, path, token=None, **kwargs):
        return self.client.delete("/api" + path, headers=self._headers(token), **kwargs)

    def sign_up(self, username: str) -> str:
        response = self.post(
            "/users",
            {
                "user": {
                    "username": username,
                    "email": f"{username}@example.com",
                    "password": PASSWORD,
                }
            },
        )
        assert response.status_code == 201, response.json
        return response.json["user"]["token"]

    def write(self, title="An article", token=None, **fields):
        article = {"title": title, "description": "About it", "body": "# Hello", **fields}
        response = self.post("/articles", {"article": article}, token=token)
        assert response.status_code == 201, response.json
        return response.json["article"]


@pytest.fixture
def api(client, db):
    return Api(client)


@pytest.fixture
def signed_up(api):
    api.token = api.sign_up("jake")
    return api
