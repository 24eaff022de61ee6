"""A blog with a row of every kind, written through the domain as the site writes it, and the
way to read a whole blog back for comparison (:func:`blog_contents`)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pyotp
import sqlalchemy as sa
from flask import Flask

from blog.domain import (
    comments,
    devices,
    pages,
    posts,
    search,
    sessions,
    site_settings,
    social,
    two_factor,
    uploads,
)
from blog.extensions import db
from blog.models import Passkey, Post, Upload, post_counts, utcnow
from blog.moving.archive.tables import carried_tables
from blog.moving.arrivals import origins, redirects
from blog.uploads.storage import storage
from tests import factories
from tests.uploads import images

PUBLISHED_TITLE = "Hello, 世界 🌏"
SEARCHED_WORD = "chanteuses"
"""In a published post's body; the site searches in French, so its stem finds it too."""
SEARCHES = ("世界", "chanteuse", "edited", "ünïcode", "nothing-matches-this")
PASSKEY_PUBLIC_KEY = bytes(range(256))


def build_blog(app: Flask) -> None:
    """Accounts (an admin, an author, a reader with TOTP, recovery codes, a trusted browser and a
    passkey), an image, posts (published with tags and a revision, a draft, one scheduled), a
    page, a comment, a follow, a favourite and the site settings."""
    admin = factories.UserFactory(username="admin", is_admin=True, bio="管理者 🦉")
    author = factories.UserFactory(username="écrivain", bio="Ünïcode 作家 ✍️\nsecond line")
    reader = factories.UserFactory(username="reader", bio="")
    with app.test_request_context():  # the owner is told by mail, with links
        _second_factors(reader)
    upload = uploads.save_upload(author, io.BytesIO(images.png((900, 500))))
    picture = uploads.markdown_for(upload)
    published = posts.create_post(
        author,
        title=PUBLISHED_TITLE,
        body=f"Les {SEARCHED_WORD} 🎶 chantaient.\n\n{picture}\n\n```python\nprint('hi')\n```",
        description="Ünïcode and 漢字",
        tags=["日本語", "emoji-🎉", "python"],
        publish=True,
        cover_image=uploads.upload_url(upload),
    )
    posts.update_post(published, author, {"body": published.body + "\n\nedited once."})
    posts.create_post(author, title="A draft", body="Not yet.", description="Soon", tags=["python"])
    posts.create_post(
        author,
        title="Later",
        body="Scheduled.",
        description="In three days",
        tags=["日本語"],
        publish_at=(utcnow() + timedelta(days=3)).isoformat(),
    )
    pages.create_page(admin, title="À propos", body="# Nous\n\n私たち", publish=True)
    comments.add_comment(published, reader, "Nice! 👍 很好")
    social.follow(reader, author)
    social.favorite(reader, published)
    site_settings.save(_settings(), admin)
    _moved_in(published)
    sessions.start(reader, browser="Firefox on Linux")  # a sign-in: not carried
    db.session.commit()


def _moved_in(post: Post) -> None:
    """What an import from another blog leaves: its old address, and the record of the item."""
    redirects.add("/2013/01/11/hello-world/", f"/posts/{post.slug}")
    origins.record("wordpress|https://old.example", "post", "12", post.id)
    db.session.commit()


def _second_factors(reader) -> None:
    secret = two_factor.setup_secret(reader)
    two_factor.enable(reader, pyotp.TOTP(secret).now())
    devices.trust(reader, devices.new_key(), "Firefox on Linux")
    db.session.add(
        Passkey(
            user_id=reader.id,
            credential_hash="c" * 64,
            credential_id=b"\x00\xff credential \x10",
            public_key=PASSKEY_PUBLIC_KEY,
            sign_count=7,
            transports="usb,nfc",
            name="Clé 🔑",
            last_used_at=utcnow(),
        )
    )
    db.session.commit()


def _settings() -> dict[str, Any]:
    return {
        "title": "Le blog 🦉",
        "description": "Écrits et 写作",
        "accent_color": "#2f52c4",
        "navigation_links": [("À propos", "/a-propos")],
        "social_links": [("mastodon", "https://example.social/@me")],
        "posts_per_page": "7",
        "search_language": "french",
        "show_hero": False,
    }


def blog_contents() -> dict[str, Any]:
    """Every row of every carried table in key order, the non-zero post totals, every image's
    bytes (read through the storage in use) and what a few searches find: equal for two
    databases holding the same blog, whatever their kinds."""
    contents: dict[str, Any] = {}
    for table in carried_tables():
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
        contents[table.name] = [tuple(row) for row in rows]
    contents["post_counts"] = db.session.execute(
        sa.select(post_counts).where(post_counts.c.published != 0).order_by(post_counts.c.scope)
    ).all()
    files = storage()
    contents["images"] = {
        name: files.get(name)
        for variants in db.session.scalars(sa.select(Upload.variants).order_by(Upload.id))
        for name in variants
    }
    contents["searches"] = {
        text: db.session.scalars(search.narrow(sa.select(Post.id), search.read_query(text))).all()
        for text in SEARCHES
    }
    return contents


def build_small_blog() -> None:
    """Two accounts, three posts with tags and a comment: enough rows to see a load undone."""
    author = factories.UserFactory(username="author")
    reader = factories.UserFactory(username="reader")
    for number in range(3):
        factories.PostFactory(author=author, title=f"Post {number}", tags=["python", "日本語"])
    factories.CommentFactory(post=db.session.scalars(sa.select(Post)).first(), author=reader)
