"""Passkeys: added from the settings (after the password), named, renamed and removed by their
owner only, and a sign-in with one that needs neither the password nor a code.

The answers are a software authenticator's (:mod:`tests.passkeys.authenticator`), so the
``webauthn`` library's verification runs for real: challenges, origins, relying party ids,
signatures and sign counts are checked as they are for a browser's answers.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from blog.domain import passkeys
from blog.domain.errors import NotFound
from blog.domain.permissions import has_second_factor
from blog.extensions import db
from blog.models import Passkey
from tests.clock import clock_fixture  # noqa: F401
from tests.factories import PASSWORD, UserFactory
from tests.helpers import app_on, csrf_token_in, sent_mail, sign_in_without_the_form
from tests.passkeys.authenticator import Authenticator

ADDED = "A way to sign in was added to your account on Blog"
REMOVED = "A way to sign in was removed from your account on Blog"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="bob@example.com")


def signed_in(app, user):
    browser = app.test_client()
    sign_in_without_the_form(browser, user)
    return browser


def add_passkey(browser, device: Authenticator | None = None, name=None, **create):
    """Add a passkey through the settings' two requests; the device and the last answer."""
    device = device or Authenticator()
    options = browser.post("/settings/passkeys/options", json={"password": PASSWORD})
    assert options.status_code == 200, options.json
    body = {"credential": device.create(options.json, **create)}
    if name is not None:
        body["name"] = name
    return device, browser.post("/settings/passkeys", json=body)


def enrolled(app, user, **device) -> Authenticator:
    """A device holding a passkey of ``user``'s, added through the settings."""
    browser = signed_in(app, user)
    passkey_device, answer = add_passkey(browser, Authenticator(**device))
    assert answer.status_code == 201, answer.json
    return passkey_device


def sign_in_with(browser, device: Authenticator, **body):
    options = browser.post("/login/passkey/options")
    assert options.status_code == 200, options.json
    answer = device.get(options.json, **body.pop("answer", {}))
    return browser.post("/login/passkey", json={"credential": answer, **body})


def is_signed_in(browser) -> bool:
    return browser.get("/settings").status_code == 200


def rows(user) -> list[Passkey]:
    return passkeys.of(user)


def errors(answer) -> list[str]:
    return [message for messages in answer.json["errors"].values() for message in messages]


# -- Adding ----------------------------------------------------------------------------------


def test_a_passkey_is_added_after_the_password_and_its_owner_is_told(app, alice):
    browser = signed_in(app, alice)
    options = browser.post("/settings/passkeys/options", json={"password": PASSWORD})
    assert options.status_code == 200
    assert options.headers["Cache-Control"] == "no-store"
    assert options.json["rp"]["id"] == "localhost"
    assert options.json["authenticatorSelection"] == {
        "residentKey": "required",
        "requireResidentKey": True,
        "userVerification": "preferred",
    }
    assert options.json["user"]["name"] == "alice"
    device = Authenticator()
    answer = browser.post("/settings/passkeys", json={"credential": device.create(options.json)})
    assert answer.status_code == 201, answer.json
    assert answer.json["redirect"] == "/settings"
    [passkey] = rows(alice)
    assert passkey.name == "Passkey 1"
    assert passkey.credential_id == device.credential_id
    assert passkey.credential_hash == passkeys.credential_hash(device.credential_id)
    assert passkey.transports == "hybrid,internal"
    assert passkey.last_used_at is None
    assert has_second_factor(alice)
    [mail] = sent_mail(app)
    assert mail.subject == ADDED
    assert "The passkey “Passkey 1” was added" in mail.body
    page = browser.get("/settings").text
    assert "Passkey “Passkey 1” added" in page
    assert "not used yet" in page


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (None, "is required to add a passkey"),
        ("", "is required to add a passkey"),
        ("not the password", "is not your current password"),
        (["a list"], "is not your current password"),
        ("x" * 10_000, "is not your current password"),
    ],
)
def test_the_options_need_the_current_password(app, alice, password, message):
    browser = signed_in(app, alice)
    answer = browser.post("/settings/passkeys/options", json={"password": password})
    assert answer.status_code == 422
    assert answer.json == {"errors": {"password": [message]}}
    registration = browser.post(
        "/settings/passkeys", json={"credential": Authenticator().create(_any_options())}
    )
    assert registration.status_code == 422  # no options were given: nothing to answer
    assert passkeys.EXPIRED in errors(registration)
    assert rows(alice) == []


