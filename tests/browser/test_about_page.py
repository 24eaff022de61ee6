"""An admin writes an About page in the editor and links it in the navigation; a reader finds it
there, and it goes when the admin deletes it."""

from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, sign_in

BODY = "We write about *software* and the outdoors.\n\n## Contact\n\nLeave a comment on any post."


def test_an_admin_publishes_an_about_page_linked_in_the_navigation(live_server, new_page):
    url = live_server.url
    admin = new_page()
    sign_in(admin, url, ADMIN[0], ADMIN[2])
    admin.goto(url + "/admin/")
    admin.get_by_role("link", name="Pages").click()
    expect(admin).to_have_url(url + "/pages")
    admin.get_by_role("link", name="New page").click()

    admin.get_by_label("Title").fill("About us")
    admin.get_by_label("Body").fill(BODY)
    admin.get_by_label("Link it in the site's navigation").check()
    admin.get_by_label("Position in the navigation").fill("1")
    admin.get_by_role("button", name="Preview").click()
    expect(admin.locator(".preview .prose h2")).to_have_text("Contact")
    expect(admin.locator(".preview .prose em")).to_have_text("software")
    admin.get_by_role("button", name="Publish").click()

    expect(admin).to_have_url(url + "/about-us")
    expect(admin.get_by_role("heading", level=1)).to_have_text("About us")
    expect(admin.locator(".flash")).to_have_text("Published.")

    reader = new_page(width=1280)
    reader.goto(url + "/")
    navigation = reader.get_by_role("navigation", name="Main")
    link = navigation.get_by_role("link", name="About us")
    expect(link).to_be_visible()
    link.click()
    expect(reader).to_have_url(url + "/about-us")
    expect(reader.locator(".prose h2")).to_have_text("Contact")
    expect(navigation.get_by_role("link", name="About us")).to_have_attribute(
        "aria-current", "page"
    )
    description = reader.locator('meta[name="description"]')
    expect(description).to_have_attribute("content", "We write about software and the outdoors.")
    expect(reader.get_by_role("link", name="Edit")).to_have_count(0)

    asked = []
    admin.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    admin.get_by_role("button", name="Delete").click()
    expect(admin).to_have_url(url + "/pages")
    assert asked == ["Delete the page “About us”? This can't be undone."]
    reader.goto(url + "/")
    about_link = reader.get_by_role("navigation", name="Main").get_by_role("link", name="About us")
    expect(about_link).to_have_count(0)
    assert reader.goto(url + "/about-us").status == 404
