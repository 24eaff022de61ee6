"""Post addresses (blog.domain.slugs): readable, short enough for a suffix, never a reserved word,
numbered when taken, and private while the post is a draft that was never published."""

import pytest

from blog.domain import posts
from blog.domain.slugs import (
    RESERVED,
    SLUGS_PER_READ,
    SUFFIX_ROOM,
    base_slug,
    is_private_slug,
    unique_slug,
)
from blog.models.post import SLUG_MAX
from tests.factories import DraftFactory, PostFactory, UserFactory

LONG_TITLE = " ".join(f"word{n}" for n in range(60))  # 60 words, 419 characters


def test_a_long_title_is_cut_to_leave_room_for_a_suffix_at_a_word_boundary():
    slug = base_slug(LONG_TITLE)
    every_word = "-".join(LONG_TITLE.split())
    assert SLUG_MAX - SUFFIX_ROOM == 243
    assert 230 < len(slug) <= 243
    assert every_word.startswith(f"{slug}-")  # whole words only


def test_a_long_word_is_cut_to_fit_all_the_same():
    assert base_slug("x" * 500) == "x" * 243


@pytest.mark.parametrize("title", ["Feed", "feed", " FEED! "])
def test_a_reserved_word_is_never_a_slug_alone(title):
    assert "feed" in RESERVED
    assert base_slug(title) == "feed-post"


def test_a_title_that_only_contains_a_reserved_word_is_fine():
    assert base_slug("Feed the cat") == "feed-the-cat"


def test_a_free_slug_is_taken_as_it_is(db):
    PostFactory(slug="other")
    assert unique_slug("Hello") == "hello"


def test_a_taken_slug_gets_the_first_free_number(db):
    for slug in ("hello", "hello-2", "hello-4"):
        PostFactory(slug=slug)
    assert unique_slug("Hello") == "hello-3"


def test_a_family_larger_than_one_read_gets_the_first_free_number_past_it(db, count_statements):
    taken = ["hello", *(f"hello-{n}" for n in range(2, SLUGS_PER_READ + 3))]
    for slug in taken:
        PostFactory(slug=slug, author=PostFactory().author)
    with count_statements() as one_read:
        assert unique_slug("Unheard of") == "unheard-of"
    with count_statements() as counted:
        assert unique_slug("Hello") == f"hello-{SLUGS_PER_READ + 3}"
    assert counted.total == one_read.total + 1  # read by name, SLUGS_PER_READ at a time


def test_a_number_is_added_only_when_the_slug_itself_is_taken(db):
    PostFactory(slug="hello-2")
    assert unique_slug("Hello") == "hello"


def test_slugs_that_merely_start_alike_are_no_clash(db):
    PostFactory(slug="hello-world")
    PostFactory(slug="hello")
    assert unique_slug("Hello") == "hello-2"


# A draft's slug is private until it is first published


def _write(author, title, publish=False):
    return posts.create_post(
        author, title=title, body="Words.", description="About it.", publish=publish
    )


def test_a_draft_has_a_private_slug_nothing_of_its_title(db):
    author = UserFactory()
    first, second = _write(author, "Secret plans"), _write(author, "Secret plans 2")
    for draft in (first, second):
        assert is_private_slug(draft.slug) and "secret" not in draft.slug
    assert first.slug != second.slug
    posts.update_post(first, author, {"title": "Other plans"})
    assert is_private_slug(first.slug)


def test_another_users_draft_does_not_take_the_slug_of_its_title(db):
    _write(UserFactory(), "Big news")
    mine = _write(UserFactory(), "Big news", publish=True)
    assert mine.slug == "big-news"


def test_a_draft_takes_the_slug_of_its_title_when_first_published(db):
    author = UserFactory()
    PostFactory(slug="big-news")
    draft = _write(author, "Working title")
    posts.update_post(draft, author, {"title": "Big news"})
    posts.publish_post(draft, author)
    assert draft.slug == "big-news-2"


def test_once_published_a_post_keeps_its_slug_unpublished_or_published_again(db):
    author = UserFactory()
    draft = _write(author, "Big news")
    posts.publish_post(draft, author)
    posts.unpublish_post(draft, author)
    assert draft.slug == "big-news"
    posts.update_post(draft, author, {"title": "Other news"})
    posts.publish_post(draft, author)
    assert draft.slug == "big-news"


def test_a_draft_saved_before_drafts_had_private_slugs_keeps_its_own(db):
    author = UserFactory()
    draft = DraftFactory(author=author, title="Old draft", slug="old-draft")
    posts.publish_post(draft, author)
    assert draft.slug == "old-draft"


def test_a_published_title_that_looks_private_is_no_private_slug_once_published(db):
    """Its slug matches the pattern of a private one, but it was public: it stays."""
    author = UserFactory()
    post = _write(author, "Draft 0123456789abcdef0123", publish=True)
    assert post.slug == "draft-0123456789abcdef0123" and is_private_slug(post.slug)
    posts.unpublish_post(post, author)
    posts.publish_post(post, author)
    assert post.slug == "draft-0123456789abcdef0123"