def _any_options() -> dict:
    return {"rp": {"id": "localhost"}, "user": {"id": "MQ"}, "challenge": "AAAA"}


def test_names_are_cleaned_and_default_to_the_next_number(app, alice):
    browser = signed_in(app, alice)
    _, first = add_passkey(browser, name="  Work    laptop  ")
    _, second = add_passkey(browser, name="")
    _, third = add_passkey(browser)
    assert [first.json["passkey"]["name"], second.json["passkey"]["name"]] == [
        "Work laptop",
        "Passkey 2",
    ]
    assert third.json["passkey"]["name"] == "Passkey 3"
    passkeys.rename(alice, rows(alice)[0].id, "Passkey 4")
    _, fourth = add_passkey(browser)
    assert fourth.json["passkey"]["name"] == "Passkey 5"  # "Passkey 4" is taken


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 61, "is too long (maximum is 60 characters)"),
        ("bell\x07", "contains characters that are not allowed"),
        (42, "must be a string"),
    ],
)
def test_a_name_that_breaks_the_rules_adds_nothing(app, alice, name, message):
    browser = signed_in(app, alice)
    _, answer = add_passkey(browser, name=name)
    assert answer.status_code == 422
    assert answer.json == {"errors": {"name": [message]}}
    assert rows(alice) == []
    assert sent_mail(app) == []


def test_sixty_characters_are_a_name(app, alice):
    _, answer = add_passkey(signed_in(app, alice), name="é" * 60)
    assert answer.status_code == 201
    assert rows(alice)[0].name == "é" * 60


def test_the_options_leave_out_devices_that_hold_one_of_the_accounts_passkeys(app, alice):
    device = enrolled(app, alice)
    options = signed_in(app, alice).post("/settings/passkeys/options", json={"password": PASSWORD})
    assert options.json["excludeCredentials"] == [
        {"id": device.id, "type": "public-key", "transports": ["hybrid", "internal"]}
    ]


def test_the_same_passkey_is_not_added_twice(app, alice, bob):
    device = enrolled(app, alice)
    for user in (alice, bob):
        _, again = add_passkey(signed_in(app, user), device)
        assert again.status_code == 422
        assert errors(again) == ["This passkey is already registered."]
    assert len(rows(alice)) == 1 and rows(bob) == []


def test_a_passkey_that_did_not_verify_its_user_is_refused(app, alice):
    _, answer = add_passkey(signed_in(app, alice), Authenticator(user_verified=False))
    assert answer.status_code == 422
    assert errors(answer) == [passkeys.NO_USER_VERIFICATION]
    assert rows(alice) == []


@pytest.mark.parametrize(
    "bend",
    [
        {"origin": "http://evil.example"},
        {"origin": "https://localhost"},
        {"origin": "http://localhost:5000"},
    ],
)
def test_an_answer_made_for_another_origin_is_refused(app, alice, bend):
    _, answer = add_passkey(signed_in(app, alice), **bend)
    assert answer.status_code == 422
    assert errors(answer) == [passkeys.NOT_VERIFIED]
    assert rows(alice) == []


def test_an_answer_for_another_relying_party_is_refused(app, alice):
    browser = signed_in(app, alice)
    options = browser.post("/settings/passkeys/options", json={"password": PASSWORD}).json
    options["rp"]["id"] = "evil.example"
    answer = browser.post(
        "/settings/passkeys", json={"credential": Authenticator().create(options)}
    )
    assert answer.status_code == 422 and rows(alice) == []


