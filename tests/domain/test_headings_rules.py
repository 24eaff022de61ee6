"""Heading anchors (blog.markdown): every heading of a post has an id from its text, stable,
unique in the body, never one of the page's own ids, and a "#" link to it that the sanitiser
keeps; the table of contents is read back from those ids (blog.domain.reading)."""

import re
from html.parser import HTMLParser

import pytest

from blog.domain.reading import (
    CONTENTS_MIN_WORDS,
    reading_minutes,
    table_of_contents,
    word_count,
)
from blog.markdown import (
    HEADING_ID_MAX,
    HEADING_ID_PREFIX,
    heading_id,
    headings,
    render_comment,
    render_post,
)

PROSE = "word " * CONTENTS_MIN_WORDS


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.found.extend((tag, name, value) for name, value in attrs)


def attributes(html: str) -> list[tuple[str, str, str | None]]:
    """``(tag, attribute, value)`` for every attribute in ``html``, as a browser reads them."""
    parser = _Attributes()
    parser.feed(html)
    parser.close()
    return parser.found


def ids(html: str) -> list[str]:
    return [value for _, name, value in attributes(html) if name == "id"]


def test_a_heading_gets_an_id_from_its_text_and_a_link_to_it():
    html = render_post("## Getting Started, quickly!")
    assert '<h2 id="h-getting-started-quickly">Getting Started, quickly!</h2>' in html
    assert '<a href="#h-getting-started-quickly" class="heading-anchor"' in html
    assert 'aria-label="Link to this section: Getting Started, quickly!"' in html


def test_the_link_is_beside_the_heading_not_inside_it():
    """Inside, its label would join the heading's accessible name."""
    html = render_post("## Setup")
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", html).group(1)
    assert heading == "Setup"
    assert re.fullmatch(
        r'<div class="heading">\s*<h2 id="h-setup">Setup</h2>\s*'
        r'<a href="#h-setup" class="heading-anchor"[^>]*></a>\s*</div>\s*',
        html,
    )


def test_the_same_text_gives_the_same_id_on_every_render():
    source = "# One\n\ntext\n\n## Two *em* `code`\n\n### Three"
    assert render_post(source) == render_post(source)
    assert ids(render_post(source)) == ["h-one", "h-two-em-code", "h-three"]


def test_repeated_headings_get_numbered_ids_unique_in_the_body():
    html = render_post("## Notes\n\n## Notes\n\n## Notes-2\n\n## Notes\n\n## Notes")
    assert ids(html) == ["h-notes", "h-notes-2", "h-notes-2-2", "h-notes-3", "h-notes-4"]


def test_every_heading_level_and_setext_headings_get_ids():
    html = render_post("# A\n\n## B\n\n### C\n\n#### D\n\n##### E\n\n###### F\n\nG\n=\n\nH\n-")
    assert ids(html) == ["h-a", "h-b", "h-c", "h-d", "h-e", "h-f", "h-g", "h-h"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Привет мир", "привет-мир"),
        ("Ελληνικά κείμενα", "ελληνικά-κείμενα"),
        ("日本語の見出し", "日本語の見出し"),
        ("हिन्दी शीर्षक", "हिन्दी-शीर्षक"),  # vowel signs are marks: kept
        ("Ünïcödé", "ünïcödé"),
        ("\uff26\uff35\uff2c\uff2c\u3000\uff57\uff49\uff44\uff54\uff48", "full-width"),  # NFKC
        ("snake_case and CamelCase", "snake_case-and-camelcase"),
        ("  spaces -- and --- dashes  ", "spaces-and-dashes"),
        ("C++ & C#: 2024 edition", "c-c-2024-edition"),
        ("zero\u200bwidth", "zero-width"),
    ],
)
def test_ids_keep_letters_marks_and_digits_of_any_script_in_lower_case(text, expected):
    assert heading_id(text) == expected
    assert ids(render_post(f"## {text}")) == [HEADING_ID_PREFIX + expected]


def test_a_heading_with_nothing_an_id_keeps_gets_a_generic_numbered_one():
    html = render_post("## 🎉🎉\n\n## ???\n\n## —")
    assert ids(html) == ["h-section", "h-section-2", "h-section-3"]


def test_an_empty_heading_gets_no_id_and_no_link():
    html = render_post("##\n\n## Real\n\n#\n")
    assert ids(html) == ["h-real"]
    assert html.count("heading-anchor") == 1
    assert "<h2></h2>" in html and "<h1></h1>" in html


def test_a_long_heading_gives_a_bounded_id():
    html = render_post("## " + "word " * 200)
    (found,) = ids(html)
    assert len(found) <= len(HEADING_ID_PREFIX) + HEADING_ID_MAX
    assert found.startswith("h-word-word") and not found.endswith("-")


