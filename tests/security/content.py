"""The blog the authorization tests read: written once per module, through the domain layer.

Five roles read it (:data:`ROLES`): an anonymous reader, another user, the owner of the content,
an admin and a disabled account. The owner has a published post (with comments, a revision and
an image), a draft (with its revision and an image only it uses), a post scheduled a month
ahead (with an image only it uses), and an account anyone can
see; the admin wrote a published page and a draft page. A fan, who is none of the roles,
favorites the published post and follows the owner, so lists of favorites and feeds have
something to show.

Every text that only the owner and the admins may see holds a word nothing else uses (see
:data:`HIDDEN`), so a page that leaks it is found by that word alone.

:attr:`World.names` fills the placeholders of the table's paths and forms (``{draft}``,
``{comment_id}``...). What a request allowed to change things changes is never the shared
content: it gets content of its own from the ``new_*`` functions below.
"""

from __future__ import annotations

import io
import itertools
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import pyotp
import sqlalchemy as sa
from flask import Flask

from blog.domain import (
    account_changes,
    comments,
    drafts,
    pages,
    passkeys,
    password_reset,
    posts,
    sessions,
    sitemaps,
    social,
    two_factor,
    uploads,
)
from blog.extensions import db
from blog.models import Passkey, Post, PostRevision, SignIn, Tag, User, utcnow
from tests import factories
from tests.helpers import sign_in_without_the_form
from tests.passkeys.authenticator import Authenticator
from tests.uploads import images

ROLES = ("anonymous", "another_user", "owner", "admin", "disabled")
ANONYMOUS, ANOTHER_USER, OWNER, ADMIN, DISABLED = ROLES

SEARCH_WORD = "zymurgy"
"""In the body of every post of the owner's (and of their revisions): a search for it may find
the published post alone."""

PUBLISHED_TITLE = "Published marmot essay"
PUBLISHED_BODY = f"Current marmot text about {SEARCH_WORD}."
REVISION_BODY = f"Superseded quokka paragraph about {SEARCH_WORD}."
"""The published post's earlier body, kept as its revision."""
DRAFT_TITLE = "Unfinished wombat draft"
DRAFT_BODY = f"Wombat notes about {SEARCH_WORD}."
DRAFT_REVISION_BODY = f"Abandoned numbat wording about {SEARCH_WORD}."
SCHEDULED_TITLE = "Embargoed platypus announcement"
SCHEDULED_BODY = f"Platypus news about {SEARCH_WORD}."
OWNER_COMMENT = "The owner writes an echidna remark"
OTHER_COMMENT = "Another reader writes a dingo remark"
TAG = "matrix"
DRAFT_TAG = "wombat-only"
SCHEDULED_TAG = "platypus-only"
PAGE_TITLE = "About the matrix"
DRAFT_PAGE_TITLE = "Unreleased bilby page"

HIDDEN = (
    DRAFT_TITLE,
    "wombat",
    "numbat",
    SCHEDULED_TITLE,
    "platypus",
    "quokka",
    DRAFT_TAG,
    SCHEDULED_TAG,
)
"""Words only the owner's draft, scheduled post and revisions hold: no page, feed or API answer
to an anonymous reader or another user may contain one."""

OWNER_NAME = "olive"
OTHER_NAME = "oscar"
ADMIN_NAME = "ada"
DISABLED_NAME = "dora"
FAN_NAME = "fanny"
NEW_EMAIL = "olive.new@example.com"


@dataclass
class World:
    app: Flask
    users: dict[str, User | None]
    fan: User
    names: dict[str, object]
    hidden_uploads: tuple[str, ...]
    """The file names of the owner's images that only a draft, a scheduled post or a revision
    names."""
    devices: dict[str, Authenticator]
    """The device holding a passkey of the owner's, and one of the disabled account's."""
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def unique(self) -> str:
        return f"n{next(self._numbers)}"

    def names_for(self, role: str) -> dict[str, object]:
        """The placeholders, with ``{me}`` and ``{my_email}`` those of ``role``'s account."""
        user = self.users[role]
        return {
            **self.names,
            "me": user.username if user is not None else "nobody",
            "my_email": user.email if user is not None else "nobody@example.com",
            "unique": self.unique(),
        }

    @property
    def owner(self) -> User:
        return self.users[OWNER]


