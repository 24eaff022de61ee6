"""The passage shown with each hit: the matching words marked, in markup built from escaped
text, around the densest run of matches."""

from markupsafe import Markup

from blog.domain.search.query import parse
from blog.domain.search.snippets import LEAD_WORDS, SNIPPET_WORDS, highlight, snippet
from blog.domain.search.terms import TERM_MAX


def marked(texts: list[str], typed: str) -> str:
    return str(snippet(texts, parse(typed, "english"), "english"))


def test_the_words_asked_for_are_marked_in_every_form():
    assert marked(["We searched and kept searching."], "search") == (
        "We <mark>searched</mark> and kept <mark>searching</mark>."
    )


def test_excluded_words_are_not_marked():
    passage = marked(["Flask without Django."], "flask -django")
    assert passage == "<mark>Flask</mark> without Django."


def test_what_an_author_typed_is_text_and_only_the_marks_are_markup():
    text = '<script>alert("flask")</script> & <b>flask</b>'
    assert marked([text], "flask") == (
        "&lt;script&gt;alert(&#34;<mark>flask</mark>&#34;)&lt;/script&gt; &amp; "
        "&lt;b&gt;<mark>flask</mark>&lt;/b&gt;"
    )
    assert isinstance(snippet([text], parse("flask", "english"), "english"), Markup)


def test_a_long_text_shows_the_run_with_most_matches_a_few_words_before_it():
    filler = [f"w{n}" for n in range(100)]
    words = [*filler[:40], "flask", "tips", *filler[40:], "flask", *filler[:5]]
    passage = marked([" ".join(words)], "flask tips")
    shown = passage.strip("…").split()
    assert passage.startswith("…") and passage.endswith("…")
    assert len(shown) == SNIPPET_WORDS
    assert shown[LEAD_WORDS : LEAD_WORDS + 2] == ["<mark>flask</mark>", "<mark>tips</mark>"]
    assert shown[0] == f"w{40 - LEAD_WORDS}"


def test_a_match_near_the_start_shows_the_start_without_an_ellipsis():
    passage = marked(["Flask " + " ".join(f"w{n}" for n in range(50))], "flask")
    assert passage.startswith("<mark>Flask</mark> w0") and passage.endswith("…")


def test_a_passage_near_the_end_starts_sooner_to_be_as_long_as_the_others():
    words = [f"w{n}" for n in range(60)] + ["flask"]
    passage = marked([" ".join(words)], "flask")
    assert passage.startswith("…w31 ") and passage.endswith("<mark>flask</mark>")


def test_a_short_text_is_shown_whole():
    text = " ".join(f"w{n}" for n in range(20)) + " flask"
    assert marked([text], "flask") == text.replace("flask", "<mark>flask</mark>")


def test_the_text_with_more_matches_is_the_one_shown():
    description = "A note on Flask."
    body = "Flask tips: Flask blueprints and Flask views."
    assert marked([description, body], "flask").count("<mark>") == 3


def test_without_a_match_the_first_text_is_shown_from_its_start():
    """A post found by its title or tags alone still shows what it is about."""
    assert marked(["About gardens.", "Soil and seeds."], "tomato") == "About gardens."


def test_spaces_and_line_breaks_are_one_space():
    assert marked(["Flask\n\n  tips"], "tips") == "Flask <mark>tips</mark>"


def test_a_title_is_shown_whole_with_its_matches_marked():
    title = "Flask & <Django> tips"
    assert str(highlight(title, parse("tips or flask", "english"), "english")) == (
        "<mark>Flask</mark> &amp; &lt;Django&gt; <mark>tips</mark>"
    )


def test_a_word_as_long_as_a_term_may_be_is_marked():
    word = "a" * TERM_MAX
    assert marked([f"The {word} word."], word) == f"The <mark>{word}</mark> word."


def test_an_empty_description_gives_way_to_the_body():
    assert marked(["", "Flask tips."], "tips") == "Flask <mark>tips</mark>."


def test_texts_without_words_give_no_passage():
    assert marked(["", "…!"], "flask") == ""
