import re

import pytest

from blog.markdown import render_comment, render_post


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "![img](data:image/svg+xml;base64,PHN2Zz4=)",
        '<img src=x onerror="alert(1)">',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_dangerous_markup_never_survives(source):
    html = render_post(source)
    assert "<script" not in html
    assert "<iframe" not in html
    assert re.search(r"<[^>]*onerror", html) is None
    assert 'href="javascript' not in html.lower()
    assert 'src="data:' not in html


def test_links_get_nofollow_noopener():
    assert render_post("[site](https://example.com)") == (
        '<p><a href="https://example.com" rel="nofollow noopener">site</a></p>\n'
    )


def test_posts_keep_structure():
    html = render_post("# Title\n\n- one\n- two\n\n```python\nx = 1\n```\n\n| a |\n|---|\n| 1 |")
    for fragment in (
        '<h1 id="h-title">Title</h1>',
        "<li>one</li>",
        '<code class="language-python">',
        "<table>",
    ):
        assert fragment in html


def test_comments_are_a_smaller_subset():
    html = render_comment("# Not a heading\n\n![img](https://e.example/i.png) **bold**")
    assert "<h1>" not in html and "<img" not in html
    assert "<strong>bold</strong>" in html


def test_table_alignment_survives_without_inline_styles():
    html = render_post("| a | b |\n|:-:|--:|\n| 1 | 2 |")
    assert '<th align="center">a</th>' in html and '<td align="right">2</td>' in html
    assert "style=" not in html
