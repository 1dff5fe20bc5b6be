"""QĐ 766/QĐ-TTg ratios, SIPAS elements and the sample size, on a known data set whose
expected values are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date

import pytest

from formkit.analyze.indicators import (
    FeedbackTiming,
    add_working_days,
    compute_indicators,
    count_actions,
    sample_size,
)
from formkit.analyze.tallies import tally_year
from formkit.store.rows import ActionRecord
from tests.eval_helpers import many, response, scheme

D = date(2026, 3, 2)  # a Monday


def _data_set():
    # 10 responses of 2026:
    #  6 all "tot", harassment "khong"
    #  2 all "dat", harassment "khong"
    #  1 all "chua_dat", harassment "co"
    #  1 all "tot" but c4 "chua_dat", c5 "dat", harassment blank
    return (many(6, D, "tot") + many(2, D, "dat")
            + [response(D, "chua_dat", c2__phien_ha="co", c2__muc_do="mot_lan"),
               response(D, "tot", c4__dung_thoi_han="chua_dat", c5__muc_do_hai_long="dat",
                        c2__phien_ha=None)])


def _timing():
    # deadline 10 working days: received Mon 2 March → due Mon 16 March
    return [
        FeedbackTiming(1, D, True, date(2026, 3, 16), "3", "khieu_nai"),  # on time (last day)
        FeedbackTiming(2, D, True, date(2026, 3, 17), "5", "khieu_nai"),  # late
        FeedbackTiming(3, D, True, None, "3", "tiep_dan"),  # handled, day unknown
        FeedbackTiming(4, D, False, None, "2", "khao_sat"),  # pending past due on 1 June
        FeedbackTiming(5, date(2026, 5, 29), False, None, "2", "hop"),  # pending, not yet due
        FeedbackTiming(6, D, True, date(2026, 3, 3), "11", "khieu_nai"),  # praise: left out
        FeedbackTiming(7, date(2025, 3, 2), True, date(2025, 3, 3), "3", "khieu_nai"),  # 2025
    ]


def _indicators(**kw):
    t = tally_year(2026, _data_set(), scheme())
    return compute_indicators(t, as_of=date(2026, 6, 1), deadline_days=10, timing=_timing(),
                              praise_groups={"11"}, **kw)


def test_working_day_deadline_skips_weekends():
    assert add_working_days(D, 10) == date(2026, 3, 16)
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday → Monday


def test_sample_size_matches_the_ministry_example():
    # 2000 / (1 + 2000 · 0.0025) = 333.3 → 334; 100 / 1.25 = 80 exactly
    assert sample_size(2000, 0.05) == 334
    assert sample_size(100, 0.05) == 80
    assert sample_size(10_000, 0.05) == 385  # 10000 / 26 = 384.6


def test_register_ratios_count_on_time_and_overdue_entries_by_status_and_dates():
    ind = _indicators()
    r1, r2 = ind.ratio("766-1"), ind.ratio("766-2")
    # feedback of 2026 without praise: entries 1–5 → 5; on time: entry 1 only
    assert (r1.numerator, r1.denominator) == (1, 5)
    assert r1.value == pytest.approx(0.2)
    assert "1 mục đã xử lý nhưng không ghi ngày" in r1.note
    # overdue: entry 2 (late) and entry 4 (pending past due) → (5 − 2) / 5
    assert (r2.numerator, r2.denominator) == (3, 5)
    assert "10 ngày làm việc" in r1.data and "01/06/2026" in r1.data


def test_files_ratio_needs_the_number_of_files_and_deducts_complaints_and_unsatisfied():
    assert _indicators().ratio("766-3").value is None
    ind = _indicators(files_handled={2026: 200}, files_overdue={2026: 4})
    r3 = ind.ratio("766-3")
    # deductions: 4 overdue files + 2 complaints (entries 1 and 2; praise and 2025 left out)
    # + 1 "chua_dat" at Câu hỏi 5 → (200 − 7) / 200
    assert (r3.numerator, r3.denominator) == (193, 200)


def test_survey_ratios_and_sipas_elements_follow_the_documented_mapping():
    ind = _indicators()
    # Câu hỏi 5: tot 6, dat 2 + 1, chua_dat 1 → 9 / 10
    assert ind.ratio("KS-1").value == pytest.approx(0.9)
    # Câu hỏi 2: valid 9 (one blank), "khong" 8 → 8 / 9
    assert (ind.ratio("KS-2").numerator, ind.ratio("KS-2").denominator) == (8, 9)
    # Câu hỏi 4: chua_dat 2 → 8 / 10
    assert ind.ratio("KS-3").value == pytest.approx(0.8)
    el = {e.code: e for e in ind.elements}
    assert not el["tiep_can"].measured and el["tiep_can"].share is None
    assert not el["thu_tuc"].measured and not el["phan_anh"].measured
    # officials: 4 rows × 10 answers = 40, satisfied 4 × 9 = 36; plus Câu hỏi 2 (8 of 9)
    off = el["cong_chuc"]
    assert (off.satisfied, off.valid) == (44, 49)
    # strict (Tốt only): 4 rows × 7 tot = 28, plus 8 "khong" → 36 / 49
    assert off.satisfied_strict == 36
    # results: c3 9 of 10, c4 8 of 10 → 17 / 20; strict: c3 7, c4 6 → 13 / 20
    res = el["ket_qua"]
    assert (res.satisfied, res.satisfied_strict, res.valid) == (17, 13, 20)
    assert ind.sipas_index == pytest.approx((44 / 49 + 17 / 20) / 2)
    assert ind.sipas_index_strict == pytest.approx((36 / 49 + 13 / 20) / 2)


def test_sample_beside_collected_and_references_shown_as_given():
    ind = _indicators(files_handled={2026: 40}, references=[("SIPAS toàn quốc", 2023, 82.66)])
    # 40 / (1 + 40 · 0.0025) = 36.36 → 37; collected 10 answering forms
    assert (ind.sample.needed, ind.sample.collected, ind.sample.enough) == (37, 10, False)
    assert ind.references[0].share == pytest.approx(0.8266)


def _action(n, opened, due, status="open", closed=None, effective=None):
    return ActionRecord(n, opened.year, opened, "QLCN", None, "c4.dung_thoi_han", "p", "c",
                        "a", "o", due, status, closed, "v" if closed else "", effective)


def test_action_counts_opened_closed_overdue_and_effective():
    actions = [
        _action(1, date(2026, 2, 1), date(2026, 3, 1), "closed", date(2026, 2, 20), True),
        _action(2, date(2026, 2, 1), date(2026, 3, 1), "closed", date(2026, 3, 5), False),
        _action(3, date(2026, 4, 1), date(2026, 5, 1)),  # open, overdue on 1 June
        _action(4, date(2026, 5, 20), date(2026, 7, 1)),  # open, not yet due
        _action(5, date(2025, 5, 20), date(2025, 7, 1)),  # another year
    ]
    c = count_actions(actions, 2026, date(2026, 6, 1))
    assert (c.opened, c.closed, c.overdue, c.effective, c.open) == (4, 2, 2, 1, 2)


def _state(actions=()):
    from formkit.export.report_docx import RecordState

    return RecordState(timing=tuple(_timing()), actions=tuple(actions), as_of=date(2026, 6, 1))


def test_summary_workbook_sheet_holds_each_ratio_with_formula_data_and_value(workspace,
                                                                              tmp_path):
    from dataclasses import replace

    from openpyxl import load_workbook

    from formkit.config import ReferenceFigure
    from formkit.export.summary_xlsx import write_summary

    settings = replace(workspace, files_handled={2026: 40},
                       reference_figures=[ReferenceFigure("SIPAS toàn quốc", 2023, 82.66)])
    t = tally_year(2026, _data_set(), scheme())
    actions = [_action(1, date(2026, 2, 1), date(2026, 3, 1), "closed", date(2026, 2, 20),
                       True), _action(3, date(2026, 4, 1), date(2026, 5, 1))]
    path = write_summary(settings, 2026, t, tmp_path / "s.xlsx", state=_state(actions))
    ws = load_workbook(path)["Chỉ số 766 - SIPAS"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["766-1"][3:6] == (1, 5, pytest.approx(0.2))
    assert rows["766-1"][2].startswith("số phản ánh, kiến nghị đã xử lý trong thời hạn")
    assert rows["766-2"][3:5] == (3, 5)
    assert rows["KS-1"][5] == pytest.approx(0.9)
    assert rows["SIPAS-3"][3:5] == (44, 49)
    assert rows["SIPAS-1"][2] == "không đo"
    assert rows["SIPAS"][5] == pytest.approx((44 / 49 + 17 / 20) / 2)
    sample = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "Cỡ mẫu"]
    assert sample[0][3:5] == (37, 40) and sample[1][3] == 10
    ref = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "Tham chiếu"][0]
    assert ref[5] == pytest.approx(0.8266) and "không do formkit tính" in ref[6]
    review = load_workbook(path)["Xem xét lãnh đạo (ISO 9.3)"]
    texts = [r for r in review.iter_rows(min_row=4, values_only=True)]
    summary = [r for r in texts if r[0] == "c) Hành động khắc phục" and r[1] == "Tổng hợp"][0]
    assert summary[2] == 2 and "quá hạn 1" in summary[5]
    assert not [r for r in texts if r[0] == "b) Phản ánh theo nhóm"]  # tallied no feedback
    assert texts[0][0] == "a) Xu hướng hài lòng"


def test_report_has_the_indicator_section_and_counts_corrective_actions(workspace, tmp_path):
    from docx import Document

    from formkit.export.report_docx import write_report_docx
    from tests.test_report_docx import all_text

    t = tally_year(2026, _data_set(), scheme())
    actions = [_action(1, date(2026, 2, 1), date(2026, 3, 1), "closed", date(2026, 2, 20),
                       True), _action(3, date(2026, 4, 1), date(2026, 5, 1))]
    result = write_report_docx(workspace, 2026, t, tmp_path / "r.docx", state=_state(actions))
    text = all_text(Document(str(result.docx)))
    assert "Các chỉ số theo Quyết định 766/QĐ-TTg và SIPAS" in text
    assert "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn" in text
    assert "1/5" in text and "20,0%" in text
    assert "Chưa có số hồ sơ đã giải quyết trong năm nên chưa tính được cỡ mẫu" in text
    assert ("mở trong năm: 2; đã hoàn thành 1 (trong đó 1 được kiểm tra là có hiệu lực); còn "
            "đang thực hiện 1; quá hạn 1") in text
    assert "“Tốt” và “Đạt yêu cầu” được tính là hài lòng" in text
