"""The data model; import models from here."""

from blog.models import mysql as _mysql_schema  # noqa: F401  (how tables are written there)
from blog.models.moved_in import ImportOrigin, Redirect
from blog.models.page import Page
from blog.models.post import Comment, Post, PostStatus, PostTag, Tag, favorites, post_counts
from blog.models.revision import PostRevision
from blog.models.second_factor import Device, Passkey, RecoveryCode
from blog.models.sign_in import SignIn
from blog.models.site import content_version, turns
from blog.models.site_settings import SiteSettings
from blog.models.types import utcnow
from blog.models.upload import Upload, UploadBlob
from blog.models.user import User, follows

__all__ = [
    "Comment",
    "Device",
    "ImportOrigin",
    "Page",
    "Passkey",
    "Post",
    "PostRevision",
    "PostStatus",
    "PostTag",
    "RecoveryCode",
    "Redirect",
    "SignIn",
    "SiteSettings",
    "Tag",
    "Upload",
    "UploadBlob",
    "User",
    "content_version",
    "favorites",
    "follows",
    "post_counts",
    "turns",
    "utcnow",
]
