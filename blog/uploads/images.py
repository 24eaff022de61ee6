"""Reading and re-encoding uploaded images with Pillow: nothing is stored as it was sent.

The format is decided by Pillow from the bytes (never the file's name or the request's header),
and only JPEG, PNG, WebP and GIF are opened at all: SVG, HTML and everything else are refused.
The size is read from the header and checked against ``UPLOAD_MAX_PIXELS`` before any pixel is
decoded, so a small file that claims 50,000 by 50,000 pixels (a decompression bomb) costs nothing.

Every image is decoded and written again: EXIF orientation applied, then drawn onto a new image
that carries no metadata at all (no EXIF, no GPS position, no ICC profile, no comments), bounded
to ``UPLOAD_MAX_DIMENSION`` on its longer side. What is stored:

- the image in its own format at that size, and
- WebP at each of :data:`RESPONSIVE_WIDTHS` narrower than it, and at its own width (never
  upscaled), for ``srcset``.

Animated GIFs (and animated WebP) keep their animation: every frame is re-encoded the same way
into one file of their own format; they get no WebP widths, since a still WebP would stop them.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import BinaryIO

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from blog.uploads.formats import ACCEPTED_FORMATS, CONTENT_TYPES, EXTENSIONS, RESPONSIVE_WIDTHS

ANIMATION_FRAMES_MAX = 500
NOT_ACCEPTED = "must be a JPEG, PNG, WebP or GIF image"


class ImageRefused(ValueError):
    """Bytes that are not an image this blog accepts; the message says why, for the author."""


@dataclass(frozen=True)
class Variant:
    width: int
    extension: str
    data: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


@dataclass
class ProcessedImage:
    format: str
    width: int
    height: int
    animated: bool
    variants: list[Variant] = field(default_factory=list)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format.upper()]


def _sniffed_refusal(head: bytes) -> str:
    """A clearer message for what people most often send by mistake or on purpose."""
    start = head.lstrip()[:512].lower()
    if b"<svg" in start or (start.startswith(b"<?xml") and b"svg" in start):
        return "is an SVG image, which is not accepted (SVG can carry scripts): " + NOT_ACCEPTED
    if start.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<")):
        return "is an HTML or text document, not an image: " + NOT_ACCEPTED
    return "is not an image this blog can read: " + NOT_ACCEPTED


def open_image(stream: BinaryIO, max_pixels: int) -> Image.Image:
    """The image in ``stream``, its header read and its size checked, no pixel decoded yet."""
    head = stream.read(512)
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(_too_many_pixels(max_pixels)) from None
    except UnidentifiedImageError:
        raise ImageRefused(_sniffed_refusal(head)) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRefused("could not be read: the file is damaged or cut short") from None
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRefused(_sniffed_refusal(head))
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise ImageRefused(_too_many_pixels(max_pixels))
    return image


def _too_many_pixels(max_pixels: int) -> str:
    return f"has too many pixels (at most {max_pixels / 1_000_000:g} million)"


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _clean_copy(image: Image.Image, mode: str) -> Image.Image:
    """The pixels of ``image`` in ``mode`` on a new image: no EXIF, ICC, XMP or comment left."""
    converted = image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _bounded_size(width: int, height: int, max_dimension: int) -> tuple[int, int]:
    scale = min(1.0, max_dimension / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _resized(image: Image.Image, width: int) -> Image.Image:
    if width == image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image, format_name: str) -> bytes:
    buffer = io.BytesIO()
    if format_name == "JPEG":
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif format_name == "PNG":
        image.save(buffer, "PNG", compress_level=6)
    elif format_name == "WEBP":
        image.save(buffer, "WEBP", quality=82, method=4)
    else:
        image.save(buffer, "GIF")
    return buffer.getvalue()


def _shrunk(image: Image.Image, max_dimension: int) -> Image.Image:
    """``image`` decoded and, when larger, scaled down to ``max_dimension`` at once, before any
    full-size copy is made: a 40-megapixel PNG of one colour is a few hundred bytes to send,
    and each full-size copy of it in RGBA is 160 MB."""
    if image.format == "JPEG":
        image.draft("RGB", (max_dimension, max_dimension))  # decode big JPEGs at a lower scale
    if image.mode in ("1", "P"):  # palette images resize only by nearest neighbour
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    if max(image.size) > max_dimension:
        image.thumbnail((max_dimension, max_dimension), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def _still(image: Image.Image, max_dimension: int) -> ProcessedImage:
    format_name = image.format
    oriented = ImageOps.exif_transpose(_shrunk(image, max_dimension))
    mode = "RGBA" if _has_alpha(oriented) and format_name != "JPEG" else "RGB"
    clean = _clean_copy(oriented, mode)
    size = _bounded_size(*clean.size, max_dimension)
    if size != clean.size:
        clean = clean.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    width, height = clean.size
    extension = EXTENSIONS[format_name]
    variants = [Variant(width, extension, _encode(clean, format_name))]
    widths = [w for w in RESPONSIVE_WIDTHS if w < width] + [width]
    for target in widths:
        if target == width and format_name == "WEBP":
            continue  # the full-size original is this very file
        variants.append(Variant(target, "webp", _encode(_resized(clean, target), "WEBP")))
    return ProcessedImage(format_name.lower(), width, height, False, variants)


def _animation(image: Image.Image, max_pixels: int, max_dimension: int) -> ProcessedImage:
    frame_count = image.n_frames
    if frame_count > ANIMATION_FRAMES_MAX or frame_count * image.width * image.height > max_pixels:
        raise ImageRefused(
            f"is an animation too long to keep (at most {ANIMATION_FRAMES_MAX} frames and "
            f"{max_pixels / 1_000_000:g} million pixels in all its frames)"
        )
    format_name = image.format
    size = _bounded_size(image.width, image.height, max_dimension)
    loop = image.info.get("loop", 0)
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100) or 100)
        clean = _clean_copy(frame, "RGBA")
        if clean.size != size:
            clean = clean.resize(size, Image.Resampling.LANCZOS)
        frames.append(clean)
    buffer = io.BytesIO()
    options = {"save_all": True, "append_images": frames[1:], "duration": durations, "loop": loop}
    if format_name == "GIF":
        frames[0].save(buffer, "GIF", disposal=2, **options)
    else:
        frames[0].save(buffer, "WEBP", quality=80, **options)
    extension = EXTENSIONS[format_name]
    variant = Variant(size[0], extension, buffer.getvalue())
    return ProcessedImage(format_name.lower(), size[0], size[1], True, [variant])


def process_image(stream: BinaryIO, *, max_pixels: int, max_dimension: int) -> ProcessedImage:
    """The stored files of the image in ``stream``, or :class:`ImageRefused` saying why not."""
    image = open_image(stream, max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if getattr(image, "is_animated", False):
                return _animation(image, max_pixels, max_dimension)
            return _still(image, max_dimension)
    except ImageRefused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ImageRefused("could not be read: the file is damaged or cut short") from None
    finally:
        image.close()
