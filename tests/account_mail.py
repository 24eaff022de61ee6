"""Reading the mail an account gets when its email address or password changes."""

from __future__ import annotations

import re

from flask import Flask

from tests.helpers import sent_mail

SITE = "https://blog.example.test"


def mail_to(app: Flask, address: str) -> list:
    return [message for message in sent_mail(app) if message.to == [address]]


def only_mail_to(app: Flask, address: str):
    messages = mail_to(app, address)
    assert len(messages) == 1, [(m.to, m.subject) for m in sent_mail(app)]
    return messages[0]


def link_in(message, kind: str) -> str:
    """The one link in ``message``, to ``SITE/<kind>``, as a path for the test client."""
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1 and links[0].startswith(f"{SITE}/{kind}"), links
    return links[0].removeprefix(SITE)


def follow(client, path: str):
    """Open a link's page and press its button, as the reader would."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert page.headers["Cache-Control"] == "no-store"
    return client.post(path, data={"submit": "y"})
