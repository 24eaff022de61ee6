"""How a search box's text is read: the same query language on every database, and nothing a
reader types is an error or unbounded work."""

import pytest

from blog.domain.search.query import CLAUSES_MAX, QUERY_MAX, Clause, SearchQuery, parse


def read(text: str) -> SearchQuery:
    return parse(text, "english")


def clause(*terms: str) -> Clause:
    return Clause(terms)


def query(text: str, *wanted: tuple[Clause, ...], excluded: tuple[Clause, ...] = ()) -> SearchQuery:
    return SearchQuery(text, wanted, excluded)


def test_every_word_is_wanted():
    assert read("flask tips") == query("flask tips", (clause("flask"),), (clause("tip"),))


def test_quotes_make_a_phrase_of_their_words_in_order():
    text = 'tips "exact phrase"'
    assert read(text) == query(text, (clause("tip"),), (clause("exact", "phrase"),))


def test_a_minus_excludes_a_word():
    assert read("-java flask") == query(
        "-java flask", (clause("flask"),), excluded=(clause("java"),)
    )


def test_a_minus_before_quotes_excludes_the_phrase():
    text = 'flask -"unit tests"'
    assert read(text) == query(text, (clause("flask"),), excluded=(clause("unit", "test"),))


def test_or_joins_the_clauses_either_side_of_it_only():
    """As a search engine reads it: ``a b or c`` wants a, and b or c."""
    text = "flask django or pyramid"
    assert read(text) == query(text, (clause("flask"),), (clause("django"), clause("pyramid")))


def test_or_chains_and_joins_phrases():
    text = '"unit test" or pytest or nose'
    expected = query(text, (clause("unit", "test"), clause("pytest"), clause("nose")))
    assert read(text) == expected


def test_or_is_read_in_any_case():
    assert read("flask OR django") == query("flask OR django", (clause("flask"), clause("django")))


@pytest.mark.parametrize("text", ["flask or -django tips", "flask -django or tips"])
def test_or_never_joins_an_excluded_clause(text):
    """ "Either a, or not b" would find nearly every post: the ``or`` is dropped instead."""
    assert read(text) == query(
        text, (clause("flask"),), (clause("tip"),), excluded=(clause("django"),)
    )


@pytest.mark.parametrize("text", ["or flask", "flask or", "flask or or", "or or flask"])
def test_an_or_with_nothing_on_one_side_is_dropped(text):
    assert read(text) == query(text, (clause("flask"),))


def test_a_doubled_or_is_one_or():
    assert read("flask or or django") == query(
        "flask or or django", (clause("flask"), clause("django"))
    )


@pytest.mark.parametrize("text", ["or", "-", "- -", '""', '-""', "*", "😀🎉", "", "   "])
def test_lone_operators_empty_quotes_and_symbols_ask_for_nothing(text):
    assert read(text) == query(text.strip())
    assert read(text).is_empty


def test_a_lone_minus_is_a_separator():
    assert read("flask - django") == query(
        "flask - django", (clause("flask"),), (clause("django"),)
    )


def test_an_unbalanced_quote_runs_to_the_end():
    text = 'tips "exact phrase here'
    assert read(text) == query(text, (clause("tip"),), (clause("exact", "phrase", "here"),))


def test_only_excluded_words_find_nothing():
    """Without anything wanted, such a query would be every post but a few."""
    parsed = read('-java -"enterprise beans"')
    assert parsed.excluded == (clause("java"), clause("enterpris", "bean"))
    assert parsed.wanted == ()
    assert parsed.is_empty


def test_query_operators_of_other_engines_are_words():
    assert read("AND OR NOT") == query("AND OR NOT", (clause("and"), clause("not")))
    assert read("NEAR(flask, django)") == query(
        "NEAR(flask, django)", (clause("near", "flask"),), (clause("django"),)
    )
    assert read("flask*") == query("flask*", (clause("flask"),))


def test_sql_is_words():
    text = "'; DROP TABLE posts; --"
    expected = query(text, (clause("drop"),), (clause("tabl"),), (clause("post"),))
    assert read(text) == expected


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x85", "\ud800"])
def test_a_nul_or_control_character_is_a_space(control):
    """As a page shows the query (it can't show these), and as a reader would mean it: two
    words, and a minus after one still excludes."""
    assert read(f"flask{control}tips") == query("flask tips", (clause("flask"),), (clause("tip"),))
    assert read(f"{control}-flask{control}") == query("-flask", excluded=(clause("flask"),))


def test_the_text_is_read_up_to_query_max_characters():
    text = " " * (QUERY_MAX - 6) + "flask tips"  # "tips" starts at QUERY_MAX
    assert read(text) == query("flask", (clause("flask"),))
    assert read(" " * QUERY_MAX + "flask").is_empty


def test_clauses_past_clauses_max_are_ignored():
    words = [f"word{n}" for n in range(CLAUSES_MAX + 10)]
    parsed = read(" ".join(words))
    assert parsed.wanted == tuple((clause(w),) for w in words[:CLAUSES_MAX])


def test_excluded_clauses_count_towards_clauses_max():
    words = [f"-word{n}" for n in range(CLAUSES_MAX)]
    parsed = read(" ".join([*words, "flask"]))
    assert parsed.excluded == tuple(clause(w[1:]) for w in words)
    assert parsed.is_empty


@pytest.mark.parametrize("piece", ["flask ", '"flask tips" ', "-flask ", "flask or "])
def test_a_ten_thousand_character_query_is_bounded(piece):
    parsed = read(piece * (10_000 // len(piece)))
    clauses = sum(len(group) for group in parsed.wanted) + len(parsed.excluded)
    assert len(parsed.text) == QUERY_MAX
    assert clauses == CLAUSES_MAX
