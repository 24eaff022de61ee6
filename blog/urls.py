"""Absolute URLs for places outside the browser (emails, later feeds)."""

from __future__ import annotations

from flask import current_app, url_for


def absolute_url_for(endpoint: str, **values) -> str:
    """The URL of ``endpoint`` on the public site.

    With ``SITE_URL`` set it is the base, whatever the request's Host header says: a link in a
    password reset email must never point wherever a forged Host header told it to.
    """
    site_url = current_app.config["SITE_URL"].rstrip("/")
    if site_url:
        return site_url + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
