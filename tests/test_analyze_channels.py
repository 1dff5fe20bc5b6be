"""Import of survey answers from other channels (Google Forms, public-service portal)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from formkit.analyze.channels import import_responses, load_mapping
from formkit.config import BUILTIN_TEMPLATES
from formkit.errors import InputError
from formkit.spec import load_form, template_path

from .errors_kit import raises_en

EXAMPLE = BUILTIN_TEMPLATES / "channels" / "google_forms.example.yaml"
SPEC = load_form(template_path(BUILTIN_TEMPLATES, "05-02"))
HEADER = [
    "Dấu thời gian", "Phòng giải quyết hồ sơ", "Nội dung giao dịch",
    "Thái độ giao tiếp của công chức", "Lắng nghe ý kiến", "Tận tình, chu đáo",
    "Tuân thủ đúng quy trình", "Kết quả giải quyết chính xác, khách quan",
    "Giải quyết đúng thời hạn", "Mức độ hài lòng chung",
    "Công chức có gây phiền hà, sách nhiễu không?", "Nếu có, mức độ",
]
GOOD = ["15/03/2026 09:12:01", "Phòng Quản lý Công nghiệp",
        "Tiếp nhận, xử lý công việc hành chính, Giải quyết thủ tục hành chính",
        "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "5", "3", "Rất hài lòng",
        "Không", ""]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def test_example_mapping_is_valid_against_the_survey_template():
    m = load_mapping(EXAMPLE, SPEC)
    assert {r.field_id for r in m.fields} >= {"c1.thai_do_giao_tiep", "c2.phien_ha",
                                              "noi_dung.giai_quyet_tthc"}


def test_five_level_and_numeric_scales_map_onto_three_levels(tmp_path):
    recs = import_responses(write_csv(tmp_path / "gf.csv", [GOOD]), "google_forms", EXAMPLE,
                            spec=SPEC)
    assert len(recs) == 1
    r = recs[0]
    assert r.received == date(2026, 3, 15) and r.year == 2026 and r.quarter == 1
    assert r.channel == "google_forms" and r.unit == "QLCN"
    assert r.answers["c1.thai_do_giao_tiep"] == "tot"
    assert r.answers["c1.lang_nghe_y_kien"] == "tot"
    assert r.answers["c1.tan_tinh_chu_dao"] == "dat"
    assert r.answers["c1.tuan_thu_quy_trinh"] == "chua_dat"
    assert r.answers["c3.chinh_xac_khach_quan"] == "tot"
    assert r.answers["c4.dung_thoi_han"] == "dat"
    assert r.answers["c2.phien_ha"] == "khong" and r.answers["c2.muc_do"] is None
    assert r.answers["noi_dung.tiep_nhan_xu_ly"] is True
    assert r.answers["noi_dung.giai_quyet_tthc"] is True


def test_bad_rows_are_reported_by_row_number_and_skipped(tmp_path):
    bad_date = ["not a date", *GOOD[1:]]
    bad_value = GOOD[:3] + ["Tuyệt vời"] + GOOD[4:]
    bad_unit = [GOOD[0], "Phòng Không Có", *GOOD[2:]]
    other = ["16/03/2026 10:00:00", *GOOD[1:]]
    rows = [GOOD, bad_date, [""] * len(HEADER), bad_value, other, bad_unit]
    recs = import_responses(write_csv(tmp_path / "gf.csv", rows), "google_forms", EXAMPLE)
    assert len(recs) == 2
    # header is row 1: GOOD is row 2, bad_date row 3, empty row 4, bad_value row 5 …
    assert [b.row for b in recs.bad_rows] == [3, 5, 7]
    assert "không đọc được ngày" in recs.bad_rows[0].reason
    assert "Tuyệt vời" in recs.bad_rows[1].reason
    assert "Phòng Không Có" in recs.bad_rows[2].reason
    assert recs.empty_rows == 1


def test_identical_rows_are_imported_once_and_ids_are_stable(tmp_path):
    path = write_csv(tmp_path / "gf.csv", [GOOD, GOOD, ["16/03/2026 10:00:00", *GOOD[1:]]])
    first = import_responses(path, "google_forms", EXAMPLE)
    assert len(first) == 2 and first.duplicate_rows == [3]
    again = import_responses(path, "google_forms", EXAMPLE)
    assert [r.response_id for r in again] == [r.response_id for r in first]
    assert all(r.response_id.startswith("google_forms:") for r in first)
    other_channel = import_responses(path, "dvc", EXAMPLE)
    assert {r.response_id for r in other_channel}.isdisjoint({r.response_id for r in first})


def test_semicolon_csv_is_detected(tmp_path):
    recs = import_responses(write_csv(tmp_path / "p.csv", [GOOD], ";"), "dvc", EXAMPLE)
    assert len(recs) == 1 and not recs.bad_rows


def test_xlsx_export_with_real_datetimes_and_numbers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    row = list(GOOD)
    row[0] = datetime(2026, 11, 2, 8, 30)
    row[7], row[8] = 5, 2.0  # numbers as Excel stores them
    ws.append(row)
    path = tmp_path / "dvc.xlsx"
    wb.save(path)
    recs = import_responses(path, "dvc", EXAMPLE)
    assert len(recs) == 1
    assert recs[0].received == date(2026, 11, 2) and recs[0].quarter == 4
    assert recs[0].answers["c3.chinh_xac_khach_quan"] == "tot"
    assert recs[0].answers["c4.dung_thoi_han"] == "chua_dat"


def test_missing_columns_are_named_all_at_once(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Dấu thời gian,Lắng nghe ý kiến\n15/03/2026 09:00:00,Hài lòng\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_responses(path, "google_forms", EXAMPLE)
    msg = str(err.value)
    assert "Thái độ giao tiếp của công chức" in msg and "Mức độ hài lòng chung" in msg


def test_mapping_with_a_level_outside_the_form_is_refused(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("timestamp: {column: T}\nscales: {s: {'Tốt': excellent}}\n"
                   "fields: {c5.muc_do_hai_long: {column: A, scale: s}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="tot, dat or chua_dat"):
        load_mapping(bad)


def test_mapping_with_an_unknown_field_is_refused_against_the_template(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("timestamp: {column: T}\n"
                   "fields: {c9.khong_co: {column: A, values: {'x': tot}}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a choice field"):
        load_mapping(bad, SPEC)


def test_unsupported_file_type_is_an_input_error(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    with raises_en(InputError, "CSV or XLSX"):
        import_responses(path, "dvc", EXAMPLE)
