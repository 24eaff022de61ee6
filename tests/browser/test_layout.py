"""How the site looks: screenshots of the main pages on desktop and phone, light and dark, plus
checks a person would notice (sideways scrolling on a phone, form controls without labels).

Screenshots go to SCREENSHOTS_DIR when it is set (``make screenshots`` writes docs/screenshots/),
else to a temporary folder.
"""

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.browser.conftest import ADMIN, sign_in

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
DEMO_PASSWORD = "demo-password"

UNLABELLED_CONTROLS = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.getAttribute('title'))
  .map(el => el.outerHTML)"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
SHOWN_THOUGH_HIDDEN = """() => Array.from(document.querySelectorAll('[hidden]'))
  .filter(el => el.getClientRects().length).map(el => el.outerHTML)"""


@pytest.fixture(scope="module")
def screenshots_dir(tmp_path_factory) -> Path:
    target = os.environ.get("SCREENSHOTS_DIR")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


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


def _visit(page, base_url: str, name: str) -> None:
    """Open page ``name`` as the signed-in demo author (admin pages as the admin)."""
    targets = {
        "home": "/",
        "profile": "/@demo1",
        "feed": "/feed",
        "editor": "/write",
        "admin": "/admin/users/",
        "settings": "/settings",
    }
    if name == "post":
        page.goto(base_url + _post_with_comments(page, base_url))
    elif name == "search":
        page.goto(base_url + _search_for_two_titles(page, base_url))
        assert page.locator(".search-hit mark").count() >= 2, "no highlighted hits"
    else:
        page.goto(base_url + targets[name])
    if name == "editor":
        page.get_by_label("Title").fill("Notes from a slow journey")
        page.get_by_label("Summary").fill("Eight days on foot, and what the rain taught me.")
        page.get_by_label("Body").fill("## Day one\n\nRain, then **sun**.\n\n- tea\n- map")
        page.get_by_label("Tags").fill("travel, walking")
        page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state("load")


PAGES = ["home", "post", "profile", "feed", "search", "editor", "settings", "admin"]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_screenshots_of_the_main_pages(content, new_page, screenshots_dir, width_name, dark):
    width, height = WIDTHS[width_name]
    author = new_page(width, height, dark)
    sign_in(author, content.url, "demo1", DEMO_PASSWORD)
    admin = new_page(width, height, dark)
    sign_in(admin, content.url, ADMIN[0], ADMIN[2])
    for name in PAGES:
        page = admin if name == "admin" else author
        _visit(page, content.url, name)
        assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at {width} px"
        target = screenshots_dir / f"{name}-{width_name}-{'dark' if dark else 'light'}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000, f"{target.name} looks empty"


@pytest.mark.parametrize("name", [*PAGES, "login", "register"])
def test_no_sideways_scrolling_on_a_phone_and_every_control_labelled(content, new_page, name):
    page = new_page(390, 844)
    if name in ("login", "register"):
        page.goto(f"{content.url}/{name}")
    else:
        sign_in(
            page,
            content.url,
            *((ADMIN[0], ADMIN[2]) if name == "admin" else ("demo1", DEMO_PASSWORD)),
        )
        _visit(page, content.url, name)
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at 390 px"
    assert page.evaluate(UNLABELLED_CONTROLS) == [], f"{name} has controls without a label"
    assert page.evaluate(SHOWN_THOUGH_HIDDEN) == [], f"{name} shows elements marked hidden"
