"""``POST /uploads`` and the files it stores: what is refused, what is kept, how it is served."""

import io

import pytest
from PIL import Image

from blog.domain import uploads
from blog.models import Upload
from tests.uploads import images


def served(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_an_upload_answers_its_url_size_and_markdown(author, send, db):
    response = send(images.jpeg_with_gps())
    assert response.status_code == 201
    answer = response.json["upload"]
    assert (answer["width"], answer["height"]) == (1200, 800)
    assert answer["url"].startswith("/uploads/") and answer["url"].endswith("-1200.jpg")
    assert answer["markdown"] == f"![]({answer['url']})"
    (upload,) = db.session.query(Upload).all()
    assert upload.owner_id == author.id and upload.format == "jpeg"


def test_exif_and_gps_are_gone_from_every_served_file(author, send, client, db):
    send(images.jpeg_with_gps())
    (upload,) = db.session.query(Upload).all()
    assert sorted(upload.variants) == sorted(
        [f"{upload.key}-1200.jpg", *(f"{upload.key}-{w}.webp" for w in (480, 960, 1200))]
    )
    for name in upload.variants:
        data = served(client, f"/uploads/{name}").data
        assert b"Exif" not in data and b"Secret Camera" not in data
        image = Image.open(io.BytesIO(data))
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "icc_profile" not in image.info


def test_the_exif_orientation_is_applied(author, send, db, client):
    # Orientation 6: the camera was turned, the picture is shown turned 90° clockwise.
    response = send(images.jpeg_with_gps(size=(600, 400), orientation=6))
    assert (response.json["upload"]["width"], response.json["upload"]["height"]) == (400, 600)
    image = Image.open(io.BytesIO(served(client, response.json["upload"]["url"]).data))
    assert image.size == (400, 600)
    red, _green, blue = image.convert("RGB").getpixel((200, 20))  # the blue half is now on top
    assert blue > 200 and red < 60


def test_widths_are_never_upscaled(author, send, db):
    send(images.png(size=(700, 300)), name="small.png", content_type="image/png")
    (upload,) = db.session.query(Upload).all()
    widths = sorted(int(name.split("-")[1].split(".")[0]) for name in upload.variants)
    assert widths == [480, 700, 700]  # 480 WebP, 700 WebP and the 700 PNG: no 960, no 1600
    assert max(widths) <= upload.width


def test_dimensions_are_bounded(author, send, settings, db):
    settings(UPLOAD_MAX_DIMENSION=1000)
    response = send(images.png(size=(3000, 1500)), name="wide.png", content_type="image/png")
    assert (response.json["upload"]["width"], response.json["upload"]["height"]) == (1000, 500)


def test_html_named_jpg_is_refused(author, send, db):
    page = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    response = send(page, name="cat.jpg", content_type="image/jpeg")
    assert response.status_code == 422
    assert "HTML" in response.json["errors"]["file"][0]
    assert db.session.query(Upload).count() == 0


def test_svg_is_refused(author, send, db):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    response = send(svg, name="logo.svg", content_type="image/svg+xml")
    assert response.status_code == 422
    assert "SVG" in response.json["errors"]["file"][0]


@pytest.mark.parametrize(
    "data", [b"GIF89a" + b"\x00" * 5, b"%PDF-1.4 not an image", b"\xff\xd8\xff\xe0broken"]
)
def test_other_and_broken_files_are_refused_with_a_message(author, send, data):
    response = send(data, name="x.gif", content_type="image/gif")
    assert response.status_code == 422
    assert response.json["errors"]["file"][0]


def test_a_decompression_bomb_is_refused_before_decoding(author, send, monkeypatch):
    bomb = images.png_claiming(50_000, 50_000)
    assert len(bomb) < 1000
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or None)
    response = send(bomb, name="bomb.png", content_type="image/png")
    assert response.status_code == 422
    assert "too many pixels" in response.json["errors"]["file"][0]
    assert decoded == []


def test_over_the_byte_limit_is_a_413(author, send, settings, db):
    settings(UPLOAD_MAX_BYTES=20_000)
    data = images.png(size=(300, 300)) + b"\x00" * 20_001  # a PNG with junk after its end
    response = send(data, name="big.png", content_type="image/png")
    assert response.status_code == 413
    assert response.json["errors"]["file"] == ["is too large (at most 0.0190735 MB)"]
    far_over = send(b"\x00" * 200_000, name="huge.png", content_type="image/png")
    assert far_over.status_code == 413  # refused while reading the body
    assert "too large" in far_over.json["errors"]["file"][0]
    assert db.session.query(Upload).count() == 0