def test_options_are_answered_once(app, alice):
    browser = signed_in(app, alice)
    options = browser.post("/settings/passkeys/options", json={"password": PASSWORD}).json
    first = browser.post("/settings/passkeys", json={"credential": Authenticator().create(options)})
    second = browser.post(
        "/settings/passkeys", json={"credential": Authenticator().create(options)}
    )
    assert first.status_code == 201
    assert second.status_code == 422 and errors(second) == [passkeys.EXPIRED]
    assert len(rows(alice)) == 1


def test_options_expire(app, clock, alice):
    browser = signed_in(app, alice)
    options = browser.post("/settings/passkeys/options", json={"password": PASSWORD}).json
    clock.advance(seconds=passkeys.CHALLENGE_SECONDS + 1)
    answer = browser.post(
        "/settings/passkeys", json={"credential": Authenticator().create(options)}
    )
    assert answer.status_code == 422 and errors(answer) == [passkeys.EXPIRED]


def test_an_account_holds_at_most_twenty(app, alice):
    browser = signed_in(app, alice)
    for _ in range(passkeys.PASSKEYS_MAX):
        assert add_passkey(browser)[1].status_code == 201
    answer = browser.post("/settings/passkeys/options", json={"password": PASSWORD})
    assert answer.status_code == 422
    assert errors(answer) == ["You have 20 passkeys already: remove one first."]


def test_the_settings_routes_need_a_signed_in_reader(client, alice):
    for path in ("/settings/passkeys/options", "/settings/passkeys"):
        answer = client.post(path, json={"password": PASSWORD})
        assert answer.status_code == 302 and answer.location.startswith("/login")


# -- Signing in -------------------------------------------------------------------------------


def test_a_passkey_signs_in_without_a_password_and_counts_its_use(app, alice):
    device = enrolled(app, alice)
    browser = app.test_client()
    options = browser.post("/login/passkey/options")
    assert options.headers["Cache-Control"] == "no-store"
    assert options.json["allowCredentials"] == []  # discoverable: no account is named
    assert options.json["userVerification"] == "required"
    assert options.json["rpId"] == "localhost"
    answer = browser.post("/login/passkey", json={"credential": device.get(options.json)})
    assert answer.status_code == 200, answer.json
    assert answer.json == {"redirect": "/"}
    assert "Signed in as alice." in browser.get("/").text
    assert is_signed_in(browser)
    [passkey] = rows(alice)
    assert passkey.sign_count == 1 and passkey.last_used_at is not None


def test_a_passkey_skips_the_code_of_an_account_with_totp(app, alice):
    alice.totp_secret = "JBSWY3DPEHPK3PXP"
    alice.totp_enabled_at = alice.created_at
    db.session.commit()
    device = enrolled(app, alice)
    browser = app.test_client()
    password = browser.post("/login", data={"login": "alice", "password": PASSWORD})
    assert password.location == "/login/code"  # the password alone asks for a code
    browser = app.test_client()
    assert sign_in_with(browser, device).status_code == 200
    assert is_signed_in(browser)


