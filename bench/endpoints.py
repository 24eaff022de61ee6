"""The endpoints the issue names, what each asks for on a dataset, and what it must answer."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

PAGE_SIZE = 10  # POSTS_PER_PAGE
API_LIMIT = 20  # the API's default limit
HOME_PAGE, TAG_PAGE, API_OFFSET = 5_000, 500, 100_000


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    path: str  # formatted with the dataset's fixtures and deep pages
    method: str = "GET"
    auth: str | None = None  # "session" (the site's cookie) or "token" (the API's)
    status: int = 200
    anonymous_page: bool = False  # what the page cache serves


ENDPOINTS = [
    Endpoint("home", "home page 1", "/", anonymous_page=True),
    Endpoint("home_deep", "home page 5,000", "/?page={home_page}", anonymous_page=True),
    Endpoint("tag", "tag page", "/tags/{tag}", anonymous_page=True),
    Endpoint("tag_deep", "tag page 500", "/tags/{tag}?page={tag_page}", anonymous_page=True),
    Endpoint("post", "post with 50 comments", "/posts/{discussed_slug}", anonymous_page=True),
    Endpoint("profile", "profile", "/@{author}", anonymous_page=True),
    Endpoint("feed", "signed-in feed", "/feed", auth="session"),
    Endpoint("search", "search", "/search?q={search}"),
    Endpoint("atom", "Atom feed", "/feed.atom"),
    Endpoint("sitemap", "sitemap", "/sitemap.xml"),
    Endpoint("api_articles", "GET /api/articles", "/api/articles"),
    Endpoint("api_offset", "GET /api/articles?offset=100000", "/api/articles?offset={api_offset}"),
    Endpoint("api_tag", "GET /api/articles?tag=", "/api/articles?tag={tag}"),
    Endpoint("api_author", "GET /api/articles?author=", "/api/articles?author={author}"),
    Endpoint("api_search", "GET /api/articles?q=", "/api/articles?q={search}"),
    Endpoint("api_feed", "GET /api/articles/feed", "/api/articles/feed", auth="token"),
    Endpoint("api_article", "GET /api/articles/:slug", "/api/articles/{discussed_slug}"),
    Endpoint("api_tags", "GET /api/tags", "/api/tags"),
    Endpoint("api_create", "POST /api/articles", "/api/articles", "POST", "token", 201),
]
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}


def deep_pages(fixtures: dict) -> dict:
    """The deep pages the issue asks for, or the deepest a small dataset has."""
    home_pages = max(1, math.ceil(fixtures["published"] / PAGE_SIZE))
    tag_pages = max(1, math.ceil(fixtures["tag_posts"] / PAGE_SIZE))
    return {
        "home_page": min(HOME_PAGE, home_pages),
        "tag_page": min(TAG_PAGE, tag_pages),
        "api_offset": min(API_OFFSET, max(0, fixtures["published"] - API_LIMIT)),
    }


def path_of(endpoint: Endpoint, fixtures: dict) -> str:
    values = {**fixtures, **deep_pages(fixtures)}
    quoted = {key: quote(str(value), safe="") for key, value in values.items()}
    return endpoint.path.format(**quoted)


def notes(fixtures: dict) -> list[str]:
    """What differs from the issue's list on this dataset (a small one's deepest pages)."""
    deep = deep_pages(fixtures)
    said = []
    if deep["home_page"] < HOME_PAGE:
        said.append(f"home page {deep['home_page']} (the deepest) stands for page 5,000")
    if deep["tag_page"] < TAG_PAGE:
        said.append(f"tag page {deep['tag_page']} (the deepest) stands for page 500")
    if deep["api_offset"] < API_OFFSET:
        said.append(f"offset={deep['api_offset']} (the deepest) stands for offset=100000")
    return said


def select(names: list[str] | None) -> list[Endpoint]:
    if not names:
        return list(ENDPOINTS)
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise SystemExit(
            f"bench: unknown endpoint {', '.join(unknown)}; known: {', '.join(BY_NAME)}"
        )
    return [endpoint for endpoint in ENDPOINTS if endpoint.name in names]  # the POST last
