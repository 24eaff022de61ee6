"""The header's menu on a phone (with and without script) and the admin's site settings, in a
real browser under the site's Content-Security-Policy."""

from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, sign_in

PHONE = (390, 844)


def _menu_button(page):
    return page.get_by_role("button", name="Menu")


def test_the_phone_menu_opens_leads_on_and_closes_with_escape(live_server, new_page):
    page = new_page(*PHONE)
    page.goto(live_server.url + "/")
    sign_in_link = page.get_by_role("link", name="Sign in")
    button = _menu_button(page)
    expect(sign_in_link).to_be_hidden()
    expect(page.get_by_label("Search posts")).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(sign_in_link).to_be_visible()
    expect(page.get_by_label("Search posts")).to_be_visible()
    page.keyboard.press("Tab")  # into the panel: the search box comes first
    expect(page.get_by_label("Search posts")).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(sign_in_link).to_be_hidden()
    expect(button).to_be_focused()  # the focus comes back to the button, not lost in the page
    page.keyboard.press("Enter")
    expect(sign_in_link).to_be_visible()
    page.locator("main").click(position={"x": 1, "y": 1})  # a tap elsewhere (not a link) closes it
    expect(sign_in_link).to_be_hidden()
    assert page.url == live_server.url + "/"
    button.click()
    sign_in_link.click()
    page.wait_for_url(live_server.url + "/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_wide_screens_show_the_links_without_a_menu(live_server, new_page):
    page = new_page(1280, 900)
    page.goto(live_server.url + "/")
    expect(_menu_button(page)).to_be_hidden()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Search posts")).to_be_visible()


def test_without_script_the_menu_is_a_disclosure(live_server, browser):
    context = browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        sign_in_link = page.get_by_role("link", name="Sign in")
        expect(sign_in_link).to_be_hidden()
        page.locator("summary", has_text="Menu").click()
        expect(sign_in_link).to_be_visible()
        sign_in_link.click()
        page.wait_for_url(live_server.url + "/login")
    finally:
        context.close()


def _settings_form(page, base_url: str) -> None:
    page.goto(base_url + "/admin/settings/")
    expect(page.get_by_role("heading", name="Site settings")).to_be_visible()


def _save(page) -> None:
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Site settings saved.")).to_be_visible()


def test_an_admin_renames_the_site_and_every_page_shows_it(live_server, new_page):
    admin = new_page(1280, 900)
    sign_in(admin, live_server.url, ADMIN[0], ADMIN[2])
    _settings_form(admin, live_server.url)
    try:
        admin.get_by_label("Title", exact=True).fill("Trail Journal")
        admin.get_by_label("Accent colour", exact=True).fill("#0F766E")
        admin.get_by_label("Label 1", exact=True).fill("All tags")
        admin.get_by_label("Address 1", exact=True).fill("/tags")
        admin.get_by_label("Service 1", exact=True).select_option("mastodon")
        admin.get_by_label("Profile address 1", exact=True).fill("https://mastodon.example/@trail")
        _save(admin)
        expect(admin.get_by_label("Title", exact=True)).to_have_value("Trail Journal")
        expect(admin.locator(".navbar-brand")).to_have_text("Trail Journal admin")

        reader = new_page(*PHONE)
        reader.goto(live_server.url + "/archive")
        expect(reader.locator(".brand")).to_have_text("Trail Journal")
        expect(reader).to_have_title("Archive · Trail Journal")
        accent = "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
        assert reader.evaluate(accent) == "#0f766e"
        expect(reader.get_by_role("link", name="Mastodon")).to_have_attribute("rel", "me noopener")
        _menu_button(reader).click()
        reader.get_by_role("link", name="All tags").click()
        reader.wait_for_url(live_server.url + "/tags")
        current = reader.locator(".nav-links a", has_text="All tags")  # in the closed menu
        expect(current).to_have_attribute("aria-current", "page")
    finally:  # the other browser tests expect the site as it was
        _settings_form(admin, live_server.url)
        for label in ("Title", "Accent colour", "Label 1", "Address 1", "Profile address 1"):
            admin.get_by_label(label, exact=True).fill("")
        admin.get_by_label("Service 1", exact=True).select_option("")
        _save(admin)
    admin.goto(live_server.url + "/")
    expect(admin.locator(".brand")).to_have_text("Field Notes")


def test_a_wrong_value_is_explained_on_the_field(live_server, new_page):
    admin = new_page(1280, 900)
    sign_in(admin, live_server.url, ADMIN[0], ADMIN[2])
    _settings_form(admin, live_server.url)
    admin.get_by_label("Label 1", exact=True).fill("Trap")
    admin.get_by_label("Address 1", exact=True).fill("javascript:alert(1)")
    admin.get_by_label("Accent colour", exact=True).fill("teal")
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.get_by_text("Must be a colour like #2f52c4.")).to_be_visible()
    expect(admin.get_by_text("Link 1: must be an http:// or https:// address")).to_be_visible()
    admin.goto(live_server.url + "/")
    expect(admin.get_by_role("link", name="Trap")).to_have_count(0)
