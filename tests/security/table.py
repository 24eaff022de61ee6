"""THE table: every route of the URL map, and what each role gets from it.

``TABLE`` maps a route's endpoint to its :class:`~tests.security.cells.Row`; a route that takes
several methods is keyed ``(endpoint, method)`` once per method (``("posts.edit", "POST")``).
The roles are :data:`tests.security.content.ROLES`: anonymous, another_user, owner, admin and
disabled. ``tests/security/test_authorization_matrix.py`` fails while a route of the URL map has
no entry here, and while an entry names a route that is gone.

Left out, and only these (:data:`STATIC_ENDPOINTS`): ``static``, and the static files of the
admin panel (``admin.static``) and of the API's documentation (``openapi.static``,
``swagger.static``). Each serves the files of a package folder to anyone, with no content, no
account and no permission to it: there is nothing to authorize, and the test checks that
each of them still is a ``<path:filename>`` route and nothing more.

Which content a route's path names is chosen so the row shows the rule that matters: the
scheduled post for the post page (its author and admins see it, no one else), the draft for
the editor (another user gets 404: it doesn't exist for them), the published post where another
user may see it but not change it (403). What an HTML route answers a disabled account's
session is what it answers an anonymous reader (the session signs in no one); the API answers a
disabled account's token 401 wherever it reads the token (:data:`BAD_TOKEN`).
"""

from __future__ import annotations

import sqlalchemy as sa

from blog.domain import site_settings, social, two_factor
from blog.domain.slugs import base_slug
from blog.extensions import db
from blog.models import (
    Comment,
    Page,
    Passkey,
    Post,
    SignIn,
    Tag,
    Upload,
    User,
    favorites,
    follows,
)
from tests.factories import PASSWORD
from tests.passkeys.authenticator import Authenticator
from tests.security import content
from tests.security.cells import SIGN_IN, Expect, Row, no, ok, to
from tests.security.content import (
    ADMIN,
    ANONYMOUS,
    ANOTHER_USER,
    DISABLED,
    DRAFT_PAGE_TITLE,
    DRAFT_TAG,
    DRAFT_TITLE,
    HIDDEN,
    NEW_EMAIL,
    OWNER,
    OWNER_COMMENT,
    PUBLISHED_TITLE,
    SCHEDULED_TAG,
    SCHEDULED_TITLE,
    TAG,
)

STATIC_ENDPOINTS = frozenset({"static", "admin.static", "openapi.static", "swagger.static"})

NEW_PASSWORD = "a brand new password 42"

BAD_TOKEN = Expect(401, has=('"token"', "is invalid"))
"""The API's answer to the token of a disabled account."""
NO_TOKEN = Expect(401, has=('"token"', "is missing"))


# ---- Rows by role --------------------------------------------------------------------------


def by_role(anonymous, another_user, owner, admin, disabled=None) -> dict[str, Expect]:
    """Each role's answer; a disabled account gets the anonymous reader's unless told."""
    return {
        ANONYMOUS: anonymous,
        ANOTHER_USER: another_user,
        OWNER: owner,
        ADMIN: admin,
        DISABLED: anonymous if disabled is None else disabled,
    }


def everyone(expect: Expect) -> dict[str, Expect]:
    return by_role(expect, expect, expect, expect)


def signed_in(expect: Expect, *, otherwise: Expect = SIGN_IN) -> dict[str, Expect]:
    return by_role(otherwise, expect, expect, expect)


def admins(expect: Expect) -> dict[str, Expect]:
    """The admin panel and the pages' list: sign in first, 403 for users who aren't admins."""
    return by_role(SIGN_IN, no(403), no(403), expect)


def api(anonymous, another_user, owner, admin, disabled=BAD_TOKEN) -> dict[str, Expect]:
    return by_role(anonymous, another_user, owner, admin, disabled)


def public_api(expect: Expect) -> dict[str, Expect]:
    return api(expect, expect, expect, expect)


def with_token(expect: Expect) -> dict[str, Expect]:
    return api(NO_TOKEN, expect, expect, expect)


DRAFT_FOLDER = f"posts/{base_slug(DRAFT_TITLE)}/"
"""Where the Markdown export puts the draft: its slug is private, so its folder is its title's."""

PUBLIC_LIST = ok(has=[PUBLISHED_TITLE], lacks=HIDDEN)
"""A list of posts: the published one, nothing of the draft's or the scheduled post's."""


