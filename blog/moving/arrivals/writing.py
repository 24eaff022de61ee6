"""An :class:`Export` written into the blog, through the domain layer.

Posts go through :func:`blog.domain.posts.import_post`, pages through
:func:`blog.domain.pages.import_page` and comments through
:func:`blog.domain.comments.import_comment`: the blog's rules for slugs, tags, bodies, visibility
and sanitising apply, and the database keeps its counts. What the rules refuse is not carried,
and said why.

Each post or page is committed with its comments, its origin and its redirects: an import that
stops half way (the database away) keeps whole items, and running it again carries on, for a
second run writes nothing an earlier one wrote (:mod:`blog.moving.arrivals.origins`). An author is
matched by address or made once (:mod:`blog.moving.arrivals.accounts`).

A post whose slug another post has here gets the next free one (``slug-2``), as any post
would; every old address of a public post or page (Ghost's ``/slug/``, WordPress's
``/2013/01/11/slug/`` and ``/?p=12``) leads to its address here
(:mod:`blog.moving.arrivals.redirects`). Drafts get none: a draft's address here is private.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from blog.domain import comments, pages, posts, slugs, uploads
from blog.domain.errors import DomainError, ValidationError
from blog.domain.scheduling import SCHEDULE_AHEAD_MAX
from blog.domain.search.index import plain_text
from blog.domain.tags import clean_tag_list, normalize_tag
from blog.extensions import db
from blog.markdown import render_post
from blog.models import Page, Post, Tag, utcnow
from blog.models.post import DESCRIPTION_MAX, TAGS_PER_POST_MAX, TITLE_MAX
from blog.moving.arrivals import origins, redirects
from blog.moving.arrivals.accounts import Accounts
from blog.moving.arrivals.records import Comment, Entry, Export, Status
from blog.moving.arrivals.summary import Summary

EMPTY_BODY = "*This {kind} had no text on the old blog.*"
OPENING_MAX = 200
NO_EXCERPT = "had no excerpt: its description is the start of its text"
REPLY = ("comment reply", "kept in date order, saying whom it answers: comments here are flat")
NOT_PUBLIC = ("comment", "not carried: its post is not public here (a draft, or scheduled)")
TOO_MANY_TAGS = f"had more than {TAGS_PER_POST_MAX} tags: kept the first {TAGS_PER_POST_MAX}"
TOO_FAR_AHEAD = "scheduled further ahead than posts here may be: kept as a draft"
SLUG_TAKEN = "its address was taken here: given the next free one, which its old address leads to"
_MARKDOWN_SPECIALS = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~"})


def describe(error: DomainError) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{field} {'; '.join(m)}" for field, m in error.errors.items())
    return str(error)


def tag_name(raw: str) -> str:
    """The name a tag of the old blog has here: normalised as every tag is, a ``/`` (which no
    tag here holds: it would be a path) made a ``-``."""
    return normalize_tag(raw.replace("/", "-"))


def site_path(endpoint: str, **values: Any) -> str:
    """The path of one of this site's pages, outside any request."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _opening(body: str) -> str:
    """The start of a body's text, as a reader sees it: a description for a post that had
    none (the blog asks every post for one)."""
    return _shortened(" ".join(plain_text(render_post(body)).split()), OPENING_MAX)


