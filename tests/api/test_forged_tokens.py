"""Forged API tokens: every token the app didn't sign itself, for this account, still in force, is
refused alike (401, "token is invalid"), whatever was forged: the algorithm, the key, the
signature, the claims or the encoding. The genuine token, beside them, works."""

from __future__ import annotations

import base64
import json
import warnings
from datetime import timedelta

import jwt
import pytest

from blog.api import tokens
from blog.models import utcnow

INVALID = {"errors": {"token": ["is invalid"]}}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def part(value: dict) -> str:
    return b64(json.dumps(value).encode())


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pieces(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    return json.loads(unb64(header)), json.loads(unb64(payload)), signature


def forgeries(genuine: str, key: bytes, secret_key: str, other_genuine: str) -> dict[str, str]:
    """Each a token an attacker could make from the genuine one, the app's SECRET_KEY (as if it
    had leaked, since the signing key is derived from it), or none of it."""
    header, claims, signature = pieces(genuine)
    now = utcnow()
    later = int((now + timedelta(days=1)).timestamp())

    def signed(payload: dict, with_key=key, algorithm="HS256") -> str:
        with warnings.catch_warnings():  # the short keys are the point
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            return jwt.encode(payload, with_key, algorithm=algorithm)

    unsigned = {"alg": "none", "typ": "JWT"}
    others = pieces(other_genuine)
    found = {
        # no signature at all
        "alg none": f"{part(unsigned)}.{part(claims)}.",
        "alg None": f"{part({'alg': 'None'})}.{part(claims)}.",
        "alg NONE": f"{part({'alg': 'NONE'})}.{part(claims)}.",
        "alg none, signature kept": f"{part(unsigned)}.{part(claims)}.{signature}",
        "no alg": f"{part({'typ': 'JWT'})}.{part(claims)}.{signature}",
        "empty signature": f"{part(header)}.{part(claims)}.",
        # the wrong key, or the right key through the wrong door
        "signed with SECRET_KEY itself": signed(claims, secret_key.encode()),
        "signed with a one-byte key": signed(claims, b"\x00"),
        "signed with another key": signed(claims, b"k" * 32),
        "right key, HS384": signed(claims, key, "HS384"),
        "right key, HS512": signed(claims, key, "HS512"),
        "header says HS512, signed HS256": (
            f"{part({**header, 'alg': 'HS512'})}.{part(claims)}.{signature}"
        ),
        # the claims changed, the signature kept
        "another account's id": f"{part(header)}.{part({**claims, 'sub': '1'})}.{signature}",
        "a later expiry": f"{part(header)}.{part({**claims, 'exp': later * 10})}.{signature}",
        "a newer sign-in": (f"{part(header)}.{part({**claims, 'auth_time': later})}.{signature}"),
        "another token's signature": f"{part(header)}.{part(claims)}.{others[2]}",
        "another token's claims": f"{part(header)}.{part(others[1])}.{signature}",
        # well signed, but the claims are not of a token in force
        "expired": signed({**claims, "exp": int((now - timedelta(seconds=5)).timestamp())}),
        "no expiry": signed({k: v for k, v in claims.items() if k != "exp"}),
        "no subject": signed({k: v for k, v in claims.items() if k != "sub"}),
        "no issue time": signed({k: v for k, v in claims.items() if k != "iat"}),
        "no token id": signed({k: v for k, v in claims.items() if k != "jti"}),
        "a subject that is no number": signed({**claims, "sub": "jake"}),
        "a subject of no account": signed({**claims, "sub": "999999999"}),
        "issued before the password changed": signed(
            {**claims, "iat": (now - timedelta(days=400)).timestamp()}
        ),
        "not valid yet": signed({**claims, "nbf": later}),
        # not a token in shape
        "four parts": f"{genuine}.{signature}",
        "two parts": genuine.rsplit(".", 1)[0],
        "padding added": genuine + "==",
        "a space inside": genuine[:20] + " " + genuine[20:],
        "the header alone": f"{part(header)}..",
        "not base64": "eyJ!!!.eyJ???.xyz",
        "JSON that is a list": f"{b64(b'[]')}.{b64(b'[]')}.{signature}",
    }
    return found


@pytest.fixture
def forged(app, signed_up):
    other = signed_up.sign_up("mallory")
    with app.test_request_context():
        key = tokens._signing_key()
    return forgeries(signed_up.token, key, app.config["SECRET_KEY"], other)


def test_there_are_at_least_twenty_seven_forgeries(forged):
    assert len(forged) >= 27
    assert len(set(forged.values())) == len(forged)


def test_every_forged_token_is_refused_alike_and_the_genuine_one_works(signed_up, forged):
    assert signed_up.get("/user").status_code == 200
    accepted = {}
    for name, token in forged.items():
        response = signed_up.get("/user", token=token)
        if (response.status_code, response.json) != (401, INVALID):
            accepted[name] = (response.status_code, response.json)
    assert accepted == {}
    assert signed_up.get("/user").json["user"]["username"] == "jake"


def test_a_forged_token_changes_nothing(signed_up, forged):
    bio = signed_up.get("/user").json["user"]["bio"]
    for name, token in forged.items():
        response = signed_up.put("/user", {"user": {"bio": f"forged: {name}"}}, token=token)
        assert (response.status_code, response.json) == (401, INVALID), name
    assert signed_up.get("/user").json["user"]["bio"] == bio