def test_an_upload_larger_than_max_content_length_is_taken(author, send, settings, db):
    settings(MAX_CONTENT_LENGTH=50_000)
    data = images.png(size=(300, 300)) + b"\x00" * 100_000
    assert send(data, name="big.png", content_type="image/png").status_code == 201


def test_signed_out_gets_401_json(client, send, db):
    response = send(images.png())
    assert response.status_code == 401
    assert "sign in" in response.json["errors"]["file"][0]


def test_missing_file_is_a_422(author, client):
    response = client.post("/uploads", data={}, headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert "missing" in response.json["errors"]["file"][0]


def test_csrf_token_is_needed_in_the_header(author, csrf_app, send, client):
    assert send(images.png()).status_code == 400
    page = client.get("/write")
    token = page.data.decode().split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/uploads",
        data={"file": (io.BytesIO(images.png()), "a.png", "image/png")},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert response.status_code == 201


def test_the_same_image_twice_is_one_upload(author, send, db):
    first = send(images.png()).json["upload"]["url"]
    second = send(images.png(), name="again.png").json["upload"]["url"]
    assert first == second and db.session.query(Upload).count() == 1


def test_served_files_have_hashed_names_and_safe_immutable_headers(author, send, client, db):
    url = send(images.jpeg_with_gps()).json["upload"]["url"]
    (upload,) = db.session.query(Upload).all()
    assert uploads.VARIANT_NAME.fullmatch(url.removeprefix("/uploads/"))
    assert url.removeprefix("/uploads/").startswith(upload.key)
    for name in upload.variants:
        response = served(client, f"/uploads/{name}")
        headers = response.headers
        assert headers["Content-Type"] == ("image/jpeg" if name.endswith(".jpg") else "image/webp")
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert "sandbox" in headers["Content-Security-Policy"]
        assert headers["Content-Disposition"].startswith("inline")
        again = client.get(f"/uploads/{name}", headers={"If-None-Match": headers["ETag"]})
        assert again.status_code == 304


@pytest.mark.parametrize(
    "name", ["nothing-here.jpg", "0123456789abcdef01234567-480.svg", "../blog.db", "x"]
)
def test_unknown_names_are_404(client, name, db):
    assert client.get(f"/uploads/{name}").status_code == 404


def test_an_animated_gif_keeps_its_animation_and_gets_no_webp(author, send, client, db):
    url = send(images.animated_gif(), name="a.gif", content_type="image/gif").json["upload"]["url"]
    (upload,) = db.session.query(Upload).all()
    assert upload.variants == [url.removeprefix("/uploads/")]
    image = Image.open(io.BytesIO(served(client, url).data))
    assert image.format == "GIF" and image.n_frames == 3


def test_quota_over_is_a_clear_422(author, send, settings, db):
    settings(UPLOAD_QUOTA_BYTES=300_000)
    assert send(images.noisy_jpeg(size=(300, 200))).status_code == 201
    response = send(images.noisy_jpeg(size=(900, 700)))
    assert response.status_code == 422
    assert "quota" in response.json["errors"]["file"][0]
    assert db.session.query(Upload).count() == 1


def _csrf_token(client) -> str:
    page = client.get("/write").data.decode()
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_with_csrf_on_too_large_is_still_a_413_in_json(author, csrf_app, client, settings):
    settings(UPLOAD_MAX_BYTES=10_000)
    response = client.post(
        "/uploads",
        data={"file": (io.BytesIO(b"\x00" * 200_000), "big.png", "image/png")},
        headers={"X-CSRFToken": _csrf_token(client), "Accept": "application/json"},
    )
    assert response.status_code == 413
    assert "too large" in response.json["errors"]["file"][0]


def test_the_avatar_form_carries_its_csrf_token_in_the_form(author, csrf_app, client, db):
    data = {"file": (io.BytesIO(images.png((300, 300))), "me.png", "image/png")}
    assert client.post("/settings/avatar", data=data).status_code == 400  # no token
    data = {
        "csrf_token": _csrf_token(client),
        "file": (io.BytesIO(images.png((300, 300))), "me.png", "image/png"),
    }
    assert client.post("/settings/avatar", data=data).status_code == 302
    assert db.session.query(Upload).count() == 1
