"""The search box in every page's header and the results page it leads to."""

from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.html
import pytest

from blog.domain.search import backends
from tests.factories import DraftFactory, PostFactory

CRAFT = "A slow afternoon at the bench."
SITE_HEADER = "//header[@class='site-header']"


def _page(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status_code == status, path
    return lxml.html.fromstring(response.get_data(as_text=True))


def _class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _hits(page) -> list[str]:
    """The titles of the results, in their order."""
    titles = page.xpath(f"//ol[{_class('search-results')}]//*[{_class('card-title')}]/a")
    return [a.text_content() for a in titles]


def _count(page) -> str:
    (count,) = page.xpath(f"//*[{_class('search-count')}]")
    return count.text_content().strip()


def _search(query: str) -> str:
    return "/search?" + urlencode({"q": query})


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("where", ["home", "post", "tag", "search"])
def test_every_page_header_has_a_get_search_form_sending_q(client, auth, user, where, signed_in):
    PostFactory(slug="woodwork", title="Woodwork", tags=["craft"])
    if signed_in:
        auth.login()
    path = {"home": "/", "post": "/posts/woodwork", "tag": "/tags/craft", "search": "/search"}
    page = _page(client, path[where])
    signed_out = page.xpath(f"{SITE_HEADER}//button[normalize-space()='Sign out']")
    assert len(signed_out) == int(signed_in)
    (form,) = page.xpath(f"{SITE_HEADER}//form[@role='search']")
    assert (form.get("method").lower(), form.get("action")) == ("get", "/search")
    assert [field.get("name") for field in form.xpath(".//input|.//select|.//textarea")] == ["q"]


@pytest.mark.parametrize("path", ["/search", "/search?q=", "/search?q=%20%09%20"])
def test_without_q_the_page_asks_what_to_look_for(client, db, path):
    PostFactory(title="Woodwork", description=CRAFT, body="Planes and chisels.")
    page = _page(client, path)
    assert page.xpath(f"//*[{_class('search-results')} or {_class('search-count')}]") == []
    assert page.xpath(f"//*[{_class('empty')}]/h2/text()") == ["What are you looking for?"]


def test_words_find_posts_counted_exactly_best_match_first(client, db):
    """The title weighs more than the body: the older post with the word in its title comes
    before the newer one that has it only in its body."""
    PostFactory(title="Sharpening chisels", description=CRAFT, body="Stones and oil.")
    PostFactory(title="A bench", description=CRAFT, body="My chisels live in a roll.")
    PostFactory(title="A garden", description="Roses.", body="Nothing of the workshop.")
    page = _page(client, "/search?q=chisel")
    assert _count(page) == "2 posts found"
    assert _hits(page) == ["Sharpening chisels", "A bench"]
    assert page.xpath("//li[1]//a/mark/text()") == ["chisels"]


def test_one_hit_is_counted_in_the_singular(client, db):
    PostFactory(title="Dovetails", description=CRAFT, body="Cut by hand.")
    assert _count(_page(client, "/search?q=dovetail")) == "1 post found"


def test_drafts_are_never_found(client, db):
    DraftFactory(title="Chisels, a draft", description="Chisels.", body="Unfinished chisels.")
    PostFactory(title="Chisels", description=CRAFT, body="Finished.")
    page = _page(client, "/search?q=chisels")
    assert (_count(page), _hits(page)) == ("1 post found", ["Chisels"])


def test_results_are_paginated_and_the_pager_keeps_the_query(client, settings, db):
    settings(POSTS_PER_PAGE=2)
    for n in range(3):
        PostFactory(title=f"Joinery {n}", description=CRAFT, body="Mortise and tenon.")
    PostFactory(title="Other", description="Roses.", body="Nothing of the workshop.")
    first = _page(client, "/search?q=tenon")
    assert _count(first) == "3 posts found" and len(_hits(first)) == 2
    (following,) = first.xpath("//nav[@class='pager']/a[@rel='next']/@href")
    assert parse_qs(urlsplit(following).query) == {"q": ["tenon"], "page": ["2"]}
    second = _page(client, following)
    assert _count(second) == "3 posts found" and len(_hits(second)) == 1
    assert set(_hits(first) + _hits(second)) == {f"Joinery {n}" for n in range(3)}
    (back,) = second.xpath("//nav[@class='pager']/a[@rel='prev']/@href")
    assert parse_qs(urlsplit(back).query) == {"q": ["tenon"], "page": ["1"]}


def test_a_page_past_the_last_is_not_found(client, settings, db):
    settings(POSTS_PER_PAGE=2)
    for n in range(3):
        PostFactory(title=f"Joinery {n}", description=CRAFT, body="Mortise and tenon.")
    _page(client, "/search?q=tenon&page=2")
    _page(client, "/search?q=tenon&page=3", status=404)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("marquetry", "Nothing published matches “marquetry”."),
        ("-- ** !!", "Type a word to look for"),
        ("-chisel", "Type a word to look for"),
        ('-"bench plane" -saw', "Type a word to look for"),
    ],
    ids=["no-match", "only-signs", "only-excluded", "only-excluded-phrase"],
)
def test_no_match_and_a_query_that_reads_as_nothing_show_the_empty_state(client, db, query, says):
    PostFactory(title="Chisels", description=CRAFT, body="A bench plane, a saw and a chisel.")
    page = _page(client, _search(query))
    assert _count(page) == "0 posts found" and _hits(page) == []
    (empty,) = page.xpath(f"//*[{_class('empty')}]")
    assert empty.xpath("h2/text()") == ["No posts found"]
    assert says in empty.text_content()
    assert page.xpath("//nav[@class='pager']") == []


