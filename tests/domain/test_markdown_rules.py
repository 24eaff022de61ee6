"""What Markdown becomes (blog.markdown): the post and comment subsets and the sanitiser's rules."""

import pytest

from blog.markdown import (
    LINE_BREAK_WEIGHT,
    MARKUP_CHARACTERS,
    markup_weight,
    render_comment,
    render_post,
)


def test_a_comment_is_rendered_by_the_comment_rules_not_the_post_rules():
    assert render_comment("# Not a heading") == "<p># Not a heading</p>\n"
    assert '<h1 id="h-a-heading">A heading</h1>' in render_post("# A heading")


def test_comments_have_no_rules_tables_or_images():
    html = render_comment("above\n\n---\n\n| a |\n|---|\n| 1 |\n\n![i](https://e.example/i.png)")
    assert "<hr" not in html and "<table" not in html and "<img" not in html
    assert "above" in html


def test_a_comment_keeps_lists_quotes_code_and_inline_markup():
    html = render_comment("> quoted\n\n1. one\n\n```\ncode\n```\n\n~~gone~~ *em* `x`")
    for fragment in ("<blockquote>", "<ol>", "<li>one</li>", "<pre><code>code\n</code></pre>",
                     "<s>gone</s>", "<em>em</em>", "<code>x</code>"):  # fmt: skip
        assert fragment in html


def test_posts_have_rules_images_and_strikethrough():
    html = render_post('---\n\n![alt](https://e.example/i.png "t")\n\n~~old~~')
    assert "<hr>" in html
    assert '<img src="https://e.example/i.png" alt="alt" title="t">' in html
    assert "<s>old</s>" in html


@pytest.mark.parametrize(
    "url", ["ftp://files.example/x", "tel:+123", "data:image/png;base64,iVBORw0KGgo=", "irc://x"]
)
def test_links_and_images_keep_only_http_https_and_mailto_addresses(url):
    html = render_post(f"[link]({url}) ![img]({url})")
    assert url not in html
    assert '<a rel="nofollow noopener">link</a>' in html


@pytest.mark.parametrize("url", ["https://e.example/", "http://e.example/", "mailto:a@e.example"])
def test_http_https_and_mailto_links_are_kept(url):
    assert f'<a href="{url}" rel="nofollow noopener">x</a>' in render_post(f"[x]({url})")


def test_a_table_without_alignment_has_plain_cells():
    html = render_post("| a |\n|---|\n| 1 |")
    assert "<th>a</th>" in html and "<td>1</td>" in html


def test_a_left_aligned_cell_says_so_with_the_align_attribute():
    html = render_post("| a |\n|:--|\n| 1 |")
    assert '<th align="left">a</th>' in html and '<td align="left">1</td>' in html


def test_code_blocks_keep_their_language_class_and_ordered_lists_their_start():
    html = render_post("```python\nx\n```\n\n3. three\n4. four")
    assert '<code class="language-python">' in html
    assert '<ol start="3">' in html


def test_raw_html_is_shown_as_text_not_run():
    assert render_post("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_the_markup_weight_counts_markup_characters_once_and_line_breaks_three_times():
    assert markup_weight("Plain words, a comma; a full stop. And digits: none") == 1  # ":"
    assert markup_weight(MARKUP_CHARACTERS) == len(MARKUP_CHARACTERS) == 25
    assert markup_weight("![alt](src)") == 5
    assert markup_weight("one\ntwo\n") == 2 * LINE_BREAK_WEIGHT == 6
