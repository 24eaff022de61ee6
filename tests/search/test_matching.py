"""What a search finds and in which order, on whichever database the tests run: both must answer
the same query language alike."""

from datetime import timedelta

import pytest

from blog.domain.queries import search_posts
from blog.domain.search import backends
from blog.models import utcnow
from tests.factories import DraftFactory, PostFactory


def post(title: str, body: str = "Nothing to see.", description: str = "A post.", **fields):
    return PostFactory(title=title, body=body, description=description, **fields)


def found(text: str, page: int = 1, per_page: int = 20) -> list[str]:
    """The titles of the hits, best first."""
    _, pagination = search_posts(text, None, page, per_page)
    return [hit.title for hit in pagination.items]


def total(text: str) -> int:
    return search_posts(text, None, 1, 20)[1].total


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Gardening"),
        ("body", "We went gardening on Sunday."),
        ("description", "All about gardening."),
    ],
)
def test_a_word_is_found_in_each_field(db, field, text):
    post(**{"title": "A post", field: text})
    post("Another post")
    assert found("gardening") == ([text] if field == "title" else ["A post"])


def test_a_word_is_found_in_the_tags(db):
    post("Tagged", tags=["gardening"])
    post("Not tagged", tags=["cooking"])
    assert found("gardening") == ["Tagged"]


def test_every_word_must_be_there(db):
    post("Both", body="Tomatoes and basil.")
    post("One", body="Tomatoes only.")
    assert found("tomatoes basil") == ["Both"]


def test_a_match_in_the_title_ranks_above_one_in_the_body(db):
    """The newer post comes first among equals: the title must outweigh that."""
    post("Gardening", body="Notes from the weekend, at home.")
    post("Notes from the weekend", body="Some gardening, at home.")
    assert found("gardening") == ["Gardening", "Notes from the weekend"]


def test_one_match_in_the_title_outweighs_many_in_the_body(db):
    post("Gardening", body="Notes from the weekend, at home.")
    post("Notes", body="Gardening, and more gardening. " * 50)
    assert found("gardening") == ["Gardening", "Notes"]


def test_a_match_in_the_tags_ranks_above_one_in_the_body(db):
    post("Tagged", body="Notes from the weekend, at home.", tags=["gardening"])
    post("In the body", body="Some gardening, at home.")
    assert found("gardening") == ["Tagged", "In the body"]


def test_a_phrase_needs_its_words_in_order(db):
    post("In order", body="The quick brown fox.")
    post("Other order", body="The brown dog is quick.")
    assert found('"quick brown"') == ["In order"]
    assert sorted(found("quick brown")) == ["In order", "Other order"]


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Very quick", "body": "Brown shoes."},
        {"title": "Very quick", "description": "Brown shoes."},
        {"description": "Very quick.", "body": "Brown shoes."},
        {"title": "Very quick", "tags": ["brown"]},
    ],
)
def test_a_phrase_does_not_run_from_one_field_into_the_next(db, fields):
    shoes = post(**{"title": "Shoes", **fields})
    assert found("quick brown") == [shoes.title]
    assert found('"quick brown"') == []


def test_each_field_keeps_its_own_word_positions(db):
    """A field's first word does not follow the first word of the field before it."""
    post("Quick fox", body="Lazy dog.", description="")
    assert found("quick lazy") == ["Quick fox"]
    assert found('"quick lazy"') == []


def test_an_excluded_word_leaves_its_posts_out(db):
    post("Fox", body="A quick fox.")
    post("Brown fox", body="A quick brown fox.")
    assert found("fox -brown") == ["Fox"]
    assert found('fox -"quick brown"') == ["Fox"]


def test_only_excluded_words_find_nothing(db):
    post("Fox", body="A quick fox.")
    assert found("-brown") == []
    assert total("-brown") == 0


def test_or_finds_either(db):
    post("Fox", body="A quick fox.")
    post("Cat", body="A lazy cat.")
    post("Dog", body="A loyal dog.")
    assert sorted(found("fox or cat")) == ["Cat", "Fox"]