@pytest.mark.parametrize("path", ["/search", "/search?q=chisel", "/search?q=nothing-here"])
def test_every_search_page_is_noindex(client, db, path):
    PostFactory(title="Chisels", description=CRAFT, body="Sharp.")
    assert _page(client, path).xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_robots_txt_keeps_crawlers_out_of_search_results(client, db):
    robots = RobotFileParser()
    robots.parse(client.get("/robots.txt").get_data(as_text=True).splitlines())
    assert not robots.can_fetch("Googlebot", "http://localhost/search?q=chisel")
    assert not robots.can_fetch("Googlebot", "http://localhost/search")
    assert robots.can_fetch("Googlebot", "http://localhost/")


def test_the_header_box_keeps_the_query_on_the_results_page_only(client, db):
    query = 'chisel "bench plane" -saw'
    box = f"{SITE_HEADER}//form[@role='search']//input[@name='q']/@value"
    assert _page(client, _search(query)).xpath(box) == [query]
    assert _page(client, "/").xpath(box) == []


HOSTILE = '<script>alert(1)</script> <b>bold</b> &amp; "quotes" chisel'


def test_nothing_an_author_typed_becomes_markup_in_the_results(client, db):
    """Titles and snippets are built from escaped text: the only elements in a hit that the
    page did not make itself are the marks around the words searched for."""
    PostFactory(title=HOSTILE, description=HOSTILE, body=f"`{HOSTILE}`")
    html = client.get("/search?q=chisel").get_data(as_text=True)
    page = lxml.html.fromstring(html)
    (hit,) = page.xpath(f"//li[{_class('search-hit')}]")
    assert page.xpath("//script[not(@src)]") == [] and page.xpath("//b") == []
    marks = page.xpath("//mark")
    assert [(m.text_content(), len(m), dict(m.attrib)) for m in marks] == [("chisel", 0, {})] * 2
    (title,) = hit.xpath(f".//*[{_class('card-title')}]/a")
    assert title.text_content() == HOSTILE and [e.tag for e in title] == ["mark"]
    (snippet,) = hit.xpath(f".//*[{_class('search-snippet')}]")
    assert snippet.text_content() == HOSTILE and [e.tag for e in snippet] == ["mark"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&amp;amp;" in html
    assert "&#34;quotes&#34;" in html
    for element in hit.iter():
        assert all("alert" not in value and "<" not in value for value in element.attrib.values())


def test_characters_a_page_cannot_show_are_not_echoed_back(client, db):
    """A NUL or a control character in ``q`` is a separator to search; printed back into the
    page (title, heading, both boxes) it would make the HTML invalid."""
    PostFactory(title="Flask tips", description="", body=CRAFT)
    response = client.get("/search?q=flask%00%07tips%1b")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not any(c in html for c in "\x00\x07\x1b")
    page = lxml.html.fromstring(html)
    assert page.xpath("//input[@name='q']/@value") == ["flask tips", "flask tips"]
    assert _hits(page) == ["Flask tips"]


def test_past_the_ranked_matches_the_count_says_what_was_ranked(client, db, monkeypatch):
    monkeypatch.setattr(backends, "CANDIDATES", 2)
    for title in ("Chisels", "More chisels", "Chisels again"):
        PostFactory(title=title, description=CRAFT, body="Steel.")
    page = _page(client, "/search?q=chisel")
    assert _count(page) == "The newest 2 matches, best first"
    assert _hits(page) == ["Chisels again", "More chisels"]
