"""Each storage backend keeps, serves and deletes an upload's files: a folder, the database
(SQLite and PostgreSQL, whichever the run is on) and S3 on moto's real server on loopback."""

import boto3
import pytest
from moto.server import ThreadedMotoServer

from blog.domain import uploads
from blog.models import Upload, UploadBlob
from blog.uploads.storage import DatabaseStorage, LocalStorage, S3Storage, storage
from tests.helpers import counting_statements
from tests.uploads import images

BUCKET = "blog-uploads-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def on_s3(settings, s3_endpoint):
    endpoint, client = s3_endpoint
    settings(
        UPLOAD_STORAGE="s3",
        UPLOAD_S3_BUCKET=BUCKET,
        UPLOAD_S3_ENDPOINT_URL=endpoint,
        UPLOAD_S3_REGION="us-east-1",
        UPLOAD_S3_ACCESS_KEY_ID="test",
        UPLOAD_S3_SECRET_ACCESS_KEY="test",
        UPLOAD_S3_PREFIX="blog/",
    )
    return client


def _round_trip(author, send, client, db):
    answer = send(images.jpeg_with_gps()).json["upload"]
    (upload,) = db.session.query(Upload).all()
    response = client.get(answer["url"])
    assert response.status_code == 200 and response.data[:3] == b"\xff\xd8\xff"
    for name in upload.variants:
        assert client.get(f"/uploads/{name}").status_code == 200
    return upload


def test_local_folder(author, send, client, db, settings, tmp_path):
    settings(UPLOAD_STORAGE="local", UPLOAD_FOLDER=str(tmp_path))
    assert isinstance(storage(), LocalStorage)
    upload = _round_trip(author, send, client, db)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(upload.variants)
    assert db.session.query(UploadBlob).count() == 0
    uploads.delete_upload(upload, author)
    assert list(tmp_path.iterdir()) == []
    assert client.get(f"/uploads/{upload.variants[0]}").status_code == 404


def test_local_folder_defaults_to_the_instance_folder(app, settings):
    settings(UPLOAD_STORAGE="local", UPLOAD_FOLDER="")
    assert str(storage().folder) == f"{app.instance_path}/uploads"


def test_database(author, send, client, db, settings):
    settings(UPLOAD_STORAGE="database")
    assert isinstance(storage(), DatabaseStorage)
    upload = _round_trip(author, send, client, db)
    blobs = {blob.name: blob for blob in db.session.query(UploadBlob)}
    assert sorted(blobs) == sorted(upload.variants)
    assert blobs[upload.variants[0]].content_type == "image/jpeg"
    uploads.delete_upload(upload, author)
    assert db.session.query(UploadBlob).count() == 0
    assert client.get(f"/uploads/{upload.variants[0]}").status_code == 404


def test_s3_on_a_real_s3_api(author, send, client, db, on_s3):
    assert isinstance(storage(), S3Storage)
    upload = _round_trip(author, send, client, db)
    listed = on_s3.list_objects_v2(Bucket=BUCKET, Prefix="blog/")["Contents"]
    assert sorted(item["Key"] for item in listed) == sorted(f"blog/{n}" for n in upload.variants)
    head = on_s3.head_object(Bucket=BUCKET, Key=f"blog/{upload.variants[0]}")
    assert head["ContentType"] == "image/jpeg"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert db.session.query(UploadBlob).count() == 0
    uploads.delete_upload(upload, author)
    assert on_s3.list_objects_v2(Bucket=BUCKET, Prefix="blog/")["KeyCount"] == 0
    assert client.get(f"/uploads/{upload.variants[0]}").status_code == 404


def test_a_public_url_is_what_pages_link_to(author, send, db, on_s3, settings):
    settings(UPLOAD_PUBLIC_URL="https://images.example.com/")
    answer = send(images.png()).json["upload"]
    (upload,) = db.session.query(Upload).all()
    assert answer["url"] == f"https://images.example.com/{upload.variants[0]}"
    assert uploads.name_in_url(answer["url"]) == upload.variants[0]


def test_an_s3_that_does_not_answer_is_a_503_not_a_500(author, send, client, db, settings):
    settings(
        UPLOAD_STORAGE="s3",
        UPLOAD_S3_BUCKET=BUCKET,
        UPLOAD_S3_ENDPOINT_URL="http://127.0.0.1:9",  # the discard port: nothing listens
        UPLOAD_S3_REGION="us-east-1",
        UPLOAD_S3_ACCESS_KEY_ID="test",
        UPLOAD_S3_SECRET_ACCESS_KEY="test",
    )
    response = send(images.png())
    assert response.status_code == 503
    assert "try again" in response.json["errors"]["file"][0]
    assert db.session.query(Upload).count() == 0
    assert client.get("/uploads/0123456789abcdef01234567-480.webp").status_code == 503


def test_serving_a_file_costs_one_statement_from_the_database_none_from_a_folder(
    author, send, client, db, settings, tmp_path
):
    name = send(images.png()).json["upload"]["url"].removeprefix("/uploads/")
    with counting_statements() as counted:
        assert client.get(f"/uploads/{name}").status_code == 200
    assert counted.total == 1
    settings(UPLOAD_STORAGE="local", UPLOAD_FOLDER=str(tmp_path))
    name = send(images.png(size=(100, 100))).json["upload"]["url"].removeprefix("/uploads/")
    with counting_statements() as counted:
        assert client.get(f"/uploads/{name}").status_code == 200
    assert counted.total == 0
