"""The person after the machine, in the web app: group verification of tick items, the
transcription queue of written zones (no machine text taken as a value unless measured
trustworthy, keys for nothing written and illegible, known names, the opinion group of a
comment), reopening a decision, and the terminal's group verification."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from formkit.store.directory import import_directory, known_names, suggest
from formkit.store.models import Answer
from formkit.thresholds import T

from .records_helpers import make_sheet, report_for
from .web_helpers import close_web, make_web, tokens

NOISE = ". N. c¿ Ạ : sa"  # what the OCR made of a handwritten "Đại diện Ngô Quốc Khánh"


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    crops = tmp_path / "crops"
    sheets = [make_sheet(n, year=2026, crop_dir=crops, review={
        "c1.lang_nghe_y_kien": ("tot", "ok", 0.6),
        "noi_dung.giai_quyet_tthc": (False, "blank", 0.6)}) for n in range(1, 6)]
    sheets.append(make_sheet(6, year=2026, crop_dir=crops, review={
        "to_chuc": (NOISE, "uncertain", 0.31),
        "c1.y_kien_khac": ("Tra ket qua tre han", "uncertain", 0.7),
        "c1.tan_tinh_chu_dao": (None, "multiple", 0.3)}))
    w.store.save_batch(report_for(sheets), sheets, actor="test")
    yield w
    close_web(w)


def _items(web, field):
    return sorted((i for i in web.store.review_queue(pending_only=False) if i.field == field),
                  key=lambda i: i.serial)


def _query(location):
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_group_page_lists_each_question_and_reading_once_with_its_count(web):
    page = web.client("iso").get("/kiem-tra/nhom").get_data(as_text=True)
    assert "Lắng nghe ý kiến" in page and "Tốt" in page
    assert "Giải quyết thủ tục hành chính" in page and "Không đánh dấu" in page
    # 5 + 5, and the row with several boxes ticked, shown as "not valid" to be confirmed
    assert "Theo nhóm ô đánh dấu (11)" in page
    assert "Tận tình, chu đáo</b></td><td>Không hợp lệ</td>" in page


def test_a_grid_accepts_the_rest_and_sends_a_flipped_choice_to_one_at_a_time(web):
    c = web.client("iso")
    items = _items(web, "c1.lang_nghe_y_kien")
    grid = f"/kiem-tra/nhom?mau=05-02&truong=c1.lang_nghe_y_kien&may={json.dumps('tot')}"
    page = c.get(grid).get_data(as_text=True)
    assert page.count('class="cell"') == 5 and "máy đọc <b>Tốt</b>" in page
    wrong = items[2]
    r = c.post("/kiem-tra/nhom", data={
        **tokens(c, grid), "mau": "05-02", "truong": "c1.lang_nghe_y_kien", "may": '"tot"',
        "ids": ",".join(str(i.id) for i in items), "flip": str(wrong.id),
        **{f"r{i.id}": '"tot"' for i in items}})
    q = _query(r.headers["Location"])
    assert q["id"] == str(wrong.id) and q["ve"].startswith("/kiem-tra/nhom")
    after = {i.id: i for i in _items(web, "c1.lang_nghe_y_kien")}
    assert [after[i.id].corrected_value for i in items if i.id != wrong.id] == ["tot"] * 4
    assert after[wrong.id].status == "pending"
    # the flipped one, one at a time, then back to the grid
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã ghi 4 mục theo nhóm" in page and 'name="ve"' in page
    r = c.post(f"/kiem-tra/{wrong.id}", data={**tokens(c, r.headers["Location"]),
                                              "choice": "2", "ve": q["ve"]})
    assert r.headers["Location"] == q["ve"]
    assert _items(web, "c1.lang_nghe_y_kien")[2].corrected_value == "dat"


def test_a_flipped_tick_box_is_decided_by_the_flip(web):
    c = web.client("iso")
    items = _items(web, "noi_dung.giai_quyet_tthc")
    grid = "/kiem-tra/nhom?mau=05-02&truong=noi_dung.giai_quyet_tthc&may=false"
    assert "Có đánh dấu" in c.get(grid).get_data(as_text=True)  # what a flip means
    r = c.post("/kiem-tra/nhom", data={
        **tokens(c, grid), "mau": "05-02", "truong": "noi_dung.giai_quyet_tthc",
        "may": "false", "ids": ",".join(str(i.id) for i in items), "flip": str(items[0].id),
        **{f"r{i.id}": "false" for i in items}})
    assert urlsplit(r.headers["Location"]).path == "/kiem-tra/nhom"
    assert [i.corrected_value for i in _items(web, "noi_dung.giai_quyet_tthc")] == \
        [True, False, False, False, False]


def test_an_item_decided_meanwhile_is_not_decided_twice_by_a_grid(web):
    c, other = web.client("iso"), web.client("admin")
    items = _items(web, "c1.lang_nghe_y_kien")
    grid = f"/kiem-tra/nhom?mau=05-02&truong=c1.lang_nghe_y_kien&may={json.dumps('tot')}"
    t = tokens(c, grid)
    other.post(f"/kiem-tra/{items[0].id}", data={**tokens(other, "/kiem-tra/"), "choice": "3"})
    r = c.post("/kiem-tra/nhom", data={**t, "mau": "05-02", "truong": "c1.lang_nghe_y_kien",
                                       "may": '"tot"', "ids": ",".join(str(i.id) for i in items),
                                       **{f"r{i.id}": '"tot"' for i in items}})
    assert "1 mục đã được người khác kiểm tra" in c.get(r.headers["Location"]).get_data(
        as_text=True)
    after = _items(web, "c1.lang_nghe_y_kien")
    assert after[0].corrected_value == "chua_dat" and after[0].reviewer == "admin"
    assert len(web.store.review_decisions(items[0].id)) == 1


def test_transcription_page_shows_noise_only_as_a_hint_with_the_crop_twice_printed_size(web):
    c = web.client("iso")
    item = _items(web, "to_chuc")[0]
    page = c.get("/kiem-tra/?loai=chu").get_data(as_text=True)
    assert f"?id={item.id}" in page or f"/kiem-tra/{item.id}" in page
    assert "Tên cá nhân hoặc tổ chức" in page and "<code>to_chuc</code>" not in page
    assert 'id="review-text" maxlength="2000" autocomplete="off" value=""' in page
    assert "Máy đoán (chưa chắc, không dùng làm giá trị)" in page
    assert "Đồng ý với máy" not in page and "Enter</kbd> đồng ý với máy" not in page
    assert "Không viết gì (Alt+T)" in page and "Không đọc được (Alt+K)" in page
    # crops of the helper are 400 px at 8 px/mm = 50 mm → 2 × 50 mm at 96 dpi ≈ 378 px
    assert f'width="{round(400 / T.work_px_per_mm * 96 / 25.4 * 2)}"' in page


def test_no_machine_text_is_saved_without_a_person_typing_or_accepting_it(web):
    c = web.client("iso")
    for item in (_items(web, "to_chuc")[0], _items(web, "c1.y_kien_khac")[0]):
        page = f"/kiem-tra/?id={item.id}"
        html = c.get(page).get_data(as_text=True)
        assert f'value="{item.machine_value}"' not in html
        assert f">{item.machine_value}</textarea>" not in html
        # every way of saving without typing: accept, an empty box, no action, a grid
        for data in ({"action": "accept"}, {"action": "text", "text": ""},
                     {"action": "text", "text": "   "}, {}, {"choice": "1"}):
            c.post(f"/kiem-tra/{item.id}", data={**tokens(c, page), **data})
        c.post("/kiem-tra/nhom", data={**tokens(c, page), "mau": "05-02",
                                       "truong": item.field,
                                       "may": json.dumps(item.machine_value),
                                       "ids": str(item.id),
                                       f"r{item.id}": json.dumps(item.machine_value)})
        assert web.store.review_item(item.id).status == "pending"
        assert web.store.review_decisions(item.id) == []
        with web.store.read_session() as s:
            answer = s.query(Answer).filter_by(sheet_id=item.sheet_id, field=item.field).one()
            assert answer.source != "review"
    # typed by a person: saved as typed
    item = _items(web, "to_chuc")[0]
    c.post(f"/kiem-tra/{item.id}", data={**tokens(c, f"/kiem-tra/?id={item.id}"),
                                         "action": "text", "text": "Ngô Quốc Khánh"})
    assert web.store.review_item(item.id).corrected_value == "Ngô Quốc Khánh"


def test_keys_for_nothing_written_and_illegible_store_blank_and_invalid(web):
    c = web.client("iso")
    name, comment = _items(web, "to_chuc")[0], _items(web, "c1.y_kien_khac")[0]
    c.post(f"/kiem-tra/{name.id}", data={**tokens(c, "/kiem-tra/"), "action": "nothing"})
    c.post(f"/kiem-tra/{comment.id}", data={**tokens(c, "/kiem-tra/"), "action": "illegible"})
    with web.store.read_session() as s:
        got = {a.field: (a.value, a.status) for a in s.query(Answer).filter(
            Answer.sheet_id == name.sheet_id, Answer.field.in_(["to_chuc", "c1.y_kien_khac"]))}
    assert got == {"to_chuc": ("null", "blank"), "c1.y_kien_khac": ("null", "invalid")}
    page = c.get(f"/kiem-tra/?id={comment.id}").get_data(as_text=True)
    assert "Không đọc được chữ" in page


def test_a_decision_is_reopened_beside_the_old_one_and_the_tallies_follow(web):
    c = web.client("iso")
    item = _items(web, "c1.lang_nghe_y_kien")[0]
    c.post(f"/kiem-tra/{item.id}", data={**tokens(c, "/kiem-tra/"), "choice": "1"})

    def answer():
        return next(r.answers.get("c1.lang_nghe_y_kien") for r in web.store.responses(2026)
                    if r.serial == item.serial)

    assert answer() == "tot"
    page = c.get(f"/kiem-tra/?id={item.id}&sua=1").get_data(as_text=True)
    assert 'name="reopen" value="1"' in page
    r = c.post(f"/kiem-tra/{item.id}", data={**tokens(c, f"/kiem-tra/?id={item.id}&sua=1"),
                                             "choice": "3", "reopen": "1"})
    assert r.status_code == 302
    history = web.store.review_decisions(item.id)
    assert [(d["value"], d["reviewer"], d["reopened"]) for d in history] == [
        ("tot", "iso", False), ("chua_dat", "iso", True)]
    assert all(d["decided_at"] for d in history)
    assert answer() == "chua_dat"
    assert "Các lần quyết định (2)" in c.get(f"/kiem-tra/?id={item.id}").get_data(as_text=True)
    # staff may not review at all, so not reopen either
    s = web.client("staff")
    assert s.post(f"/kiem-tra/{item.id}", data={"choice": "1", "reopen": "1"}
                  ).status_code in (400, 403)
    assert web.store.review_item(item.id).corrected_value == "chua_dat"


def test_names_are_suggested_from_directory_register_and_sheets_accent_insensitively(web,
                                                                                      tmp_path):
    directory = tmp_path / "to_chuc.csv"
    directory.write_text("Tên tổ chức;Mã số thuế\n"
                         "Công ty Cổ phần Cà phê Buôn Ma Thuột;6000123456\n"
                         "Hợp tác xã Nông nghiệp Ea Kao;6000999888\n", encoding="utf-8")
    before = directory.read_bytes()
    assert import_directory(web.settings, directory) == 2
    assert directory.read_bytes() == before
    c = web.client("iso")
    got = c.get("/kiem-tra/goi-y?q=buon ma").get_json()
    assert got[0] == {"name": "Công ty Cổ phần Cà phê Buôn Ma Thuột",
                      "tax_code": "6000123456", "source": "danh_ba"}
    assert c.get("/kiem-tra/goi-y?q=HOP TAC XA").get_json()[0]["name"] == \
        "Hợp tác xã Nông nghiệp Ea Kao"
    assert c.get("/kiem-tra/goi-y?q=cafe buon me").get_json() == []  # too far
    # names read by the machine alone (make_sheet: "Công ty TNHH Minh Phát") are not offered;
    # a name a person transcribed is
    assert not suggest(known_names(web.store, web.settings), "minh phat")
    item = _items(web, "to_chuc")[0]
    c.post(f"/kiem-tra/{item.id}", data={**tokens(c, "/kiem-tra/"), "action": "text",
                                         "text": "Ngô Quốc Khánh"})
    names = known_names(web.store, web.settings)
    assert suggest(names, "ngo quoc")[0].name == "Ngô Quốc Khánh"
    assert suggest(names, "cong ty co phan ca phe buon ma thout")[0].tax_code == "6000123456"
    assert [k.source for k in known_names(web.store, web.settings, directory=False)] == ["phieu"]


def test_a_comment_gets_its_opinion_group_while_it_is_typed(web):
    c = web.client("iso")
    got = c.get("/kiem-tra/nhom-y-kien?text=Trả kết quả trễ hạn 5 ngày").get_json()
    assert got["code"] and "trễ hạn" in got["why"]
    assert c.get("/kiem-tra/nhom-y-kien?text=").get_json() == {}
    item = _items(web, "c1.y_kien_khac")[0]
    assert 'id="group-hint"' in c.get(f"/kiem-tra/?id={item.id}").get_data(as_text=True)


def test_terminal_group_verification_takes_the_wrong_numbers_and_accepts_the_rest(web):
    from .test_review_cli import _app

    # group 1 (5 × Lắng nghe: Tốt): #2 is wrong; group 2 (5 × tick box): all right; then quit
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        _app(), ["review", "-w", str(web.settings.workspace), "-r", "Lan", "--group"],
        input="2\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "máy đọc Tốt (5 ô)" in result.output
    lang = _items(web, "c1.lang_nghe_y_kien")
    assert [i.status for i in lang] == ["done", "pending", "done", "done", "done"]
    assert all(i.corrected_value is False for i in _items(web, "noi_dung.giai_quyet_tthc"))


def test_the_directory_is_uploaded_on_the_transcription_page_and_by_the_cli(web, tmp_path):
    import io

    from formkit.cli import app

    c = web.client("iso")
    page = "/kiem-tra/?loai=chu"
    assert "Nhập danh bạ" in c.get(page).get_data(as_text=True)
    r = c.post("/kiem-tra/danh-ba", data={
        **tokens(c, page), "file": (io.BytesIO("Tên tổ chức,MST\nHTX Ea Kar,6001\n".encode()),
                                    "danh_ba.csv")}, content_type="multipart/form-data")
    assert "Đã nhập danh bạ: 1 tổ chức" in c.get(r.headers["Location"]).get_data(as_text=True)
    assert c.get("/kiem-tra/goi-y?q=ea kar").get_json()[0]["tax_code"] == "6001"
    r = c.post("/kiem-tra/danh-ba", data={
        **tokens(c, page), "file": (io.BytesIO(b"x"), "danh_ba.pdf")},
        content_type="multipart/form-data")
    assert "Chọn một tệp danh bạ .xlsx hoặc .csv" in c.get(r.headers["Location"]).get_data(
        as_text=True)
    # the command line, from an XLSX
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["STT", "Tên doanh nghiệp", "Mã số thuế"])
    wb.active.append([1, "Công ty TNHH Cà phê Thắng Lợi", "6000111222"])
    wb.save(tmp_path / "dn.xlsx")
    result = CliRunner().invoke(app, ["directory", "import", str(tmp_path / "dn.xlsx"),
                                      "-w", str(web.settings.workspace)])
    assert result.exit_code == 0, result.output
    assert c.get("/kiem-tra/goi-y?q=thang loi").get_json()[0]["tax_code"] == "6000111222"
    bad = CliRunner().invoke(app, ["directory", "import", str(tmp_path / "nope.csv"),
                                   "-w", str(web.settings.workspace)])
    assert bad.exit_code != 0 and "Không có tệp" in str(bad.exception)


def test_without_a_value_the_grid_guesses_from_the_boxes_a_person_then_confirms():
    from formkit.store.review import NO_GUESS, REVIEW_INVALID, group_reading

    def boxes(*states):
        return {"boxes": [{"value": v, "state": st} for v, st in zip(
            ("tot", "dat", "chua_dat"), states, strict=False)]}

    assert group_reading("single", None, "uncertain",
                         boxes("uncertain", "empty", "empty")) == "tot"
    assert group_reading("single", None, "uncertain", boxes("empty", "empty", "empty")) is None
    assert group_reading("single", None, "uncertain",
                         boxes("checked", "uncertain", "empty")) is NO_GUESS
    assert group_reading("single", None, "multiple") == REVIEW_INVALID
    assert group_reading("single", "dat", "contradiction") is NO_GUESS  # both questions
    assert group_reading("flag", None, "uncertain", {"boxes": [{"state": "uncertain"}]}) is True
    assert group_reading("text", "abc", "ok") is NO_GUESS
    assert group_reading("single", None, "blank") is None  # unsure blank: shown as blank


def test_all_groups_on_one_page_one_enter_decides_many_questions(web):
    c = web.client("iso")
    page = c.get("/kiem-tra/nhom?tat_ca=1").get_data(as_text=True)
    assert page.count('class="cell"') == 11
    assert page.count('<h3 class="section">') == 3  # one heading per question and reading
    ids = [int(x) for x in re.findall(r'data-item="(\d+)"', page)]
    readings = dict(re.findall(r'name="(r\d+)" value="([^"]*)"', page))
    r = c.post("/kiem-tra/nhom", data={**tokens(c, "/kiem-tra/nhom?tat_ca=1"), "tat_ca": "1",
                                       "ids": ",".join(map(str, ids)),
                                       **{k: html.unescape(v) for k, v in readings.items()}})
    assert "tat_ca=1" in r.headers["Location"]
    done = {i.field: i.corrected_value for i in web.store.review_queue(pending_only=False)
            if i.status == "done"}
    assert done == {"c1.lang_nghe_y_kien": "tot", "noi_dung.giai_quyet_tthc": False,
                    "c1.tan_tinh_chu_dao": "!invalid"}
    assert len([i for i in web.store.review_queue() if i.kind != "text"]) == 0
    assert "Không còn nhóm ô đánh dấu nào" in c.get(r.headers["Location"]).get_data(
        as_text=True)


def test_anonymizing_a_year_clears_the_text_of_every_kept_decision(web):
    c = web.client("iso")
    item = _items(web, "to_chuc")[0]
    c.post(f"/kiem-tra/{item.id}", data={**tokens(c, "/kiem-tra/"), "action": "text",
                                         "text": "Ngô Quốc Khánh"})
    c.post(f"/kiem-tra/{item.id}", data={**tokens(c, f"/kiem-tra/?id={item.id}&sua=1"),
                                         "action": "text", "text": "Ngô Quốc Khanh",
                                         "reopen": "1", "note": "sửa dấu"})
    assert [d["value"] for d in web.store.review_decisions(item.id)] == [
        "Ngô Quốc Khánh", "Ngô Quốc Khanh"]
    web.store.anonymize_year(2026, actor="test")
    kept = web.store.review_decisions(item.id)
    assert [(d["value"], d["note"]) for d in kept] == [(None, ""), (None, "")]
    assert [d["reviewer"] for d in kept] == ["iso", "iso"]  # who and when stay
