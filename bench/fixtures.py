"""What each endpoint asks for on a dataset (a tag, a post, an author, a reader), picked once
when the dataset is built, by plain SQL both databases read alike."""

from __future__ import annotations

from collections.abc import Callable

SEARCH_WORDS = "water"
"""A common word (in about one post in eight): search ranks every match, so this is the real
cost of a search, not the cost of a miss."""

FEED_FOLLOWS = 20
"""The signed-in reader follows about this many authors (the one closest to it)."""

QUERIES = {
    "published": "SELECT count(*) FROM posts WHERE status = 'published'",
    "tag": (
        "SELECT t.name, count(*) FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
        "JOIN posts p ON p.id = pt.post_id WHERE p.status = 'published' "
        "GROUP BY t.name ORDER BY count(*) DESC, t.name LIMIT 1"
    ),
    "discussed": (
        "SELECT p.slug FROM posts p JOIN (SELECT post_id, count(*) AS n FROM comments "
        "GROUP BY post_id) c ON c.post_id = p.id WHERE c.n = 50 AND p.status = 'published' "
        "ORDER BY p.id LIMIT 1"
    ),
    "author": (
        "SELECT u.username, count(*) FROM posts p JOIN users u ON u.id = p.author_id "
        "WHERE p.status = 'published' GROUP BY u.username ORDER BY count(*) DESC, u.username "
        "LIMIT 1"
    ),
    "readers": (
        "SELECT u.username, count(*) FROM follows f JOIN users u ON u.id = f.follower_id "
        "WHERE u.username LIKE 'demo%' GROUP BY u.username"
    ),
}


def find_fixtures(query: Callable[[str], list[tuple]]) -> dict:
    """The fixtures of the dataset ``query`` reads; fails when one is missing (a dataset
    without a post with 50 comments can't be benchmarked as the issue asks)."""
    published = query(QUERIES["published"])[0][0]
    tag, tagged = query(QUERIES["tag"])[0]
    discussed = query(QUERIES["discussed"])
    author, written = query(QUERIES["author"])[0]
    readers = query(QUERIES["readers"])
    if not discussed or not readers:
        raise RuntimeError(
            "the dataset has no post with 50 comments, or no reader following anyone"
        )
    reader, follows = min(readers, key=lambda row: (abs(row[1] - FEED_FOLLOWS), row[0]))
    return {
        "published": published,
        "tag": tag,
        "tag_posts": tagged,
        "discussed_slug": discussed[0][0],
        "author": author,
        "author_posts": written,
        "reader": reader,
        "reader_follows": follows,
        "search": SEARCH_WORDS,
    }
