"""Post cards, the entries of every list page, kept as HTML between requests.

A card is the same for every reader but for its favorite control, which is a form for a
signed-in reader (their own flag, their CSRF token). So each card is rendered once per content
version (:mod:`blog.caching`), around a slot for that control, and kept in the process: a page
whose cards are all kept reads no post, author, tag or count (:func:`blog.caching.remember_each`),
and renders only the controls.
The key carries the version, so a kept card is never stale, on any instance: any write (a
favorite, a comment, an edited profile) renders every card anew when next shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask import Flask, render_template
from flask_login import current_user
from markupsafe import Markup

from blog import caching
from blog.domain import lists
from blog.domain.lists import PostPage
from blog.domain.stats import PostStats, favorited_post_ids
from blog.models import Post

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
    favorited: set[int] = set()
    rendered: set[int] = set()

    def render(post_ids: list[int]) -> dict[int, Card]:
        # Loaded with the reader's flags, which the cards leave out: no statement for them.
        posts = lists.load_cards(post_ids, current_user)
        favorited.update(post.id for post in posts if post.stats.favorited)
        rendered.update(post_ids)
        return _render(posts)

    cards = caching.remember_each("card", page.ids, render)
    shown = [(post_id, cards[post_id]) for post_id in page.ids if post_id in cards]
    if not current_user.is_authenticated:
        return Markup("").join(card.anonymous for _, card in shown)
    kept = [post_id for post_id, _ in shown if post_id not in rendered]
    favorited |= favorited_post_ids(current_user, kept)
    controls = [
        (card, _favorited(card.post) if post_id in favorited else card.post)
        for post_id, card in shown
    ]
    return _rendered("posts/cards.html", cards=controls)


def _favorited(post: Favorable) -> Favorable:
    return dataclasses.replace(post, stats=dataclasses.replace(post.stats, favorited=True))


def _render(posts: list[Post]) -> dict[int, Card]:
    """Each post's card, rendered for everyone (counts, no reader's flag), in one template."""
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
    app.add_template_global(post_cards)
