"""The store: batches of read sheets, responses, feedback, review decisions, anonymisation."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, update

from formkit.analyze.records import ResponseRecord
from formkit.errors import InputError, RefusedError
from formkit.store import REVIEW_INVALID, SCHEMA_VERSION, open_store
from formkit.store import core as store_core
from formkit.store.models import Answer, Page, Response, ReviewItem, Sheet
from formkit.store.review import VALID_STATUSES

from . import register_kit as reg
from .errors_kit import raises_en
from .records_helpers import make_sheet, report_for


@pytest.fixture
def store(workspace):
    with open_store(workspace) as s:
        yield s


@pytest.mark.sqlite_only  # the SQLite file itself
def test_new_database_is_created_in_the_workspace_with_wal_and_current_schema(workspace):
    with open_store(workspace):
        pass
    db = workspace.workspace / "formkit.db"
    assert db.exists()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == \
            SCHEMA_VERSION
    finally:
        conn.close()


@pytest.mark.sqlite_only  # the SQLite file itself
def test_relative_sqlite_path_is_taken_inside_the_workspace(workspace):
    workspace.database_url = "sqlite:///data/records.db"
    with open_store(workspace) as s:
        assert s.where == str(workspace.workspace / "data" / "records.db")
    assert (workspace.workspace / "data" / "records.db").exists()


def test_save_batch_stores_sheets_answers_pages_and_review_items(store, tmp_path):
    sheets = [make_sheet(1, received="2025-03-10"),
              make_sheet(2, review={"c1.lang_nghe_y_kien": (None, "multiple", 0.4)},
                         crop_dir=tmp_path / "crops")]
    report = report_for(sheets, rejected=[("blank.png", 1, "blank page")])
    batch_id = store.save_batch(report, sheets)

    summary = store.batch(batch_id)
    assert (summary.status, summary.sheets_added, summary.pages_total, summary.rejected,
            summary.review_items) == ("finished", 2, 5, 1, 1)
    stored = store.sheets(year=2025)
    assert [s.serial for s in stored] == [1, 2]
    assert stored[0].answers["c1.thai_do_giao_tiep"] == "tot"
    assert stored[0].received == date(2025, 3, 10)
    assert stored[1].pending_review == 1
    queue = store.review_queue()
    assert [(q.serial, q.field, q.machine_status) for q in queue] == \
        [(2, "c1.lang_nghe_y_kien", "multiple")]
    assert queue[0].crop_path and queue[0].crop_path.endswith(".png")
    assert queue[0].overlay_path == "/overlays/2_p2.png"
    rejected = [p for p in store.pages(batch_id) if p["outcome"] == "rejected"]
    assert rejected == [{**rejected[0], "file": "blank.png", "reason": "blank page"}]


def test_rerunning_the_same_files_adds_nothing_twice(store):
    sheets = [make_sheet(1), make_sheet(2)]
    report = report_for(sheets, rejected=[("bad.jpg", 1, "no QR code")])
    first = store.save_batch(report, sheets)
    second = store.save_batch(report, sheets)
    assert first == second
    assert len(store.sheets()) == 2
    assert len(store.pages()) == 5
    assert len(store.batches()) == 1


def test_a_stored_sheet_scanned_again_in_a_new_batch_is_a_duplicate_page(store):
    store.save_batch(report_for([make_sheet(1)]), [make_sheet(1)])
    rescan = make_sheet(1, scan_file="rescan.pdf")
    batch_id = store.save_batch(report_for([rescan]), [rescan])
    assert len(store.sheets()) == 1
    summary = store.batch(batch_id)
    assert (summary.sheets_added, summary.duplicates, summary.already_stored) == (0, 2, 1)
    assert all("already stored" in p["reason"]
               or json.loads(p["reason"]).get("code") == "page.stored.same_copy"
               for p in store.pages(batch_id))


def test_the_same_image_in_two_files_keeps_a_line_for_each_input_page(store):
    sheet = make_sheet(1)
    report = report_for([sheet])
    copy = {**report["pages"][0], "file": "copy of scan.pdf", "outcome": "duplicate",
            "reason": "the same image was already read in this batch"}
    report["pages"].append(copy)
    batch_id = store.save_batch(report, [sheet])
    pages = store.pages(batch_id)
    assert len(pages) == 3
    assert [(p["file"], p["outcome"]) for p in pages if p["sha256"] == copy["sha256"]] == \
        [("scan.pdf", "read"), ("copy of scan.pdf", "duplicate")]
    store.save_batch({**report, "inputs": ["again"]}, [sheet])
    assert len(store.pages()) == 3


def test_a_page_rejected_before_and_read_now_becomes_a_read_page(store):
    sheet = make_sheet(1)
    first = sheet.pages[0]
    store.save_batch(report_for([], rejected=[]) | {"pages": [
        {"file": first.file, "page": first.page, "outcome": "rejected", "sha256": first.sha256,
         "reason": "unknown layout version"}]}, [])
    store.save_batch(report_for([sheet]), [sheet])
    page = next(p for p in store.pages() if p["sha256"] == first.sha256)
    assert page["outcome"] == "read" and "unknown layout version" in page["reason"]
    assert len(store.pages()) == 2


def test_a_batch_cut_off_midway_leaves_whole_sheets_and_its_rerun_completes_it(
        store, monkeypatch):
    sheets = [make_sheet(1), make_sheet(2), make_sheet(3)]
    report = report_for(sheets)
    real_save = store_core.Store._save_sheet
    calls = {"n": 0}

    def crash_on_second(self, s, batch_id, sheet, batch_dir, channel):
        calls["n"] += 1
        if calls["n"] == 2:
            s.add(Page(batch_id=batch_id, file="x", page_index=1, page_key="half",
                                  outcome="read", reason="", created=store_core.now()))
            raise KeyboardInterrupt  # the operator pressed Ctrl+C mid-sheet
        return real_save(self, s, batch_id, sheet, batch_dir, channel)

    monkeypatch.setattr(store_core.Store, "_save_sheet", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        store.save_batch(report, sheets)
    assert [s.serial for s in store.sheets()] == [1]
    assert all(p["file"] != "x" for p in store.pages())  # the half-written sheet rolled back
    assert store.batches()[0].status == "running"

    monkeypatch.setattr(store_core.Store, "_save_sheet", real_save)
    batch_id = store.save_batch(report, sheets)
    assert [s.serial for s in store.sheets()] == [1, 2, 3]
    summary = store.batch(batch_id)
    assert (summary.status, summary.sheets_added, summary.pages_total) == ("finished", 3, 6)
    assert len(store.batches()) == 1


def test_responses_hold_choices_only_and_unreviewed_fields_as_invalid(store):
    sheets = [make_sheet(1, received="2025-05-02"),
              make_sheet(2, review={"c3.chinh_xac_khach_quan": ("dat", "ok", 0.6),
                                    "c1.tan_tinh_chu_dao": (None, "multiple", 0.5)})]
    store.save_batch(report_for(sheets), sheets)
    first, second = store.responses(2025)
    assert first.response_id == sheets[0].sheet_key
    assert (first.channel, first.received, first.quarter, first.unit) == \
        ("giay", date(2025, 5, 2), 2, "QLCN")
    assert first.answers["c4.dung_thoi_han"] == "chua_dat"
    assert first.answers["noi_dung.tiep_nhan_xu_ly"] is True
    assert "to_chuc" not in first.answers and "c1.y_kien_khac" not in first.answers
    assert second.invalid == {"c3.chinh_xac_khach_quan", "c1.tan_tinh_chu_dao"}
    preview = store.responses(2025, include_unreviewed=True)[1]
    assert preview.invalid == {"c1.tan_tinh_chu_dao"}
    assert preview.answers["c3.chinh_xac_khach_quan"] == "dat"
    assert store.responses(2024) == []


def test_online_responses_are_added_once_and_listed_with_their_channel(store):
    online = [ResponseRecord(f"google_forms:{i}", 2025, date(2025, 2, i + 1), "VP",
                             "google_forms", {"c5.muc_do_hai_long": "tot"}) for i in range(3)]
    assert store.add_responses(online) == (3, 0)
    assert store.add_responses(online[:2]) == (0, 2)
    listed = [r for r in store.responses(2025) if r.channel == "google_forms"]
    assert [r.response_id for r in listed] == [r.response_id for r in online]
    assert listed[0].answers == {"c5.muc_do_hai_long": "tot"}


def test_feedback_of_a_year_uses_the_persons_group_and_handled_status(store):
    a = reg.add_entry(store, entry_date="03/02/2025", content="Hồ sơ trả kết quả trễ hạn")
    b = reg.add_entry(store, entry_date="04/02/2025", content="Thủ tục rườm rà", group="10",
                      status="Đã xử lý")
    reg.add_entry(store, entry_date="04/02/2024", content="Năm trước")
    records = store.feedback(2025)
    assert [(r.entry_id, r.group, r.handled) for r in records] == \
        [(a.id, "5", False), (b.id, "10", True)]


def test_apply_review_keeps_the_machine_reading_and_writes_the_audit_log(store):
    sheet = make_sheet(1, review={"c1.lang_nghe_y_kien": ("tot", "ok", 0.55)})
    store.save_batch(report_for([sheet]), [sheet])
    item = store.review_queue()[0]
    done = store.apply_review(item.id, "chua_dat", "Nguyễn Thị Lan", "mark was light")
    assert (done.status, done.machine_value, done.corrected_value, done.reviewer, done.note) \
        == ("done", "tot", "chua_dat", "Nguyễn Thị Lan", "mark was light")
    assert done.reviewed_at is not None
    assert store.review_queue() == []
    assert store.responses(2025)[0].answers["c1.lang_nghe_y_kien"] == "chua_dat"
    assert store.sheets()[0].answers["c1.lang_nghe_y_kien"] == "chua_dat"
    log = store.audit_log()[0]
    assert (log["action"], log["actor"]) == ("review_applied", "Nguyễn Thị Lan")
    assert (log["details"]["machine_value"], log["details"]["value"]) == ("tot", "chua_dat")


def test_apply_review_refuses_a_value_that_is_not_an_option_and_changes_nothing(store):
    sheet = make_sheet(1, review={"c2.phien_ha": (None, "uncertain", 0.5)})
    store.save_batch(report_for([sheet]), [sheet])
    item = store.review_queue()[0]
    with raises_en(InputError, "not an option"):
        store.apply_review(item.id, "tot", "Lan")
    assert store.review_item(item.id).status == "pending"


def test_apply_review_needs_a_reviewer_name(store):
    sheet = make_sheet(1, review={"c2.phien_ha": (None, "uncertain", 0.5)})
    store.save_batch(report_for([sheet]), [sheet])
    with raises_en(InputError, "reviewer"):
        store.apply_review(store.review_queue()[0].id, "co", "  ")


def test_a_confirmed_invalid_answer_stays_out_of_the_statistics(store):
    sheet = make_sheet(1, review={"c1.tan_tinh_chu_dao": (None, "multiple", 0.4)})
    store.save_batch(report_for([sheet]), [sheet])
    store.apply_review(store.review_queue()[0].id, REVIEW_INVALID, "Lan")
    response = store.responses(2025)[0]
    assert "c1.tan_tinh_chu_dao" in response.invalid
    assert "c1.tan_tinh_chu_dao" not in response.answers


def test_a_reviewed_text_never_enters_the_audit_log(store):
    sheet = make_sheet(1, review={"to_chuc": ("Cong ty ?", "uncertain", 0.5)})
    store.save_batch(report_for([sheet]), [sheet])
    store.apply_review(store.review_queue()[0].id, "Công ty Cổ phần Hoa Sen", "Lan")
    assert "Hoa Sen" not in str(store.audit_log())


@pytest.mark.sqlite_only  # the SQLite file itself
def test_anonymize_year_removes_names_text_and_crops_but_keeps_the_answers(store, workspace,
                                                                          tmp_path):
    sheet = make_sheet(1, name="Trần Văn Bình", comment="Cán bộ Trần Văn Bình rất tận tình",
                       review={"c2.phien_ha": (None, "uncertain", 0.5)},
                       crop_dir=tmp_path / "crops")
    other_year = make_sheet(1, year=2024, name="Lê Thị Hoa")
    store.save_batch(report_for([sheet, other_year]), [sheet, other_year])
    reg.add_entry(store, entry_date="02/03/2025", customer="Trần Văn Bình",
                  content="Phản ánh chậm trễ", receiver="Nguyễn Lan")
    reg.add_entry(store, entry_date="02/03/2024", customer="Lê Thị Hoa", content="Năm trước")
    before = store.responses(2025)

    counts = store.anonymize_year(2025)

    assert counts["sheets"] == 1 and counts["register_entries"] == 1
    assert counts["text_answers"] == 5 and counts["review_items"] == 1
    assert store.responses(2025) == before  # anonymous answers unchanged
    entry = reg.list_entries(store, year=2025)[0]
    assert (entry.customer, entry.content, entry.receiver, entry.group) == ("", "", "", "5")
    assert store.review_queue()[0].crop_path is None
    assert store.sheets(year=2025)[0].answers["to_chuc"] is None
    assert store.sheets(year=2024)[0].answers["to_chuc"] == "Lê Thị Hoa"
    assert reg.list_entries(store, year=2024)[0].customer == "Lê Thị Hoa"
    raw = (workspace.workspace / "formkit.db").read_bytes()
    assert "Trần Văn Bình".encode() not in raw  # not even in free pages of the file
    assert "Lê Thị Hoa".encode() in raw


def test_text_read_in_decomposed_unicode_is_stored_composed(store):
    nfd = unicodedata.normalize("NFD", "Công ty Đắk Lắk")
    sheet = make_sheet(1, name=nfd)
    store.save_batch(report_for([sheet]), [sheet])
    assert store.sheets()[0].answers["to_chuc"] == unicodedata.normalize("NFC", nfd)
    online = ResponseRecord("dvc:1", 2025, None, "", "dvc", {"to_chuc": nfd})
    store.add_responses([online])
    assert store.responses(2025)[-1].answers["to_chuc"] == "Công ty Đắk Lắk"


def test_known_pages_lets_the_reader_skip_pages_already_stored(store):
    sheet = make_sheet(7, unit="VP")
    store.save_batch(report_for([sheet]), [sheet])
    assert store.known_pages() == {(("05-02", "ffbba7fc", 2025, "VP", 7), 1),
                                   (("05-02", "ffbba7fc", 2025, "VP", 7), 2)}


def test_sheets_filter_by_year_and_unit(store):
    sheets = [make_sheet(1, unit="VP"), make_sheet(2, unit="QLCN"),
              replace(make_sheet(3, unit="VP", year=2024))]
    store.save_batch(report_for(sheets), sheets)
    assert [s.serial for s in store.sheets(year=2025, unit="vp")] == [1]
    assert [s.serial for s in store.sheets(unit="VP")] == [3, 1]


def test_a_review_item_already_decided_by_someone_else_is_not_applied_twice(store):
    sheet = make_sheet(1, review={"c1.lang_nghe_y_kien": ("tot", "ok", 0.55)})
    store.save_batch(report_for([sheet]), [sheet])
    item = store.review_queue()[0]
    store.apply_review(item.id, "dat", "Lan")
    with raises_en(RefusedError, "already decided by Lan"):
        store.apply_review(item.id, "chua_dat", "Hùng")
    done = store.review_item(item.id)
    assert (done.corrected_value, done.reviewer) == ("dat", "Lan")


def test_correcting_an_entry_into_a_copy_of_another_is_refused(store):
    a = reg.add_entry(store, entry_date="03/02/2025", content="Hồ sơ trả kết quả trễ hạn")
    b = reg.add_entry(store, entry_date="04/02/2025", content="Thủ tục rườm rà")
    with raises_en(InputError, f"same as entry #{a.id}"):
        reg.update_entry(store, b.id, entry_date="03/02/2025",
                         content="Hồ sơ trả kết quả trễ hạn")
    assert reg.get_entry(store, b.id).content == "Thủ tục rườm rà"


def _reference_responses(store, year, include_unreviewed=False):
    """Store.responses as it was first written: ORM objects, sheet by sheet."""
    out = []
    with store.read_session() as s:
        rows = s.scalars(select(Sheet).where(Sheet.year == year)
                         .order_by(Sheet.unit, Sheet.serial, Sheet.id)).all()
        for r in rows:
            waiting = set(s.scalars(select(ReviewItem.field).where(
                ReviewItem.sheet_id == r.id, ReviewItem.status == "pending")).all())
            values, invalid = {}, set()
            for a in s.scalars(select(Answer).where(Answer.sheet_id == r.id)
                               .order_by(Answer.id)).all():
                if a.kind == "text":
                    continue
                if a.status not in VALID_STATUSES or (a.field in waiting
                                                       and not include_unreviewed):
                    invalid.add(a.field)
                else:
                    value = store_core.loads(a.value)
                    values[a.field] = None if value == REVIEW_INVALID else value
            out.append(ResponseRecord(r.sheet_key, r.year, r.received, r.unit, r.channel,
                                      values, frozenset(invalid), r.serial))
        for resp in s.scalars(select(Response).where(Response.year == year)
                              .order_by(Response.id)).all():
            out.append(ResponseRecord(
                resp.response_id, resp.year, resp.received, resp.unit, resp.channel,
                store_core.loads(resp.answers) or {},
                frozenset(store_core.loads(resp.invalid) or []), resp.serial))
    return out


def test_responses_and_facts_match_a_record_by_record_reading(store):
    review = {"c3.chinh_xac_khach_quan": ("dat", "ok", 0.6),
              "c1.tan_tinh_chu_dao": (None, "multiple", 0.5),
              "noi_dung.giai_quyet_tthc": (True, "uncertain", 0.5),
              "c2.phien_ha": ("co", "ok", 0.55)}
    sheets = [make_sheet(i, unit=("QLCN", "VP")[i % 2], received=f"2025-{i % 12 + 1:02d}-03",
                         review=review if i % 3 == 0 else None, page_offset=10 * i)
              for i in range(1, 13)]
    sheets.append(make_sheet(40, year=2024, received="2024-05-05", review=review,
                             page_offset=400))
    store.save_batch(report_for(sheets), sheets)
    # half the review items decided (a confirmed invalid answer among them), half pending
    choices = {"c3.chinh_xac_khach_quan": REVIEW_INVALID, "c1.tan_tinh_chu_dao": "tot",
               "noi_dung.giai_quyet_tthc": True, "c2.phien_ha": None}
    store.apply_reviews([(item.id, choices[item.field], "") for k, item in
                         enumerate(store.review_queue()) if k % 2 == 0], "Lan")
    with store.write_session() as s:  # a confirmed invalid value as older versions kept it
        s.execute(update(Answer).where(Answer.field == "c4.dung_thoi_han", Answer.sheet_id < 4)
                  .values(value=store_core.dumps(REVIEW_INVALID), status="ok"))
    online = [ResponseRecord(f"google_forms:{i}", 2025, date(2025, 3, i + 1), "VP",
                             "google_forms", {"c5.muc_do_hai_long": ("tot", "dat")[i % 2],
                                              "noi_dung.tiep_nhan_xu_ly": True,
                                              "to_chuc": "Công ty Đắk Lắk"},
                             frozenset({"c1.thai_do_giao_tiep"} if i == 2 else ()))
              for i in range(5)]
    store.add_responses(online)
    for year in (2025, 2024, 2023):
        for unreviewed in (False, True):
            expected = _reference_responses(store, year, unreviewed)
            got = store.responses(year, include_unreviewed=unreviewed)
            assert got == expected
            assert [list(r.answers) for r in got] == [list(r.answers) for r in expected]
            assert store.response_facts(year, include_unreviewed=unreviewed) == [
                (r.year, r.received, r.unit, r.channel, r.answers, r.invalid)
                for r in expected]
    got = store.responses(2025)
    assert any(r.invalid for r in got) and any(v is None for r in got
                                               for v in r.answers.values())
    # records never share an answers dict: changing one changes no other
    got[-1].answers["c5.muc_do_hai_long"] = "chua_dat"
    assert got[-3].answers["c5.muc_do_hai_long"] == "tot"
