"""How a search box's text is read: the same query language on every database, and nothing a
reader types is an error or unbounded work."""

import pytest

from blog.domain.search.query import (
    CLAUSES_MAX,
    QUERY_MAX,
    Clause,
    Conjunction,
    SearchQuery,
    parse,
)


def read(text: str) -> SearchQuery:
    return parse(text, "english")


def clause(*terms: str) -> Clause:
    return Clause(terms)


def words(*names: str) -> tuple[Clause, ...]:
    return tuple(clause(name) for name in names)


def part(*wanted: Clause, excluded: tuple[Clause, ...] = ()) -> Conjunction:
    return Conjunction(wanted, excluded)


def query(text: str, *alternatives: Conjunction) -> SearchQuery:
    return SearchQuery(text, alternatives)


def test_every_word_is_wanted():
    assert read("flask tips") == query("flask tips", part(*words("flask", "tip")))


def test_quotes_make_a_phrase_of_their_words_in_order():
    text = 'tips "exact phrase"'
    assert read(text) == query(text, part(clause("tip"), clause("exact", "phrase")))


def test_a_minus_excludes_a_word():
    assert read("-java flask") == query(
        "-java flask", part(clause("flask"), excluded=words("java"))
    )


def test_a_minus_before_quotes_excludes_the_phrase():
    text = 'flask -"unit tests"'
    assert read(text) == query(text, part(clause("flask"), excluded=(clause("unit", "test"),)))


def test_or_parts_the_query_as_postgresql_reads_it():
    """``websearch_to_tsquery('a b or c')`` is ``'a' & 'b' | 'c'``: a post with c alone is
    found."""
    text = "flask django or pyramid"
    assert read(text) == query(text, part(*words("flask", "django")), part(clause("pyramid")))


def test_or_chains_and_joins_phrases():
    text = '"unit test" or pytest or nose'
    expected = query(
        text, part(clause("unit", "test")), part(clause("pytest")), part(clause("nose"))
    )
    assert read(text) == expected


def test_or_is_read_in_any_case():
    assert read("flask OR django") == query(
        "flask OR django", part(clause("flask")), part(clause("django"))
    )


def test_an_excluded_word_belongs_to_its_own_part():
    text = "flask -django or pyramid tips"
    expected = query(
        text, part(clause("flask"), excluded=words("django")), part(*words("pyramid", "tip"))
    )
    assert read(text) == expected


@pytest.mark.parametrize("text", ["flask or -django", "-django or flask"])
def test_a_part_that_only_excludes_is_dropped(text):
    """ "Either flask, or anything but django" would find nearly every post."""
    assert read(text) == query(text, part(clause("flask")))


@pytest.mark.parametrize("text", ["or flask", "flask or", "flask or or", "or or flask"])
def test_an_or_with_nothing_on_one_side_is_dropped(text):
    assert read(text) == query(text, part(clause("flask")))


def test_a_doubled_or_is_one_or():
    assert read("flask or or django") == query(
        "flask or or django", part(clause("flask")), part(clause("django"))
    )


@pytest.mark.parametrize("text", ["or", "-", "- -", '""', '-""', "*", "😀🎉", "", "   "])
def test_lone_operators_empty_quotes_and_symbols_ask_for_nothing(text):
    assert read(text) == query(text.strip())
    assert read(text).is_empty


def test_a_lone_minus_is_a_separator():
    assert read("flask - django") == query("flask - django", part(*words("flask", "django")))


def test_an_unbalanced_quote_runs_to_the_end():
    text = 'tips "exact phrase here'
    assert read(text) == query(text, part(clause("tip"), clause("exact", "phrase", "here")))


def test_only_excluded_words_find_nothing():
    """Without anything wanted, such a query would be every post but a few."""
    text = '-java -"enterprise beans"'
    assert read(text) == query(text)
    assert read(text).is_empty


def test_query_operators_of_other_engines_are_words():
    assert read("AND OR NOT") == query("AND OR NOT", part(clause("and")), part(clause("not")))
    assert read("NEAR(flask, django)") == query(
        "NEAR(flask, django)", part(clause("near", "flask"), clause("django"))
    )
    assert read("flask*") == query("flask*", part(clause("flask")))


def test_sql_is_words():
    text = "'; DROP TABLE posts; --"
    assert read(text) == query(text, part(*words("drop", "tabl", "post")))


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x85", "\ud800"])
def test_a_nul_or_control_character_is_a_space(control):
    """As a page shows the query (it can't show these), and as a reader would mean it: two
    words, and a minus after one still excludes."""
    assert read(f"flask{control}tips") == query("flask tips", part(*words("flask", "tip")))
    assert read(f"tips{control}-flask{control}") == query(
        "tips -flask", part(clause("tip"), excluded=words("flask"))
    )


def test_the_text_is_read_up_to_query_max_characters():
    text = " " * (QUERY_MAX - 6) + "flask tips"  # "tips" starts at QUERY_MAX
    assert read(text) == query("flask", part(clause("flask")))
    assert read(" " * QUERY_MAX + "flask").is_empty


def test_clauses_past_clauses_max_are_ignored():
    names = [f"word{n}" for n in range(CLAUSES_MAX + 10)]
    assert read(" ".join(names)).alternatives == (part(*words(*names[:CLAUSES_MAX])),)


def test_excluded_clauses_count_towards_clauses_max():
    names = [f"word{n}" for n in range(CLAUSES_MAX)]
    parsed = read(" ".join([*(f"-{name}" for name in names), "flask"]))
    assert parsed.is_empty  # "flask" came after the limit; what came before only excludes
    parsed = read(" ".join(["flask", *(f"-{name}" for name in names)]))
    assert parsed.alternatives == (part(clause("flask"), excluded=words(*names[:-1])),)


@pytest.mark.parametrize("piece", ["flask ", '"flask tips" ', "tips -flask ", "flask or "])
def test_a_ten_thousand_character_query_is_bounded(piece):
    parsed = read(piece * (10_000 // len(piece)))
    clauses = sum(len(p.wanted) + len(p.excluded) for p in parsed.alternatives)
    assert len(parsed.text) <= QUERY_MAX
    assert clauses == CLAUSES_MAX
