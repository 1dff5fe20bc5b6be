"""Fonts with Vietnamese diacritics for text drawn into images (the scan overlays' legend).
Here, beside the print geometry, so the reader needs nothing from the renderer."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

ITALIC_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
)


@lru_cache(maxsize=4)
def font(size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Liberation Serif Italic (Vietnamese diacritics) at size_px, or PIL's default (the
    scan overlays write their legend with it)."""
    for path in ITALIC_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size_px)
    return ImageFont.load_default()
