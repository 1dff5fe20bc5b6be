"""Personal data out of the exports that leave the ISO team (NĐ 13/2023/NĐ-CP): the report
and the summary workbook quote what respondents wrote, never who they are.

Redaction is by rule, in this order:
1. phone numbers (Vietnamese mobile and landline forms, with +84, spaces, dots or dashes);
2. every name formkit knows (respondents' "Tên tổ chức, cá nhân", register customers and
   receivers, owners of corrective actions), matched case- and spacing-insensitively;
3. a capitalised name after a form of address ("anh", "chị", "ông", "bà", "cán bộ" …);
4. two to four capitalised words that begin with a common Vietnamese family name.
What is removed is replaced by a visible mark, so a reader sees that something was there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from formkit.textnorm import nfc

PHONE_MARK = "[số điện thoại]"
NAME_MARK = "[tên]"

_PHONE = re.compile(r"(?<![\w+])(?:\+\s?84[\s.\-]?|\(?0)\d{1,3}\)?(?:[\s.\-]?\d){6,9}(?!\w)")
_ADDRESS = ("anh", "chị", "ông", "bà", "cô", "chú", "bác", "em", "đồng chí", "đ/c",
            "cán bộ", "công chức", "chuyên viên", "cháu")
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
           "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Trịnh", "Lâm", "Mai",
           "Trương", "Tạ", "Lương", "Cao", "Châu", "Hà", "Y", "H'", "Ksor", "Niê", "Mlô")
_WORD = r"[^\W\d_][\w'’]*"
_CAP = r"(?:[A-ZĐÀ-ỸĂÂÊÔƠƯ][\w'’]*)"
_AFTER_ADDRESS = re.compile(
    r"(?i:\b(" + "|".join(re.escape(a) for a in sorted(_ADDRESS, key=len, reverse=True))
    + r"))(\s+)(?-i:(" + _CAP + r"(?:\s+" + _CAP + r"){0,3}))")
_FULL_NAME = re.compile(
    r"\b(?:" + "|".join(re.escape(f) for f in _FAMILY) + r")(?:\s+" + _CAP + r"){1,3}\b")


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    parts = set()
    for name in names:
        words = nfc(name or "").split()
        if not words or len("".join(words)) < 4:
            continue  # a two-letter "name" would cut ordinary words
        parts.add(r"\s+".join(re.escape(w) for w in words))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(parts, key=len, reverse=True))
                      + r")(?!\w)", re.IGNORECASE)


class Redactor:
    """Redact texts against a fixed list of known names (build once, apply to many)."""

    def __init__(self, names: Iterable[str] = ()):
        self.names = _name_pattern(names)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        out = _PHONE.sub(PHONE_MARK, nfc(text))
        if self.names is not None:
            out = self.names.sub(NAME_MARK, out)
        out = _AFTER_ADDRESS.sub(lambda m: f"{m[1]}{m[2]}{NAME_MARK}", out)
        return _FULL_NAME.sub(NAME_MARK, out)


def redact(text: str, names: Iterable[str] = ()) -> str:
    """`text` without phone numbers and personal names (module docstring)."""
    return Redactor(names)(text)