@pytest.mark.parametrize(
    ("next_url", "redirect"),
    [
        ("/settings", "/settings"),
        ("/posts/a?b=c", "/posts/a?b=c"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        (["/settings"], "/"),
    ],
)
def test_the_sign_in_goes_to_a_safe_next(app, alice, next_url, redirect):
    device = enrolled(app, alice)
    answer = sign_in_with(app.test_client(), device, next=next_url)
    assert answer.status_code == 200 and answer.json["redirect"] == redirect


def test_remember_keeps_the_browser_signed_in(app, alice):
    device = enrolled(app, alice)
    kept, plain = app.test_client(), app.test_client()
    assert sign_in_with(kept, device, remember=True).status_code == 200
    assert sign_in_with(plain, device, remember="yes").status_code == 200
    assert kept.get_cookie("remember_token") is not None
    assert plain.get_cookie("remember_token") is None


def test_a_disabled_account_can_not_sign_in_with_a_passkey(app, alice):
    device = enrolled(app, alice)
    alice.is_disabled = True
    db.session.commit()
    browser = app.test_client()
    answer = sign_in_with(browser, device)
    assert answer.status_code == 403
    assert answer.json == {"errors": {"account": ["This account has been disabled."]}}
    assert not is_signed_in(browser)
    assert rows(alice)[0].last_used_at is None


def test_an_unknown_or_removed_passkey_is_told_to_use_the_password(app, alice):
    device = enrolled(app, alice)
    stranger = sign_in_with(app.test_client(), Authenticator())
    assert stranger.status_code == 422 and errors(stranger) == [passkeys.UNKNOWN]
    signed_in(app, alice).post(f"/settings/passkeys/{rows(alice)[0].id}/delete")
    assert rows(alice) == []
    removed = sign_in_with(app.test_client(), device)
    assert removed.status_code == 422 and errors(removed) == [passkeys.UNKNOWN]


def test_a_signature_by_another_key_is_refused(app, alice):
    device = enrolled(app, alice)
    impostor = Authenticator(credential_id=device.credential_id, user_handle=device.user_handle)
    browser = app.test_client()
    answer = sign_in_with(browser, impostor)
    assert answer.status_code == 422 and errors(answer) == [passkeys.NOT_VERIFIED]
    assert not is_signed_in(browser)


def test_a_sign_in_without_user_verification_is_refused(app, alice):
    device = enrolled(app, alice)
    device.user_verified = False
    answer = sign_in_with(app.test_client(), device)
    assert answer.status_code == 422 and errors(answer) == [passkeys.NO_USER_VERIFICATION]


def test_a_sign_in_made_for_another_origin_is_refused(app, alice):
    device = enrolled(app, alice)
    answer = sign_in_with(app.test_client(), device, answer={"origin": "http://evil.example"})
    assert answer.status_code == 422 and errors(answer) == [passkeys.NOT_VERIFIED]


def test_a_user_handle_of_another_account_is_refused(app, alice, bob):
    device = enrolled(app, alice)
    device.user_handle = passkeys.user_handle_of(bob.id)
    browser = app.test_client()
    answer = sign_in_with(browser, device)
    assert answer.status_code == 422 and errors(answer) == [passkeys.NOT_VERIFIED]
    assert not is_signed_in(browser)


@pytest.mark.parametrize(("stored", "reported"), [(5, 3), (5, 5), (5, 0)])
def test_a_sign_count_that_does_not_go_up_is_refused_as_a_clone(app, alice, stored, reported):
    device = enrolled(app, alice, counts_up=False)
    db.session.execute(sa.update(Passkey).values(sign_count=stored))
    db.session.commit()
    device.sign_count = reported
    browser = app.test_client()
    answer = sign_in_with(browser, device)
    assert answer.status_code == 422 and errors(answer) == [passkeys.CLONED]
    assert not is_signed_in(browser)
    assert rows(alice)[0].sign_count == stored and rows(alice)[0].last_used_at is None


def test_a_count_that_stays_at_zero_signs_in_each_time(app, alice):
    device = enrolled(app, alice, counts_up=False)
    for _ in range(2):
        assert sign_in_with(app.test_client(), device).status_code == 200
    assert rows(alice)[0].sign_count == 0


def test_a_count_that_goes_up_signs_in_each_time(app, alice):
    device = enrolled(app, alice)
    for count in (1, 2, 3):
        assert sign_in_with(app.test_client(), device).status_code == 200
        assert rows(alice)[0].sign_count == count


def test_a_sign_in_challenge_is_answered_once(app, alice):
    device = enrolled(app, alice, counts_up=False)
    browser = app.test_client()
    options = browser.post("/login/passkey/options").json
    answer = {"credential": device.get(options)}
    assert browser.post("/login/passkey", json=answer).status_code == 200
    other = app.test_client()
    again = other.post("/login/passkey", json=answer)  # a session without that challenge
    assert again.status_code == 422 and errors(again) == [passkeys.EXPIRED]


@pytest.mark.parametrize("counts_up", [False, True])
def test_an_answer_replayed_with_its_old_session_cookie_is_refused(app, alice, counts_up):
    """The session is a cookie: sent again, it holds the challenge again. The server still
    refuses what was already used: the challenge is older than the passkey's last use (and a
    count that goes up has not moved on)."""
    device = enrolled(app, alice, counts_up=counts_up)
    browser = app.test_client()
    options = browser.post("/login/passkey/options").json
    cookie = browser.get_cookie("session").value
    answer = {"credential": device.get(options)}
    assert browser.post("/login/passkey", json=answer).status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    replayed = thief.post("/login/passkey", json=answer)
    assert replayed.status_code == 422
    assert errors(replayed) == [passkeys.STALE if not counts_up else passkeys.CLONED]
    assert not is_signed_in(thief)


def test_options_older_than_the_last_use_are_out_of_date(app, alice):
    device = enrolled(app, alice, counts_up=False)
    early, late = app.test_client(), app.test_client()
    early_options = early.post("/login/passkey/options").json
    assert sign_in_with(late, device).status_code == 200
    answer = early.post("/login/passkey", json={"credential": device.get(early_options)})
    assert answer.status_code == 422 and errors(answer) == [passkeys.STALE]


def test_sign_in_options_expire(app, clock, alice):
    device = enrolled(app, alice)
    browser = app.test_client()
    options = browser.post("/login/passkey/options").json
    clock.advance(seconds=passkeys.CHALLENGE_SECONDS + 1)
    answer = browser.post("/login/passkey", json={"credential": device.get(options)})
    assert answer.status_code == 422 and errors(answer) == [passkeys.EXPIRED]


def test_a_signed_in_reader_is_sent_on(app, alice):
    browser = signed_in(app, alice)
    answer = browser.post("/login/passkey", json={"next": "/settings"})
    assert answer.status_code == 200 and answer.json == {"redirect": "/settings"}


# -- Malformed answers ------------------------------------------------------------------------

NOT_AN_OBJECT = [
    ("text/plain", b"hello"),
    ("application/json", b"{not json"),
    ("application/json", b"[1, 2]"),
    ("application/json", b'"a string"'),
    ("application/json", b"null"),
    ("application/json", b"\xff\xfe"),
]


def _bent_answers(device: Authenticator, options: dict, create: bool) -> list:
    good = device.create(options) if create else device.get(options)
    bent = [None, "a string", 7, [], {}, {"id": 1}, {"rawId": "!!!"}, {"rawId": ""}]
    for key, value in [
        ("rawId", "@@@"),
        ("rawId", "AAAA"),
        ("type", "password"),
        ("response", None),
        ("response", "x"),
        ("response", {}),
        ("id", "different"),
    ]:
        bent.append({**good, key: value})
    for key in good["response"]:
        for value in (None, 5, "", "!!!", "AAAA", ["x"]):
            bent.append({**good, "response": {**good["response"], key: value}})
    return bent


@pytest.mark.parametrize(("content_type", "data"), NOT_AN_OBJECT)
def test_a_body_that_is_no_json_object_is_a_400(app, alice, content_type, data):
    browser = signed_in(app, alice)
    for path in ("/settings/passkeys/options", "/settings/passkeys"):
        answer = browser.post(path, data=data, content_type=content_type)
        assert answer.status_code == 400, path
        assert answer.json == {"errors": {"body": [NOT_JSON]}}
    anonymous = app.test_client()
    answer = anonymous.post("/login/passkey", data=data, content_type=content_type)
    assert answer.status_code == 400 and answer.json == {"errors": {"body": [NOT_JSON]}}


NOT_JSON = "Send a JSON object (the browser's passkey answer)."


def test_bent_registration_answers_are_refused_with_a_message(app, alice):
    browser = signed_in(app, alice)
    device = Authenticator()
    options = browser.post("/settings/passkeys/options", json={"password": PASSWORD}).json
    for bent in _bent_answers(device, options, create=True):
        browser.post("/settings/passkeys/options", json={"password": PASSWORD})
        answer = browser.post("/settings/passkeys", json={"credential": bent})
        assert answer.status_code == 422, (bent, answer.data)
        assert list(answer.json["errors"]) == ["credential"], bent
    assert rows(alice) == []


def test_bent_sign_in_answers_are_refused_with_a_message(app, alice):
    device = enrolled(app, alice)
    browser = app.test_client()
    options = browser.post("/login/passkey/options").json
    for bent in _bent_answers(device, options, create=False):
        browser.post("/login/passkey/options")
        answer = browser.post("/login/passkey", json={"credential": bent})
        assert answer.status_code == 422, (bent, answer.data)
        assert list(answer.json["errors"]) == ["credential"], bent
    assert not is_signed_in(browser)


# -- Renaming and removing ----------------------------------------------------------------------


def test_the_owner_renames_a_passkey(app, alice):
    enrolled(app, alice)
    browser = signed_in(app, alice)
    passkey_id = rows(alice)[0].id
    answer = browser.post(f"/settings/passkeys/{passkey_id}/rename", data={"name": " Phone "})
    assert answer.status_code == 302 and answer.location == "/settings"
    assert rows(alice)[0].name == "Phone"
    assert "Passkey renamed “Phone”." in browser.get("/settings").text


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "tab\x00"])
def test_a_rename_that_breaks_the_rules_keeps_the_name(app, alice, name):
    enrolled(app, alice)
    browser = signed_in(app, alice)
    passkey_id = rows(alice)[0].id
    answer = browser.post(f"/settings/passkeys/{passkey_id}/rename", data={"name": name})
    assert answer.status_code == 302
    assert rows(alice)[0].name == "Passkey 1"
    assert "The passkey&#39;s name " in browser.get("/settings").text


