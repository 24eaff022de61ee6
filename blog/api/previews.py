"""The API's lists of articles, each preview kept at the content version.

A preview is the same for every reader but for two flags: whether they favorited the article and
whether they follow its author. So previews are kept without them, per article, in each process
(:func:`blog.caching.remember_each`), and a page of kept previews reads its ids and, for a reader
with a token, those two flags: no article, author, tag or count.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import jsonify

from blog import caching
from blog.api import schemas, shapes
from blog.api.tokens import api_user
from blog.domain import lists
from blog.domain.lists import PostList
from blog.domain.stats import favorited_post_ids, followed_author_ids


@dataclasses.dataclass(frozen=True)
class Preview:
    author_id: int
    fields: dict[str, Any]
    """The preview as JSON, both flags false."""


def article_list(posts: PostList, offset: int, limit: int):
    """The ``ArticlesResponse`` of ``limit`` of ``posts`` from ``offset`` on, for the reader."""
    reader = api_user()
    ids, total = lists.window_ids(posts, offset, limit)
    favorited: set[int] = set()
    following: set[int] = set()
    built: set[int] = set()

    def build(post_ids: list[int]) -> dict[int, Preview]:
        # Loaded with the reader's flags, which the previews leave out: no statement for them.
        loaded = lists.load_cards(post_ids, reader)
        favorited.update(post.id for post in loaded if post.stats.favorited)
        following.update(post.author_id for post in loaded if post.stats.following_author)
        built.update(post_ids)
        return {post.id: _preview(post) for post in loaded}

    previews = caching.remember_each("preview", ids, build)
    shown = [(post_id, previews[post_id]) for post_id in ids if post_id in previews]
    if reader is not None:
        kept = [(post_id, preview) for post_id, preview in shown if post_id not in built]
        favorited |= favorited_post_ids(reader, [post_id for post_id, _ in kept])
        following |= followed_author_ids(reader, {preview.author_id for _, preview in kept})
    articles = [
        _for_reader(preview, post_id in favorited, preview.author_id in following)
        for post_id, preview in shown
    ]
    return jsonify({"articles": articles, "articlesCount": total})


def _preview(post) -> Preview:
    unflagged = dataclasses.replace(post.stats, favorited=False, following_author=False)
    fields = schemas.ArticlePreview(**shapes.article_fields(post, unflagged))
    return Preview(post.author_id, fields.model_dump(mode="json"))


def _for_reader(preview: Preview, favorited: bool, following: bool) -> dict[str, Any]:
    fields = preview.fields
    if not (favorited or following):
        return fields
    return {
        **fields,
        "favorited": favorited,
        "author": {**fields["author"], "following": following},
    }
