"""Plain records that flow from the store into the analysis (no database types here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class ResponseRecord:
    """One survey response, from paper (a read sheet) or another channel (online export).

    answers: field id → value for the choice fields of BM.QT.SCT.05-02, e.g.
    {"c1.thai_do_giao_tiep": "tot", "c2.phien_ha": "khong", "noi_dung.tiep_nhan_xu_ly": True}.
    A field that was blank has value None; a field whose reading was invalid (multiple,
    contradiction, uncertain and not yet reviewed) is listed in `invalid`.
    """

    response_id: str  # stable id: sheet key for paper, channel+row hash for imports
    year: int
    received: date | None  # decides the quarter; None → counted in the year only
    unit: str  # unit code, "" when unknown
    channel: str  # "giay" (paper) or the name given at import ("google_forms", "dvc", …)
    answers: dict[str, Any] = field(default_factory=dict)
    invalid: frozenset[str] = frozenset()
    serial: int = 0  # paper copy serial (0 when none)

    @property
    def quarter(self) -> int | None:
        return (self.received.month - 1) // 3 + 1 if self.received else None


#: What counting needs of one response, as a plain tuple (cheaper than a record for a large
#: year): (year, received, unit, channel, answers, invalid), fields as in ResponseRecord.
ResponseFacts = tuple[int, date | None, str, str, Mapping[str, Any], frozenset[str]]


@dataclass(frozen=True)
class FeedbackRecord:
    """One register entry (BM.QT.SCT.05-01) as the analysis sees it."""

    entry_id: int
    received: date
    unit: str
    source: str  # khieu_nai, tiep_dan, truyen_thong, hop, cap_tren, khao_sat
    group: str  # opinion group code, e.g. "3" or "khac"
    handled: bool


@dataclass(frozen=True)
class FeedbackTiming:
    """A register entry with what the on-time ratios need (not voided)."""

    entry_id: int
    received: date
    handled: bool
    handled_on: date | None  # None: not handled, or handled before the date was kept
    group: str
    source: str
