"""``flask blog seed``: realistic demo content, fast enough for a hundred thousand posts.

Seeded accounts are named ``demoN`` with the address ``demoN@example.com``; running the command
again only tops up to the numbers asked for, so it is safe to repeat, and accounts people made
themselves (even one named ``Demo2``) are neither reused nor in the way.
"""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import click
import sqlalchemy as sa
from faker import Faker
from flask.cli import with_appcontext
from slugify import slugify
from werkzeug.security import generate_password_hash

from blog.domain import search
from blog.domain.slugs import SUFFIX_ROOM, private_slug
from blog.domain.tags import get_or_create_tags
from blog.extensions import db
from blog.markdown import render_comment, render_post
from blog.models import Comment, Page, Post, PostStatus, PostTag, User, favorites, follows, utcnow
from blog.models.post import SLUG_MAX
from blog.sql import insert_ignoring_conflicts, refresh_statistics

DEMO_PASSWORD = "demo-password"
DEMO_DOMAIN = "example.com"
BATCH = 2_000
BODY_POOL = 300
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


def _seed_reactions(rng, post_ids, user_ids, comment_pool, now) -> None:
    """Favorites on most posts and a few comments on some, from the demo authors."""
    liked, comments = [], []
    for post_id in post_ids:
        for user_id in rng.sample(user_ids, min(len(user_ids), rng.randint(0, 5))):
            liked.append({"user_id": user_id, "post_id": post_id, "created_at": now})
        if rng.random() < 0.35:
            for _ in range(rng.randint(1, 3)):
                body, html = rng.choice(comment_pool)
                comments.append(
                    {
                        "post_id": post_id,
                        "author_id": rng.choice(user_ids),
                        "body": body,
                        "body_html": html,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
    insert_ignoring_conflicts(favorites, liked)
    if comments:
        db.session.execute(sa.insert(Comment), comments)


def _seed_follows(rng: random.Random, user_ids: list[int]) -> None:
    rows = [
        {"follower_id": follower, "followed_id": followed, "created_at": utcnow()}
        for follower in user_ids
        for followed in rng.sample(user_ids, min(len(user_ids), 4))
        if followed != follower
    ]
    insert_ignoring_conflicts(follows, rows)
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
        db.session.execute(sa.insert(User), rows)
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
    tag_ids = [tag.id for tag in get_or_create_tags(TAG_POOL).values()]
    comment_pool = [(text, render_comment(text)) for text in _comment_texts(fake)]
    rng = random.Random(done)
    now = utcnow()
    with click.progressbar(length=missing, label="Writing posts") as bar:
        for batch_start in range(done, done + missing, BATCH):
            count = min(BATCH, done + missing - batch_start)
            rows = []
            for n in range(batch_start, batch_start + count):
                title = fake.sentence(nb_words=rng.randint(3, 8)).rstrip(".")
                body = rng.randrange(BODY_POOL)
                created = now - timedelta(minutes=rng.randint(10, 60 * 24 * 720))
                published = rng.random() < 0.92
                base = slugify(title, max_length=SLUG_MAX - SUFFIX_ROOM, word_boundary=True)
                rows.append(
                    {
                        "slug": f"{base or 'post'}-{n + 1}" if published else private_slug(),
                        "title": title,
                        "description": fake.sentence(nb_words=rng.randint(10, 20)),
                        "body": bodies[body],
                        "body_html": rendered[body],
                        "status": PostStatus.PUBLISHED if published else PostStatus.DRAFT,
                        "published_at": created if published else None,
                        "created_at": created,
                        "updated_at": created,
                        "author_id": rng.choice(author_ids),
                    }
                )
            ids = db.session.scalars(sa.insert(Post).returning(Post.id), rows).all()
            links = [
                {"post_id": post_id, "tag_id": tag_id, "position": position}
                for post_id in ids
                for position, tag_id in enumerate(rng.sample(tag_ids, rng.randint(0, 3)))
            ]
            if links:
                db.session.execute(sa.insert(PostTag), links)
            published_ids = [i for i, row in zip(ids, rows, strict=True) if row["published_at"]]
            _seed_reactions(rng, published_ids, author_ids, comment_pool, now)
            search.index.refresh_later(db.session, published_ids)
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
