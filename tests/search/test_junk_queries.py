"""Whatever a reader types in the search box, or a client sends as ``q``, is a search: never an
error, never a hang, never a change to the blog."""

from urllib.parse import quote

import lxml.html
import pytest
import sqlalchemy as sa

from blog.models import Post
from tests.factories import PostFactory

FLASK, DJANGO, ARABIC = "Flask tips", "Django notes", "مرحبا بالعالم"
JUNK = {
    "unbalanced quote": ('"flask tips', {FLASK}),
    "unbalanced quotes": ('flask "tips "routing', {FLASK}),
    "lone minus": ("-", set()),
    "lone or": ("or", set()),
    "lone OR": ("OR", set()),
    "pipe": ("|", set()),
    "ampersand": ("&", set()),
    "bang": ("!", set()),
    "star": ("*", set()),
    "near open": ("NEAR(", set()),
    "and or not": ("AND OR NOT", {FLASK, DJANGO}),
    "quote": ('"', set()),
    "empty phrase": ('""', set()),
    "excluded empty phrase": ('-"', set()),
    "sql drop": ("'; DROP TABLE posts; --", set()),
    "sql or": ('" OR 1=1 --', set()),
    "fts5 column": ("title:flask", set()),
    "fts5 caret": ("^flask", {FLASK}),
    "fts5 prefix": ("flask*", {FLASK}),
    "fts5 near": ("NEAR(a b, 3)", set()),
    "tsquery and": ("a & b", set()),
    "tsquery followed by": ("a <-> b", set()),
    "tsquery not": ("!a", set()),
    "tsquery prefix": ("a:*", set()),
    "long words": (("flask " * 2_000)[:10_000], {FLASK}),
    "long punctuation": (("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" * 400)[:10_000], set()),
    "nul": ("flask\x00tips", {FLASK}),
    "nul and only an excluded word": ("\x00-flask\x00", set()),
    "emoji only": ("🐍🔥 👩‍💻", set()),
    "right to left": (f"\u202b{ARABIC}\u202c", {ARABIC}),
    "right to left and a word": (f"{ARABIC.split()[0]} \u202eflask", set()),
    "right to left alone": ("\u202e\u200f", set()),
    "backslashes and quotes": ("\\\"fl'ask\\' \\\\\"tips'\"\\", set()),
}
"""Each junk query and the titles it finds: the words in it, read as words, whatever the signs
around them (and the posts' words are "flask", "tips", "routing", "and", "django"...)."""


@pytest.fixture
def blog(db):
    PostFactory(title=FLASK, description="Small things.", body="Routing and blueprints.")
    PostFactory(title=DJANGO, description="Other things.", body="Models and views.")
    PostFactory(title=ARABIC, description="تحية.", body="نص قصير.")


def _posts(database) -> int:
    return database.session.scalar(sa.select(sa.func.count()).select_from(Post))


NOT_UTF8 = {
    "invalid utf-8": ("%FF%FE", set()),
    "invalid utf-8 after a word": ("flask%C3", set()),
    "invalid utf-8 or a word": ("%C3%28+or+flask", {FLASK}),
    "encoded surrogate": ("%ED%A0%80", set()),
}
"""Query strings that are no UTF-8: an escape that does not decode stays as it was sent
("%C3" is the letters and digits "C3"), read like any other text."""
CASES = {
    **{name: (quote(text, safe=""), finds) for name, (text, finds) in JUNK.items()},
    **NOT_UTF8,
}


@pytest.mark.parametrize(("encoded", "finds"), list(CASES.values()), ids=list(CASES))
def test_junk_is_a_search_on_the_site_and_in_the_api(client, db, blog, encoded, finds):
    page = client.get(f"/search?q={encoded}")
    assert page.status_code == 200
    html = lxml.html.fromstring(page.get_data(as_text=True))
    titles = html.xpath("//ol[@class='search-results']/li//h2/a")
    assert {title.text_content() for title in titles} == finds
    (count,) = html.xpath("//p[contains(@class, 'search-count')]/text()")
    assert count == f"{len(finds)} post{'' if len(finds) == 1 else 's'} found"
    listing = client.get(f"/api/articles?q={encoded}")
    assert listing.status_code == 200
    assert set(listing.json) == {"articles", "articlesCount"}
    assert {article["title"] for article in listing.json["articles"]} == finds
    assert listing.json["articlesCount"] == len(finds)
    assert _posts(db) == 3
