"""Owning images: My images, deleting (owner and admins only), avatars, the quota, pruning
what nothing uses, and where production keeps them."""

import io
import json
from datetime import timedelta
from pathlib import Path

import yaml

from blog.config import ProductionConfig
from blog.deploy_checks import check_deployment
from blog.domain import posts, uploads
from blog.models import Post, PostRevision, SiteSettings, Upload, UploadBlob, User, utcnow
from blog.models.site_settings import SITE_SETTINGS_ID
from tests import factories
from tests.helpers import sign_in_without_the_form
from tests.uploads import images

ROOT = Path(__file__).resolve().parents[2]


def _one(db) -> Upload:
    (upload,) = db.session.query(Upload).all()
    return upload


def test_my_images_lists_them_with_their_markdown(author, send, client, db):
    url = send(images.png()).json["upload"]["url"]
    page = client.get("/settings/images").data.decode()
    assert f'value="![]({url})"' in page and "1 image " in page


def test_the_owner_deletes_an_upload_and_its_files(author, send, client, db):
    send(images.png())
    upload = _one(db)
    response = client.post(f"/uploads/{upload.key}/delete")
    assert response.status_code == 302
    assert db.session.query(Upload).count() == 0 and db.session.query(UploadBlob).count() == 0


def test_another_account_can_not_delete_it(author, send, client, db):
    send(images.png())
    upload = _one(db)
    sign_in_without_the_form(client, factories.UserFactory(username="mallory"))
    assert client.post(f"/uploads/{upload.key}/delete").status_code == 403
    assert db.session.query(Upload).count() == 1


def test_an_admin_can_delete_it(author, send, client, db):
    send(images.png())
    upload = _one(db)
    sign_in_without_the_form(client, factories.UserFactory(username="root", is_admin=True))
    assert client.post(f"/uploads/{upload.key}/delete").status_code == 302
    assert db.session.query(Upload).count() == 0


def test_signed_out_readers_are_sent_to_sign_in(client, db):
    assert client.post("/uploads/0123456789abcdef01234567/delete").status_code == 302
    assert client.get("/settings/images").status_code == 302


def test_an_avatar_upload_becomes_the_profile_image(author, client, db):
    response = client.post(
        "/settings/avatar",
        data={"file": (io.BytesIO(images.png(size=(600, 600))), "me.png", "image/png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    upload = _one(db)
    assert (
        db.session.get(User, author.id).image_url
        == f"http://localhost/uploads/{upload.key}-480.webp"
    )
    assert f"/uploads/{upload.key}-480.webp" in client.get("/@alice").data.decode()
    assert "Avatar and images" in client.get("/settings").data.decode()


def test_a_refused_avatar_says_why(author, client, db):
    response = client.post(
        "/settings/avatar",
        data={"file": (io.BytesIO(b"<svg></svg>"), "me.svg", "image/svg+xml")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "SVG" in response.data.decode()
    assert db.session.get(User, author.id).image_url is None


def test_prune_removes_only_what_nothing_uses(author, send, app, db):
    names = {}
    for label, size in [
        ("body", 300),
        ("cover", 310),
        ("avatar", 320),
        ("unused", 330),
        ("new", 340),
    ]:
        names[label] = send(images.png(size=(size, 200))).json["upload"]["url"]
    factories.PostFactory(author=author, body=f"![]({names['body']})")
    factories.DraftFactory(author=author, cover_image=names["cover"])
    author.image_url = "http://localhost" + names["avatar"]
    old = utcnow() - timedelta(days=2)
    for upload in db.session.query(Upload):
        if not upload.variants[0].startswith(names["new"].removeprefix("/uploads/")[:24]):
            upload.created_at = old
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["blog", "prune-uploads"])
    assert result.exit_code == 0 and "Deleted 1 unused images" in result.output
    kept = {upload.key for upload in db.session.query(Upload)}
    key = {label: url.removeprefix("/uploads/")[:24] for label, url in names.items()}
    assert kept == {key["body"], key["cover"], key["avatar"], key["new"]}
    assert all(not name.startswith(key["unused"]) for (name,) in db.session.query(UploadBlob.name))


def test_the_quota_counts_what_is_stored(author, send, db):
    send(images.noisy_jpeg(size=(300, 200)))
    assert (
        uploads.bytes_used(author)
        == _one(db).byte_size
        == sum(len(blob.data) for blob in db.session.query(UploadBlob))
    )


def test_production_keeps_images_where_a_redeploy_does_not_lose_them():
    assert ProductionConfig.UPLOAD_STORAGE == "database"  # Railway's recipe sets no variables
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    web = next(s for s in blueprint["services"] if s["type"] == "web")
    env = {item["key"]: item.get("value") for item in web["envVars"]}
    assert env["UPLOAD_STORAGE"] in ("database", "s3")
    railway = json.loads((ROOT / "railway.json").read_text())
    assert "UPLOAD_STORAGE" not in json.dumps(railway)  # so the production default applies


def test_check_deploy_warns_about_images_on_a_local_disk(app, settings):
    settings(UPLOAD_STORAGE="local")
    assert any("UPLOAD_STORAGE is local" in w for w in check_deployment(app).warnings)
    settings(UPLOAD_STORAGE="database")
    assert not any("UPLOAD_STORAGE" in w for w in check_deployment(app).warnings)


def test_deleting_a_post_keeps_its_images_until_pruned(author, send, db):
    url = send(images.png()).json["upload"]["url"]
    post = factories.PostFactory(author=author, body=f"![]({url})")
    db.session.delete(db.session.get(Post, post.id))
    db.session.commit()
    assert db.session.query(Upload).count() == 1
    assert uploads.prune_unused(timedelta(0)) and db.session.query(Upload).count() == 0


def test_admins_list_everyones_images_and_others_only_their_own(author, send, client, db):
    send(images.png())
    assert "<h1>My images</h1>" in client.get("/settings/images?everyone=1").data.decode()
    sign_in_without_the_form(client, factories.UserFactory(username="root", is_admin=True))
    page = client.get("/settings/images?everyone=1").data.decode()
    assert "Everyone&#39;s images" in page and "alice ·" in page
    assert "No images yet" in client.get("/settings/images").data.decode()


def test_an_image_only_a_kept_revision_a_page_or_the_logo_names_is_kept(author, send, db):
    sizes = (90, 91, 92)
    in_revision, logo, in_page = (
        send(images.png(size=(s, 90))).json["upload"]["url"] for s in sizes
    )
    post = factories.PostFactory(author=author, body=f"![]({in_revision})")
    posts.update_post(post, author, {"body": "The image is gone from the text."})
    db.session.add(SiteSettings(id=SITE_SETTINGS_ID, logo_url=logo))
    page = factories.PageFactory(body=f"![]({in_page})")
    db.session.commit()
    assert uploads.prune_unused(timedelta(0)) == []
    db.session.query(PostRevision).delete()
    db.session.get(SiteSettings, SITE_SETTINGS_ID).logo_url = None
    db.session.delete(page)
    db.session.commit()
    assert len(uploads.prune_unused(timedelta(0))) == 3
