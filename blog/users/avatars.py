"""Generated avatars for people without a picture: an initial on a colour of their own."""

from __future__ import annotations

import hashlib

HUES = 12


def avatar_for(username: str) -> dict:
    digest = hashlib.sha256(username.lower().encode()).digest()
    hue = digest[0] % HUES * (360 // HUES)
    initial = next((c for c in username if c.isalnum()), "?").upper()
    return {"initial": initial, "background": f"hsl({hue} 55% 42%)", "foreground": "#ffffff"}
