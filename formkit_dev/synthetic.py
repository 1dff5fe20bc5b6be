"""Synthetic survey responses and register entries with known rates, for the demo, the
benchmarks and tests (never mixed with real data: ids carry the prefix "syn")."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from formkit.analyze.records import FeedbackRecord, ResponseRecord

CRITERIA = ("c1.thai_do_giao_tiep", "c1.lang_nghe_y_kien", "c1.tan_tinh_chu_dao",
            "c1.tuan_thu_quy_trinh", "c3.chinh_xac_khach_quan", "c4.dung_thoi_han",
            "c5.muc_do_hai_long")
FREQUENCIES = ("mot_lan", "mot_so_lan", "pho_bien", "rat_pho_bien")
SOURCES = ("khieu_nai", "tiep_dan", "truyen_thong", "hop", "cap_tren", "khao_sat")


def _day(rng: random.Random, year: int) -> date:
    start = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - start).days
    return start + timedelta(days=rng.randrange(days))


def synthetic_responses(year: int, n: int, seed: int = 0, p_tot: float = 0.70,
                        p_dat: float = 0.22, units: Sequence[str] = ("VP", "QLCN", "QLTM"),
                        channels: Sequence[tuple[str, float]] = (("giay", 1.0),),
                        p_blank: float = 0.02, p_invalid: float = 0.01,
                        p_harassment: float = 0.06) -> list[ResponseRecord]:
    """n responses of `year`: each criterion Tốt with p_tot, Đạt with p_dat, else Chưa đạt."""
    rng = random.Random(f"{seed}-{year}")
    names = [c for c, _ in channels]
    weights = [w for _, w in channels]
    out = []
    for i in range(n):
        answers: dict[str, object] = {}
        invalid: set[str] = set()
        for fid in CRITERIA:
            u = rng.random()
            if u < p_blank:
                answers[fid] = None
            elif u < p_blank + p_invalid:
                answers[fid] = None
                invalid.add(fid)
            else:
                v = rng.random()
                answers[fid] = "tot" if v < p_tot else "dat" if v < p_tot + p_dat else "chua_dat"
        if rng.random() < p_harassment:
            answers["c2.phien_ha"] = "co"
            answers["c2.muc_do"] = rng.choices(FREQUENCIES, weights=(6, 3, 1, 0.5))[0]
        else:
            answers["c2.phien_ha"] = "khong" if rng.random() > p_blank else None
            answers["c2.muc_do"] = None
        a = rng.random()
        answers["noi_dung.tiep_nhan_xu_ly"] = a < 0.6
        answers["noi_dung.giai_quyet_tthc"] = a > 0.4
        channel = rng.choices(names, weights=weights)[0]
        out.append(ResponseRecord(
            response_id=f"syn-{year}-{i:06d}", year=year, received=_day(rng, year),
            unit=rng.choice(list(units)), channel=channel, answers=answers,
            invalid=frozenset(invalid), serial=i + 1 if channel == "giay" else 0,
        ))
    return out


def synthetic_feedback(years: Sequence[int], n: int, seed: int = 0,
                       units: Sequence[str] = ("VP", "QLCN", "QLTM"),
                       p_handled: float = 0.9) -> list[FeedbackRecord]:
    """n register entries spread over `years`, groups 1–12 weighted towards the common ones."""
    rng = random.Random(f"fb-{seed}")
    groups = [str(g) for g in range(1, 13)]
    weights = [8, 10, 6, 1, 9, 4, 3, 5, 2, 2, 6, 3]
    return [
        FeedbackRecord(entry_id=i + 1, received=_day(rng, rng.choice(list(years))),
                       unit=rng.choice(list(units)), source=rng.choice(SOURCES),
                       group=rng.choices(groups, weights=weights)[0],
                       handled=rng.random() < p_handled)
        for i in range(n)
    ]
