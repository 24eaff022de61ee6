"""The navigation's pages come from the cache on a page that has read the content version, and
are never stale: a page linked, renamed or unlinked by another app shows on the next request."""

import re

import pytest

from blog.domain import pages
from blog.extensions import db
from blog.models import Page
from tests.factories import PageFactory, UserFactory
from tests.helpers import app_on, limiter_kept, make_app


@pytest.fixture
def cached_app(database_url):
    with app_on(database_url, CACHE_TYPE="SimpleCache") as app:
        yield app


def _linked(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index('<ul class="nav-links">') : html.index("</ul>")]
    return re.findall(r'<li class="nav-page"><a href="/([a-z0-9-]+)"', nav)


def test_the_navigation_is_cached_and_never_stale(cached_app, database_url, count_statements):
    PageFactory(slug="about", in_navigation=True)
    client = cached_app.test_client()
    assert _linked(client) == ["about"]
    with count_statements() as counted:
        assert _linked(client) == ["about"]
    warm = counted.total

    admin = UserFactory(username="boss", is_admin=True)
    with limiter_kept():
        other = make_app(database_url, CACHE_TYPE="SimpleCache")  # a cache of its own
    with other.app_context():
        admin = db.session.merge(admin)
        pages.create_page(admin, title="Contact", body="Write.", publish=True, in_navigation=True)
        about = db.session.query(Page).filter_by(slug="about").one()
        pages.update_page(about, admin, {"navigation_position": 5})
        db.session.remove()
        db.engine.dispose()

    with cached_app.app_context():
        assert _linked(client) == ["contact", "about"]
        with count_statements() as counted:
            assert _linked(client) == ["contact", "about"]
        assert counted.total == warm
