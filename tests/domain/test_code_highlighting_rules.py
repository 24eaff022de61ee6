"""Fenced code is highlighted on the server (blog.markdown): spans of Pygments' token classes,
which are all a span may keep, and a stylesheet that colours them in both themes."""

from pathlib import Path

import lxml.html
import pytest

from blog.markdown import (
    BLOCK_HIGHLIGHT_MAX,
    BODY_HIGHLIGHT_MAX,
    HIGHLIGHTED_LANGUAGES,
    code_stylesheet,
    render_comment,
    render_post,
    token_classes,
)

STYLESHEET = Path(__file__).parents[2] / "blog" / "static" / "css" / "code.css"


def _spans(html: str) -> list[tuple[str, str]]:
    return [(s.get("class"), s.text_content()) for s in lxml.html.fromstring(html).iter("span")]


@pytest.mark.parametrize("render", [render_post, render_comment])
def test_code_in_a_known_language_is_highlighted_keeping_its_text(render):
    html = render('```python\ndef greet(name):\n    return "hi"  # say it\n```')
    spans = _spans(html)
    assert ("k", "def") in spans and ("nf", "greet") in spans and ("s2", '"hi"') in spans
    assert ("c1", "# say it") in spans
    code = lxml.html.fromstring(html).find(".//code")
    assert code.get("class") == "language-python"
    assert code.text_content() == 'def greet(name):\n    return "hi"  # say it\n'


@pytest.mark.parametrize("info", ["", "no-such-language", '"><script>', "terraform", "make"])
def test_code_in_no_language_or_an_unknown_one_is_plain_text(info):
    html = render_post(f"```{info}\n<b>bold?</b> & more\n```")
    assert "<span" not in html and "<b>" not in html
    assert "&lt;b&gt;bold?&lt;/b&gt; &amp; more" in html


def test_what_the_code_says_stays_text_inside_the_spans():
    html = render_post('```html\n<script>alert("x")</script>\n```')
    assert "<script>" not in html
    assert lxml.html.fromstring(html).find(".//code").text_content() == (
        '<script>alert("x")</script>\n'
    )


def test_a_span_keeps_only_pygments_classes():
    """Raw HTML is off, so only the highlighter writes spans; the sanitiser holds them to its
    classes anyway."""
    html = render_post("```python\nx = 1\n```")
    assert {name for name, _ in _spans(html)} <= token_classes()
    assert "w" in token_classes() and "" not in token_classes()


def test_the_stylesheet_is_the_one_the_script_writes():
    """``scripts/code-css`` writes it from the styles in blog.markdown; a new Pygments or style
    must come with a new stylesheet."""
    assert STYLESHEET.read_text() == code_stylesheet()


def test_the_stylesheet_colours_code_in_both_themes():
    light, dark = code_stylesheet().split("@media (prefers-color-scheme: dark)")
    for name in ("k", "s2", "c1", "nf"):
        assert f"pre code .{name} {{" in light and f"pre code .{name} {{" in dark


@pytest.mark.parametrize(
    ("alias", "code", "token"),
    [("py", "def f(): pass", "k"), ("js", "let a = 1;", "kd"), ("sh", "echo hi", "nb")],
)
def test_a_language_is_known_by_any_of_its_names(alias, code, token):
    assert token in {name for name, _ in _spans(render_post(f"```{alias}\n{code}\n```"))}


def test_every_listed_language_is_one_pygments_knows():
    from pygments.lexers import get_lexer_by_name

    for name in HIGHLIGHTED_LANGUAGES:
        assert get_lexer_by_name(name).aliases[0] == name


def test_a_block_longer_than_the_bound_is_plain_code():
    """Some lexers take time that grows faster than their input: a long block stays plain."""
    fits = "x = 1\n" * (BLOCK_HIGHLIGHT_MAX // 6)
    assert "<span" in render_post(f"```python\n{fits}```")
    too_long = "x = 1\n" * (BLOCK_HIGHLIGHT_MAX // 6 + 1)
    assert "<span" not in render_post(f"```python\n{too_long}```")


def test_a_body_highlights_at_most_its_budget_of_code():
    block = "x = 1\n" * (BLOCK_HIGHLIGHT_MAX // 6)
    blocks = BODY_HIGHLIGHT_MAX // len(block)
    html = render_post("\n\n".join(f"```python\n{block}```" for _ in range(blocks + 2)))
    codes = lxml.html.fromstring(html).iter("code")
    assert sum(code.find("span") is not None for code in codes) == blocks
    assert "<span" in render_post(f"```python\n{block}```")  # each render has its own budget
