"""``publishAt`` (an extension of the RealWorld API): an article scheduled for later is its
author's alone, through GET by slug, until its time; every list leaves it out, the author's own
too (the spec's lists are of published articles)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.clock import clock_fixture  # noqa: F401


def ahead(clock, **delta) -> str:
    return (clock.now + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S+02:00")


def utc(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def reader(signed_up):
    """A second account, signed up before the clock is set (a token must not be dated ahead of
    the real time, which the token library checks)."""
    return signed_up.sign_up("reader")


@pytest.fixture
def scheduled(signed_up, reader, clock):
    return signed_up.write("Zeppelin launch", publishAt=ahead(clock, hours=3))


def test_an_article_scheduled_is_its_authors_until_its_time(signed_up, reader, scheduled, clock):
    api = signed_up
    assert scheduled["publishAt"] == utc(clock.now + timedelta(hours=1))
    slug = scheduled["slug"]
    assert api.get(f"/articles/{slug}").json["article"]["publishAt"] == scheduled["publishAt"]
    assert api.get(f"/articles/{slug}", token="").status_code == 404
    assert api.get(f"/articles/{slug}", token=reader).status_code == 404
    for path in ("/articles", "/articles?author=jake", "/articles?q=zeppelin", "/tags"):
        assert slug not in api.get(path).get_data(as_text=True)
    clock.advance(hours=1)
    for token in ("", reader):
        answer = api.get(f"/articles/{slug}", token=token)
        assert answer.status_code == 200
        assert answer.json["article"]["publishAt"] is None
    assert api.get("/articles?author=jake").json["articlesCount"] == 1


def test_the_time_must_carry_an_offset(signed_up, clock):
    naive = (clock.now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S")
    answer = signed_up.post(
        "/articles",
        {"article": {"title": "T", "description": "D", "body": "B", "publishAt": naive}},
    )
    assert answer.status_code == 422
    assert answer.json["errors"]["publishAt"][0].startswith("needs a time zone offset")


@pytest.mark.parametrize("value", ["tomorrow", 12, "2030-02-30T10:00:00Z"])
def test_a_time_that_isnt_one_is_422(signed_up, value):
    answer = signed_up.post(
        "/articles",
        {"article": {"title": "T", "description": "D", "body": "B", "publishAt": value}},
    )
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"publishAt"}
    assert signed_up.get("/articles").json["articlesCount"] == 0


def test_the_author_reschedules_or_publishes_now(signed_up, scheduled, clock):
    slug = scheduled["slug"]
    moved = signed_up.put(f"/articles/{slug}", {"article": {"publishAt": ahead(clock, days=2)}})
    assert moved.status_code == 200
    assert moved.json["article"]["publishAt"] == utc(clock.now + timedelta(days=2, hours=-2))
    now = signed_up.put(f"/articles/{slug}", {"article": {"publishAt": None}})
    assert now.json["article"]["publishAt"] is None
    assert signed_up.get(f"/articles/{slug}", token="").status_code == 200


def test_a_published_article_cant_be_scheduled_again(signed_up, clock):
    slug = signed_up.write("Out already")["slug"]
    answer = signed_up.put(f"/articles/{slug}", {"article": {"publishAt": ahead(clock, days=1)}})
    assert answer.status_code == 422
    assert "already published" in answer.json["errors"]["publishAt"][0]


def test_only_the_author_changes_or_deletes_it_others_find_nothing(signed_up, reader, scheduled):
    slug = scheduled["slug"]
    assert (
        signed_up.put(f"/articles/{slug}", {"article": {"title": "X"}}, token=reader).status_code
        == 404
    )
    assert signed_up.delete(f"/articles/{slug}", token=reader).status_code == 404
    assert signed_up.post(f"/articles/{slug}/favorite", token=reader).status_code == 404
    assert signed_up.get(f"/articles/{slug}/comments", token=reader).status_code == 404
    assert signed_up.delete(f"/articles/{slug}").status_code == 204


def test_the_openapi_document_marks_publish_at_as_an_extension(api):
    schemas = api.get("/openapi.json").json["components"]["schemas"]
    for name in ("NewArticle", "ArticleChanges", "ArticleOut"):
        assert schemas[name]["properties"]["publishAt"]["description"].startswith("x-extension")
