"""The clients: writers through the JSON API (articles, edits, comments, favorites, follows,
images), readers of the API and of the HTML pages, each a thread with its own connection.

Every request has a client timeout, so a server that hangs shows as a failed request ("no
answer", status 0) instead of stalling the run. Each answer is recorded (when it started,
what it was, its status, how long it took); each acknowledged write goes into the ledger."""

from __future__ import annotations

import io
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests
from PIL import Image

from soak.ledger import Ledger

TIMEOUT = (3, 10)
"""Seconds to connect, and to wait for the answer."""
NO_ANSWER = 0
TAGS = ["soak", "alpha", "beta", "gamma", "delta"]
WRITES = [("create", 20), ("edit", 20), ("comment", 25), ("favorite", 15), ("follow", 10)]
WRITES.append(("upload", 5))
READS = ["api_list", "api_article", "home", "post", "feed", "atom", "tag"]


@dataclass
class Answer:
    started: float
    kind: str
    status: int
    seconds: float
    friendly: bool = True
    """For a 5xx: whether it was the app's own page or JSON error, not a bare one."""


@dataclass
class Recorder:
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)


def _friendly(response: requests.Response) -> bool:
    if response.headers.get("Content-Type", "").startswith("application/json"):
        try:
            return bool({"errors", "status"} & response.json().keys())  # /readyz says status
        except ValueError:
            return False
    text = response.text
    return "<html" in text.lower() and "Traceback" not in text


class Client:
    """One connection to the blog, recording what each request got."""

    def __init__(self, base: str, recorder: Recorder, token: str | None = None) -> None:
        self.base, self.recorder = base, recorder
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Token {token}"

    def call(self, kind: str, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = self.http.request(
                method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException:
            self.recorder.add(Answer(started, kind, NO_ANSWER, time.monotonic() - started))
            self.http.close()  # a fresh connection next time
            return None
        friendly = response.status_code < 500 or _friendly(response)
        seconds = time.monotonic() - started
        self.recorder.add(Answer(started, kind, response.status_code, seconds, friendly))
        return response


def register(base: str, recorder: Recorder, username: str) -> str:
    """A new account through the API; its token."""
    client = Client(base, recorder)
    body = {"user": {"username": username, "email": f"{username}@example.com"}}
    body["user"]["password"] = f"{username} long password"
    response = client.call("register", "POST", "/api/users", json=body)
    if response is None or response.status_code != 201:
        status = getattr(response, "status_code", NO_ANSWER)
        raise RuntimeError(f"registering {username} got {status}")
    return response.json()["user"]["token"]


def png(rng: random.Random) -> bytes:
    """A small image no one sent before (an image sent twice is the upload already made)."""
    image = Image.new("RGB", (24, 16))
    image.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(24 * 16)])
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class Shared:
    """What every client sees: the slugs acknowledged so far, the writers' names."""

    ledger: Ledger
    recorder: Recorder
    writers: list[str]
    stop: threading.Event = field(default_factory=threading.Event)
    slugs: list[str] = field(default_factory=list)


class Writer:
    def __init__(self, base: str, shared: Shared, username: str, token: str, seed: int) -> None:
        self.client = Client(base, shared.recorder, token)
        self.shared, self.username = shared, username
        self.rng = random.Random(seed)
        self.mine: list[str] = []
        self.n = 0

    def run(self) -> None:
        actions, weights = zip(*WRITES, strict=True)
        while not self.shared.stop.is_set():
            action = self.rng.choices(actions, weights)[0]
            if not self.mine or (action in ("comment", "favorite") and not self.shared.slugs):
                action = "create"  # nothing of its own to edit yet, or nothing to comment on
            getattr(self, action)()

    def _text(self) -> str:
        self.n += 1
        return f"{self.username} {self.n} {uuid.uuid4().hex}"

    def create(self) -> None:
        title, body = f"Soak {self._text()}", f"Body of {self._text()}\n\nSome *text*."
        tags = ["soak", self.rng.choice(TAGS[1:])]
        article = {"title": title, "description": "soak", "body": body, "tagList": tags}
        response = self.client.call("create", "POST", "/api/articles", json={"article": article})
        if response is not None and response.status_code == 201:
            slug = response.json()["article"]["slug"]
            self.shared.ledger.created(slug, self.username, title, body)
            self.mine.append(slug)
            self.shared.slugs.append(slug)

    def edit(self) -> None:
        slug, body = self.rng.choice(self.mine), f"Edited {self._text()}"
        answer = self.client.call(
            "edit", "PUT", f"/api/articles/{slug}", json={"article": {"body": body}}
        )
        if answer is not None and answer.status_code == 200:
            self.shared.ledger.edited(slug, body, acknowledged=True)
        elif answer is None or answer.status_code >= 500:
            self.shared.ledger.edited(slug, body, acknowledged=False)

    def comment(self) -> None:
        slug, body = self.rng.choice(self.shared.slugs), f"Comment {self._text()}"
        path = f"/api/articles/{slug}/comments"
        answer = self.client.call("comment", "POST", path, json={"comment": {"body": body}})
        if answer is not None and answer.status_code in (200, 201):
            comment_id = answer.json()["comment"]["id"]
            self.shared.ledger.commented(comment_id, slug, self.username, body)

    def favorite(self) -> None:
        slug = self.rng.choice(self.shared.slugs)
        answer = self.client.call("favorite", "POST", f"/api/articles/{slug}/favorite")
        if answer is not None and answer.status_code == 200:
            self.shared.ledger.favorited(self.username, slug)

    def follow(self) -> None:
        other = self.rng.choice([w for w in self.shared.writers if w != self.username])
        answer = self.client.call("follow", "POST", f"/api/profiles/{other}/follow")
        if answer is not None and answer.status_code == 200:
            self.shared.ledger.followed(self.username, other)

    def upload(self) -> None:
        files = {"file": ("soak.png", png(self.rng), "image/png")}
        answer = self.client.call("upload", "POST", "/api/uploads", files=files)
        if answer is not None and answer.status_code == 201:
            name = answer.json()["upload"]["url"].rsplit("/", 1)[1]
            self.shared.ledger.uploaded(name, self.username)


class Reader:
    def __init__(self, base: str, shared: Shared, seed: int) -> None:
        self.client, self.shared = Client(base, shared.recorder), shared
        self.rng = random.Random(seed)

    def run(self) -> None:
        while not self.shared.stop.is_set():
            kind = self.rng.choice(READS)
            slug = self.rng.choice(self.shared.slugs) if self.shared.slugs else None
            path = {
                "api_list": f"/api/articles?limit=10&offset={self.rng.randrange(0, 50)}",
                "api_article": f"/api/articles/{slug}",
                "home": "/",
                "post": f"/posts/{slug}",
                "feed": "/feed",
                "atom": "/feed.atom",
                "tag": f"/tags/{self.rng.choice(TAGS)}",
            }[kind]
            if slug is None and kind in ("api_article", "post"):
                path = "/"
            self.client.call(kind, "GET", path)


def start(
    base: str, shared: Shared, tokens: dict[str, str], readers: int
) -> list[threading.Thread]:
    """The writers (one per account in ``tokens``) and ``readers`` readers, running."""
    threads = [
        threading.Thread(target=Writer(base, shared, name, token, seed).run, daemon=True)
        for seed, (name, token) in enumerate(tokens.items())
    ]
    threads += [
        threading.Thread(target=Reader(base, shared, 1000 + seed).run, daemon=True)
        for seed in range(readers)
    ]
    for thread in threads:
        thread.start()
    return threads
