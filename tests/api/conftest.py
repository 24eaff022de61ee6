import pytest

from tests.helpers import Api


@pytest.fixture
def api(client, db):
    return Api(client)


@pytest.fixture
def signed_up(api):
    api.token = api.sign_up("jake")
    return api
