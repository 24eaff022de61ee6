"""Pages through the site: admins write them in the editor, readers find them at their address
and in the navigation, and nowhere posts are listed."""

import re
from xml.etree import ElementTree as ET  # nosec B405

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Page
from tests.factories import DraftFactory, PageFactory, PostFactory, UserFactory

UNIQUE = "zanzibarian"
"""A word only the page's body holds, to look for it where it must not be."""


@pytest.fixture
def admin(db):
    return UserFactory(username="boss", is_admin=True)


@pytest.fixture
def as_admin(client, auth, admin):
    assert auth.login("boss").status_code == 302
    return client


def _write(client, **fields):
    data = {
        "title": "About",
        "slug": "",
        "body": f"I write about {UNIQUE} things.\n\n## More\n\nDetails.",
        "navigation_position": "1",
        "in_navigation": "y",
        "publish": "Publish",
        **fields,
    }
    return client.post("/pages/new", data=data)


def _nav_links(html: str) -> list[str]:
    nav = html[html.index('<ul class="nav-links">') : html.index("</ul>")]
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_an_admin_writes_a_page_that_readers_find_at_its_address(as_admin, client, db):
    response = _write(as_admin)
    assert response.status_code == 302 and response.location == "/about"
    page = db.session.query(Page).one()
    assert page.is_published and page.in_navigation and page.author.username == "boss"
    client.post("/logout")
    html = client.get("/about").get_data(as_text=True)
    assert '<h2 id="h-more">More</h2>' in html and f"I write about {UNIQUE} things." in html
    assert "<title>About · Blog</title>" in html
    assert f'<meta name="description" content="I write about {UNIQUE} things.">' in html
    assert '<link rel="canonical" href="http://localhost/about">' in html
    assert '<meta property="og:url" content="http://localhost/about">' in html
    assert 'href="/pages/about/edit"' not in html  # no editing for readers


def test_the_editor_looks_like_the_post_editor_and_uses_the_same_live_preview(as_admin):
    html = as_admin.get("/pages/new").get_data(as_text=True)
    form = re.search(r"<form method=\"post\" novalidate class=\"editor-form\"[^>]*>", html)
    assert form and "data-editor" in form.group(0)
    assert 'name="body"' in html and 'class="field field-body' in html
    assert (
        '<input class="button" id="preview" name="preview" type="submit" value="Preview">' in html
    )
    assert 'id="tags"' not in html and 'id="description"' not in html


def test_preview_renders_without_saving(as_admin, db):
    response = _write(as_admin, publish="", preview="Preview", body="# Hello *there*")
    assert response.status_code == 200
    assert '<h1 id="h-hello-there">Hello <em>there</em></h1>' in response.get_data(as_text=True)
    assert db.session.query(Page).count() == 0


def test_editing_and_deleting_a_page(as_admin, db):
    _write(as_admin, slug="about")
    edit = as_admin.get("/pages/about/edit").get_data(as_text=True)
    assert 'value="about"' in edit and 'value="Update"' in edit and 'value="Unpublish"' in edit
    response = as_admin.post(
        "/pages/about/edit",
        data={"title": "About me", "slug": "me", "body": "New body.", "publish": "Update"},
    )
    assert response.status_code == 302 and response.location == "/me"
    page = db.session.query(Page).one()
    assert (page.title, page.slug, page.in_navigation) == ("About me", "me", False)
    assert as_admin.get("/about").status_code == 404
    response = as_admin.post("/pages/me/delete")
    assert response.status_code == 302 and response.location == "/pages"
    assert db.session.query(Page).count() == 0
    assert as_admin.get("/me").status_code == 404


@pytest.mark.parametrize("slug", ["search", "write", "tags", "api", "admin", "feed", "pages"])
def test_a_slug_that_shadows_a_route_is_refused_with_a_message(as_admin, db, slug):
    response = _write(as_admin, slug=slug)
    assert response.status_code == 422
    assert f"Slug “{slug}” is an address the site uses itself" in response.get_data(as_text=True)
    assert db.session.query(Page).count() == 0


def test_a_title_that_would_shadow_a_route_gets_another_address(as_admin, client):
    response = _write(as_admin, title="Search")
    assert response.location == "/search-page"
    assert "No posts found" in client.get("/search?q=anything").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"body": "\u200b"}, "Body can&#39;t be blank"),
        ({"navigation_position": "first"}, "Not a valid integer value."),
        ({"navigation_position": "1000"}, "Number must be between 0 and 999."),
        ({"slug": "Not a slug!"}, "may only contain lower-case letters, digits and hyphens"),
        ({"title": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"slug": "about\x00"}, "Slug contains characters that are not allowed"),
        ({"navigation_position": "9" * 40}, "Number must be between 0 and 999."),
    ],
)
def test_bad_input_is_refused_with_its_message_and_saves_nothing(as_admin, db, fields, message):
    response = _write(as_admin, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Page).count() == 0


def test_only_admins_may_open_the_editor_or_change_a_page(client, auth, db):
    PageFactory(slug="about", title="About")
    assert client.get("/pages/new").status_code == 302  # sign in first
    assert client.get("/pages").status_code == 302
    UserFactory(username="writer")
    auth.login("writer")
    assert client.get("/pages/new").status_code == 403
    assert client.get("/pages").status_code == 403
    assert _write(client, slug="contact").status_code == 403
    assert client.get("/pages/about/edit").status_code == 403
    assert client.post("/pages/about/edit", data={"title": "Mine"}).status_code == 403
    assert client.post("/pages/about/delete").status_code == 403
    assert db.session.query(Page).one().title == "About"


