"""The one place where figures become Vietnamese words: numbers, percentages, dates, periods,
ties, lists and missing data. The report, the workbooks and the forms call these, so that
"1.234", "92,5%", "28/10/2026", "chưa có dữ liệu" read the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

#: what a person reads where a year or a period has no data (never a 0 that looks measured)
MISSING = "chưa có dữ liệu"
QUARTER_NAMES = {1: "Quý I", 2: "Quý II", 3: "Quý III", 4: "Quý IV"}

_T = TypeVar("_T")


# ---- numbers -----------------------------------------------------------------------------
def num(n: int | float) -> str:
    """1234 → "1.234"."""
    return f"{int(round(n)):,}".replace(",", ".")


def dec(x: float, digits: int = 1) -> str:
    """1234.56 → "1.234,6"."""
    return f"{x:,.{digits}f}".replace(",", "§").replace(".", ",").replace("§", ".")


def pct(share: float | None, digits: int = 1) -> str:
    """0.925 → "92,5%"; None → "–" (no data)."""
    if share is None:
        return "–"
    return dec(100.0 * share, digits) + "%"


def signed_points(points: float | None, digits: int = 1) -> str:
    """+3.24 → "+3,2"; None → "–". The unit is written by the caller."""
    if points is None:
        return "–"
    if round(points, digits) == 0:
        return dec(0.0, digits)
    return ("+" if points > 0 else "−") + dec(abs(points), digits)


def count_or_missing(n: int | None, has_data: bool = True) -> str:
    """A count of a year or period: "1.234", or "chưa có dữ liệu" when nothing was recorded
    for it at all (so that a year without data is not read as a year of zero)."""
    if n is None or not has_data:
        return MISSING
    return num(n)


def share_phrase(part: int, whole: int) -> str:
    """"12 trên 146 phiếu (8,2%)", and for all of them "cả 146 phiếu" (never "146 trên 146")."""
    if whole and part == whole:
        return f"cả {num(whole)} phiếu"
    return f"{num(part)} trên {num(whole)} phiếu" + (f" ({pct(part / whole)})" if whole else "")


# ---- dates and periods -------------------------------------------------------------------
def vn_date(d: date) -> str:
    """date(2026, 1, 2) → "02/01/2026"."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    month = 3 * quarter
    return date(year, month, 31 if month in (3, 12) else 30)


@dataclass(frozen=True)
class Period:
    """The dates the year's records actually cover (first and last date received)."""

    year: int
    first: date | None
    last: date | None

    @property
    def empty(self) -> bool:
        return self.last is None

    def quarter_state(self, quarter: int) -> str:
        """"full", "partial" (data end inside the quarter) or "none" (no data yet)."""
        if self.last is None or self.last.year < self.year:
            return "none"
        if self.last.year > self.year:
            return "full"
        end_q = quarter_of(self.last)
        if quarter < end_q:
            return "full"
        if quarter > end_q:
            return "none"
        return "full" if self.last >= quarter_end(self.year, quarter) else "partial"

    def quarter_label(self, quarter: int) -> str:
        """"Quý IV" or, for a quarter whose data stop inside it, "Quý IV (đến 28/10)"."""
        name = QUARTER_NAMES[quarter]
        if self.quarter_state(quarter) == "partial" and self.last is not None:
            return f"{name} (đến {self.last.day:02d}/{self.last.month:02d})"
        return name

    @property
    def partial_quarters(self) -> list[int]:
        return [q for q in (1, 2, 3, 4) if self.quarter_state(q) == "partial"]

    def sentence(self) -> str:
        """"Số liệu từ ngày 05/01/2026 đến ngày 28/10/2026 (ngày cuối cùng có dữ liệu)"."""
        if self.first is None or self.last is None:
            return f"Năm {self.year} {MISSING}"
        text = f"Số liệu từ ngày {vn_date(self.first)} đến ngày {vn_date(self.last)}"
        if self.last < date(self.year, 12, 31):
            text += " (ngày cuối cùng có dữ liệu; năm chưa kết thúc số liệu)"
        return text


# ---- lists and ties ------------------------------------------------------------------------
def join_list(items: Sequence[str]) -> str:
    """["a"] → "a"; ["a", "b"] → "a và b"; ["a", "b", "c"] → "a, b và c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def extremes(items: Sequence[_T], key: Callable[[_T], float], digits: int = 3
             ) -> tuple[list[_T], list[_T]]:
    """(all items sharing the highest value, all sharing the lowest), values compared
    rounded to `digits` so that two criteria shown at the same percentage tie."""
    if not items:
        return [], []
    values = [round(key(i), digits) for i in items]
    hi, lo = max(values), min(values)
    return ([i for i, v in zip(items, values, strict=True) if v == hi],
            [i for i, v in zip(items, values, strict=True) if v == lo])


def tie_phrase(names: Sequence[str], singular: str, plural: str) -> str:
    """"tiêu chí “A”" for one, "2 tiêu chí “A” và “B” (bằng nhau)" for a tie."""
    if len(names) == 1:
        return f"{singular} {names[0]}"
    return f"{num(len(names))} {plural} {join_list(names)} (bằng nhau)"
