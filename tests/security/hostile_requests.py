"""The fields every route takes, found from the site itself, and hostile requests drawn to them.

Which fields a route reads is not written down here: :func:`discover_fields` reads them off the
site, so a field added to a form or to the API is fuzzed without a line changed. Every form
(``<form>``, GET and POST) of every page the authorization table opens, as the owner and as an
admin, gives its action's route the names of its inputs, textareas, selects and buttons; the
API's OpenAPI document gives each operation its body's fields (nested as the body is) and its
query parameters. The table's own request (:attr:`tests.security.cells.Row.send`) adds what no
page shows (the editor's autosave, the passkeys' JSON).

:func:`draw_request` turns a table row's request into a hostile one: each field kept, dropped or
replaced (with :mod:`tests.security.hostile_values`), fields repeated or unknown ones added, the
path's names swapped for hostile text, the JSON body replaced by any JSON or by bytes that are
not JSON at all, an upload's file by bytes that are not an image.
"""

from __future__ import annotations

import io
import re
import string
from collections import defaultdict
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import lxml.html
from flask import Flask
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from tests.helpers import sign_in_without_the_form
from tests.security import content
from tests.security.cells import UNSAFE, Row, fill
from tests.security.content import ADMIN, ANONYMOUS, ANOTHER_USER, DISABLED, OWNER, World
from tests.security.hostile_values import hostile_json, hostile_text, very_deep_bodies

ROLE_PREFERENCE = (OWNER, ADMIN, ANOTHER_USER, ANONYMOUS, DISABLED)
"""Who sends a route's hostile requests: the first role the table lets through, so that the
input reaches the code behind the permission check; a route no one may use, as an admin."""

QUERY_NAMES = ("page", "next", "q", "tag", "author", "limit", "offset", "format", "id")
"""Query parameters tried on every GET route, whether or not a form names them."""

PAGES_WITH_FORMS = ("/posts/{published}",)
"""Pages the table opens only in a state that shows fewer forms (its post page is the scheduled
post's, which takes no comments)."""

Key = str | tuple[str, str]
Fields = dict[Key, dict[str, set]]
"""Per route: ``{"form": names, "query": names, "json": dotted paths}``."""


def acting_role(row: Row) -> str:
    allowed = [role for role in ROLE_PREFERENCE if not row.expect[role].is_refusal]
    return allowed[0] if allowed else ADMIN


def key_for(app: Flask, path: str, method: str) -> Key | None:
    """The table's key of the route ``method path`` reaches, or None for no route."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method)
    except HTTPException:
        return None
    methods = {m for r in app.url_map.iter_rules(endpoint) for m in r.methods}
    methods -= {"HEAD", "OPTIONS"}
    return endpoint if len(methods) == 1 else (endpoint, method)


def _forms_of(page: bytes, page_path: str) -> list[tuple[str, str, set[str]]]:
    tree = lxml.html.fromstring(page)
    found = []
    for form in tree.forms:
        action = form.get("action") or page_path
        method = (form.get("method") or "GET").upper()
        names = {
            element.get("name")
            for element in form.iter("input", "textarea", "select", "button")
            if element.get("name")
        }
        found.append((method, action, names))
    return found


def discover_fields(world: World, table: Mapping[Key, Row], method_of) -> Fields:
    """Every field each route is sent by the site's forms and named by the API's document."""
    fields: Fields = defaultdict(lambda: {"form": set(), "query": set(), "json": set()})
    for role in (OWNER, ADMIN):
        client = world.app.test_client()
        sign_in_without_the_form(client, world.users[role])
        pages = [
            row.path
            for key, row in table.items()
            if method_of(key) == "GET" and not row.is_api and row.expect[role].status == 200
        ]
        for template in [*pages, *PAGES_WITH_FORMS]:
            path = fill(template, world.names_for(role))
            page = client.get(path)
            if page.mimetype != "text/html":
                continue
            for method, action, names in _forms_of(page.get_data(), path):
                target = key_for(world.app, action, method)
                if target is not None:
                    fields[target]["query" if method == "GET" else "form"] |= names
    _read_openapi(world.app, fields)
    return fields


def _read_openapi(app: Flask, fields: Fields) -> None:
    document = app.test_client().get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    def paths_of(schema: dict, prefix: str) -> set[str]:
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        found = set()
        for name, inner in schema.get("properties", {}).items():
            found.add(prefix + name)
            found |= paths_of(inner, f"{prefix}{name}.")
        return found

    for template, operations in document["paths"].items():
        path = re.sub(r"\{[^}]+\}", "1", template)
        for method, operation in operations.items():
            key = key_for(app, path, method.upper())
            if key is None or not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    fields[key]["query"].add(parameter["name"])
            for media, body in operation.get("requestBody", {}).get("content", {}).items():
                kind = "json" if media == "application/json" else "form"
                found = paths_of(body["schema"], "")
                fields[key][kind] |= found if kind == "json" else {p for p in found if "." not in p}


# ---- Drawing a hostile request ---------------------------------------------------------------

_ABSENT = object()


def _value(draw, base: Any, *, json: bool) -> Any:
    """A field's value: mostly a hostile one, else the one the table sends, or none at all."""
    hostile = hostile_json if json else hostile_text
    choice = draw(st.integers(0, 7))
    if choice == 0:
        return _ABSENT
    if choice <= 2 and base is not _ABSENT:
        return base
    return draw(hostile)


