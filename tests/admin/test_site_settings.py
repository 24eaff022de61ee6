"""The admin's site settings page, and what a change does to every page: the title everywhere,
links in the header and footer, the accent stylesheet, posts per page, the hero, the search
language (the index is built again in the same request)."""

from __future__ import annotations

import contextlib
import re

import lxml.html
import pytest
import sqlalchemy as sa

from blog.domain import site_settings
from blog.extensions import db
from blog.models import SiteSettings
from tests.factories import PostFactory, UserFactory
from tests.helpers import AuthActions, app_on, csrf_token_in, make_app, sent_mail

SETTINGS = "/admin/settings/"


@pytest.fixture
def admin_client(client, auth):
    UserFactory(username="boss", is_admin=True)
    auth.login("boss")
    return client


def change(client, **fields):
    """Send the settings form with ``fields`` (the rest blank, the hero shown)."""
    data = {"show_hero": "y", **fields}
    return client.post(SETTINGS, data=data)


def page(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.get_data(as_text=True))


def test_anonymous_readers_are_sent_to_sign_in(client, db):
    response = client.get(SETTINGS)
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert client.post(SETTINGS, data={"title": "Taken"}).status_code == 302
    assert db.session.get(SiteSettings, 1) is None


def test_signed_in_non_admins_get_403_and_change_nothing(client, auth, user):
    auth.login()
    assert client.get(SETTINGS).status_code == 403
    assert change(client, title="Taken").status_code == 403
    assert db.session.get(SiteSettings, 1) is None


def test_the_page_shows_the_defaults_it_falls_back_to(admin_client, settings):
    settings(BLOG_TITLE="Env Title", POSTS_PER_PAGE=12, SEARCH_LANGUAGE="english")
    html = admin_client.get(SETTINGS).get_data(as_text=True)
    assert "Blank: Env Title (BLOG_TITLE)." in html
    assert "Blank: 12 (POSTS_PER_PAGE)." in html
    assert "The default: English (SEARCH_LANGUAGE)" in html
    assert "<title>Settings - Env Title admin</title>" in html


def test_a_new_title_shows_on_every_page_feed_and_email(admin_client, app, settings):
    settings(SITE_URL="https://blog.example")
    post = PostFactory(title="A post", tags=["tea"], author=UserFactory(username="ann"))
    assert change(admin_client, title="Tea Notes", description="About tea.").status_code == 302
    for path in ["/", "/tags/tea", "/@ann", f"/posts/{post.slug}", "/search?q=post", "/tags"]:
        html = page(admin_client, path)
        assert html.findtext(".//a[@class='brand']/span") == "Tea Notes", path
        assert html.findtext(".//title").endswith("Tea Notes"), path
        assert html.findtext(".//footer[@class='site-footer']/p") == "Tea Notes · About tea."
    home = page(admin_client, "/")
    assert home.findtext(".//h1") == "Tea Notes"
    assert home.xpath("string(//meta[@name='description']/@content)") == "About tea."
    post_page = page(admin_client, f"/posts/{post.slug}")
    assert post_page.xpath("string(//meta[@property='og:site_name']/@content)") == "Tea Notes"
    assert "<title>Tea Notes</title>" in admin_client.get("/feed.atom").get_data(as_text=True)
    assert admin_client.get("/feed.json").json["title"] == "Tea Notes"
    assert "Tea Notes API" in admin_client.get("/api/swagger").get_data(as_text=True)
    assert "Tea Notes admin" in admin_client.get("/admin/").get_data(as_text=True)
    app.test_client().post("/reset-password", data={"email": "boss@example.com"})
    (message,) = sent_mail(app)
    assert message.subject == "Choose a new password for Tea Notes"
    assert message.from_email == "Tea Notes <noreply@blog.example>"


def test_blank_fields_put_the_environments_settings_back(admin_client, settings):
    settings(BLOG_TITLE="Env Title")
    change(admin_client, title="Stored Title")
    assert page(admin_client, "/").findtext(".//h1") == "Stored Title"
    change(admin_client, title="")
    assert page(admin_client, "/").findtext(".//h1") == "Env Title"


