"""Redirects that only ever lead to this site (no open redirects)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return None
    return target


def redirect_back(default: str):
    """Back to the form's ``next`` field (a path on this site), else to ``default``."""
    return redirect(safe_next(request.form.get("next")) or default)
