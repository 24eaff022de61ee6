"""How the site looks: screenshots of the main pages on desktop and phone, light and dark, plus
checks a person would notice (sideways scrolling on a phone, form controls without labels).

Screenshots go to SCREENSHOTS_DIR when it is set (``make screenshots`` writes docs/screenshots/),
else to a temporary folder. Besides the seed's demo content they show what the demo author writes
once per module (:mod:`tests.browser.screenshot_content`): posts with covers, a long post with its
table of contents and a revision, a scheduled post.
"""

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, sign_in
from tests.browser.screenshot_content import DEMO_PASSWORD, build_studio

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

UNLABELLED_CONTROLS = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.getAttribute('title'))
  .map(el => el.outerHTML)"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
SHOWN_THOUGH_HIDDEN = """() => Array.from(document.querySelectorAll('[hidden]'))
  .filter(el => el.getClientRects().length).map(el => el.outerHTML)"""
# Scrolls so that an element sits a little below the site's header (which stays at the top).
SCROLL_TO = """(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY
  - document.querySelector('.site-header').offsetHeight - 24)"""

EDITOR_BODY = """## Day one

Rain, then **sun**. The path climbs through birch woods and out onto the open hill.

- tea
- a paper map
- dry socks

> Walk slowly; the hills aren't going anywhere.

```python
def pace(miles, hours):
    return miles / hours
```"""


@pytest.fixture(scope="module")
def screenshots_dir(tmp_path_factory) -> Path:
    target = os.environ.get("SCREENSHOTS_DIR")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def studio(content, browser):
    return build_studio(browser, content.url)


def _post_with_comments(page, base_url: str) -> str:
    page.goto(base_url + "/")
    counts = page.locator(".card .comment-count")
    for index in range(counts.count()):
        if not counts.nth(index).inner_text().strip().startswith("0"):
            return counts.nth(index).get_attribute("href").split("#")[0]
    return page.locator(".card-title a").first.get_attribute("href")


def _search_for_two_titles(page, base_url: str) -> str:
    """A search for the longest word of the first title or of the second, as a reader who
    remembers one word of each might type it."""
    page.goto(base_url + "/")
    titles = page.locator(".card-title a").all_inner_texts()[:2]
    words = [max(title.split(), key=len) for title in titles]
    return "/search?" + urlencode({"q": " or ".join(words)})


def _write_with_live_preview(page) -> None:
    page.get_by_label("Title").fill("Notes from a slow journey")
    page.get_by_label("Summary").fill("Eight days on foot, and what the rain taught me.")
    page.get_by_label("Tags").fill("travel, walking")
    page.get_by_label("Body").fill(EDITOR_BODY)
    preview = page.locator(".live-preview")
    if page.get_by_role("tab", name="Preview").is_visible():  # a phone: write and preview tabs
        page.get_by_role("tab", name="Preview").click()
    expect(preview.locator(".prose h2")).to_have_text("Day one")
    expect(preview.locator(".live-preview-title")).to_have_text("Notes from a slow journey")
    page.evaluate("window.scrollTo(0, 0)")  # typing scrolled the body into view


def _visit(page, base_url: str, name: str, studio) -> None:
    """Open page ``name`` as the signed-in demo author (admin pages as the admin)."""
    targets = {
        "home": "/",
        "profile": "/@demo1",
        "feed": "/feed",
        "editor": "/write",
        "admin": "/admin/users/",
        "settings": "/settings",
        "about": "/about",
        "site-settings": "/admin/settings/",
        "scheduled": "/@demo1",
        "menu-open": "/",
        "cover-post": studio.long_post,
        "contents": studio.long_post,
        "revisions": studio.revision,
    }
    if name == "post":
        page.goto(base_url + _post_with_comments(page, base_url))
    elif name == "search":
        page.goto(base_url + _search_for_two_titles(page, base_url))
        assert page.locator(".search-hit mark").count() >= 2, "no highlighted hits"
    else:
        page.goto(base_url + targets[name])
    page.wait_for_load_state("load")
    if name == "editor":
        _write_with_live_preview(page)
    elif name == "cover-post":
        expect(page.locator("main .cover img").first).to_be_visible()
    elif name == "contents":
        collapsible = page.locator("details.toc-collapsible")
        if collapsible.is_visible():  # a phone: the contents open above the text
            collapsible.locator("summary").click()
            collapsible.evaluate(SCROLL_TO)
        else:  # beside the text, following it down
            page.locator(".prose h2").nth(1).evaluate(SCROLL_TO)
        expect(page.locator(".toc a:visible").first).to_be_visible()
    elif name == "scheduled":
        badge = page.locator(".badge-scheduled")
        expect(badge).to_contain_text("Scheduled for")
        badge.locator("xpath=ancestor::*[contains(@class, 'card')][1]").evaluate(SCROLL_TO)
    elif name == "revisions":
        expect(page.locator(".diff-added ins").first).to_be_visible()
    elif name == "about":
        expect(page.get_by_role("heading", level=1)).to_have_text("About")
    elif name == "menu-open":
        page.get_by_role("button", name="Menu").click()
        expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")


PAGES = ["home", "post", "profile", "feed", "search", "editor", "settings", "admin"]
NEW_FEATURES = ["cover-post", "contents", "scheduled", "revisions", "about", "site-settings"]
PHONE_ONLY = ["menu-open"]
AS_ADMIN = {"admin", "site-settings"}


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_screenshots_of_the_main_pages(
    content, studio, new_page, screenshots_dir, width_name, dark
):
    width, height = WIDTHS[width_name]
    author = new_page(width, height, dark)
    sign_in(author, content.url, "demo1", DEMO_PASSWORD)
    admin = new_page(width, height, dark)
    sign_in(admin, content.url, ADMIN[0], ADMIN[2])
    names = PAGES + NEW_FEATURES + (PHONE_ONLY if width_name == "phone" else [])
    for name in names:
        page = admin if name in AS_ADMIN else author
        _visit(page, content.url, name, studio)
        assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at {width} px"
        assert page.evaluate(SHOWN_THOUGH_HIDDEN) == [], f"{name} shows elements marked hidden"
        target = screenshots_dir / f"{name}-{width_name}-{'dark' if dark else 'light'}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000, f"{target.name} looks empty"


@pytest.mark.parametrize("name", [*PAGES, *NEW_FEATURES, *PHONE_ONLY, "login", "register"])
def test_no_sideways_scrolling_on_a_phone_and_every_control_labelled(
    content, studio, new_page, name
):
    page = new_page(390, 844)
    if name in ("login", "register"):
        page.goto(f"{content.url}/{name}")
    else:
        sign_in(
            page,
            content.url,
            *((ADMIN[0], ADMIN[2]) if name in AS_ADMIN else ("demo1", DEMO_PASSWORD)),
        )
        _visit(page, content.url, name, studio)
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at 390 px"
    assert page.evaluate(UNLABELLED_CONTROLS) == [], f"{name} has controls without a label"
    assert page.evaluate(SHOWN_THOUGH_HIDDEN) == [], f"{name} shows elements marked hidden"
