"""An author edits a post, finds the earlier version in its history, reads what changed and
restores it: through a real browser, on desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import register

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_edit_then_restore_the_earlier_version(live_server, new_page, width):
    url = live_server.url
    author = new_page(width=width, dark=width < 400)
    register(author, url, f"historian{width}")
    author.goto(url + "/write")
    author.get_by_label("Title").fill(f"Notes on maps {width}")
    author.get_by_label("Summary").fill("Paper first.")
    author.get_by_label("Body").fill("Maps fold badly.\n\n<script>alert(1)</script> stays text.")
    author.get_by_label("Tags").fill("maps")
    author.get_by_role("button", name="Publish").click()
    post_url = author.url

    author.get_by_role("link", name="Edit", exact=True).click()
    author.get_by_label("Title").fill(f"Notes on paper maps {width}")
    author.get_by_label("Body").fill("Maps fold well.\n\n<script>alert(1)</script> stays text.")
    author.get_by_label("Tags").fill("maps, paper")
    author.get_by_role("button", name="Update").click()

    author.get_by_role("link", name="History", exact=True).click()
    expect(author.locator(".revision-item")).to_have_count(1)
    expect(author.locator(".revision-item-summary")).to_have_text(
        "Changed the title, the text (+1 \N{MINUS SIGN}1 lines) and the tags."
    )
    assert author.evaluate(OVERFLOW) <= 0, "the history scrolls sideways"
    author.locator(".revision-item-title").click()
    expect(author.locator(".diff-removed del")).to_have_text("badly")
    expect(author.locator(".diff-added ins")).to_have_text("well")
    expect(author.locator(".diff-tags .is-added")).to_have_text("paper")
    expect(author.locator(".diff-text", has_text="<script>alert(1)</script>")).to_have_count(1)
    assert author.evaluate(OVERFLOW) <= 0, "the diff scrolls sideways"

    asked = []
    author.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    author.get_by_role("button", name="Restore this version").click()
    expect(author.get_by_text("Earlier version restored.")).to_be_visible()
    assert asked and "Restore this version?" in asked[0]
    assert author.url == post_url
    expect(author.locator(".post-header h1")).to_have_text(f"Notes on maps {width}")
    expect(author.locator(".prose p").first).to_have_text("Maps fold badly.")

    author.get_by_role("link", name="History", exact=True).click()
    expect(author.locator(".revision-item")).to_have_count(2)
