"""Tallies of the annual evaluation on hand-made records."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from formkit.analyze import narrative as N
from formkit.analyze.tallies import issued_count, select, tally, tally_feedback, tally_year
from formkit.thresholds import T
from tests.eval_helpers import feedback, many, response, scheme

Q1, Q2, Q3 = date(2026, 2, 10), date(2026, 5, 3), date(2026, 8, 20)
P1, P2 = date(2025, 1, 15), date(2025, 4, 20)


def test_scheme_takes_criteria_and_labels_from_the_template():
    s = scheme()
    assert [c.field_id for c in s.criteria] == [
        "c1.thai_do_giao_tiep", "c1.lang_nghe_y_kien", "c1.tan_tinh_chu_dao",
        "c1.tuan_thu_quy_trinh", "c3.chinh_xac_khach_quan", "c4.dung_thoi_han",
        "c5.muc_do_hai_long"]
    assert s.criteria[0].label == "Thái độ giao tiếp"
    assert s.criteria[0].question == "Câu hỏi 1"
    assert s.level_labels == {"tot": "Tốt", "dat": "Đạt yêu cầu", "chua_dat": "Chưa đạt yêu cầu"}
    assert (s.harassment_field, s.harassment_yes, s.frequency_field) == (
        "c2.phien_ha", "co", "c2.muc_do")
    assert [f for f, _ in s.flags] == ["noi_dung.tiep_nhan_xu_ly", "noi_dung.giai_quyet_tthc"]


def test_counts_shares_and_rate_exclude_blank_and_invalid_answers():
    records = (many(6, Q1, "tot") + many(2, Q1, "dat") + many(2, Q1, "chua_dat")
               + [response(Q1, None), response(Q1, "tot", invalid=("c1.thai_do_giao_tiep",)),
                  response(Q1, "tot", c1__thai_do_giao_tiep="garbage")])
    c = tally(records, scheme()).criterion("c1.thai_do_giao_tiep")
    assert (c.tot, c.dat, c.chua_dat, c.blank, c.invalid) == (6, 2, 2, 1, 2)
    assert c.valid == 10
    assert c.share("tot") == pytest.approx(0.6)
    assert c.share("chua_dat") == pytest.approx(0.2)
    assert c.rate == pytest.approx(0.8)
    lo, hi = c.satisfied.interval
    assert lo < 0.8 < hi


def test_index_is_mean_of_criteria_rates_and_counts_answering_forms():
    records = many(3, Q1, "tot") + [response(Q1, "chua_dat", c5__muc_do_hai_long="tot"),
                                    response(Q1, None)]
    t = tally(records, scheme())
    # six criteria at 3/4, c5 at 4/4 → (6 · 0.75 + 1) / 7
    assert t.index == pytest.approx((6 * 0.75 + 1.0) / 7)
    assert t.answered == 4 and t.responses == 5
    assert t.index_proportion.n == 4


def test_harassment_distribution_none_some_many_and_contradictions():
    records = (
        many(90, Q1, "tot")
        + many(5, Q1, "tot", c2__phien_ha="co", c2__muc_do="mot_lan")
        + many(3, Q1, "tot", c2__phien_ha="co", c2__muc_do="mot_so_lan")
        + many(1, Q1, "tot", c2__phien_ha="co", c2__muc_do="rat_pho_bien")
        + many(1, Q1, "tot", c2__phien_ha="co", c2__muc_do=None)
        + many(2, Q1, "tot", c2__phien_ha="khong", c2__muc_do="pho_bien")  # contradiction
        + many(1, Q1, "tot", c2__phien_ha=None, c2__muc_do="mot_lan")
        + many(4, Q1, "tot", c2__phien_ha=None)
        + many(1, Q1, "tot", invalid=("c2.phien_ha",))
    )
    h = tally(records, scheme()).harassment
    assert h.no == 90 and h.yes == 10 and h.valid == 100
    assert (h.some, h.many, h.yes_unspecified) == (8, 1, 1)
    assert h.yes_by_level == {"mot_lan": 5, "mot_so_lan": 3, "pho_bien": 0, "rat_pho_bien": 1}
    assert h.none_share == pytest.approx(0.90)
    assert h.some_share == pytest.approx(0.08)
    assert h.many_share == pytest.approx(0.01)
    assert (h.contradictions, h.level_without_answer, h.blank, h.invalid) == (2, 1, 4, 1)


def test_transaction_types_count_both_flags():
    records = [response(Q1), response(Q1, noi_dung__giai_quyet_tthc=True),
               response(Q1, noi_dung__tiep_nhan_xu_ly=False)]
    tr = tally(records, scheme()).transactions
    assert tr.by_flag == {"noi_dung.tiep_nhan_xu_ly": 2, "noi_dung.giai_quyet_tthc": 1}
    assert (tr.both, tr.neither) == (1, 1)


def test_select_by_quarter_unit_and_channel():
    records = [response(Q1, unit="VP"), response(Q2, unit="QLCN", channel="dvc"),
               response(None)]
    assert len(select(records, year=2026)) == 3
    assert len(select(records, quarter=1)) == 1
    assert len(select(records, unit="QLCN", channel="dvc")) == 1


def test_each_quarter_beside_the_same_quarter_of_last_year():
    records = (many(45, Q1, "tot") + many(5, Q1, "chua_dat")  # Q1 2026: 90 %
               + many(35, P1, "tot") + many(15, P1, "chua_dat")  # Q1 2025: 70 %
               + many(23, Q2, "tot") + many(2, Q2, "chua_dat")  # Q2 2026: 92 %
               + many(21, P2, "tot") + many(4, P2, "chua_dat"))  # Q2 2025: 84 %
    t = tally_year(2026, records, scheme())
    q1, q2, q3 = t.quarters[0], t.quarters[1], t.quarters[2]
    assert q1.current.index == pytest.approx(0.90) and q1.previous.index == pytest.approx(0.70)
    assert q1.year_on_year.points == pytest.approx(20.0)
    assert q1.year_on_year.significant is True  # z = 2.5
    assert q2.year_on_year.points == pytest.approx(8.0)
    assert q2.year_on_year.significant is False  # n = 25: within the margin
    assert q2.vs_prior_quarter.points == pytest.approx(2.0)
    assert q1.vs_prior_quarter is None
    assert not q3.year_on_year.comparable
    assert t.current.responses == 75 and t.previous.responses == 75


def test_undated_responses_count_in_the_year_only():
    t = tally_year(2026, [response(None), response(Q1)], scheme())
    assert t.current.responses == 2
    assert t.undated == 1
    assert sum(q.current.responses for q in t.quarters) == 1


def test_response_rate_uses_issued_count_and_paper_only():
    records = many(40, Q1, "tot") + many(10, Q1, "tot", channel="google_forms")
    t = tally_year(2026, records, scheme(), issued=80)
    rr = t.response_rate
    assert (rr.issued, rr.returned_paper, rr.other_channels) == (80, 40, 10)
    assert rr.rate == pytest.approx(0.5)
    assert tally_year(2026, records, scheme()).response_rate.rate is None
    assert [c.key for c in t.by_channel] == ["giay", "google_forms"]


def test_issued_count_sums_ledger_batches():
    assert issued_count([{"first": 1, "last": 50, "count": 50}, {"first": 51, "last": 60}]) == 60


def test_feedback_by_group_and_source_with_handled_share():
    fb = [feedback(Q1, "3", "khieu_nai", True), feedback(Q2, "3", "tiep_dan", False),
          feedback(Q2, "5", "khieu_nai", True), feedback(P1, "11", "hop", True)]
    f = tally_feedback(2026, fb)
    assert (f.total, f.handled, f.unhandled) == (3, 2, 1)
    groups = {g.code: g for g in f.by_group}
    assert groups["3"].count == 2 and groups["3"].handled == 1
    assert groups["3"].share == pytest.approx(2 / 3)
    assert groups["3"].label == "Thái độ của công chức"
    assert groups["11"].count == 0  # last year's group stays listed for the comparison
    assert f.previous_by_group == {"11": 1} and f.previous_total == 1
    sources = {s.code: s for s in f.by_source}
    assert sources["khieu_nai"].count == 2 and sources["khieu_nai"].handled_share == 1.0
    assert f.matrix[("3", "tiep_dan")] == 1
    assert f.by_quarter == {1: 1, 2: 2, 3: 0, 4: 0}


def test_feedback_labels_can_be_overridden():
    f = tally_feedback(2026, [feedback(Q1, "x1")], group_labels={"x1": "Nhóm riêng"})
    assert f.by_group[0].label == "Nhóm riêng"


def test_proposal_for_a_criterion_over_the_unsatisfied_threshold():
    records = many(85, Q1, "tot") + many(15, Q1, "tot", c4__dung_thoi_han="chua_dat")
    t = tally_year(2026, records, scheme())
    props = N.draft_proposals(t, "QT.SCT.04")
    assert [p.field_id for p in props] == ["c4.dung_thoi_han"]
    assert props[0].corrective and "QT.SCT.04" in props[0].action
    assert "15,0%" in props[0].reason
    relaxed = replace(T, unsatisfied_share_max=0.20)
    assert N.draft_proposals(t, "QT.SCT.04", relaxed) == []


def test_proposal_for_a_significant_fall_against_last_year():
    # c3 at 91 % this year against 100 % last year (n = 100 each): p < 0.01
    this_year = many(91, Q2, "tot") + many(9, Q2, "tot", c3__chinh_xac_khach_quan="chua_dat")
    last_year = many(100, P2, "tot")
    t = tally_year(2026, this_year + last_year, scheme())
    # a threshold high enough that only the fall can trigger the proposal
    props = N.draft_proposals(t, "QT.SCT.04", replace(T, unsatisfied_share_max=0.5))
    assert [p.field_id for p in props] == ["c3.chinh_xac_khach_quan"]
    assert "giảm 9,0 điểm phần trăm" in props[0].reason


def test_sentences_say_within_margin_or_significant():
    small = tally_year(2026, many(23, Q2, "tot") + many(2, Q2, "chua_dat")
                       + many(21, P2, "tot") + many(4, P2, "chua_dat"), scheme())
    text = " ".join(N.quarter_sentences(small))
    assert "Quý II" in text and "tăng 8,0 điểm phần trăm" in text
    assert "nằm trong biên sai số" in text
    big = tally_year(2026, many(45, Q1, "tot") + many(5, Q1, "chua_dat")
                     + many(35, P1, "tot") + many(15, P1, "chua_dat"), scheme())
    assert "vượt biên sai số" in " ".join(N.quarter_sentences(big))


def test_vietnamese_number_formatting():
    assert N.pct(0.925) == "92,5%"
    assert N.num(1234567) == "1.234.567"
    assert N.dec(1234.5) == "1.234,5"
    assert N.signed_points(-3.24) == "−3,2" and N.signed_points(0.01) == "0,0"
    assert N.pct(None) == "–"
