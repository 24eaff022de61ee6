"""One cell of the matrix: a route's request sent as one role, and its answer checked.

A :class:`Row` says how to ask a route (its path, and what to send) and what each role gets
(an :class:`Expect` per role). A role that is refused an unsafe method must leave the database
as it was, every row of every table (:func:`tests.security.content.snapshot`); a role allowed
one acts on content of its own (``Row.fresh``), and ``Row.done`` checks it really happened.

Placeholders in paths, forms, locations and texts (``{draft}``, ``{me}``) are filled from
:meth:`tests.security.content.World.names_for`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from blog.api.tokens import issue_token
from tests.helpers import sign_in_without_the_form
from tests.security import content
from tests.security.content import ROLES, World

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Expect:
    """What one role gets: the status; for a redirect, where to (``prefix``: where it starts);
    texts the answer must and must not hold. ``refused`` says the request may change nothing:
    any answer of 400 or more, and redirects that turn the reader away."""

    status: int
    location: str | None = None
    prefix: bool = False
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    refused: bool | None = None

    @property
    def is_refusal(self) -> bool:
        return self.status >= 400 if self.refused is None else self.refused


def ok(status: int = 200, *, has=(), lacks=()) -> Expect:
    return Expect(status, has=tuple(has), lacks=tuple(lacks))


def to(location: str, *, prefix: bool = False, refused: bool = False, status=302) -> Expect:
    return Expect(status, location, prefix=prefix, refused=refused)


def no(status: int, *, lacks=()) -> Expect:
    return Expect(status, lacks=tuple(lacks))


SIGN_IN = to("/login?next=", prefix=True, refused=True)
"""Sent to sign in first: what ``login_required`` answers a reader who isn't signed in."""


Fresh = Callable[[World, str], Mapping[str, Any]]
Prepare = Callable[[Any, dict, str, World], Mapping[str, Any]]
Done = Callable[[World, Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Row:
    """How to ask one route, and what every role gets.

    ``send`` is the form (or, ``json=True``, the JSON body), a mapping of placeholders or a
    function of ``(names, role)``; ``image`` adds a new PNG as the multipart field ``file``.
    ``fresh(world, role)`` makes what a role allowed to change things acts on instead of the
    shared content (names to override, ``as``: another account to act with); ``done(world,
    names)`` is true once the change is made. ``prepare(client, names, role, world)`` is what
    the reader's browser asks first, in the same session (a passkey's challenge): names to
    add."""

    path: str
    expect: Mapping[str, Expect]
    send: Mapping[str, Any] | Callable[[dict, str], Mapping[str, Any]] | None = None
    json: bool = False
    image: bool = False
    fresh: Fresh | None = None
    done: Done | None = None
    prepare: Prepare | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert set(self.expect) == set(ROLES), (self.path, sorted(self.expect))

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def fill(value: Any, names: Mapping[str, Any]) -> Any:
    """``value`` with its placeholders filled in, whatever nests them."""
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, Mapping):
        return {key: fill(item, names) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [fill(item, names) for item in value]
    return value


def _request(row: Row, method: str, role: str, names: dict, world: World) -> dict[str, Any]:
    send = row.send(names, role) if callable(row.send) else row.send
    body = fill(send, names) if send is not None else None
    request: dict[str, Any] = {"method": method, "headers": fill(dict(row.headers), names)}
    if row.json:
        request["json"] = body if body is not None else {}
    elif row.image:
        request["data"] = {**(body or {}), "file": (content.image_file(), "photo.png")}
        request["content_type"] = "multipart/form-data"
    elif body is not None:
        request["data"] = body
    return request


def run(world: World, row: Row, method: str, role: str) -> None:
    expect = row.expect[role]
    names = world.names_for(role)
    unsafe = method in UNSAFE
    if unsafe and not expect.is_refusal and row.fresh is not None:
        names.update(row.fresh(world, role))
    actor = names.get("as", world.users[role])
    client = world.app.test_client()
    token = None
    if actor is not None:
        if row.is_api:
            token = issue_token(actor)
        else:
            sign_in_without_the_form(client, actor)
    if row.prepare is not None:
        names.update(row.prepare(client, names, role, world))
    request = _request(row, method, role, names, world)
    if token is not None:
        request["headers"]["Authorization"] = f"Token {token}"
    path = fill(row.path, names)
    before = content.snapshot() if unsafe and expect.is_refusal else None

    response = client.open(path, **request)

    text = response.get_data().decode(errors="replace")
    assert response.status_code == expect.status, (method, path, role, text[:800])
    if expect.location is not None:
        location = fill(expect.location, names)
        if expect.prefix:
            assert (response.location or "").startswith(location), response.location
        else:
            assert response.location == location
    for wanted in expect.has:
        assert fill(wanted, names) in text, (method, path, role, wanted)
    for unwanted in expect.lacks:
        assert fill(unwanted, names) not in text, (method, path, role, unwanted)
    if before is not None:
        after = content.snapshot()
        assert content.changed_tables(before, after) == [], (method, path, role)
    elif unsafe and row.done is not None:
        assert row.done(world, names), f"{method} {path} as {role} answered but changed nothing"
