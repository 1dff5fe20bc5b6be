"""Vietnamese text helpers: everything stored or compared is Unicode NFC; keyword matching
folds accents (and đ → d) so that "phien ha" finds "phiền hà"."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """NFC-normalise and collapse runs of white space; None becomes ''."""
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def fold(text: str | None) -> str:
    """Lower-case, accent-free form for matching: 'Phiền hà, Đắk Lắk' → 'phien ha, dak lak'."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")


def contains_folded(haystack: str, needle: str) -> bool:
    """Accent-insensitive containment on word boundaries."""
    h, n = fold(haystack), fold(needle)
    if not n:
        return False
    return re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", h) is not None
