"""``POST /api/uploads`` and an article's ``image`` (both x-extensions)."""

import io

from blog.models import Post, Upload
from tests.uploads import images


def upload(api, data: bytes, name="photo.jpg", token=None):
    return api.post(
        "/uploads",
        json=None,
        token=token,
        data={"file": (io.BytesIO(data), name, "image/jpeg")},
        content_type="multipart/form-data",
    )


def test_an_api_client_uploads_with_its_token(signed_up, db, client):
    response = upload(signed_up, images.jpeg_with_gps())
    assert response.status_code == 201
    answer = response.json["upload"]
    assert set(answer) == {"url", "width", "height"}
    assert answer["url"].startswith("http://localhost/uploads/")
    assert (answer["width"], answer["height"]) == (1200, 800)
    (stored,) = db.session.query(Upload).all()
    assert stored.owner.username == "jake"
    served = client.get(answer["url"].removeprefix("http://localhost"))
    assert served.status_code == 200 and b"Secret Camera" not in served.data


def test_without_a_token_it_is_401(api, db):
    response = upload(api, images.png())
    assert response.status_code == 401
    assert response.json == {"errors": {"token": ["is missing"]}}
    assert db.session.query(Upload).count() == 0


def test_refusals_in_the_api_error_shape(signed_up, settings):
    html = upload(signed_up, b"<html><script>alert(1)</script></html>", name="x.jpg")
    assert html.status_code == 422 and "HTML" in html.json["errors"]["file"][0]
    missing = signed_up.post("/uploads", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["errors"]
    settings(UPLOAD_MAX_BYTES=10_000)
    too_big = upload(signed_up, images.png() + b"\x00" * 10_001)
    assert too_big.status_code == 413
    assert "too large" in too_big.json["errors"]["file"][0]
    far = upload(signed_up, b"\x00" * 300_000)
    assert far.status_code == 413 and "too large" in far.json["errors"]["file"][0]


def test_a_text_field_named_file_is_refused_not_a_500(signed_up, db):
    sent = signed_up.post(
        "/uploads", data={"file": "not a file"}, content_type="multipart/form-data"
    )
    assert sent.status_code == 422
    assert sent.json["errors"]["file"] == ["must be a file (a multipart part with a filename)"]
    assert db.session.query(Upload).count() == 0


def test_an_uploaded_images_address_in_an_article_is_described_for_the_browser(signed_up, db):
    """The API answers absolute addresses (the request's host, SITE_URL being unset here): an
    article naming one still gets the image's srcset, width and height."""
    url = upload(signed_up, images.png(size=(1000, 500))).json["upload"]["url"]
    assert url.startswith("http://localhost/uploads/")
    signed_up.write(body=f"![A chart]({url})")
    body_html = db.session.query(Post).one().body_html
    assert 'width="1000" height="500"' in body_html and "srcset=" in body_html


def test_the_document_marks_uploads_and_image_as_extensions(api):
    document = api.get("/openapi.json").json
    assert "x-extension" in document["paths"]["/api/uploads"]["post"]
    schemas = document["components"]["schemas"]
    for name in ("NewArticle", "ArticleChanges", "ArticleOut"):
        assert "x-extension" in schemas[name]["properties"]["image"]["description"], name


def test_an_article_has_an_image_to_create_update_and_read(signed_up, db):
    url = upload(signed_up, images.png()).json["upload"]["url"]
    article = signed_up.write(image=url)
    assert article["image"] == url
    assert db.session.query(Post).one().cover_image == url
    read = signed_up.get(f"/articles/{article['slug']}").json["article"]
    assert read["image"] == url
    listed = signed_up.get("/articles").json["articles"][0]
    assert listed["image"] == url
    other = "https://example.com/cover.png"
    changed = signed_up.put(f"/articles/{article['slug']}", {"article": {"image": other}})
    assert changed.json["article"]["image"] == other
    removed = signed_up.put(f"/articles/{article['slug']}", {"article": {"image": None}})
    assert removed.json["article"]["image"] is None


def test_an_image_that_is_not_an_http_url_is_refused(signed_up):
    for bad in ("javascript:alert(1)", "ftp://example.com/a.png", "/etc/passwd", "data:image/png,"):
        response = signed_up.post(
            "/articles",
            {"article": {"title": "T", "description": "D", "body": "B", "image": bad}},
        )
        assert response.status_code == 422, bad
        assert "https://" in response.json["errors"]["image"][0]
