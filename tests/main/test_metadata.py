"""What search engines and link previews read from the pages, parsed as they parse it."""

from __future__ import annotations

from datetime import UTC, datetime

import extruct
import lxml.html

from tests import factories

HOSTILE = 'A "quoted" </script><script>alert(1)</script> <b>bold</b> & 🎉 title'


def metadata(response) -> dict:
    assert response.status_code == 200
    return extruct.extract(
        response.get_data(as_text=True),
        base_url="http://localhost/",
        syntaxes=["json-ld", "opengraph"],
        uniform=False,
    )


def page(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def og_values(data: dict) -> list[tuple[str, str]]:
    (graph,) = data["opengraph"]
    return graph["properties"]


def meta_names(response) -> dict[str, str]:
    return {m.get("name"): m.get("content") for m in page(response).xpath("//meta[@name]")}


def robots(response) -> str | None:
    return meta_names(response).get("robots")


def canonical(response) -> str | None:
    links = page(response).xpath("//link[@rel='canonical']/@href")
    return links[0] if links else None


def a_post(**fields):
    author = factories.UserFactory(username="alice", bio="Writes about <b>tea</b> & </script>")
    defaults = {
        "title": "Green tea",
        "slug": "green-tea",
        "description": "All about green tea",
        "body": "Some words.\n\n![a cup](/static/cup.png)\n\n![other](https://img.example/2.png)",
        "published_at": datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 5, 8, 9, 10, tzinfo=UTC),
        "author": author,
        "tags": ["tea", "drinks"],
    }
    return factories.PostFactory(**{**defaults, **fields})


def test_a_post_page_carries_its_opengraph_twitter_and_blogposting_values(client, settings):
    settings(SITE_URL="https://blog.example", BLOG_TITLE="Tea Blog")
    a_post()
    response = client.get("/posts/green-tea?utm_source=x")
    data = metadata(response)

    image = "https://blog.example/static/cup.png"
    assert og_values(data) == [
        ("og:type", "article"),
        ("og:site_name", "Tea Blog"),
        ("og:title", "Green tea"),
        ("og:description", "All about green tea"),
        ("og:url", "https://blog.example/posts/green-tea"),
        ("og:image", image),
        ("article:published_time", "2026-03-04T05:06:07+00:00"),
        ("article:modified_time", "2026-03-05T08:09:10+00:00"),
        ("article:author", "https://blog.example/@alice"),
        ("article:tag", "tea"),
        ("article:tag", "drinks"),
    ]
    names = meta_names(response)
    assert names["twitter:card"] == "summary_large_image"
    assert names["twitter:title"] == "Green tea"
    assert names["twitter:description"] == "All about green tea"
    assert names["twitter:image"] == image
    assert names["description"] == "All about green tea"
    assert "robots" not in names
    assert canonical(response) == "https://blog.example/posts/green-tea"
    assert data["json-ld"] == [
        {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": "Green tea",
            "description": "All about green tea",
            "author": {"@type": "Person", "name": "alice", "url": "https://blog.example/@alice"},
            "datePublished": "2026-03-04T05:06:07+00:00",
            "dateModified": "2026-03-05T08:09:10+00:00",
            "image": image,
            "keywords": ["tea", "drinks"],
            "publisher": {"@type": "Organization", "name": "Tea Blog"},
            "mainEntityOfPage": "https://blog.example/posts/green-tea",
            "url": "https://blog.example/posts/green-tea",
        }
    ]


def test_a_post_without_an_image_or_an_edit_has_a_summary_card_and_one_date(client):
    a_post(body="Only words.", updated_at=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC), tags=[])
    response = client.get("/posts/green-tea")
    data = metadata(response)
    properties = dict(og_values(data))
    assert "og:image" not in properties
    assert "article:tag" not in properties
    assert properties["og:url"] == "http://localhost/posts/green-tea"
    assert properties["article:modified_time"] == "2026-03-04T05:06:07+00:00"
    assert meta_names(response)["twitter:card"] == "summary"
    (posting,) = data["json-ld"]
    assert "image" not in posting
    assert "keywords" not in posting
    assert posting["dateModified"] == posting["datePublished"] == "2026-03-04T05:06:07+00:00"


