"""``flask blog seed``: realistic demo content, fast enough for a million posts.

Seeded accounts are named ``demoN`` with the address ``demoN@example.com``; running the command
again only tops up to the numbers asked for, so it is safe to repeat, and accounts people made
themselves (even one named ``Demo2``) are neither reused nor in the way.

The content is shaped like a real blog's, so that a benchmark on it meets what a real one would:
a few prolific authors and a long tail (``demo1`` writes most), a few popular tags, most posts
with a favorite or two and some with hundreds, one post in a thousand with fifty comments, and
readers who follow a handful of authors, the prolific ones most.

Rows are written in bulk (COPY on PostgreSQL), bypassing the ORM, so the search index is written
here too: each post's document is made of the same terms the index would make, with the terms of
the few hundred pooled bodies worked out once (:class:`_Indexer`).
"""

from __future__ import annotations

import itertools
import random
from datetime import timedelta
from typing import TYPE_CHECKING

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from werkzeug.security import generate_password_hash

from blog.domain import search, site_settings
from blog.domain.search.backends import FIELDS, Document, PostgresBackend, backend_for
from blog.domain.search.index import plain_text
from blog.domain.search.mariadb import MariaDBBackend
from blog.domain.search.terms import terms
from blog.domain.slugs import private_slug
from blog.domain.tags import get_or_create_tags
from blog.extensions import db
from blog.markdown import render_comment, render_post
from blog.models import Comment, Page, Post, PostStatus, PostTag, User, favorites, follows, utcnow
from blog.sql import insert_ignoring_conflicts, refresh_statistics

if TYPE_CHECKING:
    from faker import Faker

DEMO_PASSWORD = "demo-password"
DEMO_DOMAIN = "example.com"
BATCH = 5_000
BODY_POOL = 300
DESCRIPTION_POOL = 2_000
AUTHOR_SKEW = 0.8
"""Zipf exponent of posts per author: with 10,000 authors ``demo1`` writes about 4% of posts."""
TAG_SKEW = 1.0
"""Zipf exponent of the tags' use: the first of :data:`TAG_POOL` is on about a third of posts."""
DISCUSSED_EVERY = 1_000
DISCUSSED_COMMENTS = 50
"""The second post written, and every thousandth after it, gets exactly this many comments (a
page the benchmark asks for)."""
MAX_FAVORITES = 500
TAG_POOL = [
    "python",
    "flask",
    "sqlalchemy",
    "postgres",
    "web",
    "design",
    "travel",
    "cooking",
    "books",
    "music",
    "photography",
    "productivity",
    "career",
    "open source",
    "devops",
    "security",
    "testing",
    "javascript",
    "css",
    "writing",
    "science",
    "history",
    "gardening",
    "running",
    "coffee",
    "linux",
    "data",
    "machine learning",
    "startups",
    "teaching",
]


def _markdown_body(fake: Faker) -> str:
    parts = [fake.paragraph(nb_sentences=5)]
    parts.append(f"## {fake.sentence(nb_words=4).rstrip('.')}")
    parts.append(fake.paragraph(nb_sentences=6))
    parts.append("\n".join(f"- {fake.sentence(nb_words=6)}" for _ in range(3)))
    if fake.boolean(chance_of_getting_true=40):
        parts.append(f"```python\ndef {fake.word()}():\n    return {fake.pyint()}\n```")
    parts.append(f"> {fake.sentence(nb_words=12)}")
    parts.append(fake.paragraph(nb_sentences=4) + f" [{fake.word()}]({fake.url()})")
    return "\n\n".join(parts)


def _zipf(count: int, skew: float) -> list[float]:
    """Cumulative weights of ``count`` ranks, the first the heaviest (``random.choices``)."""
    return list(itertools.accumulate(1 / (rank + 1) ** skew for rank in range(count)))


def _title(rng: random.Random, words: list[str]) -> tuple[str, str]:
    """A title of three to eight of Faker's words, and its slug: what ``slugify`` makes of it
    (the words are plain ASCII), without its cost, a tenth of seeding's time."""
    chosen = rng.choices(words, k=rng.randint(3, 8))
    title = " ".join(chosen)
    return title[0].upper() + title[1:], "-".join(chosen).lower()


def _is_demo_user():
    """Made by this command: named ``demo...`` with exactly that name at the demo domain."""
    return sa.and_(User.username.like("demo%"), User.email == User.username + f"@{DEMO_DOMAIN}")


def _demo_user_ids() -> list[int]:
    return list(db.session.scalars(sa.select(User.id).where(_is_demo_user()).order_by(User.id)))


