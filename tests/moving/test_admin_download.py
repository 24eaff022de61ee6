"""The admin panel's archive (``/admin/archive/``): its page, and the download, which is the
export itself, streamed, for admins alone."""

from __future__ import annotations

import io

from blog.domain import uploads
from blog.moving.archive.format import ArchiveReader
from tests import factories
from tests.helpers import csrf_token_in, sign_in_without_the_form
from tests.uploads import images

PAGE = "/admin/archive/"
"""The page (GET), and its form's download (POST)."""


def _admin(client):
    admin = factories.UserFactory(username="admin", is_admin=True)
    sign_in_without_the_form(client, admin)
    return admin


def test_the_page_offers_the_download(client):
    _admin(client)

    response = client.get(PAGE)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<form method="post" action="{PAGE}">' in page
    assert "Download the archive" in page
    assert "<code>sign_ins</code>" in page  # what stays behind, and why


def test_an_admin_downloads_the_whole_blog(client, tmp_path):
    admin = _admin(client)
    factories.PostFactory(author=admin, tags=["python"])
    variants = uploads.save_upload(admin, io.BytesIO(images.png((600, 400)))).variants

    response = client.post(PAGE)

    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="blog-archive-')
    assert response.headers["Cache-Control"] == "private, no-store"
    path = tmp_path / "downloaded.zip"
    path.write_bytes(response.get_data())
    reader = ArchiveReader(str(path))
    manifest = reader.manifest()
    assert (manifest.tables["users"], manifest.tables["posts"], manifest.tables["tags"]) == (
        1,
        1,
        1,
    )
    assert manifest.images == len(variants)
    assert reader.image_names() == sorted(variants)
    reader.close()


def test_readers_who_are_not_admins_get_nothing(client):
    reader = factories.UserFactory(username="reader")
    sign_in_without_the_form(client, reader)

    response = client.post(PAGE)

    assert response.status_code == 403
    assert b"manifest.json" not in response.get_data()


def test_anonymous_readers_are_sent_to_sign_in(client):
    response = client.post(PAGE)

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_the_download_needs_the_forms_csrf_token(csrf_app, client):
    _admin(client)

    assert client.post(PAGE).status_code == 400
    token = csrf_token_in(client.get(PAGE).get_data(as_text=True))
    answer = client.post(PAGE, data={"csrf_token": token})
    assert answer.status_code == 200
    assert answer.get_data()[:4] == b"PK\x03\x04"