# ---- What an allowed change must have done -------------------------------------------------


def _row(model, **where):
    return db.session.scalar(sa.select(model).filter_by(**where))


def _actor(names) -> User:
    return names.get("as") or _row(User, username=names["me"])


def _count(*where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(*where))


def gone(model, key: str, column: str = "id"):
    return lambda world, names: _row(model, **{column: names[key]}) is None


def post_titled(title: str):
    def check(world, names) -> bool:
        post = _row(Post, title=title.format(**names))
        return post is not None and post.author_id == _actor(names).id

    return check


def following(expected: bool):
    def check(world, names) -> bool:
        follower, owner = _actor(names), world.owner
        pair = (follows.c.follower_id == follower.id, follows.c.followed_id == owner.id)
        return _count(*pair) == int(expected)

    return check


def favorited(expected: bool):
    def check(world, names) -> bool:
        post_id = names["published_id"]
        pair = (favorites.c.user_id == _actor(names).id, favorites.c.post_id == post_id)
        return _count(*pair) == int(expected)

    return check


def comment_written(body: str):
    def check(world, names) -> bool:
        comment = _row(Comment, body=body.format(**names))
        return comment is not None and comment.author_id == _actor(names).id

    return check


def upload_made(world, names) -> bool:
    return _row(Upload, owner_id=_actor(names).id) is not None


def changed(model, key: str, check):
    """The row ``names[key]`` of ``model`` now passes ``check(row, names)``."""

    def done(world, names) -> bool:
        row = _row(model, id=names[key])
        db.session.refresh(row)
        return bool(check(row, names))

    return done


def account(check):
    """The account acting (or the one ``fresh`` made for it) now passes ``check``."""

    def done(world, names) -> bool:
        user = _actor(names)
        db.session.refresh(user)
        return bool(check(user, names))

    return done


def link_user(check):
    return changed(User, "link_user_id", check)


# ---- Content of its own for the roles allowed to change things -----------------------------


def new_post(kind: str):
    return lambda world, role: content.new_post(world, kind)


def new_comment(world, role):
    return content.new_comment(world)


def new_upload(world, role):
    return content.new_upload(world)


def new_page(world, role):
    return content.new_page(world)


def new_tag(world, role):
    return content.new_tag(world)


def new_post_with_revision(world, role):
    return content.new_post_with_revision(world)


def already_following(world, role):
    """So that unfollowing has something to undo (the owner can't follow themselves)."""
    if role != OWNER:
        social.follow(world.users[role], world.owner)
    return {}


def already_favorited(world, role):
    post = db.session.get(Post, world.names["published_id"])
    social.favorite(world.users[role], post)
    return {}


def passkey_options(client, names, role, world):
    """The registration options this browser is given, answered by a new device."""
    if names.get("as") is None:
        return {"credential": {}}
    options = client.post("/settings/passkeys/options", json={"password": PASSWORD})
    assert options.status_code == 200, options.json
    return {"credential": Authenticator().create(options.json)}


def passkey_sign_in(client, names, role, world):
    """The sign-in options this browser is given, answered by the device of a passkey: the
    disabled account's own, else the owner's."""
    options = client.post("/login/passkey/options")
    assert options.status_code == 200, options.json
    device = world.devices[DISABLED if role == DISABLED else OWNER]
    return {"credential": device.get(options.json)}


def _login(names, role):
    """Each signs in as themselves; an anonymous reader with the owner's password."""
    login = names["owner"] if role == ANONYMOUS else names["me"]
    return {"login": login, "password": PASSWORD}


def _api_login(names, role):
    email = f"{names['owner']}@example.com" if role == ANONYMOUS else names["my_email"]
    return {"user": {"email": email, "password": PASSWORD}}


# ---- The Flask-Admin model views: the same rules for each ----------------------------------

