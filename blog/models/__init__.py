"""The data model; import models from here."""

from blog.models.post import Comment, Post, PostStatus, PostTag, Tag, favorites
from blog.models.sign_in import SignIn
from blog.models.site import content_version
from blog.models.types import utcnow
from blog.models.upload import Upload, UploadBlob
from blog.models.user import User, follows

__all__ = [
    "Comment",
    "Post",
    "PostStatus",
    "PostTag",
    "SignIn",
    "Tag",
    "Upload",
    "UploadBlob",
    "User",
    "content_version",
    "favorites",
    "follows",
    "utcnow",
]
