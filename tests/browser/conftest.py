"""A real server and a real Chromium for the tests of what a person sees.

The server is the production configuration under gunicorn, on its own fresh database (SQLite, or
PostgreSQL when TEST_DATABASE_URL is set). Without Chromium or Playwright the tests are skipped
with a loud reason on a developer's machine, and fail in CI (``CI`` set), where they must run.

Every page a test opens is watched: an error in its console, an uncaught exception or anything
the Content-Security-Policy blocks fails the test (see :class:`PageProblems`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.databases import fresh_database
from tests.servers import flask, gunicorn

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN = ("admin", "admin@example.com", "admin password 123")


def _unavailable(reason: str):
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run them)", pytrace=False)
    pytest.skip(message)


@dataclass
class LiveServer:
    url: str
    env: dict

    def flask(self, *args: str) -> str:
        return flask(self.env, *args).stdout


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with fresh_database("_browser", tmp_path_factory.mktemp("browser")) as database_url:
        env = {
            **os.environ,
            "BLOG_ENV": "production",
            "SECRET_KEY": "browser-tests-" + "x" * 40,
            "DATABASE_URL": database_url,
            "SESSION_COOKIE_SECURE": "false",  # plain http on 127.0.0.1
            "REMEMBER_COOKIE_SECURE": "false",
            "BLOG_TITLE": "Field Notes",
            "BLOG_DESCRIPTION": "Essays on software, craft and the outdoors.",
            "BLOG_ADMIN_PASSWORD": ADMIN[2],
            # Every browser test signs in on this one server, the same accounts many times a
            # minute: past the sign-in limits, a later test would find itself signed out.
            "RATELIMIT_LOGIN": "1000 per minute",
            "RATELIMIT_LOGIN_ACCOUNT": "1000 per minute",
        }
        env.pop("FLASK_DEBUG", None)
        flask(env, "db", "upgrade")
        flask(env, "blog", "create-admin", "--username", ADMIN[0], "--email", ADMIN[1])
        with gunicorn(env, workers=2, threads=4) as (url, _):
            yield LiveServer(url, env)


@pytest.fixture(scope="session")
def content(live_server):
    """The live server with demo content: authors demo1 to demo8 (password ``demo-password``),
    40 posts, their tags, comments and favorites."""
    live_server.flask("blog", "seed", "--users", "8", "--posts", "40")
    return live_server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page reports each Content-Security-Policy violation as it happens, whatever Chromium
# writes about it in the console (its messages for some kinds, e.g. a blocked javascript: link,
# need not name the policy).
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) =>
  window.__reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
    + ` at ${event.sourceFile || location.href}:${event.lineNumber}`
    + (event.sample ? ` (${event.sample})` : "")));"""
# Lets a page's last reports arrive before they are read: a violation event is a queued task.
SETTLE = "() => new Promise((resolve) => setTimeout(resolve, 0))"


class PageProblems:
    """What went wrong in the pages of a test's browser contexts: console errors, uncaught
    exceptions and Content-Security-Policy violations, each as "<page address>: <what>".

    A page the server answers with a 4xx status (a 404 page, a 403, a form sent back with its
    errors) makes Chromium log "Failed to load resource" for it; that line alone is not a
    problem, since the tests check the statuses they expect. Anything else in such a page is.
    """

    def __init__(self) -> None:
        self.found: list[str] = []
        self.contexts: list = []
        self._error_documents: set[str] = set()
        self._resource_errors: list[tuple[str, str]] = []

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.expose_binding(
            "__reportCspViolation",
            lambda source, text: self.found.append(f"{source['frame'].url}: CSP: {text}"),
        )
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("page", self._watch_page)
        context.on("response", self._note_error_document)

    def _watch_page(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: uncaught: {error}"))

    def _console(self, page, message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource"):
            self._resource_errors.append((message.location.get("url", ""), message.text))
        else:
            self.found.append(f"{page.url}: console: {message.text}")

    def _note_error_document(self, response) -> None:
        if response.request.resource_type == "document" and 400 <= response.status < 500:
            self._error_documents.add(response.url)

    def take(self) -> list[str]:
        """The problems so far (emptied): a test can check after each page it opens."""
        from playwright.sync_api import Error as PlaywrightError

        for context in self.contexts:
            for page in context.pages:
                with contextlib.suppress(PlaywrightError):  # closed, or between two documents
                    page.evaluate(SETTLE)
        found = self.found + [
            f"{url}: console: {text}"
            for url, text in self._resource_errors
            if url not in self._error_documents
        ]
        self.found, self._resource_errors = [], []
        return found


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def new_page(browser, page_problems):
    """``new_page(width=1280, dark=False)``: a page in a fresh context (its own cookies).

    The test fails if any page it opened logged a console error or an uncaught exception, or
    had something blocked by the Content-Security-Policy."""

    def make(width: int = 1280, height: int = 900, dark: bool = False):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="dark" if dark else "light",
            reduced_motion="reduce",
        )
        context.set_default_timeout(15_000)
        page_problems.watch(context)
        return context.new_page()

    yield make
    problems = page_problems.take()
    for context in page_problems.contexts:
        context.close()
    assert problems == [], "the browser reported problems:\n" + "\n".join(problems)


def register(page, base_url: str, username: str, password: str = "a long password 1") -> None:
    page.goto(base_url + "/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(base_url + "/")


def sign_in(page, base_url: str, login: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
