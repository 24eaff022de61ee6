"""What a post page shows beside its text: a table of contents for long posts, heading anchors,
the reading time, "More from the author" and "More on the tag", and no empty band."""

from datetime import timedelta

import lxml.html
import pytest

from blog.domain.queries import MORE_POSTS, more_posts
from blog.domain.reading import CONTENTS_MIN_WORDS
from blog.models import utcnow
from tests.factories import DraftFactory, PostFactory, UserFactory

PROSE = "Words fill the section so that the post is a long one. " * 40
LONG = (
    f"{PROSE}\n\n## Getting started\n\n{PROSE}\n\n### On Linux\n\nx\n\n## Going further\n\n"
    f"{PROSE}\n\n## Getting started\n\nAgain.\n\n```python\nx = 1\n```\n\n| a |\n|---|\n| 1 |"
)
SHORT = "## One\n\n## Two\n\n## Three\n\nA few words."


def page_of(client, slug: str):
    response = client.get(f"/posts/{slug}")
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def test_the_long_post_fixture_is_long_and_the_short_one_short():
    assert len(PROSE.split()) * 3 > CONTENTS_MIN_WORDS > len(SHORT.split())


def test_a_long_post_has_a_table_of_contents_linking_to_its_headings(client, db):
    PostFactory(slug="long", body=LONG)
    page = page_of(client, "long")
    navs = page.xpath(
        "//nav[contains(@class, 'toc') or ancestor::details[contains(@class, 'toc')]]"
    )
    assert len(navs) == 2  # beside the text on wide screens, folded above it on narrow ones
    assert page.xpath("//details[contains(@class, 'toc')]/summary/text()") == ["Contents"]
    assert page.xpath("//details[contains(@class, 'toc')]/nav/@aria-label") == ["Table of contents"]
    assert page.xpath("//nav[contains(@class, 'toc-sticky')]/@aria-labelledby") == ["toc-title"]
    for nav in navs:
        top = nav.xpath("./ol/li")
        assert [li.xpath("string(./a)") for li in top] == [
            "Getting started",
            "Going further",
            "Getting started",
        ]
        assert top[0].xpath("./ol/li/a/text()") == ["On Linux"]
        targets = [href.removeprefix("#") for href in nav.xpath(".//a/@href")]
        assert targets == ["h-getting-started", "h-on-linux", "h-going-further",
                           "h-getting-started-2"]  # fmt: skip
        for target in targets:
            assert len(page.xpath(f"//*[@id='{target}']")) == 1
            assert page.get_element_by_id(target).tag in {"h2", "h3"}


def test_every_id_on_a_post_page_is_unique(client, db):
    PostFactory(slug="long", body=LONG + "\n\n## Comments\n\n## Content\n\n## toc-title")
    ids = page_of(client, "long").xpath("//@id")
    assert len(ids) == len(set(ids))
    assert {"h-comments", "h-content", "h-toc-title", "comments", "content", "toc-title"} <= set(
        ids
    )


def test_every_heading_anchor_links_to_its_own_heading(client, db):
    PostFactory(slug="long", body=LONG)
    page = page_of(client, "long")
    anchors = page.xpath("//div[@class='heading']/a[@class='heading-anchor']")
    assert len(anchors) == 4
    for anchor in anchors:
        heading = anchor.getprevious()
        assert anchor.get("href") == f"#{heading.get('id')}"
        assert anchor.get("aria-label") == f"Link to this section: {heading.text_content()}"


def test_a_short_post_has_no_table_of_contents(client, db):
    PostFactory(slug="short", body=SHORT)
    page = page_of(client, "short")
    assert page.xpath("//*[contains(@class, 'toc')]") == []
    assert len(page.xpath("//a[@class='heading-anchor']")) == 3  # its headings keep anchors


def test_a_post_stored_before_headings_had_ids_gets_them_from_render_posts(app, client, db):
    PostFactory(slug="old", body=LONG, body_html="<h2>Getting started</h2><p>old</p>")
    assert page_of(client, "old").xpath("//*[contains(@class, 'toc')]") == []
    result = app.test_cli_runner().invoke(args=["blog", "render-posts"])
    assert result.exit_code == 0
    assert len(page_of(client, "old").xpath("//nav[contains(@class, 'toc-sticky')]")) == 1


def test_the_reading_time_is_on_the_post_page_and_its_card(client, db):
    PostFactory(slug="six", title="Six minutes", body="word " * 230 * 6)
    PostFactory(slug="one", title="One minute", body="Short.")
    assert "6 min read" in page_of(client, "six").xpath("string(//header//div[@class='byline'])")
    home = lxml.html.fromstring(client.get("/").get_data(as_text=True))
    cards = {
        card.xpath("string(.//h2)").strip(): card.xpath("string(.//*[@class='byline-meta'])")
        for card in home.xpath("//article[@class='card']")
    }
    assert "6 min read" in cards["Six minutes"] and "1 min read" in cards["One minute"]


