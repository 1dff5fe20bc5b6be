"""Hand-made survey responses and register entries for the evaluation tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from formkit.analyze.records import FeedbackRecord, ResponseRecord
from formkit.analyze.tallies import SurveyScheme, survey_scheme
from formkit.config import BUILTIN_TEMPLATES
from formkit.spec import load_form, template_path

CRITERIA = ("c1.thai_do_giao_tiep", "c1.lang_nghe_y_kien", "c1.tan_tinh_chu_dao",
            "c1.tuan_thu_quy_trinh", "c3.chinh_xac_khach_quan", "c4.dung_thoi_han",
            "c5.muc_do_hai_long")
_counter = iter(range(1, 10**9))


def scheme() -> SurveyScheme:
    return survey_scheme(load_form(template_path(BUILTIN_TEMPLATES, "05-02")))


def response(received: date | None, level: str | None = "tot", *, year: int | None = None,
             unit: str = "QLCN", channel: str = "giay", invalid: tuple[str, ...] = (),
             **overrides: Any) -> ResponseRecord:
    """All seven criteria at `level` (None: blank), harassment "khong", then overrides
    (field ids with dots written as double underscores: c2__phien_ha="co")."""
    answers: dict[str, Any] = {c: level for c in CRITERIA}
    answers["c2.phien_ha"] = "khong"
    answers["c2.muc_do"] = None
    answers["noi_dung.tiep_nhan_xu_ly"] = True
    answers["noi_dung.giai_quyet_tthc"] = False
    for key, value in overrides.items():
        answers[key.replace("__", ".")] = value
    n = next(_counter)
    return ResponseRecord(f"t-{n}", year or (received.year if received else 2026), received,
                          unit, channel, answers, frozenset(invalid), n)


def many(n: int, received: date, level: str, **kw: Any) -> list[ResponseRecord]:
    return [response(received, level, **kw) for _ in range(n)]


def feedback(received: date, group: str = "3", source: str = "khieu_nai",
             handled: bool = True) -> FeedbackRecord:
    return FeedbackRecord(next(_counter), received, "QLCN", source, group, handled)
