"""The colours made from one accent colour, for the light and the dark theme.

The Content-Security-Policy allows no inline style, so the accent an admin picks reaches the
pages as a small stylesheet (:mod:`blog.theme.routes`) that overrides the theme's ``--accent``
tokens (static/css/tokens.css). One colour has to serve both themes and be read as link text:
it is darkened on the light page, and lightened on the dark one, until it has the contrast WCAG
asks of text (4.5:1), and buttons get white or near-black text, whichever reads better on it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

RGB = tuple[float, float, float]

LIGHT_PAGE = "#fbfaf8"  # --bg in tokens.css
DARK_PAGE = "#121316"
DARK_SURFACE = "#191b1f"
WHITE, BLACK = "#ffffff", "#000000"
TEXT_CONTRAST = 4.5
DARK_CONTRAST = 6.0
"""On the dark page the theme's own accent reads at about 8:1; a little less than that, not the
bare minimum, keeps links as easy to pick out."""


def _rgb(colour: str) -> RGB:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def _hex(rgb: RGB) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0..1) of ``other`` mixed in."""
    a, b = _rgb(colour), _rgb(other)
    return _hex(tuple(x + (y - x) * share for x, y in zip(a, b, strict=True)))


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _towards(colour: str, other: str, page: str, wanted: float) -> str:
    """``colour`` mixed with ``other`` in steps of 5% until it reads at ``wanted`` on ``page``."""
    for step in range(21):
        candidate = mix(colour, other, step / 20)
        if contrast(candidate, page) >= wanted:
            return candidate
    return other


def _on(colour: str) -> str:
    """The text colour of a button filled with ``colour``."""
    dark = mix(colour, BLACK, 0.85)
    return WHITE if contrast(WHITE, colour) >= contrast(dark, colour) else dark


@dataclass(frozen=True)
class Palette:
    light: dict[str, str]
    dark: dict[str, str]

    def css(self) -> str:
        def block(tokens: dict[str, str], indent: str) -> str:
            return "\n".join(f"{indent}--{name}: {value};" for name, value in tokens.items())

        return (
            "/* The accent colour of the site settings, made for each theme. */\n"
            f":root {{\n{block(self.light, '  ')}\n}}\n\n"
            "@media (prefers-color-scheme: dark) {\n"
            f"  :root {{\n{block(self.dark, '    ')}\n  }}\n}}\n"
        )


def palette(accent: str) -> Palette:
    """The tokens for ``accent`` (``#rrggbb``)."""
    light = _towards(accent, BLACK, LIGHT_PAGE, TEXT_CONTRAST)
    dark = _towards(accent, WHITE, DARK_PAGE, DARK_CONTRAST)
    return Palette(
        light={
            "accent": light,
            "accent-hover": mix(light, BLACK, 0.2),
            "accent-soft": mix(light, WHITE, 0.9),
            "on-accent": _on(light),
            "focus": light,
            "brand-1": light,
            "brand-2": mix(light, "#7b3fb8", 0.5),
        },
        dark={
            "accent": dark,
            "accent-hover": mix(dark, WHITE, 0.3),
            "accent-soft": mix(dark, DARK_SURFACE, 0.82),
            "on-accent": _on(dark),
            "focus": dark,
            "brand-1": dark,
            "brand-2": mix(dark, "#c79bf2", 0.5),
        },
    )


@lru_cache(maxsize=32)
def stylesheet(accent: str) -> tuple[str, str]:
    """The stylesheet for ``accent`` and its fingerprint (for its URL and ETag)."""
    css = palette(accent).css()
    return css, hashlib.sha256(css.encode()).hexdigest()[:16]
