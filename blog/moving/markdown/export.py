"""The Markdown export: every post and page as a Markdown file with YAML front matter, with the
uploaded images it shows beside it, in a layout Hugo and Zola both build as it is.

::

    content/posts/_index.md               the posts' section
    content/posts/<slug>/index.md         a post (a leaf bundle in Hugo, a page with its
    content/posts/<slug>/<upload name>    assets beside it in Zola) and its images
    content/<page slug>/index.md          a page, at the top of the site as on the blog

A body is the Markdown its author wrote, with one change: the address of each of the blog's
uploads it shows or links to (``/uploads/<name>``, on this site's host or at
``UPLOAD_PUBLIC_URL``) becomes the file's name, the file being copied beside it, read through
whichever storage keeps uploads (:mod:`blog.uploads.storage`). Other addresses stay as they are.
An upload whose file the storage no longer holds keeps its address, and is reported.

Posts are read :data:`BATCH` at a time and written one by one, so a blog of any size is
exported in the memory of a few posts and one image. Drafts and posts scheduled for later are
exported too, marked ``draft`` (see :mod:`blog.moving.markdown.front_matter`); a draft's folder
is named from its title (its slug is private and random), with ``-2`` when taken.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.domain import uploads
from blog.domain.pages import SLUG_PATTERN
from blog.domain.slugs import base_slug, is_private_slug
from blog.extensions import db
from blog.models import Page, Post, User
from blog.moving.markdown.files import ExportFiles
from blog.moving.markdown.front_matter import POSTS_SECTION, document, page_fields, post_fields
from blog.moving.markdown.links import replace_destinations

POSTS_FOLDER = "content/posts"
PAGES_FOLDER = "content"
INDEX = "index.md"
BATCH = 100

Report = Callable[[str], None]


def _quiet(line: str) -> None:
    pass


@dataclass
class ExportSummary:
    posts: int = 0
    pages: int = 0
    images: int = 0
    missing_images: int = 0

    def __str__(self) -> str:
        counts = [(self.posts, "post"), (self.pages, "page"), (self.images, "image")]
        words = [f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counts]
        said = f"{words[0]}, {words[1]} and {words[2]}"
        if self.missing_images:
            said += f" ({self.missing_images} missing from the storage, left as links)"
        return said


class _Bundle:
    """One post's or page's folder: its ``index.md`` and each upload it names, copied once."""

    def __init__(self, files: ExportFiles, folder: str, summary: ExportSummary, report: Report):
        self.files, self.folder, self.summary, self.report = files, folder, summary, report
        self.copied: set[str] = set()
        self.missing: set[str] = set()

    def local(self, url: str) -> str | None:
        """The file name an address of ours becomes (the file copied beside the page), or None
        for an address to keep: someone else's, or an upload the storage doesn't hold."""
        name = uploads.name_in_url(url)
        if name is None or name in self.missing:
            return None
        if name not in self.copied:
            found = uploads.stored_file(name)
            if found is None:
                self.missing.add(name)
                self.summary.missing_images += 1
                self.report(
                    f"warning: {self.folder}/{INDEX} shows {url}, which the storage doesn't "
                    "hold: its address is left as it was"
                )
                return None
            self.write(name, found[0])
            self.summary.images += 1
            self.copied.add(name)
        return name

    def write(self, name: str, data: bytes) -> None:
        path = f"{self.folder}/{name}"
        self.files.write(path, data)
        self.report(path)


def _in_batches(statement: sa.Select, key: so.InstrumentedAttribute) -> Iterator:
    """The rows of ``statement`` in ``key`` order, read :data:`BATCH` at a time: no cursor
    stays open while a row is written (MariaDB's could not share the connection meanwhile)."""
    last = None
    while True:
        batch = statement.order_by(key).limit(BATCH)
        if last is not None:
            batch = batch.where(key > last)
        rows = db.session.scalars(batch).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = getattr(rows[-1], key.key)


def _folder_name(slug: str, title: str, taken: set[str], in_use: Callable[[str], bool]) -> str:
    """The slug, when it is public and a plain name; else one from the title that neither an
    exported slug (``in_use``) nor another name given so far (``taken``) holds."""
    if SLUG_PATTERN.fullmatch(slug) and not is_private_slug(slug):
        return slug
    base = base_slug(title)
    for number in itertools.count(1):
        candidate = base if number == 1 else f"{base}-{number}"
        if candidate not in taken and not in_use(candidate):
            taken.add(candidate)
            return candidate
    raise AssertionError("unreachable")


def _export_posts(files, author, summary: ExportSummary, report: Report) -> None:
    scope = [] if author is None else [Post.author_id == author.id]
    posts = sa.select(Post).where(*scope)
    posts = posts.options(
        so.selectinload(Post.post_tags), so.joinedload(Post.author), so.defer(Post.body_html)
    )
    taken: set[str] = set()

    def in_use(slug: str) -> bool:
        return db.session.scalar(sa.select(Post.id).where(Post.slug == slug, *scope)) is not None

    for post in _in_batches(posts, Post.id):
        name = _folder_name(post.slug, post.title, taken, in_use)
        bundle = _Bundle(files, f"{POSTS_FOLDER}/{name}", summary, report)
        body = replace_destinations(post.body, bundle.local)
        cover = post.cover_image and (bundle.local(post.cover_image) or post.cover_image)
        bundle.write(INDEX, document(post_fields(post, name, cover), body))
        summary.posts += 1


def _export_pages(files, summary: ExportSummary, report: Report) -> None:
    scope = sa.select(Page).options(so.joinedload(Page.author), so.defer(Page.body_html))
    taken = {POSTS_FOLDER.rsplit("/", 1)[1]}  # the posts' folder beside the pages

    def in_use(slug: str) -> bool:
        return db.session.scalar(sa.select(Page.id).where(Page.slug == slug)) is not None

    for page in _in_batches(scope, Page.id):
        name = _folder_name(page.slug, page.title, taken, in_use)
        bundle = _Bundle(files, f"{PAGES_FOLDER}/{name}", summary, report)
        body = replace_destinations(page.body, bundle.local)
        bundle.write(INDEX, document(page_fields(page, name), body))
        summary.pages += 1


def export(
    files: ExportFiles, *, author: User | None = None, report: Report = _quiet
) -> ExportSummary:
    """Write the export into ``files``: the whole blog, or with ``author`` that author's posts
    alone (drafts included; pages are the site's, not theirs). ``report`` is told each path
    written, and each image that couldn't be copied."""
    summary = ExportSummary()
    files.write(f"{POSTS_FOLDER}/_index.md", document(POSTS_SECTION, ""))
    report(f"{POSTS_FOLDER}/_index.md")
    _export_posts(files, author, summary, report)
    if author is None:
        _export_pages(files, summary, report)
    return summary
