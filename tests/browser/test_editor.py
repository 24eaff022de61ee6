"""The editor in a real browser: live preview, autosave, Ctrl+S, text kept in the browser, and
the prompt to sign in again when the session has gone."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from blog.config import database_uri
from tests.browser.conftest import register, sign_in

PASSWORD = "a long password 1"
SAVED = re.compile(r"^Saved at \d")


@pytest.fixture(scope="module")
def database(live_server):
    """The live server's database, to see what the editor saved there."""
    engine = sa.create_engine(database_uri(live_server.env["DATABASE_URL"], ""))
    yield engine
    engine.dispose()


def posts_titled(database, title: str) -> list[sa.Row]:
    with database.connect() as connection:
        return connection.execute(
            sa.text("SELECT slug, status, body FROM posts WHERE title = :title"), {"title": title}
        ).all()


def failed_requests(page_problems, *statuses: int) -> list[str]:
    """The problems the pages reported, less the console's line for each request answered with
    one of ``statuses`` (which the test expects: the editor handles them)."""
    expected = [f"the server responded with a status of {status}" for status in statuses]
    return [p for p in page_problems.take() if not any(line in p for line in expected)]


def autosave_answer(page):
    """Waits, as a context manager, for the answer to the next autosave."""
    return page.expect_response(
        lambda response: response.request.method == "POST" and "/autosave" in response.url
    )


def write_new(page, url: str, title: str, body: str) -> None:
    page.goto(url + "/write")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill("A post written in the editor.")
    page.get_by_label("Body").fill(body)


def test_the_preview_beside_the_text_follows_the_typing(live_server, new_page, page_problems):
    page = new_page(width=1280)
    register(page, live_server.url, "preview-writer", PASSWORD)
    page.goto(live_server.url + "/write")
    preview = page.locator(".live-preview")
    expect(preview).to_contain_text("Nothing to preview yet")
    page.get_by_label("Title").fill("Rain and sun")
    page.get_by_label("Body").press_sequentially("# Day one\n\nRain, then **sun**.")
    expect(preview.locator(".prose h1")).to_have_text("Day one")
    expect(preview.locator(".prose strong")).to_have_text("sun")
    expect(preview.locator(".live-preview-title")).to_have_text("Rain and sun")
    form, pane = page.locator("form[data-editor]").bounding_box(), preview.bounding_box()
    assert pane["x"] >= form["x"] + form["width"]  # side by side
    assert page.get_by_role("tab", name="Preview").is_hidden()
    expect(page.locator(".editor-count")).to_have_text("6 words · 1 min read")

    page.get_by_label("Body").fill("*" * 10_001)
    expect(preview.locator(".live-preview-message")).to_contain_text("too much formatting")
    expect(preview.locator(".prose")).to_be_hidden()
    assert failed_requests(page_problems, 422) == []


def test_on_a_phone_write_and_preview_are_tabs(live_server, new_page, page_problems):
    page = new_page(width=390, height=844)
    register(page, live_server.url, "phone-writer", PASSWORD)
    page.goto(live_server.url + "/write")
    body, preview = page.get_by_label("Body"), page.locator(".live-preview")
    body.fill("Some *emphasis* here.")
    expect(preview).to_be_hidden()
    page.get_by_role("tab", name="Preview").click()
    expect(preview.locator(".prose em")).to_have_text("emphasis")
    expect(body).to_be_hidden()
    expect(page.get_by_role("tab", name="Preview")).to_have_attribute("aria-selected", "true")
    page.get_by_role("tab", name="Write").click()
    expect(body).to_be_visible()
    expect(preview).to_be_hidden()
    assert failed_requests(page_problems, 422) == []  # autosave: a new post needs a title


def test_autosave_makes_one_draft_and_keeps_saving_it(live_server, new_page, database):
    page = new_page()
    register(page, live_server.url, "autosaver", PASSWORD)
    write_new(page, live_server.url, "Autosaved walk", "First words.")
    expect(page.locator(".editor-status")).to_have_text(SAVED)
    page.wait_for_url(re.compile(r"/posts/draft-[0-9a-f]+/edit$"))
    [(slug, status, body)] = posts_titled(database, "Autosaved walk")
    assert (status, body) == ("draft", "First words.")
    assert page.url.endswith(f"/posts/{slug}/edit")

    with autosave_answer(page) as answer:
        page.get_by_label("Body").press_sequentially(" More words.")
    assert answer.value.status == 200
    expect(page.locator(".editor-status")).to_have_text(SAVED)
    assert posts_titled(database, "Autosaved walk") == [(slug, "draft", "First words. More words.")]

    page.reload()
    expect(page.get_by_role("heading", name="Edit post")).to_be_visible()
    expect(page.get_by_label("Body")).to_have_value("First words. More words.")
    expect(page.locator(".editor-notice")).to_be_hidden()  # saved: nothing kept to put back


