"""From answer to action: survey answers that ask for handling become register entries once;
corrective actions (QT.SCT.04) opened from an entry or a criterion."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from formkit.analyze.records import ResponseRecord
from formkit.errors import InputError
from formkit.export.register_xlsx import export_register
from formkit.scan.result import FieldResult, Status
from formkit.store import actions as act
from formkit.store import open_store

from . import register_kit as reg
from .errors_kit import raises_en
from .records_helpers import make_sheet, report_for


@pytest.fixture
def store(workspace):
    with open_store(workspace) as s:
        yield s


def _harassed(serial: int, scan_file: str = "scan.pdf"):
    sheet = make_sheet(serial, received="2025-06-02", scan_file=scan_file)
    sheet.fields["c2.phien_ha"] = FieldResult("c2.phien_ha", "single", "co", Status.OK, 0.97,
                                              page=2)
    sheet.fields["c2.muc_do"] = FieldResult("c2.muc_do", "single", "mot_lan", Status.OK,
                                            0.97, page=2)
    return sheet


def _survey_entries(store):
    return reg.list_entries(store, source="khao_sat", include_voided=True)


def test_a_harassment_answer_yields_one_register_entry_across_rereads_and_reimports(
        store, tmp_path):
    first = [_harassed(1), make_sheet(2, received="2025-06-03")]
    store.save_batch(report_for(first), first)
    assert reg.survey_alerts(store, 2025) == (1, 0)
    # the same paper read again from another scan file (a re-read) and the sync run again
    again = [_harassed(1, scan_file="rescan.pdf")]
    store.save_batch(report_for(again), again)
    assert reg.survey_alerts(store, 2025) == (0, 1)
    assert reg.comments_to_register(store, 2025).alerts == 0
    entries = _survey_entries(store)
    assert len(entries) == 1
    e = entries[0]
    stored = {s.serial: s.id for s in store.sheets()}
    assert e.sheet_id == stored[1] and e.status == "pending" and e.customer == ""
    assert e.group == "4" and "phiền hà, sách nhiễu" in e.content and "Một lần" in e.content
    assert e.entry_date == date(2025, 6, 2)
    # the register exported and imported again (a re-import) adds nothing
    path = export_register(store.settings, 2025, store=store, path=tmp_path / "so.xlsx")
    report = reg.import_register(store, path, today=date(2025, 12, 31))
    assert report.added == 0 and report.duplicates == 1
    assert len(_survey_entries(store)) == 1
    # a person voids it: a further sync does not bring it back
    reg.void_entry(store, e.id, "Phiếu nhập nhầm đơn vị")
    assert reg.survey_alerts(store, 2025) == (0, 1)
    assert len(_survey_entries(store)) == 1


def test_an_online_harassment_answer_yields_one_entry_across_imports(store):
    r = ResponseRecord("google_forms:row-7", 2025, date(2025, 7, 1), "QLCN", "google_forms",
                       {"c2.phien_ha": "co", "c5.muc_do_hai_long": "dat"})
    assert store.add_responses([r]) == (1, 0)
    assert reg.survey_alerts(store, 2025) == (1, 0)
    assert store.add_responses([r]) == (0, 1)
    assert reg.survey_alerts(store, 2025) == (0, 1)
    [e] = _survey_entries(store)
    assert e.sheet_id is None and e.entry_date == date(2025, 7, 1)


def test_unsatisfied_with_a_comment_becomes_one_entry_shared_with_the_comment(store):
    # make_sheet rates c4.dung_thoi_han "chua_dat"; a c4 comment asks for handling, a c1
    # comment (question 1 all satisfied, overall "tot") does not
    late = make_sheet(1, received="2025-05-05")
    late.fields["c4.y_kien_khac"] = FieldResult("c4.y_kien_khac", "text", "Trả kết quả trễ",
                                                Status.OK, 0.95, page=2, text_confidence=0.95)
    praise = make_sheet(2, received="2025-05-06", comment="Cán bộ nhiệt tình")
    unsure = make_sheet(3, received="2025-05-07", review={
        "c4.y_kien_khac": ("Trễ hạn", "uncertain", 0.4)})
    store.save_batch(report_for([late, praise, unsure]), [late, praise, unsure])
    assert reg.survey_alerts(store, 2025) == (1, 0)
    [e] = _survey_entries(store)
    assert e.content.startswith("“Chưa đạt yêu cầu”: Đúng thời hạn quy định.")
    assert "Trả kết quả trễ" in e.content
    # the comments sync finds the c4 comment already there and adds only the c1 praise
    r = reg.comments_to_register(store, 2025)
    assert (r.added, r.already_there, r.waiting_review) == (1, 1, 1)
    assert len(_survey_entries(store)) == 2


def test_anonymous_surveys_keep_names_out_of_the_register(workspace):
    from dataclasses import replace

    settings = replace(workspace, anonymous_surveys=True)
    with open_store(settings) as store:
        sheet = make_sheet(1, received="2025-05-05", name="Nguyễn Văn Bình",
                           comment="Thời gian chờ lâu")
        store.save_batch(report_for([sheet]), [sheet])
        reg.comments_to_register(store, 2025)
        assert [e.customer for e in _survey_entries(store)] == [""]


def test_corrective_action_from_an_entry_and_a_criterion_counted_and_exported(store,
                                                                               tmp_path):
    e = reg.add_entry(store, entry_date="10/04/2025", content="Trả kết quả trễ hạn",
                      unit="QLCN")
    a1 = act.open_action(store, entry_id=e.id, cause="Thiếu người", action="Bố trí thêm "
                         "công chức", owner="Phòng QLCN", due_on="30/04/2025",
                         opened_on="12/04/2025")
    assert (a1.problem, a1.unit, a1.year, a1.status) == ("Trả kết quả trễ hạn", "QLCN", 2025,
                                                         "open")
    a2 = act.open_action(store, criterion="c4.dung_thoi_han", action="Rà soát quy trình",
                         owner="Văn phòng", due_on="31/05/2025", opened_on="01/05/2025")
    assert a2.problem == "Tiêu chí “Đúng thời hạn quy định” dưới ngưỡng"
    with raises_en(InputError, "not a rated criterion"):
        act.open_action(store, criterion="to_chuc", action="x", owner="y",
                        due_on="31/12/2099")
    with raises_en(InputError, "one register entry or one"):
        act.open_action(store, action="x", owner="y", due_on="31/12/2099")
    closed = act.close_action(store, a1.id, "Kiểm tra 20 hồ sơ tháng 5: đúng hạn cả 20",
                              True, closed_on="05/05/2025")
    assert closed.overdue(date(2025, 6, 1)) is True  # closed after its due date
    with raises_en(InputError, "already closed"):
        act.close_action(store, a1.id, "again", True)
    listed = act.list_actions(store, year=2025)
    assert [a.id for a in listed] == [a1.id, a2.id]
    assert [a.id for a in act.list_actions(store, status="open")] == [a2.id]

    path = export_register(store.settings, 2025, store=store, path=tmp_path / "so.xlsx")
    ws = load_workbook(path)["Hành động khắc phục"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    assert [r[0] for r in rows] == [a1.id, a2.id]
    assert rows[0][3] == f"Sổ ghi nhận, mục #{e.id}"
    assert rows[1][3] == "Tiêu chí: Đúng thời hạn quy định"
    assert rows[0][9] == "Đã hoàn thành (quá hạn)"
    assert rows[0][11].startswith("Có hiệu lực. Kiểm tra 20 hồ sơ")


def test_handled_date_is_kept_and_feeds_the_on_time_ratio(store):
    e = reg.add_entry(store, entry_date="02/03/2025", content="Thái độ chưa tốt")
    late = reg.add_entry(store, entry_date="02/03/2025", content="Chờ lâu")
    reg.set_status(store, e.id, "Đã xử lý", handled_on="14/03/2025")
    reg.set_status(store, late.id, "handled", handled_on="20/03/2025")
    with raises_en(InputError, "cannot have been handled before"):
        reg.set_status(store, e.id, "handled", handled_on="01/03/2025")
    timing = {t.entry_id: t for t in reg.feedback_timing(store, 2025)}
    assert timing[e.id].handled_on == date(2025, 3, 14)
    assert timing[late.id].handled_on == date(2025, 3, 20)
    reg.set_status(store, late.id, "pending")
    assert reg.feedback_timing(store, 2025)[1].handled_on is None


def test_actions_commands_open_list_close_and_sync(workspace):
    from typer.testing import CliRunner

    from formkit.cli import app

    runner = CliRunner(env={"COLUMNS": "200"})
    with open_store(workspace) as store:
        e = reg.add_entry(store, entry_date="10/04/2025", content="Trả kết quả trễ hạn")
        sheets = [_harassed(1)]
        store.save_batch(report_for(sheets), sheets)
    w = ["-w", str(workspace.workspace)]

    def run(*args):
        return runner.invoke(app, [*args, *w])

    r = run("actions", "open", "--entry", str(e.id), "--action", "Bố trí thêm người",
            "--owner", "Phòng QLCN", "--due", "31/12/2099")
    assert r.exit_code == 0, r.output
    assert "Corrective action #1 opened, due 31/12/2099" in r.output
    r = run("actions", "list")
    assert r.exit_code == 0 and "Bố trí thêm người" in r.output and "Đang thực hiện" in r.output
    r = run("actions", "close", "1", "--verification", "Không còn trễ hạn", "--effective")
    assert r.exit_code == 0, r.output
    assert run("actions", "list", "--status", "open").exit_code != 0  # none left open
    assert "1 entr(y/ies) added" in run("actions", "sync", "--year", "2025").output
    again = run("actions", "sync", "--year", "2025").output
    assert "0 entr(y/ies) added to the register, 1 already" in again
    r = run("register", "set-status", str(e.id), "handled", "--on", "20/04/2025")
    assert r.exit_code == 0, r.output
    with open_store(workspace) as store:
        assert reg.get_entry(store, e.id).handled_on == date(2025, 4, 20)


def test_an_imported_register_keeps_the_day_each_entry_was_handled(store, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Ngày tháng", "Tên khách hàng", "Nội dung ý kiến", "Ngày xử lý"])
    ws.append(["02/03/2025", "Công ty A", "Trả kết quả trễ", "10/03/2025"])
    ws.append(["03/03/2025", "Công ty B", "Thái độ chưa tốt", None])
    path = tmp_path / "so.xlsx"
    wb.save(path)
    report = reg.import_register(store, path, today=date(2025, 12, 31))
    assert report.added == 2 and report.mapping["ngay_xu_ly"].startswith("D")
    timing = reg.feedback_timing(store, 2025)
    assert [(t.handled, t.handled_on) for t in timing] == [(True, date(2025, 3, 10)),
                                                           (False, None)]
    ws.append(["04/03/2025", "Công ty C", "Chờ lâu", "01/03/2025"])
    wb.save(path)
    with raises_en(InputError, "before the date received"):
        reg.import_register(store, path, today=date(2025, 12, 31))
