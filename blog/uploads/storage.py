"""Where the files of uploads are kept, behind one small interface, chosen by ``UPLOAD_STORAGE``:

- ``local``: a folder (``UPLOAD_FOLDER``, by default ``instance/uploads``): the default for
  ``make run``; right for one machine with a lasting disk, wrong for hosts whose disk is
  replaced at each deploy (``check-deploy`` says so);
- ``database``: a table of the blog's own database (:class:`blog.models.UploadBlob`), on SQLite
  and PostgreSQL: nothing else to run, and the images live and are backed up with the posts;
  production's default;
- ``s3``: any S3 API (AWS, Cloudflare R2, Backblaze B2, MinIO) through boto3.

Files are served by the blog (``/uploads/<name>``, see :mod:`blog.uploads.routes`), whatever
keeps them; with ``UPLOAD_PUBLIC_URL`` set, pages link to that address instead (a bucket's
public URL or a CDN in front of it), and the S3 objects carry the same headers the blog sends.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from flask import Flask, current_app

from blog.extensions import db
from blog.models import UploadBlob

IMMUTABLE = "public, max-age=31536000, immutable"


class StorageUnavailable(Exception):
    """The storage did not answer (S3 away, a disk full or unreadable): a 503, never a 500."""


class Storage(Protocol):
    def put(self, name: str, data: bytes, content_type: str) -> None: ...

    def get(self, name: str) -> bytes | None:
        """The file's bytes, None when there is no such file."""

    def delete(self, names: list[str]) -> None:
        """Remove the files; names that are not there are no error."""


class LocalStorage:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        # Names are checked by the caller (VARIANT_NAME); a separator would still never pass.
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"not a file name: {name!r}")
        return self.folder / name

    def put(self, name: str, data: bytes, content_type: str) -> None:
        path = self._path(name)
        draft = path.with_name(f".{name}.{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            draft.write_bytes(data)
            draft.replace(path)  # atomic: a reader sees the whole file or none
        except OSError as error:
            raise StorageUnavailable(f"{type(error).__name__} writing {name}") from error

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StorageUnavailable(f"{type(error).__name__} reading {name}") from error

    def delete(self, names: list[str]) -> None:
        try:
            for name in names:
                self._path(name).unlink(missing_ok=True)
        except OSError as error:
            raise StorageUnavailable(f"{type(error).__name__} deleting") from error


class DatabaseStorage:
    """Rows of ``upload_blobs``, written in the caller's transaction (committed with the upload)."""

    def put(self, name: str, data: bytes, content_type: str) -> None:
        db.session.merge(UploadBlob(name=name, content_type=content_type, data=data))

    def get(self, name: str) -> bytes | None:
        return db.session.scalar(sa.select(UploadBlob.data).where(UploadBlob.name == name))

    def delete(self, names: list[str]) -> None:
        if names:
            db.session.execute(sa.delete(UploadBlob).where(UploadBlob.name.in_(names)))


class S3Storage:
    def __init__(self, config) -> None:
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket = config["UPLOAD_S3_BUCKET"]
        self.prefix = config["UPLOAD_S3_PREFIX"]
        self.client = boto3.client(
            "s3",
            endpoint_url=config["UPLOAD_S3_ENDPOINT_URL"] or None,
            region_name=config["UPLOAD_S3_REGION"] or None,
            aws_access_key_id=config["UPLOAD_S3_ACCESS_KEY_ID"] or None,
            aws_secret_access_key=config["UPLOAD_S3_SECRET_ACCESS_KEY"] or None,
            config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}),
        )

    def put(self, name: str, data: bytes, content_type: str) -> None:
        with self._answering(f"writing {name}"):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + name,
                Body=data,
                ContentType=content_type,
                CacheControl=IMMUTABLE,
                ContentDisposition="inline",
            )

    def get(self, name: str) -> bytes | None:
        with self._answering(f"reading {name}"):
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
            except self.client.exceptions.NoSuchKey:
                return None
            return answer["Body"].read()

    def delete(self, names: list[str]) -> None:
        with self._answering("deleting"):
            for start in range(0, len(names), 1000):  # the most one DeleteObjects call takes
                batch = [{"Key": self.prefix + name} for name in names[start : start + 1000]]
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch})

    @contextlib.contextmanager
    def _answering(self, doing: str):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"S3 {type(error).__name__} {doing}") from error


S3_SETTINGS = (
    "UPLOAD_S3_BUCKET",
    "UPLOAD_S3_ENDPOINT_URL",
    "UPLOAD_S3_REGION",
    "UPLOAD_S3_ACCESS_KEY_ID",
    "UPLOAD_S3_SECRET_ACCESS_KEY",
    "UPLOAD_S3_PREFIX",
)


def upload_folder(app: Flask) -> str:
    return app.config["UPLOAD_FOLDER"] or os.path.join(app.instance_path, "uploads")


def storage() -> Storage:
    """The storage the settings name, built once per distinct settings (an S3 client is costly)."""
    app = current_app._get_current_object()
    config = app.config
    kind = config["UPLOAD_STORAGE"]
    if kind == "database":
        return DatabaseStorage()
    if kind == "local":
        return LocalStorage(upload_folder(app))
    built = app.extensions.setdefault("upload_storage", {})
    identity = tuple(config[name] for name in S3_SETTINGS)
    if identity not in built:
        built[identity] = S3Storage(config)
    return built[identity]
