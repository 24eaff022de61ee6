"""What the blog acknowledged (a 2xx), and the check that the database holds exactly that.

A write that got no answer (a worker killed mid-request, a timeout) may or may not have been
done: it is noted as uncertain, and an article may then hold either its last acknowledged
content or an uncertain later one. A write answered with a refusal was not done.

:func:`verify` reads the database directly, not through the app, and also compares the
counters the database keeps (``post_counts``) and what the API reported after the run (each
article's ``favoritesCount`` and its comments) with the rows themselves."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.models import (
    Comment,
    Post,
    PostStatus,
    PostTag,
    Upload,
    User,
    favorites,
    follows,
    post_counts,
)


@dataclass
class Article:
    author: str
    title: str
    body: str
    acked_at: float
    uncertain: list[str] = field(default_factory=list)
    """Bodies sent after the acknowledged one that got no answer: any may be the one kept."""


@dataclass
class Ledger:
    articles: dict[str, Article] = field(default_factory=dict)
    comments: dict[int, tuple[str, str, str, float]] = field(default_factory=dict)
    """id: (slug, author, body, when acknowledged)"""
    favorites: dict[tuple[str, str], float] = field(default_factory=dict)
    follows: dict[tuple[str, str], float] = field(default_factory=dict)
    uploads: dict[str, tuple[str, float]] = field(default_factory=dict)
    """stored file name: (owner, when acknowledged)"""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def created(self, slug: str, author: str, title: str, body: str) -> None:
        with self.lock:
            self.articles[slug] = Article(author, title, body, time.monotonic())

    def edited(self, slug: str, body: str, acknowledged: bool) -> None:
        with self.lock:
            article = self.articles[slug]
            if acknowledged:
                article.body, article.uncertain = body, []
                article.acked_at = time.monotonic()
            else:
                article.uncertain.append(body)

    def commented(self, comment_id: int, slug: str, author: str, body: str) -> None:
        with self.lock:
            self.comments[comment_id] = (slug, author, body, time.monotonic())

    def favorited(self, username: str, slug: str) -> None:
        with self.lock:
            self.favorites.setdefault((username, slug), time.monotonic())

    def followed(self, follower: str, followed: str) -> None:
        with self.lock:
            self.follows.setdefault((follower, followed), time.monotonic())

    def uploaded(self, name: str, owner: str) -> None:
        with self.lock:
            self.uploads[name] = (owner, time.monotonic())

    def count(self) -> int:
        return (
            len(self.articles)
            + len(self.comments)
            + len(self.favorites)
            + len(self.follows)
            + len(self.uploads)
        )


@dataclass
class Problem:
    kind: str  # lost, duplicated, wrong, counter
    what: str
    acked_at: float | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.what}"


@dataclass
class Reported:
    """What the API answered after the run, per article slug: favoritesCount, comments."""

    favorites_count: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)


def _articles(connection, ledger: Ledger) -> list[Problem]:
    problems = []
    rows = connection.execute(
        sa.select(Post.slug, Post.title, Post.body, User.username).join(
            User, User.id == Post.author_id
        )
    ).all()
    by_slug = {row.slug: row for row in rows}
    titles: dict[str, int] = {}
    for row in rows:
        titles[row.title] = titles.get(row.title, 0) + 1
    for slug, article in ledger.articles.items():
        row = by_slug.get(slug)
        if row is None:
            problems.append(Problem("lost", f"article {slug}", article.acked_at))
            continue
        if titles[article.title] > 1:
            problems.append(Problem("duplicated", f"article {article.title!r}", article.acked_at))
        if row.username != article.author or row.title != article.title:
            problems.append(Problem("wrong", f"article {slug}: author or title", article.acked_at))
        elif row.body != article.body and row.body not in article.uncertain:
            problems.append(
                Problem("wrong", f"article {slug}: not its last body", article.acked_at)
            )
    return problems


def _comments(connection, ledger: Ledger) -> list[Problem]:
    problems = []
    statement = (
        sa.select(Comment.id, Comment.body, Post.slug, User.username)
        .join(Post, Post.id == Comment.post_id)
        .join(User, User.id == Comment.author_id)
    )
    rows = connection.execute(statement).all()
    by_id = {row.id: row for row in rows}
    bodies: dict[str, int] = {}
    for row in rows:
        bodies[row.body] = bodies.get(row.body, 0) + 1
    for comment_id, (slug, author, body, acked_at) in ledger.comments.items():
        row = by_id.get(comment_id)
        if row is None:
            problems.append(Problem("lost", f"comment {comment_id} on {slug}", acked_at))
        elif (row.slug, row.username, row.body) != (slug, author, body):
            problems.append(Problem("wrong", f"comment {comment_id}", acked_at))
        elif bodies[body] > 1:
            problems.append(
                Problem("duplicated", f"comment {comment_id} ({bodies[body]})", acked_at)
            )
    return problems


def _pairs(connection, ledger: Ledger) -> list[Problem]:
    problems = []
    liked = connection.execute(
        sa.select(User.username, Post.slug)
        .select_from(favorites)
        .join(User, User.id == favorites.c.user_id)
        .join(Post, Post.id == favorites.c.post_id)
    ).all()
    liked_count: dict[tuple[str, str], int] = {}
    for pair in liked:
        liked_count[tuple(pair)] = liked_count.get(tuple(pair), 0) + 1
    for pair, acked_at in ledger.favorites.items():
        found = liked_count.get(pair, 0)
        if found != 1:
            kind = "lost" if found == 0 else "duplicated"
            problems.append(Problem(kind, f"favorite {pair[0]} -> {pair[1]}", acked_at))
    follower, followed = so.aliased(User), so.aliased(User)
    pairs = connection.execute(
        sa.select(follower.username, followed.username)
        .select_from(follows)
        .join(follower, follower.id == follows.c.follower_id)
        .join(followed, followed.id == follows.c.followed_id)
    ).all()
    present = {tuple(pair) for pair in pairs}
    for pair, acked_at in ledger.follows.items():
        if pair not in present:
            problems.append(Problem("lost", f"follow {pair[0]} -> {pair[1]}", acked_at))
    return problems


def _uploads(connection, ledger: Ledger) -> list[Problem]:
    problems = []
    rows = connection.execute(
        sa.select(Upload.key, Upload.variants, User.username).join(User, User.id == Upload.owner_id)
    ).all()
    by_key = {row.key: row for row in rows}
    for name, (owner, acked_at) in ledger.uploads.items():
        row = by_key.get(name[:24])
        if row is None:
            problems.append(Problem("lost", f"upload {name}", acked_at))
        elif name not in row.variants or row.username != owner:
            problems.append(Problem("wrong", f"upload {name}", acked_at))
    return problems


def _counters(connection, reported: Reported) -> list[Problem]:
    """``post_counts`` against the published posts, and the API's counts against the rows."""
    problems = []
    kept = dict(connection.execute(sa.select(post_counts.c.scope, post_counts.c.published)).all())
    published = Post.status == PostStatus.PUBLISHED
    actual = {"all": connection.scalar(sa.select(sa.func.count()).where(published))}
    for author_id, n in connection.execute(
        sa.select(Post.author_id, sa.func.count()).where(published).group_by(Post.author_id)
    ):
        actual[f"author:{author_id}"] = n
    for tag_id, n in connection.execute(
        sa.select(PostTag.tag_id, sa.func.count())
        .join(Post, Post.id == PostTag.post_id)
        .where(published)
        .group_by(PostTag.tag_id)
    ):
        actual[f"tag:{tag_id}"] = n
    for scope in sorted(set(kept) | set(actual)):
        if kept.get(scope, 0) != actual.get(scope, 0):
            problems.append(
                Problem("counter", f"post_counts {scope}: {kept.get(scope)} != {actual.get(scope)}")
            )
    slugs = set(reported.favorites_count) | set(reported.comments)
    if slugs:
        rows = dict(
            connection.execute(
                sa.select(Post.slug, sa.func.count(favorites.c.user_id))
                .outerjoin(favorites, favorites.c.post_id == Post.id)
                .where(Post.slug.in_(sorted(slugs)))
                .group_by(Post.slug)
            ).all()
        )
        comment_rows = dict(
            connection.execute(
                sa.select(Post.slug, sa.func.count(Comment.id))
                .outerjoin(Comment, Comment.post_id == Post.id)
                .where(Post.slug.in_(sorted(slugs)))
                .group_by(Post.slug)
            ).all()
        )
        for slug, count in reported.favorites_count.items():
            if rows.get(slug, 0) != count:
                problems.append(
                    Problem(
                        "counter", f"{slug}: favoritesCount {count} != {rows.get(slug, 0)} rows"
                    )
                )
        for slug, count in reported.comments.items():
            if comment_rows.get(slug, 0) != count:
                problems.append(
                    Problem(
                        "counter", f"{slug}: {count} comments listed != {comment_rows.get(slug)}"
                    )
                )
    return problems


def verify(connection, ledger: Ledger, reported: Reported | None = None) -> list[Problem]:
    """Every way the database disagrees with what was acknowledged; empty when it agrees."""
    return [
        *_articles(connection, ledger),
        *_comments(connection, ledger),
        *_pairs(connection, ledger),
        *_uploads(connection, ledger),
        *_counters(connection, reported or Reported()),
    ]