def test_or_parts_the_query_as_postgresql_reads_it(db):
    """``quick fox or cat`` is ``(quick and fox) or cat``, as ``websearch_to_tsquery`` reads it:
    a lazy cat is found, a lazy fox is not."""
    post("Quick fox", body="A quick fox.")
    post("Lazy cat", body="A lazy cat.")
    post("Lazy fox", body="A lazy fox.")
    assert sorted(found("quick fox or cat")) == ["Lazy cat", "Quick fox"]
    assert sorted(found("lazy -fox or quick")) == ["Lazy cat", "Quick fox"]


def test_other_forms_of_a_word_are_found(db):
    post("Searched", body="We searched everywhere.")
    assert found("searching") == ["Searched"]


@pytest.mark.parametrize(("written", "typed"), [("Café culture", "cafe"), ("Cafe culture", "Café")])
def test_accents_do_not_matter_either_way(db, written, typed):
    post(written)
    assert found(typed) == [written]


def test_styled_letters_are_found_by_the_plain_word(db):
    """Capitals in "fancy text" (mathematical bold here) are capitals to no database."""
    bold = "".join(chr(0x1D400 + ord(c) - ord("A")) if c.isupper() else c for c in "TOKYO Trip")
    post(bold)
    post("Home")
    assert found("tokyo trip") == [bold]


def test_cjk_words_are_found_as_their_characters_in_order(db):
    post("Tower", body="東京タワーに行った。")
    post("Kyoto", body="京都に行った。")
    assert found("東京") == ["Tower"]
    assert sorted(found("京")) == ["Kyoto", "Tower"]


def test_drafts_and_scheduled_posts_are_never_found_nor_counted(db):
    DraftFactory(title="Gardening draft", body="Gardening.", description="Gardening.")
    post("Gardening later", published_at=utcnow() + timedelta(days=1))
    post("Gardening")
    assert found("gardening") == ["Gardening"]
    assert total("gardening") == 1


def test_the_hits_are_counted_and_paginated(db):
    for n in range(5):
        post(f"Gardening {n}")
    post("Cooking")
    assert total("gardening") == 5
    pages = [found("gardening", page, per_page=2) for page in (1, 2, 3)]
    assert [len(titles) for titles in pages] == [2, 2, 1]
    assert sorted(title for titles in pages for title in titles) == [
        f"Gardening {n}" for n in range(5)
    ]


def test_equal_matches_come_newest_first(db):
    for n in range(3):
        post(f"Gardening {n}")
    assert found("gardening") == ["Gardening 2", "Gardening 1", "Gardening 0"]


JUNK = {
    "unbalanced quote": ('"gardening tips', ["Gardening tips"]),
    "NUL byte": ("gardening\x00", ["Gardening tips"]),
    "SQL": ("'; DROP TABLE posts; --", []),
    "star": ("*", []),
    "NEAR(": ("NEAR(", []),
    "operators": ("AND OR NOT", []),
    "emoji": ("😀🎉", []),
    "lone quote": ('"', []),
    "long repeated": ("gardening " * 1_000, ["Gardening tips"]),
    "long ors": ("gardening or " * 800, ["Gardening tips"]),
    "long distinct": (" ".join(f"word{n}" for n in range(2_000)), []),
    "long excluded": (
        "gardening " + " ".join(f"-word{n}" for n in range(2_000)),
        ["Gardening tips"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), JUNK.values(), ids=JUNK)
def test_junk_is_read_by_the_database_without_error(db, text, expected):
    post("Gardening tips", body="We dig.")
    assert found(text) == expected
    assert total(text) == len(expected)
    assert found("gardening") == ["Gardening tips"]


def test_a_post_without_words_is_indexed_and_found_by_nothing(db):
    post("😀", body="🎉", description="…")
    post("Gardening tips")
    assert found("gardening") == ["Gardening tips"]
    assert total("gardening") == 1


def test_only_the_newest_matches_are_ranked_and_counted(db, monkeypatch):
    """Past ``CANDIDATES`` matches, the oldest are left out, however well they would rank."""
    monkeypatch.setattr(backends, "CANDIDATES", 3)
    post("Gardening, gardening", body="Gardening.")  # the best match, and the oldest
    for n in range(4):
        post(f"Notes {n}", body="Some gardening.")
    post("Cooking")
    assert found("gardening") == ["Notes 3", "Notes 2", "Notes 1"]
    assert total("gardening") == 3
    assert found("cooking") == ["Cooking"]
