"""The old addresses of a blog moved in, answered with a 301 to where each thing is now.

An import records them (:func:`add`): Ghost's ``/<slug>/``, WordPress's ``/?p=12``,
``/2013/01/11/<slug>/``, ``/category/<name>/``, ``/tag/<name>/``, each leading to a post's,
page's, tag's or author's address here. They are answered only where the site has nothing: a
GET or HEAD that would be a 404 is looked up, by one indexed read, and anything else is served
as before. The one exception is WordPress's links by id on the home page (``/?p=12``,
``/?page_id=7``), which the home page would answer by ignoring the argument.

A redirect's target is always a path on this site (it is checked when written and again when
served), so no stored row can send a reader elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, unquote, urlencode

import sqlalchemy as sa
from flask import Flask, Response, redirect, request
from sqlalchemy.exc import SQLAlchemyError

from blog.extensions import db
from blog.models import Redirect
from blog.models.moved_in import PATH_MAX

ID_LINKS = frozenset({"p", "page_id"})
"""WordPress's query arguments naming a post or page by id."""
_SLASHES = re.compile(r"/{2,}")


def normal_path(path: str, query: str = "") -> str:
    """The form old paths are kept and looked up in: decoded (``%ce%b5`` is ``ε``), lower case,
    one slash between segments and none at the end, the query's arguments sorted."""
    path = "/" + _SLASHES.sub("/", unquote(path).strip().lower()).strip("/")
    arguments = sorted(parse_qsl(query, keep_blank_values=True))
    return f"{path}?{urlencode(arguments)}" if arguments else path


def key_of(normal: str) -> str:
    """The digest a path in its normal form (:func:`normal_path`) is kept and found by."""
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()


def is_site_path(target: str) -> bool:
    """A path on this site: one slash first (``//host`` is another site), no backslash (which
    browsers read as a slash), no scheme, no control characters."""
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(c) < 32 or ord(c) == 127 for c in target)
        and len(target) <= PATH_MAX
    )


def add(old_path: str, target: str) -> bool | None:
    """Record that ``old_path`` (a path with its query, as the old blog linked it) now leads to
    ``target``: True when it is recorded now, False when it was already (the first target
    recorded stays), None when there is nothing to record (it is this very address, or too
    long to keep). Not committed."""
    path, _, query = old_path.partition("?")
    normal = normal_path(path, query)
    same = unquote(old_path).lower() == target.lower()
    if not is_site_path(target) or same or len(normal) > PATH_MAX:
        return None
    key = key_of(normal)
    if db.session.scalar(sa.select(Redirect.id).where(Redirect.old_path_key == key)) is not None:
        return False
    db.session.add(Redirect(old_path_key=key, old_path=normal, target_path=target))
    db.session.flush()
    return True


def target_for(path: str, query: str = "") -> str | None:
    """Where an old address leads now, or None."""
    candidates = [normal_path(path, query), normal_path(path)] if query else [normal_path(path)]
    keys = [key_of(candidate) for candidate in dict.fromkeys(candidates)]
    rows = db.session.execute(
        sa.select(Redirect.old_path_key, Redirect.target_path).where(
            Redirect.old_path_key.in_(keys)
        )
    ).all()
    found = dict(rows)
    for key in keys:
        target = found.get(key)
        if target is not None and is_site_path(target) and target != path:
            return target
    return None


def _answer() -> Response | None:
    try:
        target = target_for(request.path, request.query_string.decode("latin-1"))
    except SQLAlchemyError:  # no table yet, or the database away: the page's own answer stands
        db.session.rollback()
        return None
    return redirect(target, 301) if target else None


def _id_link() -> Response | None:
    """``/?p=12`` on the home page: WordPress's link to a post by its id."""
    if request.path == "/" and request.args and ID_LINKS.issuperset(request.args):
        return _answer()
    return None


def _instead_of_not_found(response: Response) -> Response:
    if response.status_code == 404 and request.method in ("GET", "HEAD"):
        return _answer() or response
    return response


def init_app(app: Flask) -> None:
    app.before_request(_id_link)
    app.after_request(_instead_of_not_found)