def _image(number: int) -> io.BytesIO:
    """A small PNG of a colour of its own: each number is another image (another upload)."""
    colour = (number * 37 % 256, number * 91 % 256, number * 53 % 256)
    return io.BytesIO(images.png(size=(40, 30), color=colour))


IMAGES = itertools.count(1)


def image_file() -> io.BytesIO:
    """A PNG no request or upload has sent before."""
    return _image(next(IMAGES))


def build(app: Flask) -> World:
    owner = factories.UserFactory(username=OWNER_NAME, bio="Writes about marmots.")
    other = factories.UserFactory(username=OTHER_NAME, bio="Reads a lot.")
    admin = factories.UserFactory(username=ADMIN_NAME, is_admin=True, bio="Runs the site.")
    disabled = factories.UserFactory(username=DISABLED_NAME, bio="Gone.")
    devices = {OWNER: None, DISABLED: None}
    devices[OWNER], owner_passkey = enrol(app, owner)
    devices[DISABLED], _ = enrol(app, disabled)
    disabled.is_disabled = True
    db.session.commit()
    fan = factories.UserFactory(username=FAN_NAME, bio="Likes everything.")

    public_image = uploads.save_upload(owner, image_file())
    revision_image = uploads.save_upload(owner, image_file())
    draft_image = uploads.save_upload(owner, image_file())
    scheduled_image = uploads.save_upload(owner, image_file())
    other_image = uploads.save_upload(other, image_file())

    published = posts.create_post(
        owner,
        title=PUBLISHED_TITLE,
        description="A public essay",
        body=f"{REVISION_BODY}\n\n{uploads.markdown_for(revision_image)}",
        tags=[TAG],
        publish=True,
    )
    posts.update_post(
        published,
        owner,
        {"body": f"{PUBLISHED_BODY}\n\n{uploads.markdown_for(public_image)}"},
    )
    draft = posts.create_post(
        owner,
        title=DRAFT_TITLE,
        description="Wombat plans",
        body=DRAFT_REVISION_BODY,
        tags=[TAG, DRAFT_TAG],
    )
    posts.update_post(
        draft, owner, {"body": f"{DRAFT_BODY}\n\n{uploads.markdown_for(draft_image)}"}
    )
    scheduled = posts.create_post(
        owner,
        title=SCHEDULED_TITLE,
        description="Platypus plans",
        body=f"{SCHEDULED_BODY}\n\n{uploads.markdown_for(scheduled_image)}",
        tags=[TAG, SCHEDULED_TAG],
        publish_at=utcnow() + timedelta(days=30),
    )
    owner_comment = comments.add_comment(published, owner, OWNER_COMMENT)
    other_comment = comments.add_comment(published, other, OTHER_COMMENT)
    social.favorite(fan, published)
    social.follow(fan, owner)
    page = pages.create_page(admin, title=PAGE_TITLE, body="What this is.", publish=True)
    draft_page = pages.create_page(admin, title=DRAFT_PAGE_TITLE, body="Soon: bilbies.")
    sessions.start(owner, browser="The owner's laptop")
    owner_sign_in = db.session.scalar(
        sa.select(SignIn.id).where(SignIn.user_id == owner.id).order_by(SignIn.id.desc())
    )
    [post_chunk] = sitemaps.chunks("posts", app.config["SITEMAP_URLS_PER_FILE"])

    names = {
        "owner": owner.username,
        "owner_id": owner.id,
        "other": other.username,
        "other_id": other.id,
        "admin": admin.username,
        "fan": fan.username,
        "published": published.slug,
        "published_id": published.id,
        "published_title": PUBLISHED_TITLE,
        "revision_id": _newest_revision(published.id),
        "draft": draft.slug,
        "draft_id": draft.id,
        "draft_version": drafts.version(draft),
        "draft_revision_id": _newest_revision(draft.id),
        "scheduled": scheduled.slug,
        "scheduled_id": scheduled.id,
        "comment_id": owner_comment.id,
        "other_comment_id": other_comment.id,
        "upload_key": public_image.key,
        "upload_name": uploads.original_name(public_image),
        "other_upload_key": other_image.key,
        "draft_upload_name": uploads.original_name(draft_image),
        "tag": TAG,
        "tag_id": db.session.scalar(sa.select(Tag.id).where(Tag.name == TAG)),
        "page": draft_page.slug,
        "page_id": draft_page.id,
        "published_page": page.slug,
        "sign_in_id": owner_sign_in,
        "year": published.published_at.year,
        "month": published.published_at.month,
        "sitemap": f"/sitemaps/posts-{post_chunk.first}-{post_chunk.last}.xml",
        "reset_token": password_reset.make_token(owner),
        "confirm_token": account_changes._confirmation_token(owner, NEW_EMAIL),
        "undo_token": account_changes._undo_token(owner, owner.email, NEW_EMAIL),
        "search_word": SEARCH_WORD,
        "passkey_id": owner_passkey,
        "code": "000000",
    }
    hidden_uploads = tuple(
        name
        for upload in (revision_image, draft_image, scheduled_image)
        for name in upload.variants
    )
    users = {
        ANONYMOUS: None,
        ANOTHER_USER: other,
        OWNER: owner,
        ADMIN: admin,
        DISABLED: disabled,
    }
    return World(app, users, fan, names, hidden_uploads, devices)


