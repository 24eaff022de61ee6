"""The list and lookup queries every page and the API share (blog.domain.queries): who sees which
posts, in which order, a page at a time."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from blog.domain import lists, queries, social
from blog.domain.errors import NotFound
from blog.domain.stats import PostStats
from blog.extensions import db
from blog.models import Post, PostTag, Tag, utcnow
from tests.factories import DraftFactory, PostFactory, UserFactory
from tests.helpers import app_on

NOW = utcnow()


def days_ago(days: float):
    return NOW - timedelta(days=days)


def slugs(posts) -> list[str]:
    return [post.slug for post in posts]


def listed(posts: lists.PostList) -> list[str]:
    """The slugs of the whole list, in its order, and checks that its total counts them."""
    found = slugs(lists.load_posts(list(db.session.scalars(posts.ids))))
    assert db.session.scalar(sa.select(posts.total)) == len(found)
    return found


@pytest.fixture
def ann(db):
    return UserFactory(username="Ann")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


# Page numbers


@pytest.mark.parametrize(("raw", "number"), [(None, 1), ("", 1), ("1", 1), ("7", 7), (3, 3),
                                             ("10000", 10_000)])  # fmt: skip
def test_a_page_number_is_one_to_ten_thousand(raw, number):
    assert queries.page_number(raw) == number


@pytest.mark.parametrize("raw", ["0", "-1", "10001", "abc", "1.5", "99999999999999999999", [2]])
def test_any_other_page_number_is_no_such_page(raw):
    with pytest.raises(NotFound) as error:
        queries.page_number(raw)
    assert (str(error.value), error.value.subject) == ("No such page.", "page")


# Published posts


def test_published_posts_are_the_public_ones_newest_first(ann):
    PostFactory(slug="old", published_at=days_ago(3))
    PostFactory(slug="new", published_at=days_ago(1))
    DraftFactory(slug="draft")
    PostFactory(slug="middle", published_at=days_ago(2))
    assert listed(queries.published_posts()) == ["new", "middle", "old"]


def test_posts_published_at_the_same_time_come_newest_row_first(ann):
    first = PostFactory(slug="first", published_at=days_ago(1))
    PostFactory(slug="second", published_at=first.published_at)
    assert listed(queries.published_posts()) == ["second", "first"]


def test_a_tag_narrows_the_posts_to_those_carrying_it_whatever_its_case(ann):
    PostFactory(slug="py", tags=["python", "web"], published_at=days_ago(2))
    PostFactory(slug="py2", tags=["python"], published_at=days_ago(1))
    PostFactory(slug="web", tags=["web"])
    DraftFactory(slug="draft", tags=["python"])
    assert listed(queries.published_posts(tag="python")) == ["py2", "py"]
    assert listed(queries.published_posts(tag=" Python ")) == ["py2", "py"]
    assert listed(queries.published_posts(tag="nothing")) == []


def test_an_author_narrows_the_posts_to_theirs_whatever_the_case_of_the_name(ann, bob):
    PostFactory(slug="by-ann", author=ann)
    PostFactory(slug="by-bob", author=bob)
    DraftFactory(slug="ann-draft", author=ann)
    assert listed(queries.published_posts(author="ann")) == ["by-ann"]
    assert listed(queries.published_posts(author="ANN")) == ["by-ann"]
    assert listed(queries.published_posts(author="nobody")) == []


def test_favorited_by_narrows_the_posts_to_those_the_reader_favorited(ann, bob):
    liked = PostFactory(slug="liked", published_at=days_ago(1))
    also = PostFactory(slug="also-liked", published_at=days_ago(2))
    PostFactory(slug="not-liked")
    for post in (liked, also):
        social.favorite(ann, post)
    social.favorite(bob, PostFactory(slug="bobs"))
    assert listed(queries.published_posts(favorited_by="ann")) == ["liked", "also-liked"]
    assert listed(queries.published_posts(favorited_by="ANN")) == ["liked", "also-liked"]


def test_followed_by_narrows_the_posts_to_the_followed_authors(ann, bob):
    carl = UserFactory()
    PostFactory(slug="by-bob", author=bob)
    PostFactory(slug="by-carl", author=carl)
    PostFactory(slug="by-ann", author=ann)
    social.follow(ann, bob)
    social.follow(carl, ann)
    assert listed(queries.published_posts(followed_by=ann)) == ["by-bob"]


def test_the_filters_combine(ann, bob):
    PostFactory(slug="match", author=bob, tags=["python"])
    PostFactory(slug="other-tag", author=bob, tags=["go"])
    PostFactory(slug="other-author", author=ann, tags=["python"])
    assert listed(queries.published_posts(tag="python", author="bob")) == ["match"]


@pytest.mark.parametrize("field", ["tag", "author", "favorited_by"])
@pytest.mark.parametrize("name", ["", "a/b", "nul\x00", "x" * 256, "\ud800"])
def test_a_malformed_name_matches_nothing(ann, field, name):
    PostFactory(slug="any", author=ann, tags=["x"])
    assert listed(queries.published_posts(**{field: name})) == []


# Pages and windows


def make_posts(count: int, author=None) -> None:
    author = author or UserFactory()
    db.session.execute(
        sa.insert(Post),
        [
            {"slug": f"post-{n:03}", "title": f"Post {n}", "body": "b", "body_html": "<p>b</p>",
             "status": "published", "published_at": days_ago(count - n), "author_id": author.id}
            for n in range(count)
        ],
    )  # fmt: skip
    db.session.commit()


def test_a_page_holds_per_page_posts_with_their_stats(ann):
    make_posts(5)
    social.favorite(ann, db.session.scalar(sa.select(Post).where(Post.slug == "post-004")))
    first = lists.page_of(queries.published_posts(), ann, 1, 2)
    assert slugs(first.items) == ["post-004", "post-003"]
    assert (first.page, first.pages, first.total) == (1, 3, 5)
    assert first.items[0].stats == PostStats(favorites=1, favorited=True)
    assert first.items[1].stats == PostStats()
    assert slugs(lists.page_of(queries.published_posts(), ann, 3, 2).items) == ["post-000"]


def test_a_page_past_the_last_is_no_such_page(ann):
    make_posts(4)
    with pytest.raises(NotFound) as error:
        lists.page_of(queries.published_posts(), ann, 3, 2)
    assert (str(error.value), error.value.subject) == ("No such page.", "page")


def test_the_first_page_of_an_empty_list_is_an_empty_page(ann):
    page = lists.page_of(queries.published_posts(), None, 1, 10)
    assert (page.items, page.total) == ([], 0)
    with pytest.raises(NotFound):
        lists.page_of(queries.published_posts(), None, 2, 10)


def test_a_page_holds_at_most_a_hundred_posts(ann):
    make_posts(101)
    page = lists.page_of(queries.published_posts(), None, 1, 500)
    assert len(page.items) == 100 and page.pages == 2


def test_a_window_is_limit_posts_from_offset_with_the_total(ann):
    make_posts(5)
    posts, total = lists.window_of(queries.published_posts(), ann, 1, 3)
    assert (slugs(posts), total) == (["post-003", "post-002", "post-001"], 5)
    assert all(post.stats == PostStats() for post in posts)
    assert lists.window_of(queries.published_posts(), ann, 10, 3) == ([], 5)


def test_a_window_counts_posts_not_rows_of_their_tags(ann):
    PostFactory(slug="tagged", tags=["a", "b", "c"])
    PostFactory(slug="plain")
    posts, total = lists.window_of(queries.published_posts(), None, 0, 10)
    assert (sorted(slugs(posts)), total) == (["plain", "tagged"], 2)


# Deep windows start from kept keys


def the_same_windows(posts: lists.PostList, limit: int) -> None:
    """Every window of ``posts``, from its keys or not, is the plain slice of its whole list."""
    every = list(db.session.scalars(posts.ids))
    for offset in range(len(every) + 3):
        expected = every[offset : offset + limit]
        assert lists.window_ids(posts, offset, limit) == (expected, len(every)), offset


@pytest.fixture
def anchored(monkeypatch):
    monkeypatch.setattr(lists, "ANCHOR_EVERY", 3)


def test_a_deep_window_of_every_post_starts_from_a_kept_key(ann, anchored):
    tied = days_ago(4)
    for n in range(14):  # some published at the same moment: the id breaks the tie
        PostFactory(slug=f"p{n}", published_at=tied if n % 3 == 0 else days_ago(n / 7))
    DraftFactory(slug="draft")
    PostFactory(slug="later", published_at=NOW + timedelta(days=1))
    posts = queries.published_posts()
    assert posts.keyset is not None
    assert len(lists.anchors(posts)) == 14 // 3
    the_same_windows(posts, 2)
    the_same_windows(posts, 4)


def test_a_deep_window_of_a_tag_starts_from_a_kept_key(ann, anchored):
    tied = days_ago(2)
    for n in range(11):
        PostFactory(
            tags=["python"] if n % 4 else ["flask"], published_at=tied if n % 2 else days_ago(n)
        )
    PostFactory(tags=["python"], published_at=NOW + timedelta(days=1))
    DraftFactory(tags=["python"])
    posts = queries.published_posts(tag="python")
    assert len(lists.anchors(posts)) == 8 // 3
    the_same_windows(posts, 2)


def test_a_feed_window_is_merged_from_each_followed_authors_newest_on_postgresql(ann, bob):
    reader, quiet, unfollowed = UserFactory(), UserFactory(), UserFactory()
    tied = days_ago(3)
    for n in range(9):  # most of the newest are ann's: a window takes several of hers
        PostFactory(author=ann, published_at=tied if n % 3 == 0 else days_ago(n / 5))
    for n in range(4):
        PostFactory(author=bob, published_at=tied if n % 2 else days_ago(n + 1))
    PostFactory(author=bob, published_at=NOW + timedelta(days=1))
    DraftFactory(author=ann)
    PostFactory(author=unfollowed)
    for author in (ann, bob, quiet):
        social.follow(reader, author)
    posts = queries.published_posts(followed_by=reader)
    assert (posts.first is not None) is (db.session.get_bind().dialect.name == "postgresql")
    the_same_windows(posts, 3)


def test_the_kept_keys_are_read_once_per_version_and_follow_a_write(
    database_url, anchored, count_statements
):
    with app_on(database_url, CACHE_TYPE="SimpleCache"):
        for n in range(8):
            PostFactory(slug=f"p{n}", published_at=days_ago(10 - n))
        posts = queries.published_posts()
        before = lists.window_ids(posts, 4, 2)[0]
        with count_statements() as counted:
            assert lists.window_ids(posts, 4, 2)[0] == before
        assert counted.total == 1  # the window alone: the keys are kept
        newest = PostFactory(slug="newest")
        assert lists.window_ids(posts, 4, 2)[0] == list(db.session.scalars(posts.ids))[4:6]
        assert lists.window_ids(posts, 4, 2)[0] != before
        db.session.delete(newest)
        db.session.commit()
        assert lists.window_ids(posts, 4, 2)[0] == before


# The lists each page shows


def test_the_home_page_lists_every_published_post(ann, bob):
    PostFactory(slug="by-ann", author=ann, published_at=days_ago(1))
    PostFactory(slug="by-bob", author=bob)
    DraftFactory(slug="draft", author=ann)
    assert slugs(queries.home_posts(ann, 1, 10).items) == ["by-bob", "by-ann"]


def test_the_feed_lists_the_followed_authors_posts_with_the_readers_flags(ann, bob):
    PostFactory(slug="by-bob", author=bob)
    PostFactory(slug="by-someone-else")
    social.follow(ann, bob)
    feed = queries.feed_posts(ann, 1, 10)
    assert slugs(feed.items) == ["by-bob"]
    assert feed.items[0].stats.following_author is True


def test_a_favorites_page_lists_what_that_user_favorited_with_the_viewers_flags(ann, bob):
    post = PostFactory(slug="liked")
    PostFactory(slug="not-liked")
    social.favorite(ann, post)
    page = queries.favorited_posts(ann, bob, 1, 10)
    assert slugs(page.items) == ["liked"]
    assert page.items[0].stats == PostStats(favorites=1, favorited=False)


def test_an_author_page_shows_the_public_their_published_posts_newest_first(ann, bob):
    PostFactory(slug="old", author=ann, published_at=days_ago(2))
    PostFactory(slug="new", author=ann, published_at=days_ago(1))
    DraftFactory(slug="draft", author=ann)
    PostFactory(slug="by-bob", author=bob)
    for viewer in (None, AnonymousUserMixin(), bob):
        assert slugs(queries.author_posts(ann, viewer, 1, 10).items) == ["new", "old"]


def test_an_author_sees_their_drafts_among_their_posts_by_last_date(ann, bob):
    PostFactory(slug="published-2-days-ago", author=ann, published_at=days_ago(2))
    draft = DraftFactory(slug="draft-saved-1-day-ago", author=ann)
    draft.updated_at = days_ago(1)
    old_draft = DraftFactory(slug="draft-saved-3-days-ago", author=ann)
    old_draft.updated_at = days_ago(3)
    twin = DraftFactory(slug="second-draft-1-day-ago", author=ann)
    twin.updated_at = draft.updated_at
    DraftFactory(slug="bobs-draft", author=bob)
    db.session.commit()
    page = queries.author_posts(ann, ann, 1, 10)
    assert slugs(page.items) == [
        "second-draft-1-day-ago",
        "draft-saved-1-day-ago",
        "published-2-days-ago",
        "draft-saved-3-days-ago",
    ]
    assert all(post.stats is not None for post in page.items)


def test_a_tag_page_lists_the_published_posts_carrying_it(ann):
    PostFactory(slug="tagged", tags=["python"])
    PostFactory(slug="untagged")
    DraftFactory(slug="draft", tags=["python"])
    tag = queries.get_tag("python")
    assert slugs(queries.tag_posts(tag, ann, 1, 10).items) == ["tagged"]


def test_every_list_is_a_page_of_the_size_asked_with_the_viewers_flags(ann, bob):
    older = PostFactory(author=bob, tags=["shared"], published_at=days_ago(2))
    newer = PostFactory(author=bob, tags=["shared"], published_at=days_ago(1))
    social.follow(ann, bob)
    for post in (older, newer):
        social.favorite(ann, post)
    tag = queries.get_tag("shared")
    pages = {  # each sets the stats of the same post objects: checked one at a time
        "home": lambda: queries.home_posts(ann, 1, 1),
        "feed": lambda: queries.feed_posts(ann, 1, 1),
        "favorites": lambda: queries.favorited_posts(ann, ann, 1, 1),
        "author": lambda: queries.author_posts(bob, ann, 1, 1),
        "own posts": lambda: queries.author_posts(bob, bob, 1, 1),
        "tag": lambda: queries.tag_posts(tag, ann, 1, 1),
    }
    for name, list_page in pages.items():
        page = list_page()
        assert (page.per_page, page.pages, slugs(page.items)) == (1, 2, [newer.slug]), name
        by_ann = name != "own posts"
        assert page.items[0].stats == PostStats(
            favorites=1, favorited=by_ann, following_author=by_ann
        ), name
    posts, _ = lists.window_of(queries.published_posts(), ann, 0, 1)
    assert posts[0].stats == PostStats(favorites=1, favorited=True, following_author=True)


# Tags and authors


def test_popular_tags_count_published_posts_most_used_first_then_by_name(ann):
    PostFactory(tags=["python", "web"])
    PostFactory(tags=["python", "flask"])
    PostFactory(tags=["web", "python"])
    DraftFactory(tags=["flask", "flask2", "go"])
    db.session.add(Tag(name="unused"))
    db.session.commit()
    assert queries.popular_tags() == [("python", 3), ("web", 2), ("flask", 1)]
    assert queries.popular_tags(limit=2) == [("python", 3), ("web", 2)]
    assert queries.all_tag_names() == ["python", "web", "flask"]


def test_popular_tags_are_twenty_at_most_unless_asked_for_all(ann):
    names = [f"tag{n:02}" for n in range(25)]
    for start in range(0, 25, 5):
        PostFactory(tags=names[start : start + 5])
    assert [name for name, _ in queries.popular_tags()] == names[:20]
    assert len(queries.popular_tags(limit=None)) == 25
    assert len(queries.all_tag_names()) == 25


def test_each_limit_of_popular_tags_is_cached_apart(database_url):
    with app_on(database_url, CACHE_TYPE="SimpleCache"):
        PostFactory(tags=["a", "b", "c"])
        assert queries.popular_tags(limit=1) == [("a", 1)]
        assert queries.popular_tags(limit=2) == [("a", 1), ("b", 1)]
        assert queries.all_tag_names() == ["a", "b", "c"]
        assert queries.popular_tags(limit=1) == [("a", 1)]


def test_suggested_authors_have_the_most_published_posts_and_are_not_yet_followed(ann, bob):
    busy, quiet, followed, disabled = (UserFactory(username=name) for name in
                                       ("busy", "quiet", "followed", "disabled"))  # fmt: skip
    disabled.is_disabled = True
    for author, count in ((busy, 3), (quiet, 1), (followed, 4), (disabled, 5), (ann, 6)):
        for _ in range(count):
            PostFactory(author=author)
    for _ in range(5):
        DraftFactory(author=bob)
    PostFactory(author=bob)
    social.follow(ann, followed)
    suggested = queries.suggested_authors(ann)
    assert [user.username for user in suggested] == ["busy", "bob", "quiet"]  # bob is older
    assert [u.username for u in queries.suggested_authors(ann, limit=1)] == ["busy"]


def test_suggested_authors_with_as_many_posts_come_oldest_account_first(ann):
    authors = [UserFactory() for _ in range(7)]
    for author in authors:
        PostFactory(author=author)
    assert queries.suggested_authors(ann) == authors[:5]


def test_a_tag_is_found_by_its_name_in_any_case(ann):
    PostFactory(tags=["python"])
    assert queries.get_tag("python").name == "python"
    assert queries.get_tag("PyThOn").name == "python"


def test_a_tag_only_drafts_carry_is_not_found_while_other_tags_are_public(ann):
    """Whether *this* tag is on a published post counts, not whether any tag is."""
    PostFactory(author=ann, tags=["python"])
    DraftFactory(author=ann, tags=["secret"])
    assert queries.get_tag("python").name == "python"
    with pytest.raises(NotFound) as error:
        queries.get_tag("secret")
    assert (str(error.value), error.value.subject) == ("No such tag.", "tag")


@pytest.mark.parametrize("name", ["nothing", "", "a/b", "nul\x00"])
def test_no_such_tag_is_not_found(ann, name):
    PostFactory(tags=["python"])
    with pytest.raises(NotFound) as error:
        queries.get_tag(name)
    assert (str(error.value), error.value.subject) == ("No such tag.", "tag")


def test_an_author_is_found_by_username_in_any_case(ann):
    assert queries.get_author("ANN") == ann


@pytest.mark.parametrize("name", ["nobody", "", "a/b", "x" * 256, "\ud800", "nul\x00"])
def test_no_such_author_is_not_found(ann, name):
    with pytest.raises(NotFound) as error:
        queries.get_author(name)
    assert (str(error.value), error.value.subject) == ("No such author.", "profile")


# Single posts


def test_a_published_post_is_found_by_anyone(ann, bob):
    post = PostFactory(slug="hello", author=ann)
    for viewer in (None, AnonymousUserMixin(), ann, bob):
        assert queries.get_post("hello", viewer) == post
        assert queries.get_published_post("hello") == post


def test_a_draft_is_found_by_its_author_alone(ann, bob):
    draft = DraftFactory(slug="draft", author=ann)
    admin = UserFactory(is_admin=True)
    assert queries.get_post("draft", ann) == draft
    for viewer in (None, bob, admin):
        with pytest.raises(NotFound) as error:
            queries.get_post("draft", viewer)
        assert (str(error.value), error.value.subject) == ("No such post.", "post")


def test_admins_find_drafts_only_when_moderating(ann, bob):
    draft = DraftFactory(slug="draft", author=ann)
    admin = UserFactory(is_admin=True)
    assert queries.get_post("draft", admin, include_drafts_for_admins=True) == draft
    assert queries.get_post("draft", ann, include_drafts_for_admins=True) == draft
    for viewer in (None, bob):
        with pytest.raises(NotFound):
            queries.get_post("draft", viewer, include_drafts_for_admins=True)


def test_the_published_post_lookup_never_finds_a_draft_even_for_its_author(ann):
    DraftFactory(slug="draft", author=ann)
    with pytest.raises(NotFound) as error:
        queries.get_published_post("draft")
    assert (str(error.value), error.value.subject) == ("No such post.", "post")


@pytest.mark.parametrize("slug", ["nothing", "", "a/b", "nul\x00", "x" * 256])
def test_no_post_at_an_unknown_or_malformed_slug(ann, slug):
    PostFactory(slug="hello")
    with pytest.raises(NotFound):
        queries.get_post(slug, ann)
    with pytest.raises(NotFound):
        queries.get_published_post(slug)


def test_a_found_post_comes_with_its_author_and_tags(ann, count_statements):
    PostFactory(slug="hello", author=ann, tags=["a", "b"])
    db.session.expire_all()
    with count_statements() as counted:
        post = queries.get_published_post("hello")
        assert (post.author.username, post.tag_names) == ("Ann", ["a", "b"])
    assert counted.total == 2  # the post with its author, then its tags


def test_post_tags_are_loaded_in_the_order_the_author_gave(ann):
    post = PostFactory(slug="hello", author=ann, tags=["z", "a", "m"])
    db.session.expire_all()
    assert queries.get_published_post("hello").tag_names == ["z", "a", "m"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostTag)) == 3
    assert post.id
