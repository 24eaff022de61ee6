"""A load in progress against a stack, and the check once it has stopped: the API's counts read
back, then the database compared with the ledger."""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from blog.config import database_uri
from soak.ledger import Ledger, Problem, Reported, verify
from soak.load import Client, Recorder, Shared, register, start


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@contextlib.contextmanager
def load(base: str, clients: int) -> Iterator[Shared]:
    """Half the clients write (each with an account of its own), half read, until the block ends."""
    run = secrets.token_hex(3)
    writers = max(2, clients // 2)
    recorder = Recorder()
    names = [f"soak{run}w{n}" for n in range(writers)]
    tokens = {name: register(base, recorder, name) for name in names}
    shared = Shared(Ledger(), recorder, names)
    threads = start(base, shared, tokens, readers=max(1, clients - writers))
    try:
        yield shared
    finally:
        shared.stop.set()
        for thread in threads:
            thread.join(timeout=30)


@dataclass
class Checked:
    problems: list[Problem]
    read_back: int
    """Requests made to read the API's counts back."""


def check(base: str, database_url: str, shared: Shared) -> Checked:
    """What the API says of each acknowledged article, then the database against the ledger."""
    recorder = Recorder()
    client = Client(base, recorder)
    reported = Reported()
    for slug in list(shared.ledger.articles):
        article = client.call("check", "GET", f"/api/articles/{slug}")
        comments = client.call("check", "GET", f"/api/articles/{slug}/comments")
        if article is not None and article.status_code == 200:
            reported.favorites_count[slug] = article.json()["article"]["favoritesCount"]
        if comments is not None and comments.status_code == 200:
            reported.comments[slug] = len(comments.json()["comments"])
    for name in list(shared.ledger.uploads):
        client.call("check", "GET", f"/uploads/{name}")  # its file is there to serve
    problems = [
        Problem("wrong", f"reading back got {a.status} for {a.kind}")
        for a in recorder.answers
        if a.status != 200
    ]
    engine = sa.create_engine(database_uri(database_url, ""), poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            problems += verify(connection, shared.ledger, reported)
    finally:
        engine.dispose()
    return Checked(problems, len(recorder.answers))