def enrol(app: Flask, user: User) -> tuple[Authenticator, int]:
    """A device holding a new passkey of ``user``'s, added as the settings add one; its id."""
    browser = app.test_client()
    sign_in_without_the_form(browser, user)
    device = Authenticator()
    options = browser.post("/settings/passkeys/options", json={"password": factories.PASSWORD})
    assert options.status_code == 200, options.json
    answer = browser.post("/settings/passkeys", json={"credential": device.create(options.json)})
    assert answer.status_code == 201, answer.json
    return device, answer.json["passkey"]["id"]


def _newest_revision(post_id: int) -> int:
    return db.session.scalar(
        sa.select(PostRevision.id)
        .where(PostRevision.post_id == post_id)
        .order_by(PostRevision.id.desc())
    )


# ---- Content of its own for a request allowed to change things --------------------------------


def new_post(world: World, kind: str) -> dict[str, object]:
    """A post of the owner's, ``kind`` "published", "draft" or "scheduled", named as the
    shared post of that kind is (``{draft}``, ``{draft_id}``, ``{draft_version}``)."""
    title = f"Disposable {kind} {world.unique()}"
    timing = {"publish": kind == "published"}
    if kind == "scheduled":
        timing = {"publish_at": utcnow() + timedelta(days=30)}
    post = posts.create_post(
        world.owner, title=title, description="To change", body="Text to change.", **timing
    )
    return {
        kind: post.slug,
        f"{kind}_id": post.id,
        f"{kind}_version": drafts.version(post),
        f"{kind}_title": title,
    }


def new_post_with_revision(world: World) -> dict[str, object]:
    """A published post of the owner's with one revision, named as the shared published post."""
    names = new_post(world, "published")
    post = db.session.get(Post, names["published_id"])
    posts.update_post(post, world.owner, {"body": "Text changed since."})
    return {**names, "revision_id": _newest_revision(post.id)}


def new_comment(world: World) -> dict[str, object]:
    """A comment of the owner's on the shared published post."""
    post = db.session.get(Post, world.names["published_id"])
    comment = comments.add_comment(post, world.owner, f"Disposable remark {world.unique()}")
    return {"comment_id": comment.id}


