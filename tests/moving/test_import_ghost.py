"""``flask blog import-ghost`` on a real Ghost 4.1.0 export (Ghost's own test fixture): every
post, page, tag and author of it is accounted for, a few are checked field by field, old
addresses redirect, a second run writes nothing, and a broken file is refused with nothing
written. The export's other shape (no ``db`` list) and the editors' documents a post exported
without HTML carries (Mobiledoc; Lexical, Ghost 5's) are read too.

The blog it is imported into already has an account with the address of the export's author (in
other capitals), and a post holding one of its slugs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from click.testing import Result

from blog.domain.slugs import is_private_slug
from blog.extensions import db
from blog.models import Page, Post, PostStatus, Tag, User
from blog.moving.arrivals.ghost import read_ghost
from tests.factories import PostFactory, UserFactory
from tests.moving.samples import (
    GHOST_SAMPLE,
    UNSAFE,
    blog_of_its_own,
    counted,
    row_counts,
    run,
    section,
)

AUTHOR_EMAIL = "Ghost-Author@Example.COM"


@dataclass
class Imported:
    first: Result
    second: Result
    after_first: dict[str, int]
    after_second: dict[str, int]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    with blog_of_its_own("import_ghost", tmp_path_factory.mktemp("ghost")) as app:
        UserFactory(username="casper", email=AUTHOR_EMAIL)
        PostFactory(slug="design", author=UserFactory(username="someone"))
        first = run(app, "import-ghost", str(GHOST_SAMPLE))
        after_first = row_counts()
        second = run(app, "import-ghost", str(GHOST_SAMPLE))
        yield app, Imported(first, second, after_first, row_counts())


@pytest.fixture
def result(imported) -> Imported:
    return imported[1]


@pytest.fixture
def client(imported):
    return imported[0].test_client()


def _post(slug: str) -> Post:
    return db.session.scalar(sa.select(Post).where(Post.slug == slug))


def _sample() -> dict:
    return json.loads(GHOST_SAMPLE.read_text(encoding="utf-8"))


def test_every_post_page_tag_and_author_is_accounted_for(result):
    output = result.first.output
    assert result.first.exit_code == 0, output
    # 11 posts: 7 of type post (one of them for paying members only), 4 pages
    assert "  posts: 7 new, 0 imported before" in output
    assert "  pages: 4 new, 0 imported before" in output
    assert "  tags: 1 new, 0 here already" in output
    # 2 users: the author of every post, matched by address; the other wrote nothing
    assert "  authors' accounts: 0 new, 1 existing accounts matched by e-mail" in output
    assert "  comments: 0 new, 0 imported before" in output
    left = section(output, "Not carried over")
    assert left[("author", "no account made: nothing of theirs was carried over")] == 1
    assert counted(left, "Ghost settings") == 71
    assert counted(left, "Ghost roles_users") == 2
    changed = section(output, "Carried over changed")
    assert (
        changed[
            ("post", "members-only on Ghost: kept as a draft, as the blog has no members' posts")
        ]
        == 1
    )
    assert db.session.scalar(sa.select(sa.func.count(Page.id))) == 4
    imported_posts = list(db.session.scalars(sa.select(Post).where(Post.slug != "design")))
    assert len(imported_posts) == 7
    assert sum(post.is_public for post in imported_posts) == 6
    # 7 posts_tags: each post has the one tag
    assert [post.tag_names for post in imported_posts] == [["getting started"]] * 7
    assert list(db.session.scalars(sa.select(Tag.name))) == ["getting started"]


def test_a_post_field_by_field(result):
    post = _post("welcome")
    assert post.title == "Start here for a quick overview of everything you need to know"
    assert post.is_public
    assert post.published_at == datetime(2021, 3, 24, 4, 34, 15, tzinfo=UTC)
    assert post.created_at == post.updated_at == datetime(2021, 3, 24, 4, 34, 9, tzinfo=UTC)
    assert post.tag_names == ["getting started"]
    assert post.author.username == "casper"  # the existing account with the author's address
    assert post.cover_image == "https://static.ghost.org/v4.0.0/images/welcome-to-ghost.png"
    assert post.description == (
        "We've crammed the most important information to help you get started with Ghost "
        "into this one post. It's your cheat-sheet to get started, and your shortcut to "
        "advanced features."
    )
    assert post.body.startswith("**Hey there**, welcome to your new home on the web!")
    assert '<a href="/design/" rel="nofollow noopener">' in post.body_html  # was __GHOST_URL__
    assert not UNSAFE.search(post.body_html)


def test_an_embed_becomes_a_link_and_nothing_unsafe_is_rendered(result):
    post = _post("write")
    assert (
        '<a href="https://www.youtube.com/embed/hmH3XMlms8E?feature=oembed" '
        'rel="nofollow noopener">Embedded content: www.youtube.com</a>'
    ) in post.body_html
    bodies = [p.body_html for p in db.session.scalars(sa.select(Post))]
    bodies += [p.body_html for p in db.session.scalars(sa.select(Page))]
    assert not [body for body in bodies if UNSAFE.search(body)]


def test_a_members_only_post_is_a_draft_with_no_old_address(result, client):
    sell = db.session.scalar(
        sa.select(Post).where(Post.title == "Selling premium memberships with recurring revenue")
    )
    assert sell.status is PostStatus.DRAFT and is_private_slug(sell.slug)
    assert client.get("/sell/").status_code == 404


def test_pages_keep_their_slug_and_dates(result, client):
    page = db.session.scalar(sa.select(Page).where(Page.slug == "about"))
    assert page.title == "About this site" and page.is_published
    assert page.created_at == datetime(2021, 3, 24, 4, 34, 9, tzinfo=UTC)
    assert page.author.username == "casper"
    assert "Unlike posts, pages in Ghost" in client.get("/about").get_data(as_text=True)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/welcome/", "/posts/welcome"),
        ("/welcome", "/posts/welcome"),
        ("/design/", "/posts/design-2"),  # "design" was taken here
        ("/about/", "/about"),
        ("/tag/getting-started/", "/tags/getting%20started"),
        ("/author/ghost/", "/@casper"),
    ],
)
def test_old_addresses_redirect_here(result, client, old, new):
    response = client.get(old)
    assert (response.status_code, response.location) == (301, new)
    assert client.get(new).status_code == 200


def test_a_taken_slug_gets_the_next_one(result):
    assert _post("design").author.username == "someone"
    assert _post("design-2").title == "Customizing your brand and design settings"


def test_a_second_run_writes_nothing(result):
    output = result.second.output
    assert result.second.exit_code == 0, output
    assert result.after_second == result.after_first
    assert "  posts: 0 new, 7 imported before" in output
    assert "  pages: 0 new, 4 imported before" in output
    assert "  authors' accounts: 0 new, 1 existing accounts matched by e-mail" in output
    assert "redirects from old addresses: 0 new" in output


def test_new_authors_get_accounts_with_no_password(imported, tmp_path):
    """Through the older ``author_id`` (no ``posts_authors``); one author has no address."""
    app = imported[0]
    document = _sample()
    data = document["db"][0]["data"]
    user = data["users"][1]
    data["users"] = [
        dict(user, id="9", slug="casper", email="New@Example.org"),  # "casper" is taken
        dict(user, id="10", slug="nameless", email=None),
    ]
    post = data["posts"][0]
    data["posts"] = [
        dict(post, id="p9", uuid="u9", slug="newcomer", author_id="9"),
        dict(post, id="p10", uuid="u10", slug="anonymous", author_id="10"),
    ]
    data["posts_authors"] = data["posts_tags"] = []
    path = tmp_path / "newcomers.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(app, "import-ghost", str(path))
    assert result.exit_code == 0, result.output
    account = db.session.scalar(sa.select(User).where(User.username == "casper-2"))
    assert account.email == "new@example.org" and not account.check_password("")
    assert _post("newcomer").author == account
    nameless = _post("anonymous").author
    assert (nameless.username, nameless.email) == ("nameless", "ghost-10@imported.example")
    assert "  casper-2 <new@example.org>" in result.output
    assert 'Each can set a password with "Forgot password?"' in result.output
    assert "An account whose address ends in @imported.example had none" in result.output


def test_the_export_without_its_db_list_reads_alike(tmp_path):
    bare = json.dumps(_sample()["db"][0]).encode()
    assert [e.body for e in read_ghost(bare).entries] == [
        e.body for e in read_ghost(GHOST_SAMPLE.read_bytes()).entries
    ]


def test_a_post_exported_without_html_is_read_from_its_mobiledoc():
    document = _sample()
    for row in document["db"][0]["data"]["posts"]:
        row["html"] = None
    entries = {e.slug: e for e in read_ghost(json.dumps(document).encode()).entries}
    welcome = entries["welcome"].body
    assert welcome.startswith("**Hey there**, welcome to your new home on the web!")
    assert "[introduction](/welcome/)" in entries["design"].body
    assert "![](https://static.ghost.org/v4.0.0/images/editor.png)" in entries["write"].body
    assert all(entry.body for entry in entries.values())


PAYWALL = (
    "Ghost paywall card",
    "left out: it shows nothing outside Ghost (e-mail only, a paywall mark...)",
)
LEXICAL = {
    "root": {
        "type": "root",
        "children": [
            {"type": "heading", "tag": "h2", "children": [{"type": "text", "text": "Hello"}]},
            {
                "type": "paragraph",
                "children": [
                    {"type": "text", "text": "Some ", "format": 0},
                    {"type": "text", "text": "bold", "format": 1},
                    {
                        "type": "link",
                        "url": "https://example.org/",
                        "children": [{"type": "text", "text": " link"}],
                    },
                ],
            },
            {"type": "markdown", "markdown": "- kept\n- as written"},
            {"type": "image", "src": "https://example.org/a.png", "altText": "A", "caption": ""},
            {"type": "html", "html": "<p>raw</p><script>alert(1)</script>"},
            {"type": "paywall"},
        ],
    }
}


def test_a_ghost_5_post_is_read_from_its_lexical():
    post = {
        "id": "l1",
        "uuid": "lexical-1",
        "title": "Lexical",
        "slug": "lexical",
        "lexical": json.dumps(LEXICAL),
        "type": "post",
        "status": "published",
        "visibility": "public",
        "created_at": "2024-05-01T10:00:00.000Z",
        "published_at": "2024-05-01T10:00:00.000Z",
    }
    export = read_ghost(
        json.dumps({"meta": {"version": "5.80.0"}, "data": {"posts": [post]}}).encode()
    )
    assert export.entries[0].body == (
        "## Hello\n\nSome **bold** [link](https://example.org/)\n\n- kept\n- as written\n\n"
        "![A](https://example.org/a.png)\n\nraw"
    )
    assert export.left_behind[PAYWALL] == 1
    assert (
        export.changed[("script, style or form", "removed: a post here is text, images and links")]
        == 1
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GHOST_SAMPLE.read_bytes()[:100_000], "not valid JSON"),
        (b'{"db": []}', "not a Ghost export: it has no db[0].data (nor data) object"),
        (b'{"data": {"posts": {"not": "a list"}}}', "the table 'posts' is not a list of rows"),
        (b'{"data": "\xff"}', "not UTF-8 text"),
        (b"[" * 100_000, "nested too deeply"),
    ],
    ids=["truncated", "no data", "posts not a list", "not UTF-8", "nested too deeply"],
)
def test_a_malformed_file_is_refused_with_nothing_written(imported, tmp_path, content, message):
    app = imported[0]
    path = tmp_path / "export.json"
    path.write_bytes(content)
    before = row_counts()
    refused = run(app, "import-ghost", str(path))
    assert refused.exit_code == 1
    assert f"error: {path}: " in refused.output and message in refused.output
    assert "Nothing was imported." in refused.output and "Traceback" not in refused.output
    assert row_counts() == before