def _json_body(draw, base: Any, paths: set[str]) -> Any:
    body: dict = dict(base) if isinstance(base, dict) else {}
    for path in sorted(paths):
        if "." not in path and path in body:
            continue  # a wrapper the table's body has: its fields are drawn below
        *parents, name = path.split(".")
        holder = body
        for parent in parents:
            holder = holder.setdefault(parent, {}) if isinstance(holder, dict) else {}
        if isinstance(holder, dict) and name not in holder:
            holder[name] = _ABSENT
    return _mutate(draw, body)


def _present(value: Any) -> Any:
    """``value`` without the fields marked absent."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not _ABSENT}
    return value


def _mutate(draw, value: Any) -> Any:
    if isinstance(value, dict):
        kept = {}
        for name, inner in value.items():
            if draw(st.booleans()) and isinstance(inner, dict):
                kept[name] = _mutate(draw, inner)
                continue
            drawn = _value(draw, inner, json=True)
            if drawn is not _ABSENT:
                kept[name] = _present(drawn)
        return kept
    return _value(draw, value, json=True)


def _form(draw, base: Mapping[str, Any], names: set[str]) -> MultiDict:
    form = MultiDict()
    for name in sorted(set(base) | names):
        value = _value(draw, base.get(name, _ABSENT), json=False)
        if value is _ABSENT:
            continue
        form.add(name, value if isinstance(value, str) else str(value))
        if draw(st.integers(0, 9)) == 0:  # the same field twice
            form.add(name, draw(hostile_text))
    if draw(st.integers(0, 4)) == 0:
        form.add(draw(hostile_text), draw(hostile_text))
    return form


def _file(draw) -> tuple[io.BytesIO, str]:
    data = draw(
        st.one_of(
            st.builds(lambda: content.image_file().getvalue()),
            st.just(b""),
            st.binary(max_size=2_000),
            st.builds(lambda: content.image_file().getvalue()[:60]),  # cut short
        )
    )
    return io.BytesIO(data), draw(st.one_of(st.just("photo.png"), hostile_text))


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _path(draw, template: str, names: Mapping[str, Any]) -> str:
    def swap(match: re.Match) -> str:
        real = str(names[match.group(1)])
        if draw(st.integers(0, 5)) == 0:
            return quote(draw(hostile_text), safe="")
        return real

    return _PLACEHOLDER.sub(swap, template)


def _query(draw, names: set[str]) -> str:
    pairs = []
    for name in sorted(names | set(QUERY_NAMES)):
        if draw(st.integers(0, 2)) == 0:
            pairs.append(f"{quote(name)}={quote(draw(hostile_text), safe='')}")
    return "&".join(pairs)


def draw_request(draw, row: Row, method: str, names: dict, fields: dict[str, set]) -> dict:
    """A hostile ``client.open(**request)`` for ``row``, its placeholders filled from ``names``."""
    path = _path(draw, row.path, names)
    query = _query(draw, fields["query"]) if method not in UNSAFE else ""
    if query:
        path += ("&" if "?" in path else "?") + query
    send = row.send(names, OWNER) if callable(row.send) else row.send
    base = fill(send, names) if send is not None else {}
    request: dict[str, Any] = {"method": method, "path": path, "headers": {}}
    if method not in UNSAFE:
        return request
    if row.json or fields["json"]:
        shape = draw(st.integers(0, 9))
        if shape == 0:
            request["json"] = draw(hostile_json)
        elif shape == 1:
            request["data"] = draw(very_deep_bodies | st.binary(max_size=200))
            request["content_type"] = "application/json"
        else:
            request["json"] = _json_body(draw, base, fields["json"])
        return request
    form = _form(draw, base, fields["form"] - {"file"})
    if row.image or "file" in fields["form"]:
        form.add("file", _file(draw))
        request["content_type"] = "multipart/form-data"
    request["data"] = form
    return request


def printable(request: dict) -> str:
    """The request, short enough for a failure's message."""
    text = repr({k: v for k, v in request.items() if k != "headers"})
    return "".join(c if c in string.printable else "?" for c in text[:1500])
