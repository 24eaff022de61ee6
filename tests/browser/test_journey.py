"""Two people meet on the blog, and an admin steps in: all through a real browser."""

from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, register, sign_in

POST_BODY = """# Packing for the Highlands

Three things I never leave behind:

- a wool layer
- a paper map
- a flask of tea

```python
def forecast():
    return "rain"
```

Read more on the [Met Office](https://www.metoffice.gov.uk/) site.
"""
PASSWORD = "a long password 1"


def test_write_publish_comment_favorite_follow_moderate(live_server, new_page):
    url = live_server.url
    author, reader = new_page(), new_page()

    # A registers and writes a draft.
    register(author, url, "ailsa")
    author.get_by_role("link", name="Write", exact=True).click()
    author.get_by_label("Title").fill("Walking the West Highland Way")
    author.get_by_label("Summary").fill("Ninety-six miles, eight days, one pair of boots.")
    author.get_by_label("Body").fill(POST_BODY)
    author.get_by_label("Tags").fill("Walking, Scotland")
    author.get_by_role("button", name="Preview").click()
    expect(author.locator(".preview h1", has_text="Packing for the Highlands")).to_be_visible()
    author.get_by_role("button", name="Save draft").click()
    expect(author.get_by_text("This is a draft: only you can see it.")).to_be_visible()
    draft_url = author.url

    # The draft is invisible to others.
    reader.goto(url + "/")
    expect(reader.get_by_text("Walking the West Highland Way")).to_have_count(0)
    assert reader.goto(draft_url).status == 404

    # A publishes; the Markdown is rendered.
    author.get_by_role("link", name="Edit", exact=True).click()
    author.get_by_role("button", name="Publish").click()
    expect(author.locator(".prose h1", has_text="Packing for the Highlands")).to_be_visible()
    expect(author.locator(".prose li")).to_have_count(3)
    expect(author.locator(".prose pre code")).to_contain_text('return "rain"')
    link = author.locator(".prose a", has_text="Met Office")
    expect(link).to_have_attribute("rel", "nofollow noopener")

    # B registers, finds the post on the home page, comments, favorites and follows A.
    register(reader, url, "bruce")
    reader.get_by_role("link", name="Walking the West Highland Way", exact=True).click()
    reader.get_by_label("Your comment").fill("Did the **midges** find you?")
    reader.get_by_role("button", name="Post comment").click()
    expect(reader.locator(".comment-body strong", has_text="midges")).to_be_visible()
    reader.locator(".post-actions").get_by_role("button", name="Favorite").click()
    expect(reader.locator(".post-actions .favorite-button")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(reader.locator(".post-actions .favorite-count")).to_have_text("1")
    reader.get_by_role("button", name="Follow ailsa").click()
    expect(reader.get_by_role("button", name="Unfollow ailsa")).to_be_visible()
    reader.get_by_role("link", name="Feed", exact=True).click()
    expect(
        reader.get_by_role("link", name="Walking the West Highland Way", exact=True)
    ).to_be_visible()

    # A deletes B's comment.
    author.reload()
    expect(author.locator(".comment")).to_have_count(1)
    asked = []
    author.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    author.locator(".comment").get_by_role("button", name="Delete").click()
    expect(author.locator(".comment")).to_have_count(0)
    expect(author.get_by_text("No comments yet.")).to_be_visible()
    assert asked == ["Delete this comment by bruce?"]

    # Deleting the post asks first; saying no keeps it.
    author.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    author.get_by_role("button", name="Delete", exact=True).click()
    expect(author.get_by_role("button", name="Delete", exact=True)).to_be_enabled()
    assert asked[-1].startswith("Delete “Walking the West Highland Way” with its comments?")
    author.reload()
    expect(author.get_by_role("heading", name="Walking the West Highland Way")).to_be_visible()

    # An admin disables B, who can no longer sign in.
    admin = new_page()
    sign_in(admin, url, ADMIN[0], ADMIN[2])
    admin.goto(url + "/admin/users/")
    row = admin.locator("tr", has_text="bruce")
    row.locator("input[name=rowid]").check()
    admin.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    admin.get_by_role("button", name="With selected").click()
    admin.get_by_role("button", name="Disable account").click()
    expect(admin.get_by_text("Disabled 1 user(s).")).to_be_visible()
    assert asked[-1] == "Disabled accounts can't sign in or use the API."

    reader.reload()
    expect(reader.get_by_role("link", name="Sign in")).to_be_visible()
    sign_in(reader, url, "bruce", PASSWORD)
    expect(reader.get_by_text("This account has been disabled.")).to_be_visible()
