"""Hostile input: random and hostile values (Hypothesis) into every field of every route.

Every route of the authorization table is sent requests drawn by
:func:`tests.security.hostile_requests.draw_request`, as the first role the table lets use it:
its fields (those the site's forms and the API's document name) kept, dropped, repeated or
replaced by hostile text or any JSON, its path's names and its query string hostile too. For
each request:

- no answer is a 5xx, and none takes longer than :data:`HANG_SECONDS` (a hang fails at once
  rather than stalling the suite);
- a request answered 4xx leaves every row of every table as it was: nothing half-written;
- a request accepted leaves the post totals agreeing with the posts (:func:`counters_agree`),
  and the page it sends the reader to opens without a 5xx (what it saved can be shown).

The draws are the same on every run (``derandomize``); ``HYPOTHESIS_EXAMPLES`` draws more per
route, for a longer hunt than ``make test`` makes.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.api.tokens import issue_token
from blog.domain import counts
from blog.extensions import db, limiter
from blog.models import post_counts
from tests.helpers import sign_in_without_the_form
from tests.security import content
from tests.security.cells import UNSAFE
from tests.security.hostile_requests import acting_role, discover_fields, draw_request, printable
from tests.security.table import TABLE
from tests.security.test_authorization_matrix import _method_of, _name

HANG_SECONDS = 20
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "20"))
"""Draws per route that writes; one that reads (its query and path alone) gets a quarter."""

DRAWS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@pytest.fixture(scope="module")
def fields(world):
    """What every route is sent, read off the site once; no rate limit turns the draws away."""
    limiter.enabled = False  # put back by the world's fresh app afterwards
    return discover_fields(world, TABLE, _method_of)


@contextmanager
def time_limit(seconds: int, request: dict) -> Iterator[None]:
    def hung(signum, frame):
        raise TimeoutError(f"no answer in {seconds} s to {printable(request)}")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def counters_agree() -> bool:
    """The totals the triggers keep are the ones a recount of the posts gives."""

    def totals() -> set[tuple]:
        rows = db.session.execute(sa.select(post_counts.c.scope, post_counts.c.published))
        return {tuple(row) for row in rows if row.published}

    db.session.rollback()
    kept = totals()
    counts.recount(db.session)
    recounted = totals()
    db.session.rollback()
    return kept == recounted


def _is_local(location: str | None) -> bool:
    return bool(location) and urlsplit(location).netloc in ("", "localhost")


def send_hostile(world, key, fields, draw) -> None:
    row, method = TABLE[key], _method_of(key)
    role = acting_role(row)
    names = world.names_for(role)
    if method in UNSAFE and row.fresh is not None and not row.expect[role].is_refusal:
        names.update(row.fresh(world, role))
    actor = names.get("as", world.users[role])
    client = world.app.test_client()
    if actor is not None and not row.is_api:
        sign_in_without_the_form(client, actor)
    if row.prepare is not None:
        names.update(row.prepare(client, names, role, world))
    request = draw_request(draw, row, method, names, fields[key])
    if actor is not None and row.is_api:
        request["headers"]["Authorization"] = f"Token {issue_token(actor)}"
    before = content.snapshot()

    with time_limit(HANG_SECONDS, request):
        response = client.open(**request)

    status = response.status_code
    answer = response.get_data()[:500].decode(errors="replace")
    assert status < 500, (status, printable(request), answer)
    if status >= 400:
        changed = content.changed_tables(before, content.snapshot())
        assert changed == [], (status, changed, printable(request), answer)
        return
    assert counters_agree(), printable(request)
    if _is_local(response.location):
        with time_limit(HANG_SECONDS, request):
            shown = client.get(urlsplit(response.location)._replace(scheme="", netloc="").geturl())
        assert shown.status_code < 500, (response.location, printable(request))


@pytest.mark.parametrize("key", list(TABLE), ids=_name)
def test_hostile_requests(world, fields, key):
    reads = _method_of(key) not in UNSAFE

    @settings(DRAWS, max_examples=max(1, EXAMPLES // 4) if reads else EXAMPLES)
    @given(st.data())
    def attempt(data):
        send_hostile(world, key, fields, data.draw)

    attempt()


def test_the_fields_are_found(world, fields):
    """The discovery reads the forms and the API's document: the fields a route is known to
    take are among those it finds (a discovery that finds nothing would fuzz nothing)."""
    assert {"title", "description", "body", "tags", "publish_at"} <= fields[("posts.new", "POST")][
        "form"
    ]
    assert {"body"} <= fields["comments.add"]["form"]
    assert {"q"} <= fields["search.results"]["query"]
    assert {"article.title", "article.tagList", "article.publishAt"} <= fields[
        "api.create_article"
    ]["json"]
    assert {"user.email", "user.password", "user.otp"} <= fields["api.login"]["json"]
    assert {"limit", "offset", "tag", "author", "favorited"} <= fields["api.list_articles"]["query"]
