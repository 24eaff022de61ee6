"""The settings page's "Where you're signed in": each live sign-in with its browser, this one
marked; one of them signed out from another; nobody else's sign-ins listed or ended."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import SignIn
from tests.factories import PASSWORD, UserFactory

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


def signed_in(app, login: str, agent: str):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = agent
    answer = browser.post("/login", data={"login": login, "password": PASSWORD})
    assert answer.status_code == 302 and answer.location == "/"
    return browser


def sign_ins_shown(browser) -> list[tuple[str, bool, int | None]]:
    """(browser, marked as this one, the id its Sign out button names) per row."""
    page = browser.get("/settings").text
    section = page.split('id="sign-ins-title"', 1)[1].split("</section>", 1)[0]
    rows = []
    for row in re.findall(r'<li class="sign-in">(.*?)</li>', section, re.S):
        name = re.search(r"<strong>(.*?)</strong>", row).group(1)
        button = re.search(r"/settings/sign-ins/(\d+)/sign-out", row)
        rows.append((name, "This browser" in row, int(button.group(1)) if button else None))
    return rows


def test_each_live_sign_in_is_listed_with_its_browser_and_this_one_marked(app, alice):
    signed_in(app, "alice", FIREFOX)
    phone = signed_in(app, "alice", SAFARI_ON_IPHONE)
    rows = sign_ins_shown(phone)
    assert [(name, this) for name, this, _ in rows] == [
        ("Mobile Safari 17 on iOS", True),
        ("Firefox 128 on Linux", False),
    ]
    assert rows[0][2] is None and rows[1][2] is not None  # this one signs out from the header


def test_signing_out_one_browser_ends_it_and_only_it(app, alice):
    laptop = signed_in(app, "alice", FIREFOX)
    phone = signed_in(app, "alice", SAFARI_ON_IPHONE)
    [(_, _, laptop_id)] = [row for row in sign_ins_shown(phone) if not row[1]]
    answer = phone.post(f"/settings/sign-ins/{laptop_id}/sign-out")
    assert answer.status_code == 302 and answer.location == "/settings"
    assert "That browser has been signed out." in phone.get("/settings").text
    assert laptop.get("/settings").status_code == 302  # sent to sign in
    assert [name for name, *_ in sign_ins_shown(phone)] == ["Mobile Safari 17 on iOS"]


def test_nobody_ends_or_sees_another_accounts_sign_ins(app, alice):
    UserFactory(username="mallory", email="mallory@example.com")
    victim = signed_in(app, "alice", FIREFOX)
    mallory = signed_in(app, "mallory", SAFARI_ON_IPHONE)
    victim_id = db.session.scalar(sa.select(SignIn.id).where(SignIn.user_id == alice.id))
    assert [name for name, *_ in sign_ins_shown(mallory)] == ["Mobile Safari 17 on iOS"]
    answer = mallory.post(f"/settings/sign-ins/{victim_id}/sign-out")
    assert answer.status_code == 302
    assert "That browser was already signed out." in mallory.get("/settings").text
    assert victim.get("/settings").status_code == 200


def test_signing_out_everywhere_else_leaves_this_browser_alone_in_the_list(app, alice):
    signed_in(app, "alice", FIREFOX)
    phone = signed_in(app, "alice", SAFARI_ON_IPHONE)
    assert phone.post("/sign-out-everywhere").status_code == 302
    assert [(name, this) for name, this, _ in sign_ins_shown(phone)] == [
        ("Mobile Safari 17 on iOS", True)
    ]
