"""What a text is made of for search: the same terms for a post and for a query, so a reader
finds a word however it was inflected, capitalised or accented."""

import pytest

from blog.domain.search.terms import TERM_MAX, fold, terms


def english(text: str) -> list[str]:
    return terms(text, "english")


@pytest.mark.parametrize("word", ["running", "runs", "run"])
def test_inflections_of_a_word_are_one_term(word):
    assert english(word) == english("run") == ["run"]


def test_stemming_is_in_the_language_given():
    assert terms("mangeons mangez manger", "french") == ["mangeon", "mang", "mang"]
    assert english("mangez") == ["mangez"]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("french", "mangée mangé mangées"),
        ("portuguese", "informações informação"),
        ("turkish", "gözlükçüler gözlükçü"),
        ("hungarian", "kérdésről kérdések kérdés"),
    ],
)
def test_a_stemmer_reads_the_accents_of_its_language(language, words):
    """Folding comes after stemming: these stemmers need the accents to find the endings."""
    assert len(set(terms(words, language))) == 1


def test_a_stemmer_of_another_script_reads_its_own_letters():
    assert terms("новый новая", "russian") == ["нов", "нов"]


@pytest.mark.parametrize(
    ("accented", "plain"), [("Café", "cafe"), ("Ørsted", "orsted"), ("façade", "facade")]
)
def test_accents_are_folded(accented, plain):
    """Also where the stemmer would have read the accented word otherwise."""
    assert english(accented) == english(plain)
    assert english(accented)[0].isascii()


@pytest.mark.parametrize("letter", ["ø", "æ", "œ", "ł", "đ", "ß"])
def test_letters_unicode_does_not_decompose_are_folded_too(letter):
    assert english(f"x{letter}y")[0].isascii()


def test_case_does_not_matter():
    assert english("FLASK Flask flask") == ["flask", "flask", "flask"]


STYLES = {  # where each style's "a" (or "A") is
    "bold": 0x1D41A,
    "bold capitals": 0x1D400,
    "italic": 0x1D44E,
    "full-width": 0xFF41,
    "full-width capitals": 0xFF21,
}


@pytest.mark.parametrize("a", STYLES.values(), ids=STYLES)
def test_styled_and_full_width_letters_are_the_plain_word(a):
    """ "Fancy text" and full-width letters are the same word to a reader, stemmed and lower
    case like it: a database's own case folding must have nothing left to do."""
    running = "".join(chr(a + ord(letter) - ord("a")) for letter in "running")
    assert english(running) == english("running") == ["run"]


def test_cjk_text_is_a_term_per_character():
    assert english("東京タワー") == ["東", "京", "タ", "ワ", "ー"]
    assert english("한국어") == english("한") + english("국") + english("어")
    assert len(english("한국어")) == 3


def test_japanese_voicing_marks_are_not_accents():
    """バス (a bus) and ハス (a lotus) differ by a mark that decomposes like an accent."""
    assert english("バス") == ["バ", "ス"] != english("ハス")


def test_korean_syllables_stay_whole():
    assert english("한국어") == ["한", "국", "어"]


@pytest.mark.parametrize(
    ("text", "characters"), [("ภาษาไทย", "ภาษาไทย"), ("ພາສາລາວ", "ພາສາລາວ"), ("ភាសាខ្មែរ", "ភសខមរ")]
)
def test_scripts_written_without_spaces_are_a_term_per_letter(text, characters):
    """Thai, Lao, Khmer: a run of text is many words, often longer than a word may be; each
    letter is a term, and its marks (vowels, tones) are nothing."""
    assert english(text) == list(characters)


def test_a_word_keeps_the_marks_within_it():
    """A Hindi vowel sign is a mark, not a separator: "हिन्दी" is one word, not four letters."""
    assert len(english("हिन्दी भाषा")) == 2


def test_cjk_characters_next_to_latin_letters_are_terms_of_their_own():
    assert english("東京tower") == ["東", "京", "tower"]


def test_words_longer_than_term_max_are_skipped():
    """A hash or a long URL is no word a reader searches for, and would bloat the index."""
    longest = "x" * TERM_MAX
    assert english(f"{longest} {longest}x ok") == [longest, "ok"]


def test_words_with_digits_are_kept_whole():
    assert english("COVID19 h2o 2024") == ["covid19", "h2o", "2024"]


def test_punctuation_and_underscores_separate_words():
    assert english("snake_case, dotted.name; kebab-case!") == [
        "snake",
        "case",
        "dot",
        "name",
        "kebab",
        "case",
    ]


def test_a_text_without_letters_or_digits_has_no_terms():
    assert english("*** -- 😀 ... \x00") == []


def test_folding_keeps_the_letters_and_digits_alone():
    assert fold("Ørsted-Café №5") == "orstedcafeno5"
