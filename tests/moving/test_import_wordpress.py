"""``flask blog import-wordpress`` on WordPress's theme unit test data (a real WXR 1.2 export):
every item, author, term and comment of it is accounted for, a few posts are checked field by
field, old addresses redirect, a second run writes nothing, and a hostile or broken file is
refused with nothing written.

The blog it is imported into already has an account with the address of one of the file's
authors (in other capitals), and a post holding one of the file's slugs. The clock stands at
the start of 2026, so the file's post scheduled for 2030 is still to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from click.testing import Result

from blog.domain import password_reset
from blog.domain.slugs import is_private_slug
from blog.extensions import db
from blog.models import Comment, Page, Post, PostStatus, Redirect, User
from blog.models.types import Clock
from blog.moving.arrivals import redirects
from blog.moving.arrivals.wordpress import read_wordpress
from tests.factories import PostFactory, UserFactory
from tests.moving.samples import (
    UNSAFE,
    WORDPRESS_SAMPLE,
    blog_of_its_own,
    counted,
    row_counts,
    run,
    section,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PING = ("pingback or trackback", "not carried: a notice from another site, not a reader's comment")
STRAY_CREATOR = (
    "post author (dc:creator)",
    "'>themereviewteam' matched the login 'themereviewteam' once its stray characters were removed",
)
DEMOS_EMAIL = "ThemeShaperWP+Demos@Gmail.COM"


@dataclass
class Imported:
    first: Result
    second: Result
    after_first: dict[str, int]
    after_second: dict[str, int]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    Clock.fixed = NOW
    try:
        with blog_of_its_own("import_wordpress", tmp_path_factory.mktemp("wordpress")) as app:
            UserFactory(username="demos", email=DEMOS_EMAIL)
            PostFactory(slug="template-sticky", author=UserFactory(username="someone"))
            first = run(app, "import-wordpress", str(WORDPRESS_SAMPLE))
            after_first = row_counts()
            second = run(app, "import-wordpress", str(WORDPRESS_SAMPLE))
            yield app, Imported(first, second, after_first, row_counts())
    finally:
        Clock.fixed = None


@pytest.fixture
def result(imported) -> Imported:
    return imported[1]


@pytest.fixture
def client(imported):
    return imported[0].test_client()


def _post(slug: str) -> Post:
    return db.session.scalar(sa.select(Post).where(Post.slug == slug))


def _page(slug: str) -> Page:
    return db.session.scalar(sa.select(Page).where(Page.slug == slug))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_reader_finds_every_item_author_and_term_of_the_file():
    export = read_wordpress(WORDPRESS_SAMPLE.read_bytes())
    kinds = [(entry.kind, entry.status.value) for entry in export.entries]
    assert kinds.count(("post", "published")) == 55  # 56, less the password-protected one
    assert kinds.count(("post", "draft")) == 2  # the draft and the password-protected post
    assert kinds.count(("post", "scheduled")) == 1
    assert kinds.count(("page", "published")) == 21
    assert sorted(export.authors) == ["themedemos", "themereviewteam"]
    # 68 categories and 110 tags declared, and 4 tags posts name without declaring them
    assert len(export.terms) == 68 + 110 + 4
    paths = {path for term in export.terms for path in term.old_paths}
    assert "/category/parent-category/child-category-03/grandchild-category/" in paths
    assert counted(dict(export.left_behind), "attachment") == 37
    assert counted(dict(export.left_behind), "menu item") == 70
    assert counted(dict(export.left_behind), "menu") == 6


def test_every_post_page_author_and_comment_is_accounted_for(result):
    output = result.first.output
    assert result.first.exit_code == 0, output
    assert "  posts: 58 new, 0 imported before" in output
    assert "  pages: 21 new, 0 imported before" in output
    assert "  authors' accounts: 1 new, 1 existing accounts matched by e-mail" in output
    assert "  comments: 21 new, 0 imported before" in output
    assert "  tags: 62 new, 0 here already" in output
    left = section(output, "Not carried over")
    # 186 items: 58 posts and 21 pages carried, 37 attachments and 70 menu items not
    assert counted(left, "attachment") == 37 and counted(left, "menu item") == 70
    # 33 comments: 21 carried; 4 pings, 3 unapproved, 3 on pages, 1 on the protected post
    # (a draft here), 1 longer than comments here may be
    assert left[PING] == 4
    assert (
        left[("comment", "not carried: it was not approved on the old blog (held, or spam)")] == 3
    )
    assert left[("comment on a page", "not carried: pages here take no comments")] == 3
    assert (
        left[("comment", "not carried: its post is not public here (a draft, or scheduled)")] == 1
    )
    assert left[("comment", "not carried: body is too long (maximum is 5000 characters)")] == 1
    assert (
        counted(left, "pingback or trackback")
        + counted(left, "comment")
        + counted(left, "comment on a page")
        + 21
        == 33
    )
    # 182 terms: 62 tags, 6 more named alike, 52 on no post, 62 only past a post's tenth tag
    changed = section(output, "Carried over changed")
    assert changed[("tag", "named alike here (tags are lower case): one tag")] == 6
    assert left[("tag", "not carried: no post carried here has it")] == 52
    assert left[("tag", "not carried: only on posts with more than 10 tags")] == 62
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 21
    assert db.session.scalar(sa.select(sa.func.count(Page.id))) == 21


def test_the_posts_keep_their_status(result):
    imported = sa.select(Post).where(Post.slug != "template-sticky")
    posts = list(db.session.scalars(imported))
    assert len(posts) == 58
    assert sum(post.is_public for post in posts) == 55
    assert sum(post.is_scheduled for post in posts) == 1
    drafts = [post for post in posts if post.status is PostStatus.DRAFT]
    assert sorted(post.title for post in drafts) == [
        "Draft",
        'Template: Password Protected (the password is "enter")',
    ]
    assert all(is_private_slug(post.slug) for post in drafts)
    assert all(page.is_published for page in db.session.scalars(sa.select(Page)))


def test_a_post_field_by_field(result):
    post = _post("markup-html-tags-and-formatting")
    assert post.title == "Markup: HTML Tags and Formatting"
    assert post.status is PostStatus.PUBLISHED and post.is_public
    assert post.published_at == post.created_at == _at("2013-01-12 03:22:19")
    assert post.tag_names == [
        "classic",
        "markup",
        "content περιεχόμενο",
        "css",
        "formatting",
        "html",
    ]
    assert post.author.username == "demos"  # the account with the author's address
    assert post.description.startswith("Headings Header one Header two")
    assert '<h2 id="h-header-two">Header two</h2>' in post.body_html
    assert "<td>$100K</td>" in post.body_html
    assert "<blockquote>\n<p>Stay hungry. Stay foolish.</p>\n</blockquote>" in post.body_html
    assert not UNSAFE.search(post.body_html)


def test_a_caption_a_cover_and_an_author_matched_despite_a_stray_character(result):
    post = _post("post-format-image-caption")
    assert (
        post.cover_image
        == "https://wpthemetestdata.files.wordpress.com/2010/08/triforce-wallpaper.jpg"
    )
    assert (
        '<img src="https://wpthemetestdata.files.wordpress.com/2008/06/100_5478.jpg?w=604" '
        'alt="Bell on Wharf" loading="lazy">'
    ) in post.body_html
    assert "<p><em>Bell on wharf in San Francisco</em></p>" in post.body_html
    assert _post("block-category-common").author.username == "themereviewteam"  # ">themereviewteam"
    changed = section(result.first.output, "Carried over changed")
    assert changed[STRAY_CREATOR] == 1


def test_the_scheduled_post_waits_for_its_time(result, client):
    post = _post("scheduled")
    assert post.is_scheduled and post.published_at == _at("2030-01-01 19:00:18")
    assert client.get("/posts/scheduled").status_code == 404
    assert client.get("/2020/01/01/scheduled/").status_code == 404  # no redirect to it yet


def test_nothing_unsafe_is_rendered_anywhere(result):
    bodies = [p.body_html for p in db.session.scalars(sa.select(Post))]
    bodies += [p.body_html for p in db.session.scalars(sa.select(Page))]
    bodies += [c.body_html for c in db.session.scalars(sa.select(Comment))]
    assert bodies and not [body for body in bodies if UNSAFE.search(body)]
    embeds = _post("blocks-embeds").body_html
    assert '<a href="https://youtu.be/ex8fMxXJDJw" rel="nofollow noopener">' in embeds


def test_threaded_comments_are_flat_and_say_whom_they_answer(result):
    post = _post("template-comments")
    comments = list(db.session.scalars(sa.select(Comment).where(Comment.post_id == post.id)))
    assert len(comments) == 18  # 19 approved, less the one too long for a comment here
    reply = next(c for c in comments if "Comment Depth 02" in c.body)
    assert (
        reply.body == "**Jane Bloggs** wrote, in reply to John Κώστας Doe Τάδε:\n\nComment Depth 02"
    )
    assert reply.created_at == _at("2013-03-14 15:01:21")
    assert reply.author.username == "wordpress-readers" and reply.author.is_disabled
    own = next(c for c in comments if c.body == "Author Comment.")
    assert own.author.username == "demos"
    assert "<strong>Jane Bloggs</strong> wrote" in reply.body_html


def test_an_existing_account_is_matched_by_email_and_new_ones_have_no_password(result):
    demos = db.session.scalar(sa.select(User).where(User.username == "demos"))
    assert demos.email == DEMOS_EMAIL  # untouched
    reviewer = db.session.scalar(sa.select(User).where(User.username == "themereviewteam"))
    assert reviewer.email == "themereviewteam@gmail.com" and not reviewer.is_disabled
    assert not reviewer.check_password("")
    assert password_reset.request_reset("ThemeReviewTeam@gmail.com").recipient == reviewer.email
    assert "  themereviewteam <themereviewteam@gmail.com>" in result.first.output
    assert 'Each can set a password with "Forgot password?"' in result.first.output


def test_a_taken_slug_gets_the_next_one_and_its_old_address_leads_there(result, client):
    assert _post("template-sticky").author.username == "someone"
    moved = _post("template-sticky-2")
    assert moved.title == "Template: Sticky"
    response = client.get("/2012/01/07/template-sticky/")
    assert response.status_code == 301 and response.location == "/posts/template-sticky-2"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?p=1178", "/posts/markup-html-tags-and-formatting"),
        ("/2013/01/11/markup-html-tags-and-formatting/", "/posts/markup-html-tags-and-formatting"),
        ("/markup-html-tags-and-formatting/", "/posts/markup-html-tags-and-formatting"),
        ("/wp-6-1-theme-block-category/", "/posts/theme-block-category"),
        ("/?page_id=2", "/about"),
        ("/about/", "/about"),
        ("/about/page-with-comments/", "/page-with-comments"),
        ("/blog/", "/blog-page"),  # a name the site keeps for itself
        ("/greek/%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-2/", "/epipedo-2"),
        ("/category/markup/", "/tags/markup"),
        ("/tag/html/", "/tags/html"),
        ("/author/themereviewteam/", "/@themereviewteam"),
    ],
)
def test_old_addresses_redirect_here(result, client, old, new):
    response = client.get(old)
    assert (response.status_code, response.location) == (301, new)
    assert client.get(new).status_code == 200


def test_only_what_would_be_a_404_is_redirected(result, client):
    assert client.head("/?p=1178").status_code == 301
    assert client.post("/2013/01/11/markup-html-tags-and-formatting/").status_code != 301
    assert client.get("/about").status_code == 200  # the page itself, not a redirect
    assert client.get("/?p=1164").status_code == 200  # a draft: the home page, no redirect
    assert client.get("/?p=999999").status_code == 200
    assert client.get("/2013/01/11/no-such-post/").status_code == 404


OFF_SITE = ("//elsewhere.example/x", "https://elsewhere.example/", "/\\elsewhere.example")


def test_a_redirect_never_leads_off_the_site(imported, client):
    assert [redirects.add(f"/off-{n}/", target) for n, target in enumerate(OFF_SITE)] == [None] * 3
    for n, target in enumerate(OFF_SITE):  # rows written some other way are not followed either
        old = f"/off-{n}"
        db.session.add(
            Redirect(old_path_key=redirects.key_of(old), old_path=old, target_path=target)
        )
    db.session.commit()
    try:
        assert [client.get(f"/off-{n}/").status_code for n in range(3)] == [404] * 3
    finally:
        db.session.execute(sa.delete(Redirect).where(Redirect.old_path.like("/off-%")))
        db.session.commit()


def test_a_second_run_writes_nothing(result):
    output = result.second.output
    assert result.second.exit_code == 0, output
    assert result.after_second == result.after_first
    assert "  posts: 0 new, 58 imported before" in output
    assert "  pages: 0 new, 21 imported before" in output
    assert "  comments: 0 new, 21 imported before" in output
    assert "  authors' accounts: 0 new, 2 existing accounts matched by e-mail" in output
    assert "  tags: 0 new, 62 here already" in output
    assert "redirects from old addresses: 0 new" in output


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE bomb [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rss xmlns:wp="https://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>&d;&d;&d;&d;&d;&d;&d;&d;</title><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BOMB, "the XML declares entities or reaches outside itself"),
        (WORDPRESS_SAMPLE.read_bytes()[:300_000], "not readable XML"),
        (b"<rss><channel><title>A feed</title></channel></rss>", "not a WordPress export (WXR)"),
        (b"\xff\xfe not XML at all", "not readable XML"),
    ],
    ids=["entity bomb", "truncated", "a plain feed", "not XML"],
)
def test_a_malformed_file_is_refused_with_nothing_written(imported, tmp_path, content, message):
    app = imported[0]
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    before = row_counts()
    refused = run(app, "import-wordpress", str(path))
    assert refused.exit_code == 1
    assert f"error: {path}: {message}" in refused.output
    assert "Nothing was imported." in refused.output and "Traceback" not in refused.output
    assert row_counts() == before
