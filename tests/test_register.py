"""Register entries: adding, listing with filters, groups kept by people, survey comments."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from formkit.errors import InputError
from formkit.store import open_store
from formkit.store import register as reg

from .records_helpers import make_sheet, report_for

TODAY = date(2025, 12, 31)


@pytest.fixture
def store(workspace):
    with open_store(workspace) as s:
        yield s


@pytest.mark.parametrize("typed, expected", [
    ("05/03/2025", date(2025, 3, 5)),
    ("5/3/2025", date(2025, 3, 5)),
    ("05-03-2025", date(2025, 3, 5)),
    ("05.03.2025", date(2025, 3, 5)),
    ("2025-03-05", date(2025, 3, 5)),
    ("2025-03-05 00:00:00", date(2025, 3, 5)),
    ("ngày 05 tháng 3 năm 2025", date(2025, 3, 5)),
    (45721, date(2025, 3, 5)),  # Excel's day number
    (date(2025, 3, 5), date(2025, 3, 5)),
])
def test_register_dates_are_read_in_the_usual_vietnamese_and_iso_forms(typed, expected):
    assert reg.parse_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed, reason", [
    ("31/02/2025", "not a real date"),
    ("05/03/25", "four digits"),
    ("1999-12-31", "before 2000"),
    ("01/01/2026", "in the future"),
    ("hôm qua", "not a date"),
    ("", "missing"),
])
def test_impossible_or_out_of_range_dates_are_refused_with_the_reason(typed, reason):
    with pytest.raises(ValueError, match=reason):
        reg.parse_date(typed, TODAY)


def test_an_added_entry_is_stored_nfc_and_classified(store):
    nfd = unicodedata.normalize("NFD", "Hồ sơ bị trả kết quả trễ hạn")
    e = reg.add_entry(store, entry_date="10/04/2025", content=nfd, customer="Lê Văn Tâm",
                      unit="qlcn", source="Sổ tiếp dân")
    assert e.content == unicodedata.normalize("NFC", nfd)
    assert (e.unit, e.source, e.group, e.status) == ("QLCN", "tiep_dan", "5", "pending")
    assert "trễ hạn" in (e.group_rule or "")


def test_the_same_entry_cannot_be_added_twice(store):
    reg.add_entry(store, entry_date="10/04/2025", content="Thái độ cáu gắt", customer="An")
    with pytest.raises(InputError, match="đã có trong sổ"):
        reg.add_entry(store, entry_date="10/04/2025", content="  Thái độ  cáu gắt ",
                      customer="An")
    assert len(reg.list_entries(store)) == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"unit": "KHONGCO"}, "Unknown unit"),
    ({"source": "điện thoại"}, "Unknown source"),
    ({"status": "có lẽ"}, "Unknown status"),
    ({"group": "99"}, "Unknown opinion group"),
    ({"content": "   "}, "content"),
    ({"entry_date": "32/01/2025"}, "Date"),
])
def test_bad_fields_of_a_new_entry_are_refused_with_what_to_do(store, kwargs, message):
    args = {"entry_date": "10/04/2025", "content": "Nội dung", **kwargs}
    with pytest.raises(InputError, match=message):
        reg.add_entry(store, **args)
    assert reg.list_entries(store) == []


def _fill(store):
    reg.add_entry(store, entry_date="10/01/2025", content="Cán bộ tận tình, cảm ơn",
                  customer="Công ty Đắk Nông", unit="VP", source="khao_sat")
    reg.add_entry(store, entry_date="11/02/2025", content="Phải đi lại nhiều lần để bổ sung "
                  "giấy tờ", customer="Bà Nguyễn Thị Hường", unit="QLCN", status="handled")
    reg.add_entry(store, entry_date="12/03/2024", content="Thu phí cao", unit="QLCN",
                  source="truyen_thong")
    reg.add_entry(store, entry_date="13/04/2025", content="Cổng dịch vụ công trực tuyến lỗi",
                  unit="VP", source="hop")


def test_entries_are_filtered_by_year_unit_source_group_and_status(store):
    _fill(store)
    assert len(reg.list_entries(store)) == 4
    assert [e.entry_date.month for e in reg.list_entries(store, year=2025)] == [1, 2, 4]
    assert [e.content[:4] for e in reg.list_entries(store, unit="Văn phòng Sở")] == \
        ["Cán ", "Cổng"]
    assert [e.source for e in reg.list_entries(store, source="Phương tiện truyền thông")] == \
        ["truyen_thong"]
    assert [e.group for e in reg.list_entries(store, group="Khen ngợi")] == ["11"]
    assert [e.group for e in reg.list_entries(store, group="2")] == ["2"]
    assert [e.customer for e in reg.list_entries(store, status="Đã xử lý")] == \
        ["Bà Nguyễn Thị Hường"]
    assert len(reg.list_entries(store, status="pending", year=2025, unit="VP")) == 2


@pytest.mark.parametrize("query", ["huong", "HƯỜNG", "nguyen thi huong",
                                   unicodedata.normalize("NFD", "Hường")])
def test_text_search_ignores_accents_case_and_unicode_form(store, query):
    _fill(store)
    assert [e.customer for e in reg.list_entries(store, text=query)] == ["Bà Nguyễn Thị Hường"]


def test_text_search_treats_percent_and_underscore_literally(store):
    _fill(store)
    assert reg.list_entries(store, text="%") == []
    assert reg.list_entries(store, text="_") == []


def test_a_persons_group_is_never_overwritten_by_the_rules(store):
    e = reg.add_entry(store, entry_date="10/04/2025", content="Hồ sơ trả chậm")
    reg.set_group(store, e.id, "Quy định, chính sách")
    results = {r.entry_id: r for r in reg.classify(store, explain=True)}
    assert (results[e.id].group, results[e.id].by) == ("10", "person")
    assert "chậm" in (results[e.id].explanation or "")
    assert reg.get_entry(store, e.id).group == "10"
    reg.set_group(store, e.id, None)
    assert reg.get_entry(store, e.id).group == "5"


def test_classify_reports_the_matching_rule_and_khac_when_nothing_matches(store):
    a = reg.add_entry(store, entry_date="10/04/2025", content="Cán bộ gây phiền hà, đòi tiền")
    b = reg.add_entry(store, entry_date="10/04/2025", content="Trời mưa to")
    results = {r.entry_id: r for r in reg.classify(store, explain=True)}
    assert results[a.id].group == "4"
    assert "“phiền hà”" in results[a.id].explanation and "“đòi tiền”" in \
        results[a.id].explanation
    assert (results[b.id].group, results[b.id].name) == ("khac", "Khác")
    assert results[b.id].explanation.startswith("không khớp")
    assert all(r.explanation is None for r in reg.classify(store))


def test_classify_follows_an_edited_rules_file_of_the_workspace(store, workspace, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    for f in workspace.templates_dir.glob("*.yaml"):
        (templates / f.name).write_bytes(f.read_bytes())
    (templates / "feedback_groups.yaml").write_text(
        "groups:\n  - {code: mua, name: Thời tiết, keywords: [trời mưa]}\n", encoding="utf-8")
    workspace.templates_dir = templates
    e = reg.add_entry(store, entry_date="10/04/2025", content="Trời mưa, hồ sơ trả chậm")
    assert e.group == "mua"
    assert reg.classify(store)[0].group == "mua"


def test_set_status_marks_an_entry_handled(store):
    e = reg.add_entry(store, entry_date="10/04/2025", content="Thu phí cao")
    assert reg.set_status(store, e.id, "Đã xử lý").handled
    assert store.feedback(2025)[0].handled


def test_reviewed_survey_comments_become_linked_register_entries_once(store):
    sheets = [make_sheet(1, received="2025-06-02", name="Công ty Hoa Sen",
                         comment="Thời gian giải quyết còn chậm"),
              make_sheet(2, received="2025-06-03", comment="Cảm ơn cán bộ",
                         review={"c3.y_kien_khac": ("Phi cao", "uncertain", 0.5)}),
              make_sheet(3, received="2025-06-04")]
    store.save_batch(report_for(sheets), sheets)

    first = reg.comments_to_register(store, 2025)
    assert (first.added, first.already_there, first.waiting_review) == (2, 0, 1)
    entries = reg.list_entries(store, source="khao_sat")
    assert [(e.customer, e.group, e.entry_date) for e in entries] == [
        ("Công ty Hoa Sen", "5", date(2025, 6, 2)),
        ("Công ty TNHH Minh Phát", "11", date(2025, 6, 3))]
    assert entries[0].content == "Ý kiến khác (câu hỏi 1): Thời gian giải quyết còn chậm"
    stored = {s.serial: s.id for s in store.sheets()}
    assert [e.sheet_id for e in entries] == [stored[1], stored[2]]

    item = store.review_queue()[0]
    store.apply_review(item.id, "Phí cao", "Lan")
    second = reg.comments_to_register(store, 2025)
    assert (second.added, second.already_there, second.waiting_review) == (1, 2, 0)
    assert reg.comments_to_register(store, 2025).added == 0
    assert len(reg.list_entries(store, source="khao_sat")) == 3
