"""The rules of the site settings: what each field accepts, what blank means, and what is
refused (with a message, never stored)."""

import pytest

from blog.domain import site_settings
from blog.domain.errors import PermissionDenied, ValidationError
from blog.extensions import db
from blog.models import SiteSettings
from blog.theme import palette
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("given", "stored"),
    [("#2F52C4", "#2f52c4"), ("#abc", "#aabbcc"), ("  #00ff7f ", "#00ff7f"), ("", None)],
)
def test_an_accent_colour_is_a_hex_colour_kept_in_lower_case(given, stored):
    assert site_settings.accent_color(given) == stored


@pytest.mark.parametrize(
    "given", ["red", "#12345", "#1234567", "2f52c4", "#ggg", "#2f52c4;}body{x:1", "url(x)"]
)
def test_anything_but_a_hex_colour_is_refused(given):
    with pytest.raises(ValueError, match="colour like #2f52c4"):
        site_settings.accent_color(given)


@pytest.mark.parametrize(
    "url", ["https://example.org/about", "http://example.org", "/about", "/pages/a?b=c#d"]
)
def test_links_may_be_http_addresses_or_paths_of_this_site(url):
    assert site_settings.safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/",
        "/\\evil.example/",
        "https://",
        "ftp://example.org/",
        "mailto:me@example.org",
        "about",
        "https://exa mple.org",
        "https://example.org/\x00",
        "https://example.org:port/",
    ],
)
def test_other_schemes_and_other_sites_in_disguise_are_refused(url):
    with pytest.raises(ValueError):
        site_settings.safe_url(url)


def test_profiles_must_be_addresses_of_other_sites():
    assert site_settings.safe_url("https://m.example/@me", on_this_site=False)
    with pytest.raises(ValueError, match=r"http:// or https:// address$"):
        site_settings.safe_url("/about", on_this_site=False)


@pytest.mark.parametrize(("given", "stored"), [("1", 1), ("25", 25), ("100", 100), ("", None)])
def test_posts_per_page_is_a_whole_number_from_1_to_100(given, stored):
    assert site_settings.posts_per_page(given) == stored


@pytest.mark.parametrize("given", ["0", "101", "-5", "2.5", "ten", "١٢", "1e3", "99999999999999"])
def test_posts_per_page_outside_its_bounds_is_refused(given):
    with pytest.raises(ValueError, match="from 1 to 100"):
        site_settings.posts_per_page(given)


@pytest.mark.parametrize("language", ["english", "French", "german", "russian"])
def test_the_search_language_is_one_snowball_stems(language):
    assert site_settings.search_language_choice(language) == language.lower()


@pytest.mark.parametrize("language", ["klingon", "en", "english; drop table posts"])
def test_other_search_languages_are_refused(language):
    with pytest.raises(ValueError, match="languages offered"):
        site_settings.search_language_choice(language)


def test_blank_rows_are_dropped_and_the_others_kept_in_order():
    links, problems = site_settings.navigation_links(
        [("About", "/about"), ("", ""), ("Shop", "https://shop.example"), (" ", " ")]
    )
    assert problems == []
    assert links == [
        {"label": "About", "url": "/about"},
        {"label": "Shop", "url": "https://shop.example"},
    ]


def test_each_wrong_row_is_named_by_its_number():
    _, problems = site_settings.navigation_links(
        [("About", "/about"), ("", "/x"), ("Evil", "javascript:alert(1)"), ("Empty", "")]
    )
    assert problems == [
        "Link 2: needs a label.",
        "Link 3: must be an http:// or https:// address or a path on this site, starting with /.",
        "Link 4: needs an address.",
    ]


def test_too_many_links_are_refused():
    rows = [(f"L{n}", f"/l{n}") for n in range(site_settings.NAVIGATION_LINKS_MAX + 1)]
    assert site_settings.navigation_links(rows) == ([], ["At most 8 links."])


def test_a_profile_names_a_known_service():
    links, problems = site_settings.social_links(
        [("mastodon", "https://m.example/@me"), ("myspace", "https://myspace.example/me")]
    )
    assert links == [{"service": "mastodon", "url": "https://m.example/@me"}]
    assert problems == ["Profile 2: choose which service it is."]


def test_validate_reports_every_wrong_field_at_once():
    with pytest.raises(ValidationError) as refused:
        site_settings.validate(
            {
                "title": "x" * 81,
                "logo_url": "javascript:alert(1)",
                "accent_color": "blue",
                "posts_per_page": "0",
                "search_language": "klingon",
                "navigation_links": [("A", "data:,x")],
                "social_links": [("github", "/me")],
            }
        )
    assert set(refused.value.errors) == {
        "title",
        "logo_url",
        "accent_color",
        "posts_per_page",
        "search_language",
        "navigation_links",
        "social_links",
    }
    assert refused.value.errors["title"] == ["Must be at most 80 characters."]


def test_blank_fields_mean_the_environments_settings(app, settings):
    settings(BLOG_TITLE="From the environment", POSTS_PER_PAGE=7, SEARCH_LANGUAGE="german")
    admin = UserFactory(is_admin=True)
    site_settings.save({"title": "  ", "posts_per_page": "", "search_language": ""}, admin)
    current = site_settings.current()
    assert (current.title, current.posts_per_page, current.search_language) == (
        "From the environment",
        7,
        "german",
    )
    row = db.session.get(SiteSettings, 1)
    assert (row.title, row.posts_per_page, row.search_language) == (None, None, None)


def test_stored_values_win_over_the_environment(app, settings):
    settings(BLOG_TITLE="From the environment")
    site_settings.save({"title": "Stored", "show_hero": False}, UserFactory(is_admin=True))
    current = site_settings.current()
    assert current.title == "Stored" and current.show_hero is False


def test_only_admins_change_the_settings(app):
    with pytest.raises(PermissionDenied):
        site_settings.save({"title": "Mine now"}, UserFactory(is_admin=False))
    assert db.session.get(SiteSettings, 1) is None
    assert site_settings.current().title != "Mine now"


def test_a_refused_change_stores_nothing(app):
    admin = UserFactory(is_admin=True)
    site_settings.save({"title": "Kept"}, admin)
    with pytest.raises(ValidationError):
        site_settings.save({"title": "Lost", "accent_color": "nope"}, admin)
    assert site_settings.current().title == "Kept"


@pytest.mark.parametrize("accent", ["#ffff00", "#2f52c4", "#000000", "#ffffff", "#e11d48"])
def test_every_accent_reads_as_text_in_both_themes(accent):
    tokens = palette.palette(accent)
    assert palette.contrast(tokens.light["accent"], palette.LIGHT_PAGE) >= 4.5
    assert palette.contrast(tokens.dark["accent"], palette.DARK_PAGE) >= 4.5
    for theme in (tokens.light, tokens.dark):
        assert palette.contrast(theme["on-accent"], theme["accent"]) >= 4.5


def test_an_accent_that_reads_well_already_is_kept_as_chosen():
    assert palette.palette("#2f52c4").light["accent"] == "#2f52c4"