def _free_demo_names(count: int) -> list[str]:
    """The first ``count`` names ``demoN`` that no account has as its username or email."""
    lower_name, lower_email = sa.func.lower(User.username), sa.func.lower(User.email)
    taken = set(db.session.scalars(sa.select(lower_name).where(lower_name.like("demo%"))))
    emails = sa.select(lower_email).where(lower_email.like(f"demo%@{DEMO_DOMAIN}"))
    taken |= {email.partition("@")[0] for email in db.session.scalars(emails)}
    free = (f"demo{n}" for n in itertools.count(1) if f"demo{n}" not in taken)
    return list(itertools.islice(free, count))


def _comment_texts(fake: Faker) -> list[str]:
    texts = [fake.paragraph(nb_sentences=n) for n in (1, 2, 3) * 20]
    texts += [f"Thanks for this! **{fake.sentence(nb_words=5)}**" for _ in range(20)]
    texts += [f"> {fake.sentence()}\n\n{fake.paragraph(nb_sentences=2)}" for _ in range(20)]
    return texts


def _next_ids(table: sa.Table, count: int) -> list[int]:
    """``count`` unused ids for rows about to be written in bulk: from the id sequence on
    PostgreSQL, after the largest id elsewhere (seeding is the only writer it expects)."""
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        numbers = sa.select(sa.func.nextval(sequence)).select_from(
            sa.func.generate_series(1, count)
        )
        return list(db.session.scalars(numbers))
    largest = db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0
    return list(range(largest + 1, largest + 1 + count))


