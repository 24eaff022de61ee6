"""The rules of pages: slugs that never shadow a route, admins only, drafts hidden, the
navigation's order, validation and the description."""

from datetime import timedelta

import pytest
from werkzeug.routing import Map, Rule

from blog.domain import pages
from blog.domain.errors import NotFound, PermissionDenied, ValidationError
from blog.domain.rendering import render_again
from blog.models import Page, User, utcnow
from tests.concurrently import at_once
from tests.factories import PageFactory, UserFactory


@pytest.fixture
def admin(db):
    return UserFactory(username="boss", is_admin=True)


def _create(admin, **fields):
    return pages.create_page(admin, **{"title": "About", "body": "Hello.", **fields})


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.errors


def test_route_segments_are_read_from_the_url_map_not_a_list():
    url_map = Map(
        [
            Rule("/colophon-route", endpoint="a"),
            Rule("/kitchen/<int:n>", endpoint="b"),
            Rule("/menu.json", endpoint="c"),
            Rule("/<slug>", endpoint="d"),
            Rule("/@<username>", endpoint="e"),
            Rule("/", endpoint="f"),
        ]
    )
    assert pages.route_segments(url_map) == {"colophon-route", "kitchen", "menu.json", "menu"}


def test_every_route_of_the_app_is_reserved(app):
    reserved = pages.reserved_slugs()
    for rule in app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            assert first.lower() in reserved, rule.rule


@pytest.mark.parametrize(
    "slug", ["search", "write", "tags", "api", "admin", "login", "feed", "pages", "static"]
)
def test_a_slug_that_shadows_a_route_or_a_reserved_name_is_refused(admin, slug):
    errors = _errors(lambda: _create(admin, slug=slug))
    assert errors == {"slug": [f"“{slug}” is an address the site uses itself: choose another"]}


@pytest.mark.parametrize("slug", ["about us", "über", "-about", "about-", "a--b", "a/b", "a_b"])
def test_a_malformed_slug_is_refused(admin, slug):
    errors = _errors(lambda: _create(admin, slug=slug))
    assert errors == {
        "slug": ["may only contain lower-case letters, digits and hyphens between words"]
    }


def test_upper_case_slugs_are_folded_and_surrounding_space_dropped(admin):
    assert _create(admin, slug="  Contact ").slug == "contact"


def test_a_slug_comes_from_the_title_and_gets_a_number_when_taken(admin):
    assert _create(admin, title="About us").slug == "about-us"
    assert _create(admin, title="About us").slug == "about-us-2"
    assert _create(admin, title="Привет мир").slug == "privet-mir"
    assert _create(admin, title="Search").slug == "search-page"
    assert _create(admin, title="!!!").slug == "page"


def test_an_explicit_slug_another_page_holds_is_refused(admin):
    _create(admin, slug="contact")
    assert _errors(lambda: _create(admin, slug="contact")) == {
        "slug": ["is already taken by another page"]
    }


def test_only_admins_write_edit_and_delete_pages(db, admin):
    author = UserFactory(username="writer")
    with pytest.raises(PermissionDenied):
        _create(author)
    page = _create(admin)
    with pytest.raises(PermissionDenied):
        pages.update_page(page, author, {"title": "Mine now"})
    with pytest.raises(PermissionDenied):
        pages.delete_page(page, author)
    with pytest.raises(PermissionDenied):
        pages.update_page(page, None, {"title": "Mine now"})
    assert db.session.get(Page, page.id).title == "About"


def test_drafts_are_seen_by_admins_alone(db, admin):
    _create(admin, slug="soon", publish=False)
    for viewer in (None, UserFactory(username="reader")):
        with pytest.raises(NotFound):
            pages.get_page("soon", viewer)
    assert pages.get_page("soon", admin).slug == "soon"
    _create(admin, slug="here", publish=True)
    assert pages.get_page("here", None).slug == "here"


def test_every_field_s_problem_is_told_at_once(admin):
    errors = _errors(
        lambda: pages.create_page(admin, title=" ", body="", slug="x y", navigation_position=5000)
    )
    assert errors == {
        "title": ["can't be blank"],
        "body": ["can't be blank"],
        "slug": ["may only contain lower-case letters, digits and hyphens between words"],
        "navigation_position": ["must be between 0 and 999"],
    }