def test_a_draft_is_hidden_from_everyone_but_admins(client, auth, admin, db):
    PageFactory(slug="soon", title="Soon", is_published=False, in_navigation=True)
    assert client.get("/soon").status_code == 404
    UserFactory(username="writer")
    auth.login("writer")
    assert client.get("/soon").status_code == 404
    assert "Soon" not in dict(_nav_links(client.get("/").get_data(as_text=True))).values()
    auth.logout()
    auth.login("boss")
    html = client.get("/soon").get_data(as_text=True)
    assert "This page is a draft: only admins can see it." in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'href="/pages/soon/edit"' in html


def test_the_navigation_links_published_pages_in_their_order(client, db):
    PageFactory(title="Contact", slug="contact", in_navigation=True, navigation_position=5)
    PageFactory(title="About", slug="about", in_navigation=True, navigation_position=1)
    PageFactory(title="Colophon", slug="colophon")
    links = _nav_links(client.get("/").get_data(as_text=True))
    assert links[:3] == [("/", "Home"), ("/about", "About"), ("/contact", "Contact")]
    assert ("/colophon", "Colophon") not in links
    about = client.get("/about").get_data(as_text=True)
    assert '<a href="/about" aria-current="page">About</a>' in about


def test_the_list_for_admins_shows_every_page(as_admin, db):
    PageFactory(title="About", slug="about", in_navigation=True, navigation_position=3)
    PageFactory(title="Soon", slug="soon", is_published=False)
    html = as_admin.get("/pages").get_data(as_text=True)
    assert "Linked, position 3" in html and "<code>/soon</code>" in html
    assert '<span class="badge">Draft</span>' in html
    panel = as_admin.get("/admin/").get_data(as_text=True)
    assert re.search(r'<a class="nav-link " href="/pages">\s*Pages</a>', panel)


def test_pages_are_absent_from_post_lists_feeds_search_and_the_api(client, db):
    author = UserFactory(username="writer")
    PostFactory(author=author, slug="a-post", title="A post", body="Plain words.")
    PageFactory(title="About", slug="about", body=f"Some {UNIQUE} text.", in_navigation=False)
    for path in ("/", "/@writer", "/feed.atom", "/feed.rss", "/feed.json"):
        body = client.get(path).get_data(as_text=True)
        assert "A post" in body, path  # the list is there...
        assert UNIQUE not in body and "/about" not in body, path  # ...without the page
    assert "No posts found" in client.get(f"/search?q={UNIQUE}").get_data(as_text=True)
    articles = client.get("/api/articles").get_json()
    assert [a["slug"] for a in articles["articles"]] == ["a-post"]
    assert client.get(f"/api/articles?q={UNIQUE}").get_json()["articlesCount"] == 0
    assert client.get("/api/articles/about").status_code == 404


def test_published_pages_are_in_the_sitemap_and_drafts_are_not(client, db):
    PageFactory(slug="about")
    PageFactory(slug="soon", is_published=False)
    DraftFactory(slug="draft-post")
    index = ET.fromstring(client.get("/sitemap.xml").data)  # nosec B314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    children = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    page_files = [url for url in children if "/sitemaps/pages-" in url]
    assert len(page_files) == 1
    child = ET.fromstring(client.get(page_files[0].removeprefix("http://localhost")).data)  # nosec B314
    assert [loc.text for loc in child.findall("s:url/s:loc", ns)] == ["http://localhost/about"]


def test_a_reserved_address_still_answers_as_it_did(client):
    assert client.get("/logout").status_code == 405  # POST only, not "no such page"
    assert client.get("/write").status_code == 302  # the post editor, signed out
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/About").status_code == 404
    assert client.post("/no-such-page").status_code == 404  # as before pages existed


def test_nothing_is_sent_to_a_page(client, db):
    PageFactory(slug="about")
    for method in ("post", "put", "delete"):
        response = getattr(client, method)("/about")
        assert response.status_code == 405, method
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD"}
    assert client.post("/no-such-page").status_code == 404


def test_robots_keeps_crawlers_out_of_the_page_editor(client):
    assert "Disallow: /pages/" in client.get("/robots.txt").get_data(as_text=True).splitlines()


def test_a_page_view_runs_a_fixed_number_of_statements(client, db, count_statements):
    PageFactory(title="About", slug="about", in_navigation=True)

    def statements() -> int:
        with count_statements() as counted:
            assert client.get("/about").status_code == 200
        return counted.total

    few = statements()
    for n in range(10):
        PageFactory(title=f"Linked {n}", in_navigation=True, navigation_position=n)
    assert statements() == few == 3  # the site settings with the version, the page, the navigation


def _statements_on_pages(client, path: str) -> tuple[int, str]:
    """How many statements read the pages table while ``path`` is served, and its page."""
    on_pages = []

    def listener(conn, cursor, statement, *args):
        if re.search(r"\bFROM pages\b", statement):
            on_pages.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        html = client.get(path).get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(on_pages), html


@pytest.mark.parametrize("path", ["/", "/tags", "/@writer", "/tags/no-such-tag", "/posts/a-post"])
def test_the_navigation_costs_one_statement_whatever_the_page(client, auth, path):
    PostFactory(author=UserFactory(username="writer"), slug="a-post")
    for n in range(5):
        PageFactory(title=f"Linked {n}", in_navigation=True, navigation_position=n)
    auth.login("writer")
    statements, html = _statements_on_pages(client, path)
    assert statements == 1
    assert [title for _, title in _nav_links(html)][1:6] == [f"Linked {n}" for n in range(5)]