def _bulk_insert(table: sa.TableClause, rows: list[dict]) -> None:
    """INSERT many rows at once, straight through the driver: COPY on PostgreSQL (several
    times faster than INSERTs), one executemany on SQLite, MariaDB and MySQL. Every row has the
    same keys, defaults included (SQLAlchemy applies none here); values go through the columns'
    own conversions."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    values = (
        [
            value if process is None else process(value)
            for value, process in zip(row.values(), processors, strict=True)
        ]
        for row in rows
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    if dialect.name == "postgresql":
        from psycopg import sql

        copy_rows = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
        )
        with cursor, cursor.copy(copy_rows) as copy:
            for row in values:
                copy.write_row(row)
        return
    insert = sa.insert(table).compile(dialect=dialect, column_keys=names)
    if insert.positional:  # SQLite's ? in the statement's order
        order = [names.index(key) for key in insert.positiontup]
        parameters = ([row[i] for i in order] for row in values)
    else:  # PyMySQL's %(name)s, which it sends as multi-row INSERTs
        parameters = (dict(zip(names, row, strict=True)) for row in values)
    try:
        cursor.executemany(str(insert), parameters)
    finally:
        cursor.close()


class _Indexer:
    """The search documents of seeded posts, as :func:`search.index.refresh` would write them,
    without reading the rows back: the bodies and descriptions come from small pools, so their
    terms (and, on PostgreSQL, the body's part of the ``tsvector``) are worked out once each."""

    def __init__(self, bodies_html: list[str], descriptions: list[str], tag_names: dict) -> None:
        self.language = site_settings.search_language()
        self.backend = backend_for(db.session)
        self.bodies = [terms(plain_text(html), self.language) for html in bodies_html]
        self.descriptions = [terms(text, self.language) for text in descriptions]
        self.tags = {tag_id: terms(name, self.language) for tag_id, name in tag_names.items()}
        self._body_vectors: dict[tuple[int, int], str] = {}

    def store(self, posts: list[tuple[int, str, list[int], int, int]]) -> None:
        """Index ``(id, title, tag ids, description index, body index)`` of published posts."""
        documents = []
        for post_id, title, tag_ids, description, body in posts:
            fields = {
                "title": terms(title, self.language),
                "tags": [t for tag_id in tag_ids for t in self.tags[tag_id]],
                "description": self.descriptions[description],
                "body": self.bodies[body],
            }
            documents.append((Document(post_id, fields), body))
        if isinstance(self.backend, PostgresBackend):
            rows = [
                {"post_id": d.post_id, "document": self._vector(d, body)} for d, body in documents
            ]
            _bulk_insert(_SEARCH_TABLE, rows)
        elif isinstance(self.backend, MariaDBBackend):
            self.backend.store(db.session, [document for document, _ in documents])
        else:
            rows = [
                {"rowid": d.post_id, **{name: " ".join(d.fields[name]) for name in FIELDS}}
                for d, _ in documents
            ]
            _bulk_insert(_FTS_TABLE, rows)

    def _vector(self, document: Document, body: int) -> str:
        """:meth:`PostgresBackend.vector`, its body part taken from a cache: PostgreSQL merges
        a term's positions when it appears in both parts."""
        head = Document(document.post_id, {**document.fields, "body": []})
        start = sum(len(head.fields[name]) + 1 for name in FIELDS[:-1])
        if start + len(self.bodies[body]) >= PostgresBackend.POSITION_MAX:
            return PostgresBackend.vector(document)
        key = (body, start)
        if key not in self._body_vectors:
            self._body_vectors[key] = _body_vector(self.bodies[body], start)
        vector = PostgresBackend.vector(head)
        return f"{vector} {self._body_vectors[key]}" if vector else self._body_vectors[key]


def _body_vector(body_terms: list[str], start: int) -> str:
    """The body's part of a ``tsvector`` literal when its first term is at ``start + 1``."""
    only = Document(0, {name: [] for name in FIELDS} | {"body": body_terms})
    vector = PostgresBackend.vector(only)  # positions from 2: one skipped per empty field before
    shift = start - (len(FIELDS) - 1)

    def moved(entry: str) -> str:
        term, _, positions = entry.rpartition(":")
        return term + ":" + ",".join(f"{int(p[:-1]) + shift}{p[-1]}" for p in positions.split(","))

    return " ".join(moved(entry) for entry in _entries(vector))


def _entries(vector: str) -> list[str]:
    """The ``'term':positions`` entries of a vector literal (a term is letters and digits: no
    entry holds a space)."""
    return vector.split(" ") if vector else []


_FTS_TABLE = sa.table(search.backends.TABLE, sa.column("rowid"), *map(sa.column, FIELDS))
_SEARCH_TABLE = sa.table(search.backends.TABLE, sa.column("post_id"), sa.column("document"))


def _seed_reactions(rng, posts, user_ids, comment_pool, now) -> None:
    """Favorites on most posts, a few on many and hundreds on some; comments on a third, from
    the demo accounts, and fifty on every thousandth post. ``posts``: ``(number, id, date)``,
    the number counting every post seeded so far."""
    liked, comments = [], []
    for number, post_id, published in posts:
        wanted = min(len(user_ids), MAX_FAVORITES, int(rng.paretovariate(1.3)) - 1)
        for user_id in rng.sample(user_ids, wanted):
            liked.append({"user_id": user_id, "post_id": post_id, "created_at": published})
        roll = rng.random()
        if number % DISCUSSED_EVERY == 1:
            count = DISCUSSED_COMMENTS
        elif roll < 0.02:
            count = rng.randint(5, 20)
        else:
            count = rng.randint(1, 3) if roll < 0.35 else 0
        age = max(1, int((now - published).total_seconds()))
        for _ in range(count):
            body, html = rng.choice(comment_pool)
            written = min(now, published + timedelta(seconds=rng.randint(60, age)))
            comments.append(
                {
                    "post_id": post_id,
                    "author_id": rng.choice(user_ids),
                    "body": body,
                    "body_html": html,
                    "created_at": written,
                    "updated_at": written,
                }
            )
    _bulk_insert(favorites, liked)
    _bulk_insert(Comment.__table__, comments)


def _seed_follows(rng: random.Random, user_ids: list[int]) -> None:
    """Each account follows a few authors (a handful typically, a hundred or more for some),
    the prolific ones more often."""
    weights = _zipf(len(user_ids), AUTHOR_SKEW)
    rows = []
    for follower in user_ids:
        wanted = min(len(user_ids) - 1, int(rng.lognormvariate(1.5, 1.0)))
        followed = set(rng.choices(user_ids, cum_weights=weights, k=wanted)) - {follower}
        rows += [
            {"follower_id": follower, "followed_id": f, "created_at": utcnow()}
            for f in sorted(followed)
        ]
    for start in range(0, len(rows), BATCH):
        insert_ignoring_conflicts(follows, rows[start : start + BATCH])
    db.session.commit()


def _seed_users(fake: Faker, wanted: int) -> list[int]:
    existing = _demo_user_ids()
    missing = max(0, wanted - len(existing))
    if missing:
        password_hash = generate_password_hash(DEMO_PASSWORD)
        rows = [
            {
                "username": name,
                "email": f"{name}@{DEMO_DOMAIN}",
                "password_hash": password_hash,
                "bio": fake.sentence(nb_words=12),
                "created_at": utcnow() - timedelta(days=800),
            }
            for name in _free_demo_names(missing)
        ]
        for start in range(0, len(rows), BATCH):
            db.session.execute(sa.insert(User), rows[start : start + BATCH])
        db.session.commit()
        existing = _demo_user_ids()
    return existing[:wanted]


def _seed_posts(fake: Faker, author_ids: list[int], wanted: int) -> int:
    """Posts by demo authors, up to ``wanted`` in all (whichever demo authors wrote them)."""
    demo_authors = sa.select(User.id).where(_is_demo_user())
    done = db.session.scalar(
        sa.select(sa.func.count()).select_from(Post).where(Post.author_id.in_(demo_authors))
    )
    missing = max(0, wanted - done)
    if not missing or not author_ids:
        return 0
    bodies = [_markdown_body(fake) for _ in range(BODY_POOL)]
    rendered = [render_post(body) for body in bodies]
    descriptions = [
        fake.sentence(nb_words=fake.random_int(10, 20)) for _ in range(DESCRIPTION_POOL)
    ]
    tags = get_or_create_tags(TAG_POOL)
    tag_ids = [tags[name].id for name in TAG_POOL]
    tag_weights = _zipf(len(tag_ids), TAG_SKEW)
    author_weights = _zipf(len(author_ids), AUTHOR_SKEW)
    indexer = _Indexer(rendered, descriptions, {tag.id: tag.name for tag in tags.values()})
    comment_pool = [(text, render_comment(text)) for text in _comment_texts(fake)]
    words = fake.get_words_list()
    rng = random.Random(done)
    now = utcnow()
    with click.progressbar(length=missing, label="Writing posts") as bar:
        for batch_start in range(done, done + missing, BATCH):
            count = min(BATCH, done + missing - batch_start)
            ids = _next_ids(Post.__table__, count)
            authors = rng.choices(author_ids, cum_weights=author_weights, k=count)
            rows, links, published, documents = [], [], [], []
            for n, post_id, author_id in zip(itertools.count(batch_start), ids, authors):
                title, base = _title(rng, words)
                body = rng.randrange(BODY_POOL)
                description = rng.randrange(DESCRIPTION_POOL)
                created = now - timedelta(minutes=rng.randint(10, 60 * 24 * 720))
                public = rng.random() < 0.92 or n % DISCUSSED_EVERY == 1
                rows.append(
                    {
                        "id": post_id,
                        "slug": f"{base}-{n + 1}" if public else private_slug(),
                        "title": title,
                        "description": descriptions[description],
                        "body": bodies[body],
                        "body_html": rendered[body],
                        "status": PostStatus.PUBLISHED if public else PostStatus.DRAFT,
                        "published_at": created if public else None,
                        "created_at": created,
                        "updated_at": created,
                        "author_id": author_id,
                        "cover_image": None,
                    }
                )
                chosen = list(
                    dict.fromkeys(
                        rng.choices(tag_ids, cum_weights=tag_weights, k=rng.randint(0, 3))
                    )
                )
                links += [
                    {"post_id": post_id, "tag_id": tag_id, "position": position}
                    for position, tag_id in enumerate(chosen)
                ]
                if public:
                    published.append((n, post_id, created))
                    documents.append((post_id, title, chosen, description, body))
            _bulk_insert(Post.__table__, rows)
            _bulk_insert(PostTag.__table__, links)
            _seed_reactions(rng, published, author_ids, comment_pool, now)
            indexer.store(documents)
            db.session.commit()
            bar.update(count)
    return missing


ABOUT_PAGE = """This blog is where its authors write about software, craft and whatever else \
caught their attention this week.

## Who writes here

The authors are listed on every post: follow the ones you like and read them in **Your feed**.

## Get in touch

Leave a comment under any post. Subscribe to the [Atom feed](/feed.atom) to read new posts first.
"""


def _seed_about_page() -> bool:
    """An About page linked in the navigation, on a blog that has no page yet."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Page)):
        return False
    now = utcnow()
    db.session.add(
        Page(
            slug="about",
            title="About",
            body=ABOUT_PAGE,
            body_html=render_post(ABOUT_PAGE),
            is_published=True,
            in_navigation=True,
            navigation_position=0,
            created_at=now,
            updated_at=now,
        )
    )
    db.session.commit()
    return True


@click.command("seed")
@click.option(
    "--users", "user_count", default=10, show_default=True, type=click.IntRange(1, 100_000)
)
@click.option(
    "--posts", "post_count", default=100, show_default=True, type=click.IntRange(0, 5_000_000)
)
@click.option("--seed", "random_seed", default=2024, show_default=True, help="Faker seed.")
@with_appcontext
def seed_command(user_count: int, post_count: int, random_seed: int) -> None:
    """Fill the blog with demo authors, posts, comments, favorites and follows.

    Repeatable: it tops up to the numbers given.
    """
    from faker import Faker  # imported here: the app registers this command but rarely runs it

    fake = Faker()
    Faker.seed(random_seed)
    author_ids = _seed_users(fake, user_count)
    _seed_follows(random.Random(random_seed), author_ids)
    written = _seed_posts(fake, author_ids, post_count)
    if _seed_about_page():
        click.echo("An About page, linked in the navigation.")
    with db.engine.begin() as connection:  # the planner's view of the rows just written
        refresh_statistics(connection)
    click.echo(
        f"{len(author_ids)} demo authors (password: {DEMO_PASSWORD!r}), {written} new posts."
    )
