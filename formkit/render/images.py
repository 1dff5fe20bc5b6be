"""Raster images the forms carry: registration marks and QR codes (PNG bytes)."""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
import segno
from PIL import Image


@lru_cache(maxsize=1)
def mark_png() -> bytes:
    """A solid black square (printed at MARK_MM)."""
    img = Image.fromarray(np.zeros((64, 64), dtype=np.uint8), mode="L")
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(600, 600))
    return buf.getvalue()


def qr_png(payload: str) -> bytes:
    """QR code, error correction Q (25 % may be damaged), one-module quiet zone.
    Fixed version so that every copy's QR has the same printed module size."""
    qr = segno.make_qr(payload, error="q", version=4, boost_error=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=12, border=1, dark="black", light="white")
    return buf.getvalue()