def test_the_owner_removes_a_passkey_and_is_told(app, alice):
    enrolled(app, alice)
    sent_mail(app)
    app.extensions["mailman"].outbox.clear()
    browser = signed_in(app, alice)
    answer = browser.post(f"/settings/passkeys/{rows(alice)[0].id}/delete")
    assert answer.status_code == 302 and answer.location == "/settings"
    assert rows(alice) == []
    assert not has_second_factor(alice)
    [mail] = sent_mail(app)
    assert mail.subject == REMOVED and "The passkey “Passkey 1” was removed" in mail.body
    assert "Passkey “Passkey 1” removed" in browser.get("/settings").text


def test_another_account_can_neither_rename_nor_remove_a_passkey(app, alice, bob):
    enrolled(app, alice)
    passkey_id = rows(alice)[0].id
    sent_mail(app)
    app.extensions["mailman"].outbox.clear()
    browser = signed_in(app, bob)
    renamed = browser.post(f"/settings/passkeys/{passkey_id}/rename", data={"name": "Mine"})
    removed = browser.post(f"/settings/passkeys/{passkey_id}/delete")
    assert renamed.status_code == removed.status_code == 302
    assert [p.name for p in rows(alice)] == ["Passkey 1"]
    assert sent_mail(app) == []
    with pytest.raises(NotFound):
        passkeys.rename(bob, passkey_id, "Mine")
    with pytest.raises(NotFound):
        passkeys.remove(bob, passkey_id)


