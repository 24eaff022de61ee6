"""Post addresses (blog.domain.slugs): readable, short enough for a suffix, never a reserved word,
and numbered when taken."""

import pytest

from blog.domain.slugs import RESERVED, SUFFIX_ROOM, base_slug, unique_slug
from blog.models.post import SLUG_MAX
from tests.factories import PostFactory

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


def test_a_number_is_added_only_when_the_slug_itself_is_taken(db):
    PostFactory(slug="hello-2")
    assert unique_slug("Hello") == "hello"


def test_slugs_that_merely_start_alike_are_no_clash(db):
    PostFactory(slug="hello-world")
    PostFactory(slug="hello")
    assert unique_slug("Hello") == "hello-2"
