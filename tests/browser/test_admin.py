"""The admin panel in a real browser, under the site's Content-Security-Policy: the "With selected"
actions and their questions, the select-all checkbox, filters, deleting a row, the pager, the
details filter and the edit form. Flask-Admin wires these with inline handlers and javascript:
links, which the policy blocks; the panel's own templates and js/admin.js stand in for them, and
the browser watch of conftest fails any test in which something was blocked or went wrong.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, sign_in

PREFIX = "moderation"


def _api(page, base_url: str, method: str, path: str, body: dict, token: str | None = None):
    headers = {"Authorization": f"Token {token}"} if token else {}
    response = page.request.fetch(base_url + path, method=method, data=body, headers=headers)
    assert response.ok, (path, response.status, response.text())
    return response.json()


def _publish_samples(page, base_url: str) -> None:
    """Three posts by the admin, through the API: 30 tags between them (with the demo content's,
    more than a page of tags) and a comment."""
    login = {"user": {"email": ADMIN[1], "password": ADMIN[2]}}
    token = _api(page, base_url, "POST", "/api/users/login", login)["user"]["token"]
    for number in (1, 2, 3):
        article = {
            "title": f"{PREFIX.capitalize()} sample {number}",
            "description": "A post for the admin to moderate.",
            "body": "Nothing to see here.",
            "tagList": [f"{PREFIX}-{number}-{index:02}" for index in range(10)],
        }
        slug = _api(page, base_url, "POST", "/api/articles", {"article": article}, token)
        slug = slug["article"]["slug"]
    comment = {"comment": {"body": f"A {PREFIX} comment to delete"}}
    _api(page, base_url, "POST", f"/api/articles/{slug}/comments", comment, token)


def _search(page, base_url: str, table: str, text: str) -> None:
    page.goto(f"{base_url}/admin/{table}/?search={text}")


def _run_action(page, name: str, answer: bool | None = None) -> list[str]:
    """Choose ``name`` in "With selected", answering its question (if ``answer`` is not None);
    the messages of the dialogs shown."""
    shown: list[str] = []
    if answer is not None:
        page.once(
            "dialog",
            lambda dialog: (
                shown.append(dialog.message),
                dialog.accept() if answer else dialog.dismiss(),
            ),
        )
    page.get_by_role("button", name="With selected").click()
    page.get_by_role("button", name=name, exact=True).click()
    return shown


def _statuses(page) -> list[str]:
    return [text.strip() for text in page.locator("td.col-status").all_inner_texts()]


def test_the_admin_panel_works_under_the_content_security_policy(content, new_page):
    url = content.url
    page = new_page()
    sign_in(page, url, ADMIN[0], ADMIN[2])
    _publish_samples(page, url)

    # Posts: nothing selected, and an action says so.
    _search(page, url, "posts", f"{PREFIX} sample")
    expect(page.locator("input.action-checkbox")).to_have_count(3)
    assert _run_action(page, "Unpublish", answer=True) == ["Please select at least one record."]
    assert "#" not in page.url  # the menu's links go nowhere

    # The header checkbox selects every row; unticking one leaves it neither on nor off.
    select_all = page.get_by_title("Select all records")
    select_all.check()
    expect(page.locator("input.action-checkbox:checked")).to_have_count(3)
    page.locator("input.action-checkbox").first.uncheck()
    expect(select_all).not_to_be_checked()
    assert select_all.evaluate("box => box.indeterminate")
    select_all.check()

    # Saying no to the action's question changes nothing; yes unpublishes them all.
    asked = _run_action(page, "Unpublish", answer=False)
    assert asked == ["Turn the selected posts back into drafts?"]
    assert _statuses(page) == ["PUBLISHED"] * 3
    select_all.check()
    _run_action(page, "Unpublish", answer=True)
    expect(page.get_by_text("Unpublished 3 post(s).")).to_be_visible()
    assert _statuses(page) == ["DRAFT"] * 3

    # A filter: add it, choose its value, apply it; remove it, and reset.
    page.goto(url + "/admin/posts/")
    page.get_by_role("button", name="Add Filter").click()
    page.get_by_role("button", name="Status").click()
    assert "#" not in page.url
    filter_row = page.locator("table.filters tr")
    expect(filter_row).to_have_count(1)
    filter_row.locator(".select2-container.filter-val").click()
    page.locator(".select2-result-label", has_text="Published").click()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"flt\d+_\d+=published"))
    assert set(_statuses(page)) == {"PUBLISHED"}
    page.locator("table.filters tr").get_by_role("link", name="Status").click()  # its remove button
    expect(page.locator("table.filters tr")).to_have_count(0)
    page.get_by_role("link", name="Reset Filters").click()
    expect(page).to_have_url(re.compile(r"/admin/posts/(\?[^f]*)?$"))
    assert {"PUBLISHED", "DRAFT"} <= set(_statuses(page))

    # A post's details, narrowed with the details filter.
    _search(page, url, "posts", f"{PREFIX} sample 1")
    page.get_by_title("View Record").click()
    page.wait_for_load_state("load")  # the filter reacts to keys only once its script has run
    expect(page.locator("table.searchable tr:visible")).not_to_have_count(1)
    page.get_by_label("Filter").press_sequentially("slug")
    expect(page.locator("table.searchable tr:visible")).to_have_count(1)
    expect(page.locator("table.searchable tr:visible")).to_contain_text("moderation-sample-1")

    # Comments: the row's delete button asks first; no keeps it, yes deletes it.
    _search(page, url, "comments", f"{PREFIX} comment")
    row = page.locator("table.model-list tbody tr", has_text="comment to delete")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    row.get_by_title("Delete Record").click()
    expect(row).to_have_count(1)
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    row.get_by_title("Delete Record").click()
    expect(page.get_by_text("Record was successfully deleted.")).to_be_visible()
    expect(row).to_have_count(0)
    assert asked == ["Are you sure you want to delete this record?"] * 2

    # Tags: more than a page of them, and the pager leads to the next.
    page.goto(url + "/admin/tags/")
    pager = page.locator("ul.pagination")
    expect(pager.locator(".active")).to_have_text("1")
    pager.get_by_role("link", name="2", exact=True).click()
    expect(pager.locator(".active")).to_have_text("2")
    expect(page).to_have_url(re.compile(r"page=1"))

    # A tag renamed from its edit form, two merged, and then all deleted with "With selected".
    _search(page, url, "tags", f"{PREFIX}-1-00")
    page.get_by_title("Edit Record").click()
    page.get_by_label("Name").fill(f"{PREFIX}-1-renamed")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Record was successfully saved.")).to_be_visible()
    _search(page, url, "tags", f"{PREFIX}-2-0")
    for name in (f"{PREFIX}-2-00", f"{PREFIX}-2-01"):
        page.locator("tr", has_text=name).locator("input.action-checkbox").check()
    _run_action(page, "Merge", answer=True)
    expect(page.get_by_text(f"Merged 1 tag(s) into {PREFIX}-2-00.")).to_be_visible()
    _search(page, url, "tags", f"{PREFIX}-")
    expect(page.locator("input.action-checkbox")).to_have_count(29)
    expect(page.get_by_role("cell", name=f"{PREFIX}-1-renamed")).to_be_visible()
    page.get_by_title("Select all records").check()
    asked = _run_action(page, "Delete", answer=True)
    assert asked == ["Are you sure you want to delete selected records?"]
    expect(page.get_by_text("29 records were successfully deleted.")).to_be_visible()
    expect(page.locator("input.action-checkbox")).to_have_count(0)

    # The sample posts go the same way.
    _search(page, url, "posts", f"{PREFIX} sample")
    page.get_by_title("Select all records").check()
    _run_action(page, "Delete", answer=True)
    expect(page.get_by_text("3 records were successfully deleted.")).to_be_visible()

    # Users: make an admin, and take it back.
    _search(page, url, "users", "demo8")
    admin_cell = page.locator("tr", has_text="demo8").locator("td.col-is_admin")
    expect(admin_cell.locator(".fa-minus-circle")).to_have_count(1)
    page.locator("input.action-checkbox").check()
    _run_action(page, "Make admin")
    expect(page.get_by_text("Promoted 1 user(s).")).to_be_visible()
    expect(admin_cell.locator(".fa-check-circle")).to_have_count(1)
    page.locator("input.action-checkbox").check()
    _run_action(page, "Remove admin")
    expect(page.get_by_text("Demoted 1 user(s).")).to_be_visible()
    expect(admin_cell.locator(".fa-minus-circle")).to_have_count(1)
