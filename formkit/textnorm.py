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


def levenshtein(a: str, b: str) -> int:
    """Edit distance between two strings (for character error rates)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
