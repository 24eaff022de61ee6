"""A real server and a real Chromium for the tests of what a person sees.

The server is the production configuration under gunicorn, on its own fresh database (SQLite, or
PostgreSQL when TEST_DATABASE_URL is set). Without Chromium or Playwright the tests are skipped
with a loud reason on a developer's machine, and fail in CI (``CI`` set), where they must run.
"""

from __future__ import annotations

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
        }
        env.pop("FLASK_DEBUG", None)
        flask(env, "db", "upgrade")
        flask(env, "blog", "create-admin", "--username", ADMIN[0], "--email", ADMIN[1])
        with gunicorn(env, workers=2, threads=4) as (url, _):
            yield LiveServer(url, env)


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


@pytest.fixture
def new_page(browser):
    """``new_page(width=1280, dark=False)``: a page in a fresh context (its own cookies)."""
    contexts = []

    def make(width: int = 1280, height: int = 900, dark: bool = False):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="dark" if dark else "light",
            reduced_motion="reduce",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


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
    page.get_by_role("button", name="Sign in").click()