def test_a_post_without_tags_has_no_footer_band(client, db):
    published = utcnow()
    PostFactory(slug="bare", published_at=published, updated_at=published)
    assert page_of(client, "bare").xpath("//footer[@class='post-footer']") == []


def test_a_post_with_tags_or_an_update_has_its_footer(client, db):
    PostFactory(slug="tagged", tags=["flask"])
    footer = page_of(client, "tagged").xpath("//footer[@class='post-footer']")
    assert len(footer) == 1 and footer[0].xpath(".//a/text()") == ["flask"]
    published = utcnow() - timedelta(days=2)
    PostFactory(slug="edited", published_at=published, updated_at=published + timedelta(days=1))
    footer = page_of(client, "edited").xpath("//footer[@class='post-footer']")
    assert len(footer) == 1 and "Updated" in footer[0].text_content()


@pytest.fixture
def blog(db):
    """A post by ``writer`` tagged python and flask, among the writer's other posts and drafts
    and another author's posts on python and flask, published on different days."""
    writer, other = UserFactory(username="writer"), UserFactory(username="other")
    start = utcnow()

    def day(n: int):
        return start - timedelta(days=n)

    current = PostFactory(
        slug="current", author=writer, tags=["python", "flask"], published_at=day(3)
    )
    PostFactory(slug="w-newest", author=writer, tags=["python"], published_at=day(1))
    PostFactory(slug="w-newer", author=writer, published_at=day(2))
    PostFactory(slug="w-old", author=writer, tags=["python"], published_at=day(4))
    PostFactory(slug="w-oldest", author=writer, published_at=day(5))
    DraftFactory(slug="w-draft", author=writer, tags=["python"])
    PostFactory(slug="o-newest", author=other, tags=["python"], published_at=day(0))
    PostFactory(slug="o-flask", author=other, tags=["flask"], published_at=day(1))
    PostFactory(slug="o-old", author=other, tags=["python"], published_at=day(6))
    DraftFactory(slug="o-draft", author=other, tags=["python"])
    PostFactory(slug="o-older", author=other, tags=["python"], published_at=day(7))
    PostFactory(slug="o-oldest", author=other, tags=["python"], published_at=day(8))
    return current


def slugs(links) -> list[str]:
    return [link.slug for link in links]


def test_more_from_the_author_lists_their_newest_public_posts_but_this_one(blog):
    more = more_posts(blog)
    assert MORE_POSTS == 3
    assert slugs(more.by_author) == ["w-newest", "w-newer", "w-old"]


def test_more_on_the_tag_lists_the_first_tags_newest_public_posts_not_listed_above(blog):
    more = more_posts(blog)
    assert more.tag == "python"
    assert slugs(more.on_tag) == ["o-newest", "o-old", "o-older"]


def test_a_post_alone_has_nothing_more(db):
    post = PostFactory(slug="alone", tags=["solo"])
    DraftFactory(author=post.author, tags=["solo"])
    more = more_posts(post)
    assert (more.by_author, more.tag, more.on_tag) == ([], "solo", [])


def test_a_post_without_tags_lists_only_the_authors_posts(db):
    post = PostFactory(slug="untagged")
    PostFactory(slug="sibling", author=post.author, tags=["x"])
    PostFactory(slug="stranger", tags=["x"])
    more = more_posts(post)
    assert (slugs(more.by_author), more.tag, more.on_tag) == (["sibling"], None, [])


def test_the_post_page_shows_both_lists_with_links(client, blog):
    page = page_of(client, "current")
    (aside,) = page.xpath("//aside[@class='more-posts']")
    author_list, tag_list = aside.xpath("./section")
    assert author_list.xpath("string(./h2)").split() == ["More", "from", "writer"]
    assert author_list.xpath("./h2/a/@href") == ["/@writer"]
    assert author_list.xpath(".//li/a/@href") == [
        "/posts/w-newest",
        "/posts/w-newer",
        "/posts/w-old",
    ]
    assert tag_list.xpath("string(./h2)").split() == ["More", "on", "python"]
    assert tag_list.xpath("./h2/a/@href") == ["/tags/python"]
    assert tag_list.xpath(".//li/a/@href") == ["/posts/o-newest", "/posts/o-old", "/posts/o-older"]
    text = aside.text_content()
    assert "draft" not in text.lower()


def test_a_post_with_nothing_more_shows_no_empty_lists(client, db):
    PostFactory(slug="alone", tags=["solo"])
    assert page_of(client, "alone").xpath("//aside[@class='more-posts']") == []
