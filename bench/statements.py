"""SQL statements per request, counted in-process: the app built on the dataset as gunicorn
builds it, each endpoint called twice with Flask's test client, the statements of the second
call counted (the first fills what a running worker has already cached). Also the benchmark's
own account, the writer of ``POST /api/articles``, and the clean-up of what it wrote, first
thing in each round (so a dataset holds a run's posts until the next run, and no longer).

Run as ``python -m bench.statements`` with a JSON request on stdin, in a process of its own:
the app's extensions (the rate limiter) serve one app per process.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time

WRITER = {
    "username": "bench-writer",
    "email": "bench-writer@example.com",
    "password": "bench-writer-password",
}
BASE_URL = "https://127.0.0.1"
SLOW = 5.0  # seconds
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _writer():
    from blog.domain import users
    from blog.extensions import db

    user = users.find_by_username(WRITER["username"])
    if user is None:
        user = users.register(WRITER["username"], WRITER["email"], WRITER["password"])
        db.session.commit()
    return user


def remove_written() -> int:
    """Delete the posts the writer wrote, through the ORM (so the search index, and anything
    else kept in step with posts, follows), a batch at a time."""
    import sqlalchemy as sa

    from blog.extensions import db
    from blog.models import Post

    writer = _writer()
    removed = 0
    while True:
        batch = db.session.scalars(
            sa.select(Post).where(Post.author_id == writer.id).limit(200)
        ).all()
        if not batch:
            return removed
        for post in batch:
            db.session.delete(post)
        db.session.commit()
        removed += len(batch)


def _sign_in(client, login: str, password: str) -> None:
    """Through the form, over HTTPS as production expects (its cookies are Secure)."""
    page = client.get("/login", base_url=BASE_URL)
    token = CSRF_FIELD.search(page.get_data(as_text=True)).group(1)
    fields = {"login": login, "password": password, "csrf_token": token}
    answer = client.post(
        "/login", data=fields, base_url=BASE_URL, headers={"Referer": BASE_URL + "/login"}
    )
    if answer.status_code != 302:
        raise RuntimeError(f"signing {login} in answered {answer.status_code}")


def _token(client, email: str, password: str) -> str:
    answer = client.post("/api/users/login", json={"user": {"email": email, "password": password}})
    return answer.get_json()["user"]["token"]


def count(app, requests: list[dict], reader: str) -> dict[str, int]:
    """Called outside any app context: each request pushes its own (under an outer one, they
    would share ``g`` and its signed-in API user)."""
    import sqlalchemy as sa

    from blog.extensions import db
    from blog.seed import DEMO_DOMAIN, DEMO_PASSWORD

    anonymous = app.test_client()
    signed_in = app.test_client()
    _sign_in(signed_in, reader, DEMO_PASSWORD)
    tokens = {
        "reader": _token(anonymous, f"{reader}@{DEMO_DOMAIN}", DEMO_PASSWORD),
        "writer": _token(anonymous, WRITER["email"], WRITER["password"]),
    }
    with app.app_context():
        engine = db.engine
    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    counted = {}
    for n, request in enumerate(requests):
        client = signed_in if request["auth"] == "session" else anonymous
        headers = {}
        if request["auth"] == "token":
            who = "writer" if request["method"] == "POST" else "reader"
            headers["Authorization"] = "Token " + tokens[who]
        started = time.monotonic()
        for attempt in range(2):
            if attempt and time.monotonic() - started > SLOW:
                break  # a request this slow costs the same twice: its first count stands
            body = None
            if request["method"] == "POST":
                article = {"title": f"Bench statements {n} {attempt}", "description": "d"}
                body = {"article": {**article, "body": request["body"], "tagList": ["bench"]}}
            statements.clear()
            answer = client.open(
                request["path"],
                method=request["method"],
                json=body,
                headers=headers,
                base_url=BASE_URL,
            )
            if answer.status_code != request["status"]:
                raise RuntimeError(
                    f"{request['method']} {request['path']} answered {answer.status_code}"
                )
        counted[request["name"]] = len(statements)
    return counted


def main() -> None:
    job = json.load(sys.stdin)
    os.environ.update(job["env"])
    from blog import create_app

    app = create_app()
    with app.app_context():
        result = {"removed": remove_written()}
    if job.get("requests"):
        result["statements"] = count(app, job["requests"], job["reader"])
        with app.app_context():
            remove_written()  # its own two
    print(json.dumps(result))


if __name__ == "__main__":
    main()
