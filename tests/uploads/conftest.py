import io

import pytest

from tests.helpers import sign_in_without_the_form


@pytest.fixture
def author(user, client):
    sign_in_without_the_form(client, user)
    return user


@pytest.fixture
def send(client):
    """``send(data, name)`` posts an image to the editor's endpoint, as its script does."""

    def post(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
        return client.post(
            "/uploads",
            data={"file": (io.BytesIO(data), name, content_type)},
            content_type="multipart/form-data",
            headers={"Accept": "application/json"},
        )

    return post