def new_upload(world: World) -> dict[str, object]:
    upload = uploads.save_upload(world.owner, image_file())
    return {"upload_key": upload.key, "upload_name": uploads.original_name(upload)}


def new_page(world: World) -> dict[str, object]:
    page = pages.create_page(
        world.users[ADMIN], title=f"Disposable page {world.unique()}", body="To change."
    )
    return {"page": page.slug, "page_id": page.id}


def new_tag(world: World) -> dict[str, object]:
    return {"tag_id": factories.TagFactory(name=f"disposable-{world.unique()}").id}


def new_account(world: World, role: str) -> dict[str, object]:
    """An account of its own acting for ``role`` (an admin's if ``role`` is the admin's), for a
    request that changes the account it is made with."""
    user = factories.UserFactory(username=f"acct-{world.unique()}", is_admin=role == ADMIN)
    return {"as": user, "me": user.username, "my_email": user.email}


def new_account_setting_up_two_factor(world: World, role: str) -> dict[str, object]:
    """An account whose authenticator app has read the secret: ``{code}`` turns TOTP on."""
    names = new_account(world, role)
    secret = two_factor.setup_secret(names["as"])
    return {**names, "code": pyotp.TOTP(secret).now()}


def new_account_with_two_factor(world: World, role: str) -> dict[str, object]:
    """An account with TOTP on; ``{code}`` is one of its recovery codes."""
    names = new_account_setting_up_two_factor(world, role)
    with world.app.test_request_context():  # the owner is told by mail, with links
        codes = two_factor.enable(names["as"], names["code"])
    return {**names, "code": codes[0]}


def new_owner_sign_in(world: World, role: str) -> dict[str, object]:
    """Another sign-in of the owner's, for the owner to end."""
    sessions.start(world.owner, browser="A phone")
    sign_in = db.session.scalar(
        sa.select(SignIn.id).where(SignIn.user_id == world.owner.id).order_by(SignIn.id.desc())
    )
    return {"sign_in_id": sign_in}


def new_owner_passkey(world: World, role: str) -> dict[str, object]:
    """Another passkey of the owner's, for the owner to rename or remove."""
    credential = secrets.token_bytes(32)
    passkey = Passkey(
        user_id=world.owner.id,
        credential_hash=passkeys.credential_hash(credential),
        credential_id=credential,
        public_key=b"unused",
        name=f"Spare key {world.unique()}",
    )
    db.session.add(passkey)
    db.session.commit()
    return {"passkey_id": passkey.id}


def new_user_to_promote(world: World, role: str) -> dict[str, object]:
    return {"other_id": factories.UserFactory(username=f"member-{world.unique()}").id}


def new_reset_link(world: World, role: str) -> dict[str, object]:
    """A reset link of an account of its own (who holds a link may use it)."""
    user = factories.UserFactory(username=f"forgetful-{world.unique()}")
    return {"reset_token": password_reset.make_token(user), "link_user_id": user.id}


def new_confirmation_link(world: World, role: str) -> dict[str, object]:
    user = factories.UserFactory(username=f"moving-{world.unique()}")
    new_email = f"{user.username}.new@example.com"
    return {
        "confirm_token": account_changes._confirmation_token(user, new_email),
        "link_user_id": user.id,
        "new_email": new_email,
    }


def new_undo_link(world: World, role: str) -> dict[str, object]:
    user = factories.UserFactory(username=f"moved-{world.unique()}")
    old_email = user.email
    user.email = f"{user.username}.thief@example.com"
    db.session.commit()
    return {
        "undo_token": account_changes._undo_token(user, old_email, user.email),
        "link_user_id": user.id,
        "old_email": old_email,
    }


# ---- What "nothing changed" means ----------------------------------------------------------


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: a refused request must leave them all as they were."""
    db.session.rollback()  # read what the requests committed, from a transaction of its own
    rows = {}
    for table in db.metadata.sorted_tables:
        rows[table.name] = sorted(
            (tuple(row) for row in db.session.execute(sa.select(table))), key=repr
        )
    db.session.rollback()
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]
