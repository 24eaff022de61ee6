"""Images made with Pillow for the upload tests: small, and each with one trait to check."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_LATITUDE = (51.0, 30.0, 12.34)


def jpeg_with_gps(size=(1200, 800), orientation: int | None = None) -> bytes:
    """A JPEG with an EXIF camera model, a GPS position and (optionally) an orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))  # left half blue: shows the turn
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def png(size=(640, 480), mode="RGB", color=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG")
    return buffer.getvalue()


def animated_gif(frames=3, size=(120, 80)) -> bytes:
    images = [Image.new("RGB", size, (40 * i, 80, 160)) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` by ``height`` pixels: a decompression bomb (its
    data is a few bytes of zlib that would inflate to the claimed size, were it decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    data = zlib.compress(row * 4, 9)  # only a few rows: the rest would be missing
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def noisy_jpeg(size=(800, 600), sigma=80) -> bytes:
    """A JPEG of noise: it compresses badly, so its stored copies weigh what its pixels do."""
    buffer = io.BytesIO()
    Image.effect_noise(size, sigma).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
