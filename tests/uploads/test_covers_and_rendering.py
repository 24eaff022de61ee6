"""Where our images show: body images described for the browser, covers on cards, the post
page, link previews and feeds; the editor's cover field."""

import io
import json
import re

from lxml import etree
from PIL import Image

from blog.domain import posts
from blog.models import Post, Upload
from tests import factories
from tests.uploads import images


def _upload(send, data=None, **kwargs):
    return send(data or images.jpeg_with_gps(size=(2000, 1000)), **kwargs).json["upload"]


def test_an_uploaded_image_in_a_body_gets_srcset_sizes_width_height_and_lazy(author, send, db):
    url = _upload(send)["url"]
    post = posts.create_post(
        author,
        title="Photos",
        description="d",
        body=f"Look:\n\n![A view]({url})\n\n![elsewhere](https://example.com/a.png)",
        publish=True,
    )
    (upload,) = db.session.query(Upload).all()
    (ours,) = re.findall(r'<img[^>]*alt="A view"[^>]*>', post.body_html)
    assert 'width="2000" height="1000"' in ours
    assert 'loading="lazy"' in ours and 'sizes="' in ours
    srcset = re.search(r'srcset="([^"]*)"', ours).group(1)
    assert srcset == ", ".join(
        f"/uploads/{upload.key}-{w}.webp {w}w" for w in (480, 960, 1600, 2000)
    )
    (theirs,) = re.findall(r'<img[^>]*alt="elsewhere"[^>]*>', post.body_html)
    assert "srcset" not in theirs and 'loading="lazy"' in theirs


def test_a_made_up_upload_address_gets_no_srcset(author, db):
    post = posts.create_post(
        author, title="T", description="d", body="![x](/uploads/0123456789abcdef01234567-480.jpg)"
    )
    assert "srcset" not in post.body_html and "width=" not in post.body_html


def test_the_sanitiser_still_drops_what_an_author_types(author, db):
    post = posts.create_post(
        author,
        title="T",
        description="d",
        body='![x](javascript:alert(1) "t")\n\n<img src=x onerror=alert(1)>',
    )
    assert 'src="javascript' not in post.body_html and "<img src=x" not in post.body_html
    assert "onerror=" not in post.body_html.replace("&lt;img src=x onerror=alert(1)&gt;", "")


def test_a_cover_shows_on_cards_and_the_post_header(author, send, client, db):
    url = _upload(send)["url"]
    post = factories.PostFactory(author=author, cover_image=url, slug="with-cover")
    key = db.session.query(Upload).one().key
    home = client.get("/").data.decode()
    (card_cover,) = re.findall(r'<a class="cover cover-card"[^>]*>\s*<img[^>]*>', home)
    assert f'src="{url}"' in card_cover and f"/uploads/{key}-480.webp 480w" in card_cover
    assert 'loading="lazy"' in card_cover and 'width="1600" height="900"' in card_cover
    page = client.get(f"/posts/{post.slug}").data.decode()
    assert re.search(r'<figure class="cover cover-post"><img src="' + re.escape(url), page)


def test_a_cover_that_may_move_names_no_widths_that_dont_exist(author, send, client, db):
    frames = [Image.new("RGB", (1000, 500), (60 * i, 90, 150)) for i in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    url = _upload(send, buffer.getvalue())["url"]
    factories.PostFactory(author=author, cover_image=url)
    (card_cover,) = re.findall(
        r'<a class="cover cover-card"[^>]*>\s*<img[^>]*>', client.get("/").text
    )
    assert f'src="{url}"' in card_cover and "srcset" not in card_cover
    assert client.get(url).status_code == 200


def test_a_post_without_a_cover_shows_none(author, client, db):
    factories.PostFactory(author=author, slug="plain")
    assert "cover-card" not in client.get("/").data.decode()
    assert "cover-post" not in client.get("/posts/plain").data.decode()


def test_the_cover_is_the_link_preview_image(author, client, db, settings):
    settings(SITE_URL="https://blog.example.com")
    factories.PostFactory(
        author=author,
        slug="preview",
        cover_image="/uploads/0123456789abcdef01234567-1600.jpg",
        body_html='<p><img src="https://example.com/first.png"></p>',
    )
    page = client.get("/posts/preview").data.decode()
    expected = "https://blog.example.com/uploads/0123456789abcdef01234567-1600.jpg"
    assert f'<meta property="og:image" content="{expected}">' in page
    assert f'<meta name="twitter:image" content="{expected}">' in page
    assert 'content="summary_large_image"' in page
    json_ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert json_ld["image"] == expected


def test_the_cover_is_in_every_feed(author, client, db):
    factories.PostFactory(
        author=author, slug="in-feeds", cover_image="/uploads/0123456789abcdef01234567-1600.jpg"
    )
    expected = "http://localhost/uploads/0123456789abcdef01234567-1600.jpg"
    atom = etree.fromstring(client.get("/feed.atom").data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    (link,) = atom.findall("a:entry/a:link[@rel='enclosure']", ns)
    assert link.get("href") == expected and link.get("type") == "image/jpeg"
    rss = etree.fromstring(client.get("/feed.rss").data)
    (enclosure,) = rss.findall("channel/item/enclosure")
    assert enclosure.get("url") == expected and enclosure.get("type") == "image/jpeg"
    (item,) = client.get("/feed.json").json["items"]
    assert item["image"] == expected


def test_feeds_make_srcset_absolute(author, send, client, db):
    url = _upload(send)["url"]
    posts.create_post(author, title="T", description="d", body=f"![x]({url})", publish=True)
    (item,) = client.get("/feed.json").json["items"]
    srcset = re.search(r'srcset="([^"]*)"', item["content_html"]).group(1)
    assert all(part.strip().startswith("http://localhost/uploads/") for part in srcset.split(","))


def test_the_editor_saves_a_cover_and_refuses_a_bad_one(author, client, db):
    page = client.get("/write").data.decode()
    assert 'name="cover_image"' in page and 'data-upload-button="body"' in page
    assert "js/uploads.js" in page
    form = {"title": "Covered", "description": "d", "body": "b", "tags": "", "publish": "Publish"}
    bad = client.post("/write", data={**form, "cover_image": "javascript:alert(1)"})
    assert bad.status_code == 422 and "https://" in bad.data.decode()
    assert db.session.query(Post).count() == 0
    good = client.post("/write", data={**form, "cover_image": "https://example.com/c.jpg"})
    assert good.status_code == 302
    post = db.session.query(Post).one()
    assert post.cover_image == "https://example.com/c.jpg"
    edited = client.post(f"/posts/{post.slug}/edit", data={**form, "cover_image": ""})
    assert edited.status_code == 302
    db.session.refresh(post)
    assert post.cover_image is None


def test_the_editor_previews_only_a_cover_a_post_may_have(author, client, db):
    """A refused address sent back in the form is shown in its field, never fetched as the
    preview; an accepted one is previewed while another field is refused."""
    form = {"title": "", "description": "d", "body": "b", "tags": "", "publish": "Publish"}

    def preview_of(cover: str):
        page = client.post("/write", data={**form, "cover_image": cover})
        assert page.status_code == 422
        [preview] = etree.HTML(page.data).xpath("//img[@data-cover-preview]")
        return preview.get("src")

    assert preview_of("https://example.com/c.jpg") == "https://example.com/c.jpg"
    assert preview_of("/<img src=x onerror=alert(1)>") is None
    assert preview_of("javascript:alert(1)") is None