class Arrival:
    def __init__(self, export: Export) -> None:
        self.export = export
        self.summary = Summary(export.source)
        self.summary.left_behind.update(export.left_behind)
        self.summary.changed.update(export.changed)
        self.accounts = Accounts(export, self.summary)
        self.carried_tags: set[str] = set()
        self.refused_tags: dict[str, str] = {}
        self.past_the_limit: set[str] = set()

    def run(self) -> Summary:
        names = {tag_name(term.name) for term in self.export.terms}
        names |= {tag_name(raw) for entry in self.export.entries for raw in entry.tags}
        tags_before = set(db.session.scalars(sa.select(Tag.name).where(Tag.name.in_(names))))
        for entry in self.export.entries:
            if entry.is_page:
                self._page(entry)
            else:
                self._post(entry)
            db.session.commit()
        self._account_for_tags(tags_before)
        self._account_for_authors()
        db.session.commit()
        return self.summary

    def _redirect(self, old_paths: list[str], target: str) -> None:
        for old_path in old_paths:
            written = redirects.add(old_path, target)
            if written is not None:
                (self.summary.new if written else self.summary.existing)["redirect"] += 1

    def _tags(self, entry: Entry) -> list[str]:
        names: list[str] = []
        for raw in entry.tags:
            name = tag_name(raw)
            try:
                clean_tag_list([name])
            except ValidationError as error:
                self.refused_tags[name] = describe(error)
                continue
            if name and name not in names:
                names.append(name)
        if len(names) > TAGS_PER_POST_MAX:
            self.summary.changed.add(entry.kind, TOO_MANY_TAGS)
            self.past_the_limit.update(names[TAGS_PER_POST_MAX:])
        return names[:TAGS_PER_POST_MAX]

    def _fields(self, entry: Entry) -> dict[str, Any]:
        title = entry.title
        if len(title) > TITLE_MAX:
            self.summary.changed.add(entry.kind, f"title shortened to {TITLE_MAX} characters")
            title = _shortened(title, TITLE_MAX)
        body = entry.body
        if not body.strip():
            self.summary.changed.add(entry.kind, "had no text: given a line saying so")
            body = EMPTY_BODY.format(kind=entry.kind)
        return {"title": title, "body": body}

    def _cover(self, entry: Entry) -> str | None:
        if entry.cover_image and entry.is_page:
            self.summary.left_behind.add("page's featured image", "not carried: pages have none")
            return None
        try:
            return uploads.clean_cover_image(entry.cover_image)
        except ValidationError as error:
            self.summary.left_behind.add("cover image", f"not carried: {describe(error)}")
            return None

    def _post(self, entry: Entry) -> None:
        written = origins.written(self.export.origin, "post", entry.key)
        if written is not None:
            self.summary.existing["post"] += 1
            self.accounts.author(entry.author_key)  # its profile's redirects, if not made yet
            post = db.session.get(Post, written)
            if post is not None:
                self.carried_tags.update(self._tags(entry))
                self._comments(entry, post)
            return
        author, fields = self.accounts.author(entry.author_key), self._fields(entry)
        description = entry.description
        if not description:
            self.summary.changed.add("post", NO_EXCERPT)
            description = _opening(fields["body"]) or fields["title"]
        if len(description) > DESCRIPTION_MAX:
            self.summary.changed.add("post", f"description shortened to {DESCRIPTION_MAX}")
            description = _shortened(description, DESCRIPTION_MAX)
        tags = self._tags(entry)
        cover = self._cover(entry)
        published_at = None if entry.status is Status.DRAFT else entry.published_at
        if published_at is not None and published_at > utcnow() + SCHEDULE_AHEAD_MAX:
            self.summary.changed.add("post", TOO_FAR_AHEAD)
            published_at = None
        try:
            with db.session.begin_nested():
                post = posts.import_post(
                    author,
                    **fields,
                    description=description,
                    tags=tags,
                    cover_image=cover,
                    slug=entry.slug,
                    published_at=published_at,
                    created_at=entry.created_at,
                    updated_at=entry.updated_at,
                )
        except DomainError as error:
            self.summary.left_behind.add("post", f"not carried: {describe(error)}")
            return
        origins.record(self.export.origin, "post", entry.key, post.id)
        self.summary.new["post"] += 1
        self.carried_tags.update(tags)
        if post.is_published and entry.slug and post.slug != slugs.base_slug(entry.slug):
            self.summary.changed.add("post", SLUG_TAKEN)
        if post.is_public:
            self._redirect(entry.old_paths, site_path("posts.show", slug=post.slug))
        self._comments(entry, post)

    def _page(self, entry: Entry) -> None:
        if origins.written(self.export.origin, "page", entry.key) is not None:
            self.summary.existing["page"] += 1
            self.accounts.author(entry.author_key)
            return
        self._cover(entry)
        author, fields = self.accounts.author(entry.author_key), self._fields(entry)
        try:
            with db.session.begin_nested():
                page = pages.import_page(
                    author,
                    **fields,
                    slug=entry.slug,
                    publish=entry.status is Status.PUBLISHED,
                    created_at=entry.created_at,
                    updated_at=entry.updated_at,
                )
        except DomainError as error:
            self.summary.left_behind.add("page", f"not carried: {describe(error)}")
            return
        origins.record(self.export.origin, "page", entry.key, page.id)
        self.summary.new["page"] += 1
        self._note_page_slug(entry, page)
        if page.is_published:
            self._redirect(entry.old_paths, site_path("pages.show", slug=page.slug))

    def _note_page_slug(self, entry: Entry, page: Page) -> None:
        wanted = pages.slug_from_title(entry.slug or page.title)
        if page.slug != wanted:
            self.summary.changed.add("page", SLUG_TAKEN)
        elif entry.slug and wanted != entry.slug:
            self.summary.changed.add(
                "page",
                "its address is one the site keeps, or not in Latin letters: given one made "
                "from it, which its old address leads to",
            )

    def _comments(self, entry: Entry, post: Post) -> None:
        for comment in entry.comments:
            if origins.written(self.export.origin, "comment", comment.key) is not None:
                self.summary.existing["comment"] += 1
            elif not comment.body.strip():
                self.summary.left_behind.add("comment", "not carried: it had no text")
            elif not post.is_public:
                self.summary.left_behind.add(*NOT_PUBLIC)
            else:
                self._comment(comment, post)

    def _comment(self, comment: Comment, post: Post) -> None:
        account, own = self.accounts.commenter(comment)
        try:
            with db.session.begin_nested():
                written = comments.import_comment(
                    post, account, comment_text(comment, own), comment.created_at
                )
        except DomainError as error:
            self.summary.left_behind.add("comment", f"not carried: {describe(error)}")
            return
        origins.record(self.export.origin, "comment", comment.key, written.id)
        self.summary.new["comment"] += 1
        if comment.in_reply_to:
            self.summary.changed.add(*REPLY)

    def _account_for_tags(self, tags_before: set[str]) -> None:
        """Every tag and category of the export: carried (new, or here already, or one of
        several named alike here), or not, and why."""
        carried_terms = 0
        for term in self.export.terms:
            name = tag_name(term.name)
            if name in self.carried_tags:
                carried_terms += 1
                self._redirect(term.old_paths, site_path("main.tag", name=name))
            elif name in self.refused_tags:
                self.summary.left_behind.add("tag", f"not carried: {self.refused_tags[name]}")
            elif name in self.past_the_limit:
                reason = f"not carried: only on posts with more than {TAGS_PER_POST_MAX} tags"
                self.summary.left_behind.add("tag", reason)
            else:
                self.summary.left_behind.add("tag", "not carried: no post carried here has it")
        named = {tag_name(term.name) for term in self.export.terms}
        merged = carried_terms - len(named & self.carried_tags)
        self.summary.changed.add("tag", "named alike here (tags are lower case): one tag", merged)
        self.summary.new["tag"] = len(self.carried_tags - tags_before)
        self.summary.existing["tag"] = len(self.carried_tags & tags_before)

    def _account_for_authors(self) -> None:
        for key, author in self.export.authors.items():
            if self.accounts.used(key):
                profile = site_path("users.profile", username=self.accounts.author(key).username)
                self._redirect(author.old_paths, profile)
            else:
                self.summary.left_behind.add(
                    "author", "no account made: nothing of theirs was carried over"
                )


def comment_text(comment: Comment, own: bool) -> str:
    """The comment's Markdown, opened by who wrote it when it is a reader's (the account it is
    under is not theirs) and by whom it answered when it was a reply."""
    who = comment.author_name.translate(_MARKDOWN_SPECIALS)
    to = (comment.in_reply_to or "").translate(_MARKDOWN_SPECIALS)
    if own:
        opening = f"*In reply to {to}:*" if to else ""
    else:
        opening = f"**{who}** wrote" + (f", in reply to {to}:" if to else ":")
    return f"{opening}\n\n{comment.body}" if opening else comment.body


def arrive(export: Export) -> Summary:
    """Write ``export`` into the blog; what it did, for the operator."""
    return Arrival(export).run()