ADMIN_VIEWS = {
    # view: (the id its pages are shown with, what that record's details show)
    "users": ("{owner_id}", "{owner}"),
    "posts": ("{draft_id}", DRAFT_TITLE),
    "comments": ("{comment_id}", OWNER_COMMENT),
    "tags": ("{tag_id}", TAG),
}
ADMIN_DELETES = {
    # view: (what an admin deletes, the placeholder of its id, the model)
    "posts": (new_post("published"), "published_id", Post),
    "comments": (new_comment, "comment_id", Comment),
    "tags": (new_tag, "tag_id", Tag),
}
ADMIN_ACTIONS = {
    # view: (action, the placeholder of the row it acts on, content of its own, the check)
    "users": (
        "promote",
        "other_id",
        lambda world, role: content.new_user_to_promote(world, role),
        lambda world, names: _row(User, id=names["other_id"]).is_admin,
    ),
    "posts": (
        "unpublish",
        "published_id",
        new_post("published"),
        lambda world, names: not _row(Post, id=names["published_id"]).is_published,
    ),
    "comments": (
        "delete",
        "comment_id",
        new_comment,
        lambda world, names: _row(Comment, id=names["comment_id"]) is None,
    ),
    "tags": (
        "delete",
        "tag_id",
        new_tag,
        lambda world, names: _row(Tag, id=names["tag_id"]) is None,
    ),
}


def _admin_view_rows(view: str) -> dict:
    record, shown = ADMIN_VIEWS[view]
    base = f"/admin/{view}"
    editable = view == "tags"
    rows = {
        f"admin_{view}.index_view": Row(f"{base}/", admins(ok())),
        f"admin_{view}.details_view": Row(f"{base}/details/?id={record}", admins(ok(has=[shown]))),
        (f"admin_{view}.edit_view", "GET"): Row(
            f"{base}/edit/?id={record}", admins(ok(has=[shown]) if editable else no(404))
        ),
        (f"admin_{view}.create_view", "GET"): Row(f"{base}/new/", admins(no(404))),
        (f"admin_{view}.create_view", "POST"): Row(
            f"{base}/new/", admins(no(404)), send={"name": "made-{unique}", "title": "Made"}
        ),
        f"admin_{view}.ajax_lookup": Row(
            f"{base}/ajax/lookup/?name=author&query=o", admins(no(404))
        ),
        f"admin_{view}.ajax_update": Row(
            f"{base}/ajax/update/",
            admins(no(404)),
            send={"list_form_pk": record, "name": "changed", "title": "Changed"},
        ),
        f"admin_{view}.export": Row(f"{base}/export/csv/", admins(no(404))),
    }
    if editable:
        rows[f"admin_{view}.edit_view", "POST"] = Row(
            f"{base}/edit/?id={{tag_id}}",
            admins(to(f"{base}/", prefix=True)),
            send={"name": "renamed-{unique}"},
            fresh=new_tag,
            done=lambda world, names: (
                _row(Tag, id=names["tag_id"]).name == f"renamed-{names['unique']}"
            ),
        )
    else:
        rows[f"admin_{view}.edit_view", "POST"] = Row(
            f"{base}/edit/?id={record}", admins(no(404)), send={"name": "x", "title": "x"}
        )
    if view in ADMIN_DELETES:
        fresh, key, model = ADMIN_DELETES[view]
        rows[f"admin_{view}.delete_view"] = Row(
            f"{base}/delete/",
            admins(to(f"{base}/", prefix=True)),
            send={"id": f"{{{key}}}"},
            fresh=fresh,
            done=gone(model, key),
        )
    else:  # accounts are disabled, never deleted
        rows[f"admin_{view}.delete_view"] = Row(
            f"{base}/delete/", admins(no(404)), send={"id": record}
        )
    action, key, fresh, check = ADMIN_ACTIONS[view]
    rows[f"admin_{view}.action_view"] = Row(
        f"{base}/action/",
        admins(to(f"{base}/", prefix=True)),
        send={"action": action, "rowid": f"{{{key}}}"},
        fresh=fresh,
        done=check,
    )
    return rows


# ---- The table -----------------------------------------------------------------------------

