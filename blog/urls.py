"""Absolute URLs for places outside the browser: emails, feeds, the sitemap."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def absolute_url_for(endpoint: str, **values) -> str:
    """The URL of ``endpoint`` on the public site.

    With ``SITE_URL`` set it is the base, whatever the request's Host header says: a link in a
    password reset email must never point wherever a forged Host header told it to. Development
    and tests without one use the address the request came to; production never does (it
    refuses to start with mail on and no ``SITE_URL``, so only a caller building a link for mail
    that goes nowhere gets here, and is told).
    """
    site_url = current_app.config["SITE_URL"].rstrip("/")
    if site_url:
        return site_url + url_for(endpoint, **values)
    if current_app.config["ENV_NAME"] == "production":
        raise RuntimeError("SITE_URL is not set: production builds no link on a request's Host")
    return url_for(endpoint, _external=True, **values)


def public_url_for(endpoint: str, **values) -> str:
    """The URL of ``endpoint`` for documents that name the site (feeds, the sitemap): on
    ``SITE_URL`` when it is set, else on the address the request came to (a blog without one
    has no other name for itself); outside a request, only on ``SITE_URL``."""
    site_url = current_app.config["SITE_URL"].rstrip("/")
    if site_url and not has_request_context():  # a WebSub ping from the command line
        parts = urlsplit(site_url)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
        )
        return adapter.build(endpoint, values, force_external=True)
    if site_url:
        return site_url + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
