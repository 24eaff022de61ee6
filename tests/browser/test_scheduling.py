"""The editor's schedule in a real browser: the time is typed in the browser's zone, which the
page names, and comes back in it; the post waits, invisible to others, "Scheduled for" then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from playwright.sync_api import expect

from tests.browser.conftest import register

ZONE = "Asia/Tokyo"  # +09:00 all year: no summer time to make the test depend on the date
TOKYO = timezone(timedelta(hours=9))


def test_a_post_scheduled_in_the_browsers_time_zone(live_server, browser, page_problems):
    url = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, timezone_id=ZONE)
    context.set_default_timeout(15_000)
    page_problems.watch(context)
    author, reader = context.new_page(), browser.new_page()
    try:
        register(author, url, "selma")
        author.goto(url + "/write")
        expect(author.locator("[data-schedule-zone]")).to_have_text(
            f"Times are in your time zone, {ZONE} (UTC+09:00)."
        )
        author.get_by_label("Title").fill("The eclipse, live")
        author.get_by_label("Summary").fill("Watch it with us.")
        author.get_by_label("Body").fill("We start at dawn.")
        when = (datetime.now(TOKYO) + timedelta(days=2)).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
        author.get_by_label("Publish at").fill(when.strftime("%Y-%m-%dT%H:%M"))
        author.get_by_role("button", name="Schedule", exact=True).click()

        notice = author.locator(".notice-scheduled")
        expect(notice).to_contain_text("Scheduled for")
        expect(notice.locator("time")).to_have_attribute(
            "datetime", when.astimezone(UTC).isoformat()
        )
        expect(notice.locator("time")).to_contain_text("09:30")  # shown in the author's zone
        post_url = author.url
        assert reader.goto(post_url).status == 404
        reader.goto(url + "/")
        expect(reader.get_by_text("The eclipse, live")).to_have_count(0)

        author.goto(url + "/@selma")
        badge = author.locator(".badge-scheduled")
        expect(badge).to_contain_text("Scheduled for")
        expect(badge.locator("time")).to_contain_text("09:30")
        author.goto(post_url)
        author.get_by_role("link", name="Edit", exact=True).click()
        expect(author.get_by_label("Publish at")).to_have_value(when.strftime("%Y-%m-%dT%H:%M"))
        author.get_by_role("button", name="Publish now").click()
        assert reader.goto(post_url).status == 200
    finally:
        reader.close()
        context.close()
    assert page_problems.take() == []