@pytest.mark.parametrize("position", ["two", "1.5", True, [1]])
def test_a_position_must_be_a_whole_number(admin, position):
    errors = _errors(lambda: _create(admin, navigation_position=position))
    assert errors == {"navigation_position": ["must be a whole number"]}


def test_the_body_is_rendered_and_sanitised_like_a_post(admin):
    page = _create(admin, body="# Hi\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    assert '<h1 id="h-hi">Hi</h1>' in page.body_html
    assert "<script>" not in page.body_html and "&lt;script&gt;" in page.body_html
    assert page.body_html.count("href") == 1 and 'href="#h-hi"' in page.body_html  # the "#"


def test_editing_the_title_keeps_the_address_and_a_new_slug_changes_it(db, admin):
    page = _create(admin, slug="about")
    pages.update_page(page, admin, {"title": "About this blog"})
    assert (page.slug, page.title) == ("about", "About this blog")
    pages.update_page(page, admin, {"slug": "colophon", "body": "**New**"})
    assert page.slug == "colophon" and page.body_html == "<p><strong>New</strong></p>\n"


def test_an_edit_that_changes_nothing_keeps_the_time(db, admin):
    page = _create(admin, publish=True)
    page.updated_at = utcnow() - timedelta(days=3)
    db.session.commit()
    before = page.updated_at
    pages.update_page(page, admin, {"title": "About", "body": "Hello.", "publish": True})
    assert page.updated_at == before
    pages.update_page(page, admin, {"in_navigation": True})
    assert page.updated_at > before


def test_a_slug_another_page_holds_is_refused_on_edit_and_nothing_changes(db, admin):
    _create(admin, slug="contact")
    page = _create(admin, slug="about")
    errors = _errors(lambda: pages.update_page(page, admin, {"slug": "contact", "title": "X"}))
    assert errors == {"slug": ["is already taken by another page"]}
    db.session.expire_all()
    assert (db.session.get(Page, page.id).slug, db.session.get(Page, page.id).title) == (
        "about",
        "About",
    )


def test_the_navigation_holds_published_linked_pages_in_their_order(app, db):
    PageFactory(title="Contact", slug="contact", in_navigation=True, navigation_position=2)
    PageFactory(title="About", slug="about", in_navigation=True, navigation_position=1)
    PageFactory(title="Colophon", slug="colophon", in_navigation=False)
    PageFactory(title="Soon", slug="soon", in_navigation=True, is_published=False)
    PageFactory(title="Also 2", slug="also", in_navigation=True, navigation_position=2)
    with app.test_request_context():
        links = pages.navigation_links()
    assert [(link.title, link.slug) for link in links] == [
        ("About", "about"),
        ("Contact", "contact"),
        ("Also 2", "also"),
    ]


def test_the_description_is_the_first_paragraph_cut_at_a_word(admin):
    page = _create(admin, body="# Title\n\nFirst *one*, here.\n\nSecond.")
    assert pages.summary(page) == "First one, here."
    long = _create(admin, body=" ".join(["word"] * 100))
    assert pages.summary(long) == " ".join(["word"] * 31) + "…"
    assert len(pages.summary(long)) <= pages.SUMMARY_MAX
    assert pages.summary(_create(admin, title="Just a list", body="- one\n- two")) == "Just a list"


def test_render_again_renders_stale_pages_and_keeps_their_times(app, db):
    stale = PageFactory(body="**Bold**", body_html="<p>old</p>")
    fresh = PageFactory(body="Plain.")
    times = (stale.updated_at, fresh.updated_at)
    result = app.test_cli_runner().invoke(args=["blog", "render-posts"])
    assert result.exit_code == 0 and "0 comments and 1 pages changed" in result.output
    db.session.expire_all()
    assert db.session.get(Page, stale.id).body_html == "<p><strong>Bold</strong></p>\n"
    assert (stale.updated_at, fresh.updated_at) == times
    assert render_again() == (0, 0, 0)


def test_admins_writing_pages_of_one_title_at_once_get_numbered_slugs(app, db, admin):
    admin_id = admin.id

    def write(_) -> str:
        return _create(db.session.get(User, admin_id), title="About us").slug

    slugs = at_once(app, list(range(4)), write)
    assert sorted(slugs) == ["about-us", "about-us-2", "about-us-3", "about-us-4"]
    assert db.session.query(Page).count() == 4
