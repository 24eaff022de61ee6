"""What is kept of an uploaded image and how it is served: its formats, their extensions and
content types, and the widths of its WebP copies. Pages and the serving of stored files need only
these; Pillow (:mod:`blog.uploads.images`) is loaded when an image is uploaded.
"""

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}
RESPONSIVE_WIDTHS = (480, 960, 1600)
"""The widths (in pixels) of the WebP copies a post's ``srcset`` offers, besides full size."""