@pytest.mark.parametrize("passkey_id", [0, 2**31, 2**63, 10**30])
def test_ids_no_row_can_have_are_not_found(app, alice, passkey_id):
    browser = signed_in(app, alice)
    for action in ("rename", "delete"):
        answer = browser.post(f"/settings/passkeys/{passkey_id}/{action}", data={"name": "x"})
        assert answer.status_code == 302
    with pytest.raises(NotFound):
        passkeys.find_own(alice, passkey_id)


def test_anonymous_readers_rename_and_remove_nothing(client, app, alice):
    enrolled(app, alice)
    passkey_id = rows(alice)[0].id
    for action in ("rename", "delete"):
        answer = client.post(f"/settings/passkeys/{passkey_id}/{action}", data={"name": "x"})
        assert answer.status_code == 302 and answer.location.startswith("/login")
    assert [p.name for p in rows(alice)] == ["Passkey 1"]


# -- The pages ------------------------------------------------------------------------------


def test_the_settings_page_lists_the_passkeys_with_their_forms(app, alice):
    enrolled(app, alice)
    browser = signed_in(app, alice)
    page = browser.get("/settings").text
    passkey = rows(alice)[0]
    assert '<strong class="passkey-name">Passkey 1</strong>' in page
    assert f'action="/settings/passkeys/{passkey.id}/rename"' in page
    assert f'action="/settings/passkeys/{passkey.id}/delete"' in page
    assert 'data-options-url="/settings/passkeys/options"' in page
    assert "Add a passkey" in page
    assert "js/passkeys" in page


