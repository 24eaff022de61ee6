"""Post cards, the entries of every list page, kept as HTML between requests.

A card is the same for every reader but for its favorite control, which is a form for a
signed-in reader (their own flag, their CSRF token). So each card is rendered once per content
version (:mod:`blog.caching`), around a slot for that control, and kept in the process: a page
whose cards are all kept reads no post, author, tag or count, and renders only the controls.
The key carries the version, so a kept card is never stale, on any instance: any write (a
favorite, a comment, an edited profile) renders every card anew when next shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask import Flask, current_app, render_template
from flask_login import current_user
from markupsafe import Markup

from blog import caching
from blog.domain import queries
from blog.domain.queries import PostPage
from blog.domain.stats import PostStats, favorited_post_ids

KEPT = "blog.post_cards"
"""The app's ``extensions`` key of its kept cards (None when caching is off)."""
KEPT_CARDS = 2_000
"""About a hundred pages' worth: a few megabytes a process."""
SLOT = Markup("<!--favorite-control-->")
END = Markup("<!--end-of-card-->")


@dataclass(frozen=True)
class Favorable:
    """What a favorite control shows of its post, for a template's ``favorite_button``."""

    slug: str
    title: str
    is_public: bool
    stats: PostStats


@dataclass(frozen=True)
class Card:
    before: Markup
    after: Markup
    anonymous: Markup
    """The whole card as a reader who isn't signed in sees it."""
    post: Favorable


def post_cards(page: PostPage) -> Markup:
    """The cards of ``page``'s posts, in order, for the current reader."""
    version = caching.current_content_version()
    kept = current_app.extensions[KEPT] if version is not None else None
    cards = {}
    if kept is not None:
        for post_id in page.ids:
            card = kept.get(f"{post_id}@{version}")
            if card is not None:
                cards[post_id] = card
    missing = [post_id for post_id in page.ids if post_id not in cards]
    favorited = set()
    if missing:
        posts = queries.load_cards(missing, current_user)
        favorited = {post.id for post in posts if post.stats.favorited}
        for post_id, card in _render(posts).items():
            cards[post_id] = card
            if kept is not None:
                kept.set(f"{post_id}@{version}", card)
    shown = [(post_id, cards[post_id]) for post_id in page.ids if post_id in cards]
    if not current_user.is_authenticated:
        return Markup("").join(card.anonymous for _, card in shown)
    favorited |= favorited_post_ids(current_user, [p for p in page.ids if p not in missing])
    controls = [
        (card, _favorited(card.post) if post_id in favorited else card.post)
        for post_id, card in shown
    ]
    return _rendered("posts/cards.html", cards=controls)


def _favorited(post: Favorable) -> Favorable:
    return dataclasses.replace(post, stats=dataclasses.replace(post.stats, favorited=True))


def _render(posts) -> dict[int, Card]:
    """Each post's card, rendered for everyone (counts, no viewer's flag), in one template."""
    html = _rendered("posts/shared_cards.html", posts=posts, slot=SLOT, end=END)
    cards = {}
    for post, part in zip(posts, html.split(END), strict=False):
        before, static, after = part.split(SLOT)
        stats = dataclasses.replace(post.stats, favorited=False, following_author=False)
        favorable = Favorable(post.slug, post.title, post.is_public, stats)
        cards[post.id] = Card(before, after, before + static + after, favorable)
    return cards


def _rendered(template: str, **context) -> Markup:
    """A template's output, escaped by it already, to go into another template as it is."""
    return Markup(render_template(template, **context))  # nosec B704


def init_app(app: Flask) -> None:
    off = app.extensions.get(caching.NEAR) is None
    app.extensions[KEPT] = None if off else caching.NearCache(KEPT_CARDS)
    app.add_template_global(post_cards)