def test_a_hostile_title_and_description_round_trip_exactly_and_break_nothing(client):
    description = 'She said "</script><!--" & <i>left</i> ‮ 🫖'
    a_post(title=HOSTILE, description=description)
    response = client.get("/posts/green-tea")
    html = response.get_data(as_text=True)
    data = metadata(response)

    properties = dict(og_values(data))
    assert properties["og:title"] == HOSTILE
    assert properties["og:description"] == description
    (posting,) = data["json-ld"]
    assert posting["headline"] == HOSTILE
    assert posting["description"] == description
    site_title = client.application.config["BLOG_TITLE"]
    assert page(response).findtext(".//title") == f"{HOSTILE} · {site_title}"
    assert meta_names(response)["description"] == description
    # The one script the page runs is the site's own: nothing the author typed became one.
    assert page(response).xpath("//script[not(@src) and not(@type='application/ld+json')]") == []
    assert html.count("</script>") == len(page(response).xpath("//script"))


def test_an_author_page_is_a_profile_page_about_a_person(client, settings):
    settings(SITE_URL="https://blog.example/")
    a_post()
    response = client.get("/@alice")
    assert metadata(response)["json-ld"] == [
        {
            "@context": "https://schema.org",
            "@type": "ProfilePage",
            "url": "https://blog.example/@alice",
            "mainEntity": {
                "@type": "Person",
                "name": "alice",
                "url": "https://blog.example/@alice",
                "description": "Writes about <b>tea</b> & </script>",
                "image": "https://blog.example/avatars/alice.svg",
            },
        }
    ]
    assert canonical(response) == "https://blog.example/@alice"
    assert robots(response) is None


def test_the_canonical_link_keeps_the_page_and_drops_everything_else(client, settings):
    settings(SITE_URL="https://blog.example", POSTS_PER_PAGE=1)
    for _number in range(7):
        factories.PostFactory(tags=["tea"])
    assert canonical(client.get("/?utm_source=x&fbclid=y")) == "https://blog.example/"
    assert canonical(client.get("/?page=1&ref=z")) == "https://blog.example/"
    assert canonical(client.get("/?page=3&ref=z")) == "https://blog.example/?page=3"
    assert canonical(client.get("/tags/tea?page=2&x=1")) == "https://blog.example/tags/tea?page=2"


def test_only_the_pages_worth_finding_are_indexed(client, auth, settings):
    settings(POSTS_PER_PAGE=1)
    post = a_post()
    for _number in range(6):
        factories.PostFactory(author=post.author, tags=["tea"])
    factories.DraftFactory(author=post.author, slug="a-draft")
    factories.UserFactory(username="bob")
    for path in ("/", "/?page=5", "/posts/green-tea", "/tags/tea", "/@alice", "/@alice?page=5"):
        assert robots(client.get(path)) is None, path
    for path in ("/?page=6", "/tags/tea?page=6", "/@alice?page=6", "/@bob", "/@alice/favorites"):
        assert robots(client.get(path)) == "noindex", path
    for path in ("/login", "/register", "/forgot-password"):
        assert robots(client.get(path)) == "noindex", path
    missing = client.get("/posts/nothing-here")
    assert missing.status_code == 404
    assert robots(missing) == "noindex"
    assert canonical(missing) is None
    auth.login("alice")
    for path in ("/settings", "/editor", "/feed", "/posts/a-draft"):
        assert robots(client.get(path)) == "noindex", path


def test_the_main_pages_have_titles_and_descriptions_of_their_own(client, settings):
    settings(POSTS_PER_PAGE=1)
    a_post()
    factories.PostFactory(tags=["tea"])
    paths = [
        "/",
        "/?page=2",
        "/posts/green-tea",
        "/tags/tea",
        "/tags/tea?page=2",
        "/@alice",
        "/@alice/favorites",
        "/login",
        "/register",
        "/forgot-password",
    ]
    titles = [page(client.get(path)).findtext(".//title") for path in paths]
    assert len(set(titles)) == len(paths), titles
    descriptions = [
        meta_names(client.get(path))["description"] for path in paths if "page" not in path
    ]
    assert len(set(descriptions)) == len(descriptions), descriptions


def test_production_without_site_url_names_no_address_a_forged_host_chose(app, client, monkeypatch):
    # Read while serving by the metadata alone (the rest of production is built at start).
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    a_post(body="![a cup](/static/cup.png)")
    response = client.get("/posts/green-tea", headers={"Host": "evil.example"})
    assert "evil.example" not in response.get_data(as_text=True)
    assert canonical(response) is None
    properties = dict(og_values(metadata(response)))
    assert "og:url" not in properties
    assert "article:author" not in properties
    assert properties["og:title"] == "Green tea"