TABLE: dict[str | tuple[str, str], Row] = {
    # Reading: lists of posts, tags, the archive
    "main.home": Row("/", everyone(PUBLIC_LIST)),
    "main.tags": Row("/tags", everyone(ok(has=[TAG], lacks=[DRAFT_TAG, SCHEDULED_TAG]))),
    "main.tag": Row("/tags/{tag}", everyone(PUBLIC_LIST)),
    "main.archive": Row("/archive", everyone(ok(has=["/archive/{year}/{month}"]))),
    "main.archive_month": Row("/archive/{year}/{month}", everyone(PUBLIC_LIST)),
    "main.feed": Row("/feed", signed_in(ok(lacks=HIDDEN))),
    "search.results": Row("/search?q={search_word}", everyone(PUBLIC_LIST)),
    "feeds.site": Row("/feed.atom", everyone(PUBLIC_LIST)),
    "feeds.tag": Row("/tags/{tag}/feed.rss", everyone(PUBLIC_LIST)),
    "feeds.author": Row("/@{owner}/feed.json", everyone(PUBLIC_LIST)),
    "seo.robots": Row("/robots.txt", everyone(ok(has=["Sitemap: "]))),
    "seo.sitemap_index": Row(  # the shared published post is the first public one
        "/sitemap.xml", everyone(ok(has=["/sitemaps/posts-{published_id}-"]))
    ),
    "seo.sitemap": Row(
        "{sitemap}",
        everyone(ok(has=["/posts/{published}<"], lacks=["/posts/{scheduled}", "/posts/{draft}"])),
    ),
    "health.healthz": Row("/healthz", everyone(ok(has=['"ok"']))),
    "health.readyz": Row("/readyz", everyone(ok(has=['"ready"']))),
    "theme.stylesheet": Row("/site.css", everyone(ok())),
    # Posts
    "posts.show": Row(
        "/posts/{scheduled}",
        by_role(
            no(404, lacks=HIDDEN),
            no(404, lacks=HIDDEN),
            ok(has=[SCHEDULED_TITLE]),
            ok(has=[SCHEDULED_TITLE]),
        ),
    ),
    ("posts.new", "GET"): Row("/write", signed_in(ok())),
    ("posts.new", "POST"): Row(
        "/write",
        signed_in(to("/posts/", prefix=True)),
        send={"title": "New post {unique}", "description": "d", "body": "b", "save_draft": "y"},
        done=post_titled("New post {unique}"),
    ),
    ("posts.edit", "GET"): Row(
        "/posts/{draft}/edit",
        by_role(SIGN_IN, no(404, lacks=HIDDEN), ok(has=[DRAFT_TITLE]), ok(has=[DRAFT_TITLE])),
    ),
    ("posts.edit", "POST"): Row(
        "/posts/{published}/edit",
        by_role(SIGN_IN, no(403), to("/posts/{published}"), to("/posts/{published}")),
        send={"title": "Edited {unique}", "description": "d", "body": "b", "publish": "y"},
        fresh=new_post("published"),
        done=lambda world, names: (
            _row(Post, id=names["published_id"]).title == f"Edited {names['unique']}"
        ),
    ),
    "posts.publish": Row(
        "/posts/{draft}/publish",
        by_role(SIGN_IN, no(404), to("/posts/", prefix=True), to("/posts/", prefix=True)),
        fresh=new_post("draft"),
        done=lambda world, names: _row(Post, id=names["draft_id"]).is_published,
    ),
    "posts.delete": Row(
        "/posts/{scheduled}/delete",
        by_role(SIGN_IN, no(404), to("/@{me}"), to("/@{me}")),
        fresh=new_post("scheduled"),
        done=gone(Post, "scheduled_id"),
    ),
    "posts.favorite": Row(
        "/posts/{published}/favorite",
        signed_in(to("/posts/{published}")),
        done=favorited(True),
    ),
    "posts.unfavorite": Row(
        "/posts/{published}/unfavorite",
        signed_in(to("/posts/{published}")),
        fresh=already_favorited,
        done=favorited(False),
    ),
    "posts.autosave": Row(
        "/posts/{draft}/autosave",
        by_role(no(401), no(404), ok(has=["updated_at"]), ok(has=["updated_at"])),
        send={
            "title": "Autosaved {unique}",
            "description": "d",
            "body": "b",
            "updated_at": "{draft_version}",
        },
        fresh=new_post("draft"),
        done=lambda world, names: (
            _row(Post, id=names["draft_id"]).title == f"Autosaved {names['unique']}"
        ),
    ),
    "posts.autosave_new": Row(
        "/write/autosave",
        signed_in(ok(201, has=["edit_url"]), otherwise=no(401)),
        send={"title": "Autosaved new {unique}", "description": "d", "body": "b"},
        done=post_titled("Autosaved new {unique}"),
    ),
    "posts.live_preview": Row(
        "/preview",
        signed_in(ok(has=["<strong>bold</strong>"]), otherwise=no(401)),
        send={"body": "**bold**"},
    ),
    "posts.editor_token": Row(
        "/editor/token", signed_in(ok(has=["csrf_token"]), otherwise=no(401))
    ),
    # Comments
    "comments.add": Row(
        "/posts/{published}/comments",
        signed_in(to("/posts/{published}#comment-", prefix=True)),
        send={"body": "Remark {unique}"},
        done=comment_written("Remark {unique}"),
    ),
    "comments.delete": Row(
        "/posts/{published}/comments/{comment_id}/delete",
        by_role(
            SIGN_IN, no(403), to("/posts/{published}#comments"), to("/posts/{published}#comments")
        ),
        fresh=new_comment,
        done=gone(Comment, "comment_id"),
    ),
    # Revisions
    "revisions.index": Row(
        "/posts/{published}/revisions",
        by_role(SIGN_IN, no(403, lacks=["quokka"]), ok(has=[PUBLISHED_TITLE]), ok()),
    ),
    "revisions.show": Row(
        "/posts/{draft}/revisions/{draft_revision_id}",
        by_role(SIGN_IN, no(404, lacks=HIDDEN), ok(has=["numbat"]), ok(has=["numbat"])),
    ),
    "revisions.restore": Row(
        "/posts/{published}/revisions/{revision_id}/restore",
        by_role(SIGN_IN, no(403), to("/posts/{published}"), to("/posts/{published}")),
        fresh=new_post_with_revision,
        done=lambda world, names: _row(Post, id=names["published_id"]).body == "Text to change.",
    ),
    # Uploads
    "uploads.serve": Row("/uploads/{upload_name}", everyone(ok())),
    "uploads.mine": Row(
        "/settings/images?everyone=1",
        by_role(
            SIGN_IN,
            ok(lacks=["{upload_key}"]),
            ok(has=["{upload_key}"], lacks=["{other_upload_key}"]),
            ok(has=["{upload_key}", "{other_upload_key}"]),
        ),
    ),
    "uploads.create": Row(
        "/uploads",
        signed_in(ok(201, has=["/uploads/"]), otherwise=no(401)),
        image=True,
        headers={"Accept": "application/json"},
        done=upload_made,
    ),
    "uploads.delete": Row(
        "/uploads/{upload_key}/delete",
        by_role(SIGN_IN, no(403), to("/settings/images"), to("/settings/images?everyone=1")),
        fresh=new_upload,
        done=gone(Upload, "upload_key", "key"),
    ),
    "uploads.avatar": Row(
        "/settings/avatar",
        signed_in(to("/settings")),
        image=True,
        fresh=content.new_account,
        done=account(lambda user, names: user.image_url and "/uploads/" in user.image_url),
    ),
    # Pages (the site's: admins write them)
    "pages.show": Row("/{page}", by_role(no(404), no(404), no(404), ok(has=[DRAFT_PAGE_TITLE]))),
    **{
        ("pages.not_writable", method): Row(
            "/{page}", by_role(no(404), no(404), no(404), no(405)), send={"title": "t"}
        )
        for method in ("DELETE", "PATCH", "POST", "PUT")
    },
    "pages.index": Row("/pages", admins(ok(has=[DRAFT_PAGE_TITLE]))),
    ("pages.new", "GET"): Row("/pages/new", admins(ok())),
    ("pages.new", "POST"): Row(
        "/pages/new",
        admins(to("/page-{unique}")),
        send={"title": "Page {unique}", "body": "b", "save_draft": "y"},
        done=lambda world, names: _row(Page, slug=f"page-{names['unique']}") is not None,
    ),
    ("pages.edit", "GET"): Row("/pages/{page}/edit", admins(ok(has=[DRAFT_PAGE_TITLE]))),
    ("pages.edit", "POST"): Row(
        "/pages/{page}/edit",
        admins(to("/{page}")),
        send={"title": "Edited page {unique}", "body": "Edited.", "save_draft": "y"},
        fresh=new_page,
        done=lambda world, names: (
            _row(Page, id=names["page_id"]).title == f"Edited page {names['unique']}"
        ),
    ),
    "pages.delete": Row(
        "/pages/{page}/delete", admins(to("/pages")), fresh=new_page, done=gone(Page, "page_id")
    ),
    # Profiles and following
    "users.profile": Row(
        "/@{owner}",
        by_role(
            PUBLIC_LIST,
            PUBLIC_LIST,
            ok(has=[PUBLISHED_TITLE, DRAFT_TITLE, SCHEDULED_TITLE]),
            PUBLIC_LIST,
        ),
    ),
    "users.favorites": Row("/@{fan}/favorites", everyone(PUBLIC_LIST)),
    "users.avatar": Row("/avatars/{owner}.svg", everyone(ok(has=["<svg"]))),
    "users.follow": Row(
        "/@{owner}/follow",
        by_role(SIGN_IN, to("/@{owner}"), to("/@{owner}", refused=True), to("/@{owner}")),
        done=following(True),
    ),
    "users.unfollow": Row(
        "/@{owner}/unfollow",
        signed_in(to("/@{owner}")),
        fresh=already_following,
        done=following(False),
    ),
    # The reader's own account
    ("users.settings", "GET"): Row("/settings", signed_in(ok(has=["{my_email}"]))),
    ("users.settings", "POST"): Row(
        "/settings",
        signed_in(to("/settings")),
        send={
            "profile-username": "{me}",
            "profile-email": "{my_email}",
            "profile-bio": "Bio {unique}",
            "profile-save_profile": "y",
        },
        fresh=content.new_account,
        done=account(lambda user, names: user.bio == f"Bio {names['unique']}"),
    ),
    "markdown_export.download": Row(  # a zip: the names of its files are plain text in it
        "/settings/export",
        by_role(
            SIGN_IN,
            ok(lacks=["posts/{published}/", *HIDDEN]),
            ok(has=["posts/{published}/", "posts/{scheduled}/", DRAFT_FOLDER, "{upload_name}"]),
            ok(lacks=["posts/{published}/", *HIDDEN]),
        ),
    ),
    ("security.two_factor_setup", "GET"): Row("/settings/two-factor", signed_in(ok())),
    ("security.two_factor_setup", "POST"): Row(
        "/settings/two-factor",
        signed_in(ok(has=["recovery"])),
        send={"code": "{code}"},
        fresh=content.new_account_setting_up_two_factor,
        done=account(lambda user, names: user.has_totp),
    ),
    "security.two_factor_disable": Row(
        "/settings/two-factor/disable",
        signed_in(to("/settings")),
        send={"password": PASSWORD, "code": "{code}"},
        fresh=content.new_account_with_two_factor,
        done=account(lambda user, names: not user.has_totp),
    ),
    "security.new_recovery_codes": Row(
        "/settings/two-factor/recovery-codes",
        signed_in(ok(has=["recovery"])),
        send={"password": PASSWORD, "code": "{code}"},
        fresh=content.new_account_with_two_factor,
        done=account(lambda user, names: two_factor.recovery_codes_left(user) == 10),
    ),
    "security.sign_out_one": Row(
        "/settings/sign-ins/{sign_in_id}/sign-out",
        by_role(
            SIGN_IN,
            to("/settings", refused=True),
            to("/settings"),
            to("/settings", refused=True),
        ),
        fresh=content.new_owner_sign_in,
        done=gone(SignIn, "sign_in_id"),
    ),
    "passkeys.registration_options": Row(
        "/settings/passkeys/options",
        signed_in(ok(has=["challenge"])),
        json=True,
        send={"password": PASSWORD},
    ),
    "passkeys.register": Row(
        "/settings/passkeys",
        signed_in(ok(201, has=["/settings"])),
        json=True,
        send=lambda names, role: {"credential": names["credential"]},
        fresh=content.new_account,
        prepare=passkey_options,
        done=lambda world, names: _count(Passkey.user_id == names["as"].id) == 1,
    ),
    "passkeys.rename": Row(
        "/settings/passkeys/{passkey_id}/rename",
        by_role(
            SIGN_IN,
            to("/settings", refused=True),
            to("/settings"),
            to("/settings", refused=True),
        ),
        send={"name": "Renamed {unique}"},
        fresh=content.new_owner_passkey,
        done=changed(
            Passkey, "passkey_id", lambda key, names: key.name == f"Renamed {names['unique']}"
        ),
    ),
    "passkeys.delete": Row(
        "/settings/passkeys/{passkey_id}/delete",
        by_role(
            SIGN_IN,
            to("/settings", refused=True),
            to("/settings"),
            to("/settings", refused=True),
        ),
        fresh=content.new_owner_passkey,
        done=gone(Passkey, "passkey_id"),
    ),
    "auth.sign_out_everywhere": Row(
        "/sign-out-everywhere",
        signed_in(to("/settings")),
        fresh=content.new_account,
        done=account(lambda user, names: user.signed_out_at is not None),
    ),
    # Signing in, up and out; links sent by mail (who holds one may use it)
    ("auth.login", "GET"): Row("/login", by_role(ok(), to("/"), to("/"), to("/"))),
    ("auth.login", "POST"): Row(
        "/login",
        by_role(
            to("/"),
            to("/", refused=True),
            to("/", refused=True),
            to("/", refused=True),
            disabled=no(422),
        ),
        send=_login,
    ),
    ("auth.register", "GET"): Row("/register", by_role(ok(), to("/"), to("/"), to("/"))),
    ("auth.register", "POST"): Row(
        "/register",
        by_role(to("/"), to("/", refused=True), to("/", refused=True), to("/", refused=True)),
        send={"username": "{unique}", "email": "{unique}@example.com", "password": NEW_PASSWORD},
        done=lambda world, names: _row(User, username=names["unique"]) is not None,
    ),
    "passkeys.sign_in_options": Row("/login/passkey/options", everyone(ok(has=["challenge"]))),
    "passkeys.sign_in_with_passkey": Row(
        "/login/passkey",
        by_role(
            ok(has=['"redirect"']),
            Expect(200, has=('"redirect"',), refused=True),
            Expect(200, has=('"redirect"',), refused=True),
            Expect(200, has=('"redirect"',), refused=True),
            disabled=no(403),
        ),
        json=True,
        send=lambda names, role: {"credential": names["credential"]},
        prepare=passkey_sign_in,
    ),
    ("auth.sign_in_code", "GET"): Row("/login/code", everyone(to("/login"))),
    ("auth.sign_in_code", "POST"): Row(
        "/login/code", everyone(to("/login", refused=True)), send={"code": "123456"}
    ),
    "auth.logout": Row("/logout", everyone(to("/"))),
    ("auth.forgot_password", "GET"): Row("/reset-password", everyone(ok())),
    ("auth.forgot_password", "POST"): Row(
        "/reset-password", everyone(to("/login")), send={"email": "{my_email}"}
    ),
    ("auth.reset_password", "GET"): Row(
        "/reset-password/{reset_token}", everyone(ok(has=["{owner}"]))
    ),
    ("auth.reset_password", "POST"): Row(
        "/reset-password/{reset_token}",
        everyone(to("/")),
        send={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        fresh=content.new_reset_link,
        done=link_user(lambda user, names: user.check_password(NEW_PASSWORD)),
    ),
    ("account.confirm_email", "GET"): Row(
        "/email/confirm/{confirm_token}", everyone(ok(has=[NEW_EMAIL]))
    ),
    ("account.confirm_email", "POST"): Row(
        "/email/confirm/{confirm_token}",
        everyone(to("/")),
        send={"submit": "y"},
        fresh=content.new_confirmation_link,
        done=link_user(lambda user, names: user.email == names["new_email"]),
    ),
    ("account.undo_email_change", "GET"): Row(
        "/email/undo/{undo_token}", everyone(ok(has=[NEW_EMAIL]))
    ),
    ("account.undo_email_change", "POST"): Row(
        "/email/undo/{undo_token}",
        everyone(to("/login")),
        send={"submit": "y"},
        fresh=content.new_undo_link,
        done=link_user(lambda user, names: user.email == names["old_email"]),
    ),
    # The admin panel
    "admin.index": Row("/admin/", admins(ok(has=["Drafts"]))),
    **_admin_view_rows("users"),
    **_admin_view_rows("posts"),
    **_admin_view_rows("comments"),
    **_admin_view_rows("tags"),
    ("admin_settings.index", "GET"): Row("/admin/settings/", admins(ok())),
    ("admin_settings.index", "POST"): Row(
        "/admin/settings/",
        admins(to("/admin/settings/")),
        send={"title": "Matrix blog {unique}", "description": "About things", "show_hero": "y"},
        done=lambda world, names: site_settings.current().title == f"Matrix blog {names['unique']}",
    ),
    ("admin_archive.index", "GET"): Row(
        "/admin/archive/", admins(ok(has=["Download the archive"]))
    ),
    ("admin_archive.index", "POST"): Row(  # the whole blog, password hashes and all
        "/admin/archive/", admins(ok(has=["manifest.json", "tables/users.jsonl"]))
    ),
    # The API: a token says who asks
    "api.list_articles": Row("/api/articles?author={owner}&limit=100", public_api(PUBLIC_LIST)),
    "api.feed": Row("/api/articles/feed", with_token(ok(lacks=HIDDEN))),
    "api.get_article": Row(
        "/api/articles/{scheduled}",
        api(no(404), no(404), ok(has=[SCHEDULED_TITLE]), no(404)),
    ),
    "api.create_article": Row(
        "/api/articles",
        with_token(ok(201)),
        json=True,
        send={"article": {"title": "API post {unique}", "description": "d", "body": "b"}},
        done=post_titled("API post {unique}"),
    ),
    "api.update_article": Row(
        "/api/articles/{published}",
        api(NO_TOKEN, no(403), ok(has=["API edit {unique}"]), ok(has=["API edit {unique}"])),
        json=True,
        send={"article": {"title": "API edit {unique}"}},
        fresh=new_post("published"),
        done=lambda world, names: (
            _row(Post, id=names["published_id"]).title == f"API edit {names['unique']}"
        ),
    ),
    "api.delete_article": Row(
        "/api/articles/{published}",
        api(NO_TOKEN, no(403), ok(204), ok(204)),
        fresh=new_post("published"),
        done=gone(Post, "published_id"),
    ),
    "api.list_comments": Row(
        "/api/articles/{published}/comments", public_api(ok(has=[OWNER_COMMENT]))
    ),
    "api.add_comment": Row(
        "/api/articles/{published}/comments",
        with_token(ok(201)),
        json=True,
        send={"comment": {"body": "API remark {unique}"}},
        done=comment_written("API remark {unique}"),
    ),
    "api.delete_comment": Row(
        "/api/articles/{published}/comments/{comment_id}",
        api(NO_TOKEN, no(403), ok(204), ok(204)),
        fresh=new_comment,
        done=gone(Comment, "comment_id"),
    ),
    "api.favorite": Row(
        "/api/articles/{published}/favorite", with_token(ok()), done=favorited(True)
    ),
    "api.unfavorite": Row(
        "/api/articles/{published}/favorite",
        with_token(ok()),
        fresh=already_favorited,
        done=favorited(False),
    ),
    "api.get_profile": Row("/api/profiles/{owner}", public_api(ok(has=["{owner}"]))),
    "api.follow": Row(
        "/api/profiles/{owner}/follow",
        api(NO_TOKEN, ok(), no(422), ok()),
        done=following(True),
    ),
    "api.unfollow": Row(
        "/api/profiles/{owner}/follow",
        with_token(ok()),
        fresh=already_following,
        done=following(False),
    ),
    "api.tags": Row(  # reads no token: a disabled account's is as good as none
        "/api/tags", everyone(ok(has=[TAG], lacks=[DRAFT_TAG, SCHEDULED_TAG]))
    ),
    "api.upload_image": Row("/api/uploads", with_token(ok(201)), image=True, done=upload_made),
    "api.current_user": Row("/api/user", with_token(ok(has=["{my_email}"]))),
    "api.update_user": Row(
        "/api/user",
        with_token(ok(has=["API bio {unique}"])),
        json=True,
        send={"user": {"bio": "API bio {unique}"}},
        fresh=content.new_account,
        done=account(lambda user, names: user.bio == f"API bio {names['unique']}"),
    ),
    "api.register": Row(
        "/api/users",
        everyone(ok(201)),  # reads no token
        json=True,
        send={
            "user": {
                "username": "{unique}",
                "email": "{unique}@example.com",
                "password": NEW_PASSWORD,
            }
        },
        done=lambda world, names: _row(User, username=names["unique"]) is not None,
    ),
    "api.login": Row(
        "/api/users/login",
        api(ok(has=['"token"']), ok(), ok(), ok(), disabled=no(403)),
        json=True,
        send=_api_login,
    ),
    # The API's documentation
    "openapi.openapi": Row("/api/", everyone(ok())),
    "openapi.doc_url": Row("/api/openapi.json", everyone(ok(has=['"openapi"']))),
    "api_docs": Row("/api/docs", everyone(to("/api/swagger"))),
    "swagger.swagger": Row("/api/swagger", everyone(ok())),
    "swagger.oauth2-redirect": Row("/api/oauth2-redirect.html", everyone(ok())),
}
