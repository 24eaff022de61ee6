"""Tag rules (blog.domain.tags): what a tag name may be, and renaming and merging tags."""

import pytest
import sqlalchemy as sa

from blog.domain import tags
from blog.domain.errors import ValidationError
from blog.domain.tags import TAG_ENTRIES_MAX, TAG_FIELD_MAX
from blog.extensions import db
from blog.models import Post, PostTag, Tag
from blog.models.post import TAG_MAX, TAGS_PER_POST_MAX
from tests.factories import PostFactory


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.errors


def tag_names() -> list[str]:
    return sorted(db.session.scalars(sa.select(Tag.name)))


def tags_of(slug: str) -> list[str]:
    db.session.expire_all()
    return db.session.scalar(sa.select(Post).where(Post.slug == slug)).tag_names


def test_a_tag_name_is_lower_case_and_single_spaced():
    assert tags.normalize_tag("  Flask \t  TIPS ") == "flask tips"


@pytest.mark.parametrize(
    ("given", "names"),
    [
        ("Python, flask,PYTHON,  Web   Dev ,,", ["python", "flask", "web dev"]),
        (["b", "a", "B"], ["b", "a"]),
        (("x", "y"), ["x", "y"]),
        (["", "  ", "after blanks"], ["after blanks"]),
        ([], []),
        ("", []),
        (["c++", "node.js", ".net", "日本語"], ["c++", "node.js", ".net", "日本語"]),
    ],
)
def test_tags_are_distinct_normalised_names_in_the_order_given(given, names):
    assert tags.clean_tag_list(given) == names


@pytest.mark.parametrize("given", [None, 5, {"a": 1}, ["a", 5], [None]])
def test_tags_that_are_not_a_list_of_strings_say_so(given):
    assert errors_of(lambda: tags.clean_tag_list(given)) == {"tags": ["must be a list of strings"]}


def test_a_tag_has_at_most_64_characters():
    assert tags.clean_tag_list(["x" * TAG_MAX]) == ["x" * 64]
    assert errors_of(lambda: tags.clean_tag_list(["x" * (TAG_MAX + 1)])) == {
        "tags": ["tags are at most 64 characters"]
    }


@pytest.mark.parametrize("name", ["a/b", "/", ".", "..", "...", "a\x00b", "bell\x07", "\u200b"])
def test_a_tag_that_could_not_be_an_address_is_refused(name):
    assert errors_of(lambda: tags.clean_tag_list(["fine", name])) == {
        "tags": ["contains characters that are not allowed"]
    }


def test_a_post_has_at_most_ten_tags():
    ten = [f"t{n}" for n in range(TAGS_PER_POST_MAX)]
    assert tags.clean_tag_list([*ten, "t0"]) == ten
    assert errors_of(lambda: tags.clean_tag_list([*ten, "eleven"])) == {"tags": ["at most 10 tags"]}


def test_tag_errors_are_reported_on_the_field_asked_for():
    assert errors_of(lambda: tags.clean_tag_list(5, "tags")) == {
        "tags": ["must be a list of strings"]
    }
    assert list(errors_of(lambda: tags.clean_tag_list(["a/b"], "tags"))) == ["tags"]
    assert list(errors_of(lambda: tags.clean_tag_list(["x" * 65], "tags"))) == ["tags"]


def test_tags_are_created_once_and_found_afterwards(db, count_statements):
    with count_statements() as counted:
        assert tags.get_or_create_tags([]) == {}
    assert counted.total == 0
    first = tags.get_or_create_tags(["b", "a"])
    db.session.commit()
    again = tags.get_or_create_tags(["a", "c"])
    assert sorted(first) == ["a", "b"] and sorted(again) == ["a", "c"]
    assert again["a"].id == first["a"].id
    assert all(tag.name == name for name, tag in again.items())
    assert tag_names() == ["a", "b", "c"]


def test_renaming_a_tag_normalises_the_new_name_and_keeps_its_posts(db):
    PostFactory(slug="p", tags=["js", "web"])
    js = db.session.scalar(sa.select(Tag).where(Tag.name == "js"))
    renamed = tags.rename_tag(js, "  JavaScript ")
    assert renamed.id == js.id and renamed.name == "javascript"
    assert tags_of("p") == ["javascript", "web"]


def test_a_new_name_typed_whole_is_one_name_commas_and_all(db):
    """The admin renames one tag at a time: a comma is part of the name, not a list."""
    PostFactory(slug="p", tags=["misc"])
    misc = db.session.scalar(sa.select(Tag))
    assert tags.rename_tag(misc, "Q&A, tips").name == "q&a, tips"


