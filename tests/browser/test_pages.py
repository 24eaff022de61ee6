"""Every page of the site and of the admin, opened by the reader it is for, runs cleanly: no
console error, no uncaught exception, nothing blocked by the Content-Security-Policy (which allows
no inline script, no inline event handler and no javascript: link). Other tests drive the pages;
this one makes sure none is left out."""

from itsdangerous import URLSafeTimedSerializer

from blog.domain import account_changes
from tests.browser.conftest import ADMIN, sign_in

DEMO_PASSWORD = "demo-password"
ADMIN_TABLES = ("users", "posts", "comments", "tags")


def test_every_page_runs_without_errors_or_blocked_code(content, new_page, page_problems):
    url = content.url
    problems: dict[str, list[str]] = {}

    def visit(page, path: str, status: int = 200, who: str = "") -> None:
        response = page.goto(url + path)
        assert response.status == status, f"{path} answered {response.status}"
        page.wait_for_load_state("load")
        if path == "/api/docs":
            page.wait_for_selector(".opblock-tag")  # Swagger UI has built the page
        problems[f"{path} ({who})"] = page_problems.take()

    # Anyone.
    reader = new_page()
    visit(reader, "/", who="anonymous")
    post = reader.locator(".card-title a").first.get_attribute("href")
    tag = reader.locator("a[href^='/tags/']").first.get_attribute("href")
    for path in (post, tag, "/@demo1", "/@demo1/favorites", "/login", "/register"):
        visit(reader, path, who="anonymous")
    visit(reader, "/tags", who="anonymous")
    for path in ("/search", "/search?q=the", "/search?q=-the", '/search?q="'):
        visit(reader, path, who="anonymous")
    visit(reader, "/archive", who="anonymous")
    visit(reader, reader.locator(".archive-months a").first.get_attribute("href"), who="anonymous")
    visit(reader, "/reset-password", who="anonymous")
    undo = URLSafeTimedSerializer(content.env["SECRET_KEY"], salt=account_changes.UNDO_SALT)
    visit(reader, "/email/undo/" + undo.dumps([1, ADMIN[1], "new@example.com"]), who="anonymous")
    visit(reader, "/email/confirm/not-a-link", 400, "anonymous")
    visit(reader, "/no-such-page", 404, "anonymous")
    visit(reader, "/posts/no-such-post", 404, "anonymous")
    visit(reader, "/api/docs", who="anonymous")
    visit(reader, "/about", who="anonymous")  # the seeded About page

    # An author.
    author = new_page()
    sign_in(author, url, "demo1", DEMO_PASSWORD)
    visit(author, "/@demo1", who="demo1")
    own_post = author.locator(".card-title a").first.get_attribute("href")
    for path in (
        "/",
        "/feed",
        "/search?q=the",
        post,
        own_post,
        own_post + "/edit",
        "/settings",
        "/write",
    ):
        visit(author, path, who="demo1")
    author.get_by_label("Title").fill("A preview")
    author.get_by_label("Body").fill("Some **bold** words.")
    author.get_by_role("button", name="Preview").click()
    author.wait_for_load_state("load")
    problems["/write preview (demo1)"] = page_problems.take()
    visit(author, "/admin/", 403, "demo1")

    # The admin: the dashboard, and every table's list, details and (where there is one) edit
    # form, searched and filtered too.
    admin = new_page()
    sign_in(admin, url, ADMIN[0], ADMIN[2])
    visit(admin, "/admin/", who="admin")
    for table in ADMIN_TABLES:
        visit(admin, f"/admin/{table}/", who="admin")
        rows = admin.locator("table.model-list tbody tr")
        details = rows.first.get_by_title("View Record").get_attribute("href")
        edit = rows.first.get_by_title("Edit Record")
        edit = edit.get_attribute("href") if edit.count() else None
        visit(admin, details, who="admin")
        if edit:
            visit(admin, edit, who="admin")
    visit(admin, "/admin/posts/?search=the", who="admin")
    visit(admin, "/admin/posts/?flt0_0=draft", who="admin")
    visit(admin, "/admin/users/?flt0_0=1&flt1_3=1", who="admin")
    for path in ("/pages", "/pages/new", "/pages/about/edit", "/about"):
        visit(admin, path, who="admin")

    assert {page: found for page, found in problems.items() if found} == {}
    assert len(problems) >= 30