def test_ctrl_s_saves_a_draft_now_and_updates_a_published_post(live_server, new_page, database):
    page = new_page()
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    register(page, live_server.url, "shortcut-writer", PASSWORD)
    write_new(page, live_server.url, "Saved by shortcut", "Typed,")
    page.get_by_label("Body").press("Control+s")
    expect(page.locator(".editor-status")).to_have_text(SAVED)
    assert [row.body for row in posts_titled(database, "Saved by shortcut")] == ["Typed,"]

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published.")).to_be_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.locator(".editor-status")).to_have_text("Saved when you press Update.")
    page.get_by_label("Body").press("Control+End")
    page.get_by_label("Body").press_sequentially(" then published.")
    page.get_by_label("Body").press("Control+s")
    expect(page.get_by_text("Post updated.")).to_be_visible()
    [row] = posts_titled(database, "Saved by shortcut")
    assert (row.status, row.body) == ("published", "Typed, then published.")
    assert downloads == []


def test_unsaved_text_comes_back_after_a_reload(live_server, new_page, database):
    page = new_page()
    register(page, live_server.url, "forgetful", PASSWORD)
    write_new(page, live_server.url, "Kept in the browser", "Saved text.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published.")).to_be_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    body = page.get_by_label("Body")
    body.press("Control+End")
    body.press_sequentially(" Unsaved text.")  # a published post isn't autosaved
    page.reload()
    notice = page.locator(".editor-notice")
    expect(notice).to_contain_text("Restored the changes you made")
    expect(body).to_have_value("Saved text. Unsaved text.")
    expect(page.locator(".live-preview .prose")).to_contain_text("Unsaved text.")
    assert [row.body for row in posts_titled(database, "Kept in the browser")] == ["Saved text."]

    notice.get_by_role("button", name="Discard them").click()
    expect(body).to_have_value("Saved text.")
    page.reload()
    expect(notice).to_be_hidden()
    expect(body).to_have_value("Saved text.")


def test_signed_out_mid_edit_asks_to_sign_in_and_then_saves(
    live_server, new_page, page_problems, database
):
    page = new_page()
    register(page, live_server.url, "expired", PASSWORD)
    write_new(page, live_server.url, "Written while signed out", "Before.")
    status = page.locator(".editor-status")
    expect(status).to_have_text(SAVED)

    page.context.clear_cookies()  # the session ends
    page.get_by_label("Body").press_sequentially(" After.")
    expect(status).to_contain_text("You're signed out: sign in again (in a new tab), then save")
    link = status.get_by_role("link", name="sign in again (in a new tab)")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("href", "/login")
    assert failed_requests(page_problems, 401) == []

    other_tab = page.context.new_page()
    sign_in(other_tab, live_server.url, "expired", PASSWORD)
    other_tab.wait_for_url(live_server.url + "/")
    other_tab.close()
    page.get_by_label("Body").press("Control+s")
    expect(status).to_have_text(SAVED)
    assert [row.body for row in posts_titled(database, "Written while signed out")] == [
        "Before. After."
    ]
    # The old token (after signing in again) and a check of the sign-in before it: handled.
    assert failed_requests(page_problems, 400, 401) == []


def test_an_autosave_never_overwrites_what_another_tab_saved(
    live_server, new_page, page_problems, database
):
    first = new_page()
    register(first, live_server.url, "two-tabs", PASSWORD)
    write_new(first, live_server.url, "Edited in two tabs", "Opening line.")
    expect(first.locator(".editor-status")).to_have_text(SAVED)
    second = first.context.new_page()
    second.goto(first.url)

    with autosave_answer(second) as answer:
        second.get_by_label("Body").press("Control+End")
        second.get_by_label("Body").press_sequentially(" From the second tab.")
    assert answer.value.status == 200
    first.get_by_label("Body").press("Control+End")
    first.get_by_label("Body").press_sequentially(" From the first tab.")
    expect(first.locator(".editor-status")).to_contain_text(
        "Not saved: This post was saved elsewhere"
    )
    expect(first.get_by_label("Body")).to_have_value("Opening line. From the first tab.")
    [row] = posts_titled(database, "Edited in two tabs")
    assert row.body == "Opening line. From the second tab."
    assert failed_requests(page_problems, 409) == []
