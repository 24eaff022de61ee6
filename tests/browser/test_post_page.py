"""A long post as a reader sees it: the table of contents beside the text on a wide screen and
folded above it on a phone, its links landing on headings the sticky header doesn't cover, and
each heading's "#" link showing on hover and keyboard focus."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import register

SECTION = "A paragraph long enough to make this a post worth a table of contents. " * 30
BODY = f"""{SECTION}

## Before you start

{SECTION}

### What to pack

{SECTION}

## On the trail

{SECTION}

| Day | Miles |
| --- | ---: |
| 1 | 12 |

## Coming home

{SECTION}
"""
HEADER_BOTTOM = "() => document.querySelector('.site-header').getBoundingClientRect().bottom"


@pytest.fixture(scope="module")
def long_post(live_server, browser):
    """The address of a long published post, written through the editor once."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    register(page, live_server.url, "cartographer")
    page.goto(live_server.url + "/write")
    page.get_by_label("Title").fill("A map of the long walk")
    page.get_by_label("Summary").fill("Sections, and a way to find them.")
    page.get_by_label("Body").fill(BODY)
    page.get_by_label("Tags").fill("walking")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".post-header h1")).to_have_text("A map of the long walk")
    url = page.url
    context.close()
    return url


def test_on_a_wide_screen_the_contents_stay_beside_the_text(long_post, new_page):
    page = new_page(1280, 900)
    page.goto(long_post)
    rail = page.locator("nav.toc-sticky")
    expect(rail).to_be_visible()
    expect(page.locator("details.toc-collapsible")).to_be_hidden()
    prose = page.locator(".prose").bounding_box()
    assert rail.bounding_box()["x"] >= prose["x"] + prose["width"], "contents overlap the text"
    page.locator("#h-coming-home").scroll_into_view_if_needed()
    box = rail.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900, "the contents scrolled away"

    rail.get_by_role("link", name="On the trail").click()
    expect(page).to_have_url(long_post + "#h-on-the-trail")
    heading = page.locator("#h-on-the-trail").bounding_box()
    assert heading["y"] >= page.evaluate(HEADER_BOTTOM), "the header covers the heading"
    assert heading["y"] + heading["height"] <= 900


def test_on_a_phone_the_contents_are_folded_above_the_text(long_post, new_page):
    page = new_page(390, 844)
    page.goto(long_post)
    expect(page.locator("nav.toc-sticky")).to_be_hidden()
    folded = page.locator("details.toc-collapsible")
    expect(folded).to_be_visible()
    link = folded.get_by_role("link", name="What to pack")
    expect(link).to_be_hidden()
    folded.locator("summary").click()
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(long_post + "#h-what-to-pack")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_headings_link_shows_on_hover_and_on_keyboard_focus(long_post, new_page):
    page = new_page(1280, 900)
    page.goto(long_post)
    anchor = page.locator("a.heading-anchor[href='#h-coming-home']")
    expect(anchor).to_have_accessible_name("Link to this section: Coming home")
    expect(anchor).to_have_css("opacity", "0")
    page.locator("#h-coming-home").hover()
    expect(anchor).to_have_css("opacity", "1")
    page.mouse.move(0, 0)
    expect(anchor).to_have_css("opacity", "0")
    page.locator("a.heading-anchor[href='#h-on-the-trail']").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    expect(page.locator("a.heading-anchor[href='#h-on-the-trail']")).to_have_css("opacity", "1")
    heading = page.get_by_role("heading", name="Coming home", exact=True)
    expect(heading).to_have_count(1)  # its name is its text, not the link's label
