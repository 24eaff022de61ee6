"""The YAML front matter of an exported post or page, written so Hugo and Zola both read it.

Each field is named as each reader looks for it; where they differ, both names are written
(``lastmod`` for Hugo and ``updated`` for Zola, ``tags`` and ``taxonomies.tags``, ``author`` and
``authors``, ``images`` and ``extra.cover_image``): a reader ignores the names it doesn't know.
See ``docs/moving.md`` for the table.

The YAML is PyYAML's safe dumper with two changes, both for the readers' sake:

- a time is written as ISO 8601 with ``T`` and its offset (``2024-05-01T09:30:00+00:00``), a
  YAML timestamp, rather than PyYAML's space-separated form;
- a text holding a line break or ``---`` is written in double quotes on one line. Zola finds
  the end of the front matter as the first ``---`` that ends a line, anywhere; a title ending
  in ``---``, or a description with a line of dashes, would otherwise end it early.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import yaml

from blog.models import Page, Post

FENCE = "---\n"
LINE_BREAKS = "\n\r\x85\u2028\u2029"
POSTS_SECTION = {"title": "Posts", "sort_by": "date"}
"""``content/posts/_index.md``: a section sorted by date for Zola (whose section front matter
takes no field it doesn't know), a branch bundle with a title for Hugo."""


class FrontMatterDumper(yaml.SafeDumper):
    """:class:`yaml.SafeDumper`, with times and texts written as the module docstring says,
    and never an alias (``&id001``): a value written twice is spelt out twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    quoted = "---" in value or any(mark in value for mark in LINE_BREAKS)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if quoted else None)


def _moment(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


FrontMatterDumper.add_representer(str, _text)
FrontMatterDumper.add_representer(datetime, _moment)


def document(fields: dict[str, Any], body: str) -> bytes:
    """A Markdown file: the front matter between ``---`` fences, a blank line, the body."""
    header = yaml.dump(
        fields,
        Dumper=FrontMatterDumper,
        allow_unicode=True,
        sort_keys=False,
        width=float("inf"),
    )
    text = f"{FENCE}{header}{FENCE}"
    if body:
        text += f"\n{body}" + ("" if body.endswith("\n") else "\n")
    return text.encode()


def moment(value: datetime | None) -> datetime | None:
    """A stored time as exported: to the second (readers show no less, and sort the same)."""
    return value.replace(microsecond=0) if value is not None else None


def post_fields(post: Post, slug: str, cover: str | None) -> dict[str, Any]:
    """What a post's front matter says. ``slug`` is its folder's name (a draft's private slug
    isn't one a reader should see), ``cover`` its cover as the export names it (a file beside
    it, or the address it had). A draft and a post scheduled for later are both ``draft``: no
    reader builds either unless asked to, and a scheduled one keeps its date."""
    fields: dict[str, Any] = {"title": post.title, "slug": slug}
    if post.published_at is not None:
        fields["date"] = moment(post.published_at)
    fields["lastmod"] = fields["updated"] = moment(post.updated_at)
    tags = post.tag_names
    fields.update(
        draft=not post.is_public,
        description=post.description,
        author=post.author.username,
        authors=[post.author.username],
        tags=tags,
        taxonomies={"tags": list(tags)},
    )
    if cover:
        fields["images"] = [cover]
        fields["extra"] = {"cover_image": cover}
    return fields


def page_fields(page: Page, slug: str) -> dict[str, Any]:
    """What a page's front matter says: no date (the blog dates no page), and for a page in the
    site's navigation Hugo's ``menus`` and a ``weight`` both readers order by."""
    fields: dict[str, Any] = {"title": page.title, "slug": slug}
    fields["lastmod"] = fields["updated"] = moment(page.updated_at)
    fields["draft"] = not page.is_published
    if page.author is not None:
        fields.update(author=page.author.username, authors=[page.author.username])
    if page.in_navigation:
        fields.update(menus=["main"], weight=page.navigation_position)
    return fields