def test_wrong_values_are_shown_with_their_messages_and_nothing_is_stored(admin_client):
    change(admin_client, title="Kept")
    response = change(
        admin_client,
        title="Lost",
        accent_color="blue",
        posts_per_page="500",
        **{"navigation_links-0-label": "Evil", "navigation_links-0-url": "javascript:alert(1)"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Must be a colour like #2f52c4." in html
    assert "Must be a whole number from 1 to 100." in html
    assert "Link 1: must be an http:// or https:// address" in html
    assert 'value="Lost"' in html  # what was typed stays in the form
    assert page(admin_client, "/").findtext(".//h1") == "Kept"
    assert "javascript:" not in admin_client.get("/").get_data(as_text=True)


def test_navigation_links_show_in_the_header_in_order(admin_client):
    response = change(
        admin_client,
        **{
            "navigation_links-0-label": "About",
            "navigation_links-0-url": "/about",
            "navigation_links-1-label": "",
            "navigation_links-1-url": "",
            "navigation_links-2-label": "Shop",
            "navigation_links-2-url": "https://shop.example/",
        },
    )
    assert response.status_code == 302
    links = page(admin_client, "/tags").xpath("//ul[@class='nav-links']/li/a")
    assert [(a.text, a.get("href")) for a in links[:3]] == [
        ("Home", "/"),
        ("About", "/about"),
        ("Shop", "https://shop.example/"),
    ]
    form = page(admin_client, SETTINGS)
    assert form.xpath("string(//input[@name='navigation_links-1-url']/@value)") == (
        "https://shop.example/"
    )  # stored in order, blank rows dropped
    assert form.xpath("//input[@name='navigation_links-3-url']")  # spare rows for more


def test_profiles_show_in_the_footer_with_rel_me(admin_client):
    change(
        admin_client,
        **{
            "social_links-0-service": "mastodon",
            "social_links-0-url": "https://mastodon.example/@tea",
            "social_links-1-service": "github",
            "social_links-1-url": "https://github.com/tea",
        },
    )
    links = page(admin_client, "/").xpath("//footer//ul[@class='footer-social']/li/a")
    assert [(a.text, a.get("href"), a.get("rel")) for a in links] == [
        ("Mastodon", "https://mastodon.example/@tea", "me noopener"),
        ("GitHub", "https://github.com/tea", "me noopener"),
    ]


def test_the_logo_replaces_the_blogs_mark(admin_client):
    assert not page(admin_client, "/").xpath("//a[@class='brand']/img")
    change(admin_client, logo_url="https://cdn.example/logo.png")
    (logo,) = page(admin_client, "/").xpath("//a[contains(@class, 'brand')]/img")
    assert logo.get("src") == "https://cdn.example/logo.png" and logo.get("alt") == ""


def stylesheet_links(client, path="/") -> list[str]:
    return [
        href
        for href in page(client, path).xpath("//link[@rel='stylesheet']/@href")
        if href.startswith("/site.css")
    ]


def test_the_accent_colour_comes_as_a_stylesheet_that_changes_with_it(admin_client):
    assert stylesheet_links(admin_client) == []  # the theme's own colours: nothing to fetch
    change(admin_client, accent_color="#0F766E")
    (first,) = stylesheet_links(admin_client)
    response = admin_client.get(first)
    assert response.content_type == "text/css; charset=utf-8"
    assert "--accent: #0f766e;" in response.get_data(as_text=True)
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    assert stylesheet_links(admin_client, SETTINGS) == [first]  # the admin panel too
    change(admin_client, accent_color="#be123c")
    (second,) = stylesheet_links(admin_client)
    assert second != first
    stale = admin_client.get(first)  # a page cached with the old address gets today's colours
    assert "--accent: #be123c;" in stale.get_data(as_text=True)
    assert stale.cache_control.max_age == 300 and not stale.cache_control.immutable
    again = admin_client.get(second, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 200
    etag = admin_client.get(second).headers["ETag"]
    assert admin_client.get(second, headers={"If-None-Match": etag}).status_code == 304


def test_posts_per_page_applies_to_the_lists(admin_client):
    author = UserFactory(username="ann")
    for n in range(3):
        PostFactory(author=author, tags=["tea"], title=f"Post {n}")
    change(admin_client, posts_per_page="2")
    for path in ["/", "/tags/tea", "/@ann"]:
        assert len(page(admin_client, path).xpath("//article")) == 2, path
    assert admin_client.get("/?page=2").status_code == 200
    assert admin_client.get("/?page=3").status_code == 404


def test_the_hero_can_be_hidden_and_the_page_keeps_its_heading(admin_client):
    assert page(admin_client, "/").xpath("//section[@class='hero']")
    admin_client.post(SETTINGS, data={"title": "Quiet"})  # the box unticked
    home = page(admin_client, "/")
    assert not home.xpath("//section[@class='hero']")
    (heading,) = home.xpath("//h1")
    assert heading.text == "Quiet" and heading.get("class") == "visually-hidden"


def search_titles(client, query: str) -> list[str]:
    return [a.text_content() for a in page(client, f"/search?q={query}").xpath("//ol//h2/a")]


def test_a_new_search_language_indexes_every_post_again_in_the_same_request(admin_client):
    PostFactory(title="Elles mangeaient des pommes", body="Hier.")
    assert search_titles(admin_client, "manger") == []  # English stems: no match
    response = change(admin_client, search_language="french")
    assert response.status_code == 302
    flashed = admin_client.get(SETTINGS).get_data(as_text=True)
    assert "Search now reads French: 1 post(s) indexed again." in flashed
    assert search_titles(admin_client, "manger") == ["Elles mangeaient des pommes"]
    PostFactory(title="Il faut manger", body="Demain.")  # later posts get French stems too
    assert sorted(search_titles(admin_client, "mangeaient")) == [
        "Elles mangeaient des pommes",
        "Il faut manger",
    ]
    change(admin_client, search_language="")  # back to English, indexed again
    assert search_titles(admin_client, "manger") == ["Il faut manger"]


def test_saving_without_changing_the_language_indexes_nothing_again(admin_client, caplog):
    PostFactory(title="Tea")
    response = change(admin_client, title="New name")
    assert response.status_code == 302
    assert "indexed again" not in admin_client.get(SETTINGS).get_data(as_text=True)


def test_the_form_needs_its_csrf_token(csrf_app, db):
    UserFactory(username="boss", is_admin=True)
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "login": "boss",
            "password": "correct horse battery",
            "csrf_token": csrf_token_in(login_page),
        },
    )
    assert client.post(SETTINGS, data={"title": "Forged"}).status_code == 400
    assert db.session.get(SiteSettings, 1) is None
    token = csrf_token_in(client.get(SETTINGS).get_data(as_text=True))
    saved = client.post(SETTINGS, data={"title": "Real", "csrf_token": token})
    assert saved.status_code == 302
    assert db.session.get(SiteSettings, 1).title == "Real"


# Freshness and cost --------------------------------------------------------------------------


@contextlib.contextmanager
def statements() -> list[str]:
    seen: list[str] = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


@pytest.fixture
def cached_app(database_url):
    with app_on(database_url, CACHE_TYPE="SimpleCache") as app:
        yield app


def brand(client) -> str:
    return page(client, "/").findtext(".//a[@class='brand']/span")


def test_a_change_through_one_instance_shows_on_another_at_its_next_request(
    cached_app, database_url
):
    """Two processes sharing the database, each with a memory cache of its own."""
    reader = cached_app.test_client()
    assert brand(reader) == "Blog"
    assert brand(reader) == "Blog"  # now cached in the reader's memory
    writer = make_app(database_url, CACHE_TYPE="SimpleCache")
    with writer.app_context():
        UserFactory(username="boss", is_admin=True)
        client = writer.test_client()
        AuthActions(client).login("boss")
        assert change(client, title="Renamed elsewhere").status_code == 302
        assert brand(client) == "Renamed elsewhere"
        db.session.remove()
    assert brand(reader) == "Renamed elsewhere"


def test_a_page_that_read_the_version_first_reads_no_settings_once_cached(cached_app):
    """The tags page reads the version for its cached counts before its layout needs the
    settings: they come from the cache, at that version."""
    client = cached_app.test_client()
    PostFactory(tags=["tea"])
    site_settings.save({"title": "Cached"}, UserFactory(is_admin=True))
    client.get("/tags")
    with statements() as seen:
        html = page(client, "/tags")
    assert html.findtext(".//a[@class='brand']/span") == "Cached"
    assert not [s for s in seen if "site_settings" in s]
    assert len([s for s in seen if "content_version" in s]) == 1


def test_a_page_reads_the_settings_with_the_version_in_one_statement(cached_app):
    """A page that needs the settings before any cached value (the post page for its layout,
    the lists for posts per page) reads the version and the settings in one statement, however
    many parts of the page (posts per page, metadata, title, header) use them: no statement more
    than the version read every page made already."""
    post = PostFactory(tags=["tea"])
    site_settings.save({"title": "Once"}, UserFactory(is_admin=True))
    client = cached_app.test_client()
    for path in [f"/posts/{post.slug}", f"/posts/{post.slug}", "/", "/tags/tea", "/search?q=a"]:
        with statements() as seen:
            assert client.get(path).status_code == 200
        touching = [s for s in seen if "site_settings" in s or "content_version" in s]
        assert len(touching) == 1 and "site_settings" in touching[0], path


def test_a_database_behind_its_migrations_serves_the_environments_settings(cached_app, caplog):
    db.session.remove()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE site_settings RENAME TO site_settings_gone")
    try:
        response = cached_app.test_client().get("/")
        assert response.status_code == 200
        assert re.search(r'<span class="brand-name">Blog</span>', response.get_data(as_text=True))
    finally:
        db.session.remove()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE site_settings_gone RENAME TO site_settings")
    assert "site settings unreadable, using the defaults" in caplog.text


def test_the_command_line_shows_each_setting_and_where_it_comes_from(admin_client, app, settings):
    settings(BLOG_TITLE="Env Title", POSTS_PER_PAGE=10)
    change(
        admin_client,
        title="Stored Title",
        **{"social_links-0-service": "github", "social_links-0-url": "https://github.com/me"},
    )
    output = app.test_cli_runner().invoke(args=["blog", "settings"]).output.splitlines()
    assert "title: Stored Title  [site settings]" in output
    assert "posts_per_page: 10  [POSTS_PER_PAGE]" in output
    assert "social_links: GitHub https://github.com/me  [site settings]" in output
    assert "accent_color: (none)  [the theme's default]" in output