def test_renaming_a_tag_to_its_own_name_changes_nothing_else(db):
    PostFactory(slug="p", tags=["js"])
    js = db.session.scalar(sa.select(Tag).where(Tag.name == "js"))
    assert tags.rename_tag(js, "JS").id == js.id
    assert tag_names() == ["js"]


@pytest.mark.parametrize("new_name", ["", "   ", [], ["a", "b"]])
def test_a_tag_takes_exactly_one_name(db, new_name):
    PostFactory(slug="p", tags=["keep"])
    keep = db.session.scalar(sa.select(Tag))
    assert errors_of(lambda: tags.rename_tag(keep, new_name)) == {"name": ["can't be blank"]}
    db.session.rollback()
    assert tag_names() == ["keep"]


@pytest.mark.parametrize("new_name", ["a/b", None, 5])
def test_a_bad_new_name_is_an_error_on_the_name(db, new_name):
    PostFactory(slug="p", tags=["keep"])
    keep = db.session.scalar(sa.select(Tag))
    assert list(errors_of(lambda: tags.rename_tag(keep, new_name))) == ["name"]
    db.session.rollback()
    assert tag_names() == ["keep"]


def test_renaming_a_tag_to_a_taken_name_merges_them(db):
    PostFactory(slug="both", tags=["misc", "flask"])
    PostFactory(slug="misc-only", tags=["python", "misc"])
    misc = db.session.scalar(sa.select(Tag).where(Tag.name == "misc"))
    merged = tags.rename_tag(misc, "Flask")
    assert merged.name == "flask"
    assert tag_names() == ["flask", "python"]
    assert tags_of("both") == ["flask"]
    assert tags_of("misc-only") == ["python", "flask"]


def test_merging_moves_every_post_to_the_target_where_the_first_merged_tag_stood(db):
    PostFactory(slug="a", tags=["js", "web", "javascript"])
    PostFactory(slug="b", tags=["es6", "web"])
    PostFactory(slug="c", tags=["web", "ecmascript"])
    PostFactory(slug="d", tags=["web"])
    by_name = {tag.name: tag for tag in db.session.scalars(sa.select(Tag))}
    sources = [by_name["js"], by_name["javascript"], by_name["es6"]]
    target = tags.merge_tags(sources, by_name["ecmascript"])
    assert target.name == "ecmascript"
    assert tag_names() == ["ecmascript", "web"]
    assert tags_of("a") == ["ecmascript", "web"]
    assert tags_of("b") == ["ecmascript", "web"]
    assert tags_of("c") == ["web", "ecmascript"]
    assert tags_of("d") == ["web"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostTag)) == 7


def test_merging_a_tag_into_itself_or_nothing_changes_nothing(db, count_statements):
    PostFactory(slug="a", tags=["js", "web"])
    js = db.session.scalar(sa.select(Tag).where(Tag.name == "js"))
    assert js.id
    with count_statements() as counted:
        assert tags.merge_tags([js], js) is js
        assert tags.merge_tags([], js) is js
    assert counted.total == 0
    assert tags_of("a") == ["js", "web"]


def test_merging_keeps_the_target_among_the_sources(db):
    PostFactory(slug="a", tags=["js", "javascript"])
    by_name = {tag.name: tag for tag in db.session.scalars(sa.select(Tag))}
    tags.merge_tags([by_name["javascript"], by_name["js"]], by_name["js"])
    assert tag_names() == ["js"]
    assert tags_of("a") == ["js"]


def test_a_tag_list_is_measured_before_its_names_are_read():
    repeats = ["same"] * TAG_ENTRIES_MAX
    assert tags.clean_tag_list(repeats) == ["same"]
    assert errors_of(lambda: tags.clean_tag_list([*repeats, "same"])) == {
        "tags": ["at most 10 tags"]
    }
    # Past the limit the entries aren't looked at: not even whether they are strings.
    assert errors_of(lambda: tags.clean_tag_list([5] * (TAG_ENTRIES_MAX + 1))) == {
        "tags": ["at most 10 tags"]
    }


def test_a_comma_separated_field_is_measured_before_it_is_split():
    field = ", ".join(f"{n}" * TAG_MAX for n in range(TAGS_PER_POST_MAX)).ljust(TAG_FIELD_MAX)
    assert len(tags.clean_tag_list(field)) == TAGS_PER_POST_MAX
    assert errors_of(lambda: tags.clean_tag_list(field + " ")) == {
        "tags": [f"is too long (maximum is {TAG_FIELD_MAX} characters)"]
    }


def test_repeated_names_are_dropped_in_one_pass_keeping_the_first():
    names = [f"t{n % 3}" for n in range(TAG_ENTRIES_MAX)]
    assert tags.clean_tag_list(names) == ["t0", "t1", "t2"]
