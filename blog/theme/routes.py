"""``/site.css``: the stylesheet of the accent colour an admin chose (:mod:`blog.theme.palette`).

Pages link it as ``/site.css?v=<fingerprint>``, so a browser keeps it for a year and fetches the
new one as soon as the colour changes (the page names another fingerprint). A request naming an
older fingerprint, or none, gets the current colours with a short lifetime: the rule of every
static file (:func:`blog.static_files.cache_for`). Without an accent colour no page links it;
asked anyway, it is an empty stylesheet.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from blog.domain import site_settings
from blog.static_files import ARGUMENT, cache_for
from blog.theme import palette

bp = Blueprint("theme", __name__)


@bp.get("/site.css")
def stylesheet():
    accent = site_settings.current().accent_color
    css, fingerprint = palette.stylesheet(accent) if accent else ("", "none")
    response = Response(css, content_type="text/css; charset=utf-8")
    response.set_etag(fingerprint)
    cache_for(response, request.args.get(ARGUMENT) == fingerprint)
    return response.make_conditional(request)


@bp.app_template_global()
def site_stylesheet_url() -> str | None:
    """Where the pages' accent stylesheet is, or None when the theme's own colours apply."""
    accent = site_settings.current().accent_color
    if not accent:
        return None
    return url_for("theme.stylesheet", **{ARGUMENT: palette.stylesheet(accent)[1]})
