"""The tags index and the archive: what they count, and months without posts."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from blog.domain import queries
from tests.factories import DraftFactory, PostFactory


def _at(year: int, month: int, day: int = 15, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_the_tags_index_counts_public_posts_only(client, db):
    PostFactory(tags=["python", "web"])
    PostFactory(tags=["python"])
    DraftFactory(tags=["python", "secret"])
    page = client.get("/tags").get_data(as_text=True)
    assert "/tags/python" in page and "/tags/web" in page and "secret" not in page
    assert '<span class="tag-count">2<span class="visually-hidden"> posts' in page
    assert '<span class="tag-count">1<span class="visually-hidden"> post<' in page
    assert page.index("/tags/python") < page.index("/tags/web")


def test_the_archive_counts_public_posts_per_month(client, db):
    PostFactory(published_at=_at(2024, 1, 31, 23))
    PostFactory(published_at=_at(2024, 1, 2))
    PostFactory(published_at=_at(2024, 12, 1, 0))
    PostFactory(published_at=_at(2025, 3))
    DraftFactory(published_at=_at(2024, 2))
    page = client.get("/archive").get_data(as_text=True)
    assert page.index(">2025<") < page.index(">2024<")
    assert '<a href="/archive/2024/1">January</a> <span class="muted">2 posts' in page
    assert '<a href="/archive/2024/12">December</a> <span class="muted">1 post<' in page
    assert '<a href="/archive/2025/3">March</a>' in page
    assert "/archive/2024/2" not in page


def test_a_month_page_lists_that_months_posts_with_pages(client, db, settings):
    settings(POSTS_PER_PAGE=2)
    for day in (1, 2, 3):
        PostFactory(slug=f"march-{day}", published_at=_at(2025, 3, day))
    PostFactory(slug="april", published_at=_at(2025, 4, 1, 0))
    PostFactory(slug="february", published_at=_at(2025, 2, 28, 23))
    DraftFactory(slug="draft-march", published_at=_at(2025, 3, 4))
    first = client.get("/archive/2025/3").get_data(as_text=True)
    second = client.get("/archive/2025/3?page=2").get_data(as_text=True)
    assert "/posts/march-3" in first and "/posts/march-2" in first
    assert "/posts/march-1" in second and "Page 2 of 2" in second
    for other in ("april", "february", "draft-march"):
        assert f"/posts/{other}" not in first + second
    assert client.get("/archive/2025/3?page=3").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/archive/2025/5",
        "/archive/2025/13",
        "/archive/2025/0",
        "/archive/0/1",
        "/archive/x/1",
        "/archive/2025/march",
        "/archive/99999/1",
        "/archive/2025/3?page=x",
    ],
)
def test_months_without_posts_and_malformed_ones_are_not_found(client, db, path):
    PostFactory(published_at=_at(2025, 3))
    assert client.get(path).status_code == 404


def test_both_are_linked_from_every_page(client, db):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/tags"' in page and 'href="/archive"' in page


def test_statements_stay_the_same_with_more_posts(client, db, count_statements):
    def counted(path: str) -> int:
        with count_statements() as statements:
            assert client.get(path).status_code == 200
        return statements.total

    PostFactory(published_at=_at(2025, 3), tags=["one"])
    few = [counted(path) for path in ("/tags", "/archive", "/archive/2025/3")]
    for n in range(12):
        PostFactory(published_at=_at(2020 + n % 5, n % 12 + 1), tags=[f"t{n}", "one"])
        PostFactory(published_at=_at(2025, 3, n + 1), tags=[f"t{n}"])
    many = [counted(path) for path in ("/tags", "/archive", "/archive/2025/3")]
    assert few == many


def test_the_tag_page_still_answers_beside_the_index(client, db):
    PostFactory(tags=["python"])
    assert client.get("/tags/python").status_code == 200
    assert client.get("/tags/nothing").status_code == 404


def test_months_are_counted_in_utc_whatever_the_database_sessions_time_zone(db):
    """PostgreSQL extracts a timestamptz's month in the session's zone; at UTC+14 a post of
    31 January 23:00 UTC would count in February."""
    PostFactory(published_at=_at(2024, 1, 31, 23))
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL TIME ZONE 'Pacific/Kiritimati'"))
    assert queries._count_months() == [(2024, 1, 1)]