@pytest.mark.parametrize(
    "text",
    [
        '"><script>alert(1)</script>',
        "' onmouseover='alert(1)",
        "<img src=x onerror=alert(1)>",
        'a" id="content',
        "[link](javascript:alert(1))",
    ],
)
def test_hostile_heading_text_stays_text_in_the_id_the_link_and_its_label(text):
    html = render_post(f"## {text}")
    assert "<script" not in html and "<img" not in html
    assert [(tag, name) for tag, name, _ in attributes(html)] == [
        ("div", "class"),
        ("h2", "id"),
        ("a", "href"),
        ("a", "class"),
        ("a", "aria-label"),
        ("a", "rel"),
    ]
    (found,) = ids(html)
    assert re.fullmatch(r"h-[\w-]+", found)
    assert ("a", "href", f"#{found}") in attributes(html)
    assert ("a", "aria-label", f"Link to this section: {text}") in attributes(html)


def test_no_id_in_a_body_can_be_one_of_the_pages_own():
    html = render_post("## content\n\n## comments\n\n## comments-title\n\n## toc-title")
    assert ids(html) == ["h-content", "h-comments", "h-comments-title", "h-toc-title"]
    assert all(found.startswith(HEADING_ID_PREFIX) for found in ids(html))


def test_the_sanitiser_keeps_only_the_heading_rules_own_attributes():
    """Raw HTML is off, so only the renderer writes these; nothing else gains an id or class."""
    html = render_post("## Kept\n\n[link](https://e.example) text {#custom}")
    assert ids(html) == ["h-kept"]
    assert [(tag, value) for tag, name, value in attributes(html) if name == "class"] == [
        ("div", "heading"),
        ("a", "heading-anchor"),
    ]


def test_comments_have_no_headings_ids_or_anchors():
    html = render_comment("## Not a heading")
    assert "id=" not in html and "heading-anchor" not in html


def test_headings_are_read_back_from_the_html_with_their_plain_text():
    html = render_post("## A *b* `c` & <d>\n\n### [Link](https://e.example)\n\n##\n\ntext")
    found = headings(html)
    assert [(h.level, h.id, h.text) for h in found] == [
        (2, "h-a-b-c-d", "A b c & <d>"),
        (3, "h-link", "Link"),
    ]


def test_a_long_post_gets_a_table_of_contents_of_its_two_highest_levels_nested():
    body = f"{PROSE}\n\n## One\n\n### One a\n\n#### Deep\n\n## Two\n\n### Two a\n\n## Three"
    entries = table_of_contents(body, render_post(body))
    assert [(e.heading.text, [c.heading.text for c in e.children]) for e in entries] == [
        ("One", ["One a"]),
        ("Two", ["Two a"]),
        ("Three", []),
    ]


def test_a_post_starting_at_level_one_lists_levels_one_and_two():
    body = f"{PROSE}\n\n# One\n\n## One a\n\n### Deep\n\n# Two\n\n# Three"
    entries = table_of_contents(body, render_post(body))
    assert [e.heading.id for e in entries] == ["h-one", "h-two", "h-three"]
    assert [c.heading.id for c in entries[0].children] == ["h-one-a"]


def test_a_lower_heading_before_any_higher_one_is_listed_at_the_top():
    body = f"{PROSE}\n\n### Preface\n\n## One\n\n## Two"
    entries = table_of_contents(body, render_post(body))
    assert [e.heading.text for e in entries] == ["Preface", "One", "Two"]


def test_a_heading_of_only_an_image_has_an_id_but_no_entry_without_text():
    body = f"{PROSE}\n\n## ![Logo](https://e.example/logo.png)\n\n## One\n\n## Two\n\n## Three"
    html = render_post(body)
    assert ids(html)[0] == "h-logo"
    assert [e.heading.id for e in table_of_contents(body, html)] == ["h-one", "h-two", "h-three"]


def test_a_short_post_or_one_with_few_headings_gets_no_table_of_contents():
    headed = "## One\n\n## Two\n\n## Three"
    assert table_of_contents(headed, render_post(headed)) == []  # too few words
    two = f"{PROSE}\n\n## One\n\n## Two"
    assert table_of_contents(two, render_post(two)) == []  # too few headings
    deep = f"{PROSE}\n\n## One\n\n#### a\n\n#### b\n\n#### c"
    assert table_of_contents(deep, render_post(deep)) == []  # only one at the top two levels
    old = f"{PROSE}\n\n## One\n\n## Two\n\n## Three"
    assert table_of_contents(old, "<h2>One</h2><h2>Two</h2><h2>Three</h2>") == []  # no ids yet


def test_words_are_counted_by_spaces_and_chinese_and_japanese_by_characters():
    assert word_count("") == 0
    assert word_count("one two  three\nfour") == 4
    assert word_count("你好世界") == 4
    assert word_count("こんにちは、世界。") == 7  # punctuation is no word
    assert word_count("我们今天去公园\uff0c然后回家。") == 11
    assert word_count("Hello 世界 again") == 4
    assert word_count("안녕하세요 세계") == 2  # Korean puts spaces between words


def test_reading_time_is_words_at_230_a_minute_and_at_least_one():
    assert reading_minutes("") == 1
    assert reading_minutes("word " * 230 * 6) == 6
    assert reading_minutes("word " * (230 * 6 + 100)) == 6
    assert reading_minutes("字" * 230 * 3) == 3
