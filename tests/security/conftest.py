import pytest

from tests.security import content


@pytest.fixture(scope="module")
def world(shared_app):
    """The content the module's tests read, written once; its rows are gone afterwards.

    Requests allowed to write add posts of their own (some the owner's, newer than the shared
    ones): pages and feeds list a hundred, so the shared posts stay on the first page whatever
    ran before. The settings are put back afterwards."""
    with shared_app.fresh() as app:
        app.config.update(POSTS_PER_PAGE=100, FEED_POSTS=100)
        yield content.build(app)
