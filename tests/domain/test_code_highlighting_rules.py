"""Fenced code is highlighted on the server (blog.markdown): spans of Pygments' token classes,
which are all a span may keep, and a stylesheet that colours them in both themes."""

from pathlib import Path

import lxml.html
import pytest

from blog.markdown import TOKEN_CLASSES, code_stylesheet, render_comment, render_post

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


@pytest.mark.parametrize("info", ["", "no-such-language", '"><script>'])
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
    assert {name for name, _ in _spans(html)} <= TOKEN_CLASSES
    assert "w" in TOKEN_CLASSES and "" not in TOKEN_CLASSES


def test_the_stylesheet_is_the_one_the_script_writes():
    """``scripts/code-css`` writes it from the styles in blog.markdown; a new Pygments or style
    must come with a new stylesheet."""
    assert STYLESHEET.read_text() == code_stylesheet()


def test_the_stylesheet_colours_code_in_both_themes():
    light, dark = code_stylesheet().split("@media (prefers-color-scheme: dark)")
    for name in ("k", "s2", "c1", "nf"):
        assert f"pre code .{name} {{" in light and f"pre code .{name} {{" in dark