def test_the_sign_in_page_offers_a_passkey(client):
    page = client.get("/login").text
    assert "Sign in with a passkey" in page
    assert 'data-sign-in-url="/login/passkey"' in page
    assert "js/passkeys" in page


# -- The relying party --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_url", "base_url", "expected"),
    [
        ("", "http://localhost", ("localhost", "http://localhost")),
        ("", "http://localhost:8080", ("localhost", "http://localhost:8080")),
        ("", "https://Blog.Example.test:443", ("blog.example.test", "https://blog.example.test")),
        ("https://blog.example.test", "http://127.0.0.1:5000", ("blog.example.test", "https://blog.example.test")),
        ("https://blog.example.test:8443/sub/", "http://x", ("blog.example.test", "https://blog.example.test:8443")),
        ("http://localhost:5001", "http://127.0.0.1:5001", ("localhost", "http://localhost:5001")),
    ],
)  # fmt: skip
def test_the_relying_party_is_site_urls_else_the_requests(
    app, settings, site_url, base_url, expected
):
    settings(SITE_URL=site_url)
    with app.test_request_context("/", base_url=base_url):
        assert passkeys.relying_party() == expected


def test_with_site_url_a_passkey_is_made_and_used_for_that_address(app, settings, alice):
    settings(SITE_URL="https://blog.example.test")
    browser = signed_in(app, alice)
    device = Authenticator(origin="https://blog.example.test")
    _, answer = add_passkey(browser, device)
    assert answer.status_code == 201, answer.json
    _, elsewhere = add_passkey(browser, Authenticator())  # made on http://localhost
    assert elsewhere.status_code == 422
    options = app.test_client().post("/login/passkey/options").json
    assert options["rpId"] == "blog.example.test"
    assert sign_in_with(app.test_client(), device).status_code == 200


# -- Requests from a browser: the CSRF token and the rate limit -----------------------------


def test_the_json_routes_take_the_csrf_token_in_a_header(csrf_app, alice):
    browser = csrf_app.test_client()
    token = csrf_token_in(browser.get("/login").text)
    refused = browser.post("/login/passkey/options", json={})
    assert refused.status_code == 400 and "The form expired" in refused.json["errors"]["body"][0]
    accepted = browser.post("/login/passkey/options", json={}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.json["challenge"]


def test_signing_in_with_a_passkey_shares_the_password_sign_ins_limit(database_url):
    with app_on(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_LOGIN="3 per minute",
    ) as limited:
        browser = limited.test_client()
        address = {"REMOTE_ADDR": "10.0.0.9"}
        password = browser.post(
            "/login", data={"login": "x", "password": "y"}, environ_base=address
        )
        assert password.status_code == 422
        assert browser.post("/login/passkey/options", environ_base=address).status_code == 200
        assert browser.post("/login/passkey", json={}, environ_base=address).status_code == 422
        blocked = browser.post("/login/passkey/options", environ_base=address)
        assert blocked.status_code == 429


@pytest.mark.parametrize("host", ["localhost:notaport", "[::1", ":80"])
def test_a_host_header_that_names_no_address_gets_no_options(app, alice, host):
    answer = app.test_client().post("/login/passkey/options", headers={"Host": host})
    assert answer.status_code in (400, 422), answer.data
    assert answer.status_code != 500
