"""Group verification and transcription in a real browser (headless Chromium, Playwright):
a chip (a click, or a digit on the focused crop) changes a crop's answer and Enter writes the
grid; Tab takes the first known name; Alt+T records
"nothing written"; the comment's opinion group appears while typing; no CSP errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formkit.store.directory import import_directory

from .records_helpers import make_sheet, report_for
from .web_helpers import PASSWORDS, make_web_workspace, start_server

pytestmark = [pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live(tmp_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    settings = make_web_workspace(tmp_path / "ws")
    from formkit.store import open_store

    crops = tmp_path / "crops"
    sheets = [make_sheet(n, year=2026, crop_dir=crops,
                         review={"c1.lang_nghe_y_kien": ("tot", "ok", 0.6)}) for n in (1, 2, 3)]
    sheets.append(make_sheet(4, year=2026, crop_dir=crops, review={
        "to_chuc": ("Cong tÝ COPptanCao", "uncertain", 0.2),
        "c1.y_kien_khac": (None, "uncertain", 0.3),
        "c3.y_kien_khac": ("Tra kel qua", "uncertain", 0.3)}))
    with open_store(settings) as store:
        store.save_batch(report_for(sheets), sheets, actor="test")
    (tmp_path / "dn.csv").write_text("Tên tổ chức,Mã số thuế\n"
                                     "Công ty Cổ phần Cao su Đắk Lắk,6000000001\n"
                                     "Công ty TNHH Cà phê Buôn Ma Thuột,6000000002\n",
                                     encoding="utf-8")
    import_directory(settings, tmp_path / "dn.csv")
    server = start_server(settings)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.goto(f"{server.url}/dang-nhap")
        page.fill("input[name=name]", "iso")
        page.fill("input[name=password]", PASSWORDS["iso"])
        page.click("button.primary")
        page.wait_for_url(f"{server.url}/")
        yield page, server, server.app.extensions["formkit"].store
        browser.close()
    server.stop()


def _lang_nghe(store):
    return sorted((i for i in store.review_queue(pending_only=False)
                   if i.field == "c1.lang_nghe_y_kien"), key=lambda i: i.serial)


def test_a_chip_changes_one_crop_and_enter_saves_the_whole_grid(live):
    page, server, store = live
    page.goto(f"{server.url}/kiem-tra/nhom?mau=05-02&truong=c1.lang_nghe_y_kien&may="
              + json.dumps("tot"))
    cells = page.locator(".cell")
    assert cells.count() == 3
    # the machine's reading is preselected on every crop, under the template's labels
    assert [t.split() for t in cells.nth(1).locator(".chip").all_inner_texts()] == [
        ["1", "Tốt"], ["2", "Đạt", "yêu", "cầu"], ["3", "Chưa", "đạt", "yêu", "cầu"],
        ["4", "Để", "trống"], ["5", "Không", "hợp", "lệ"]]
    assert cells.nth(1).get_by_role("radio", name="1: Tốt (máy đọc)").is_checked()
    cells.nth(1).get_by_text("Đạt yêu cầu", exact=True).click()  # one click
    assert cells.nth(1).get_by_role("radio", name="2: Đạt yêu cầu").is_checked()
    red = cells.nth(1).evaluate("c => getComputedStyle(c).borderTopColor")
    assert red == "rgb(198, 40, 40)"  # a crop changed from the machine's reading shows it
    assert cells.nth(0).evaluate("c => getComputedStyle(c).borderTopColor") != red
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/kiem-tra/nhom" in page.url  # back to the groups, nothing asked one at a time
    assert "Đã ghi 3 mục theo nhóm, 1 mục chọn lại đáp án." in page.locator(".flash").inner_text()
    items = _lang_nghe(store)
    assert [(i.serial, i.status, i.corrected_value, i.reviewer) for i in items] == [
        (1, "done", "tot", "iso"), (2, "done", "dat", "iso"), (3, "done", "tot", "iso")]
    assert [[(d["value"], d["reviewer"], d["note"], d["reopened"])
             for d in store.review_decisions(i.id)] for i in items] == [
        [("tot", "iso", "", False)], [("dat", "iso", "", False)], [("tot", "iso", "", False)]]
    assert page.problems == []


def test_the_grid_by_keyboard_arrows_move_digits_pick_enter_saves(live):
    page, server, store = live
    page.goto(f"{server.url}/kiem-tra/nhom?mau=05-02&truong=c1.lang_nghe_y_kien&may="
              + json.dumps("tot"))
    focused = "() => document.activeElement.closest('.cell').dataset.item"
    ids = [str(i.id) for i in _lang_nghe(store)]
    assert page.evaluate(focused) == ids[0]  # the first crop has the focus on arrival
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(focused) == ids[2]
    page.keyboard.press("3")  # Chưa đạt yêu cầu
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(focused) == ids[1]
    page.keyboard.press("5")  # Không hợp lệ
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")  # moving on does not change the answer of a crop
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert [(i.serial, i.corrected_value) for i in _lang_nghe(store)] == [
        (1, "tot"), (2, "!invalid"), (3, "chua_dat")]
    assert page.problems == []


def test_transcription_by_keyboard_tab_takes_a_known_name_alt_t_means_nothing(live):
    page, server, store = live
    page.goto(f"{server.url}/kiem-tra/?loai=chu")
    assert page.locator("h2.field").inner_text() == "Tên cá nhân hoặc tổ chức"
    assert page.locator("#review-text").input_value() == ""  # the OCR's noise is no value
    assert "Cong tÝ COPptanCao" in page.locator("#machine-hint").inner_text()
    width = page.locator("img.crop").evaluate("i => i.getBoundingClientRect().width")
    assert width >= 2 * 50 * 96 / 25.4 - 1  # a 50 mm zone (400 px at 8 px/mm), twice over
    page.locator("#review-text").focus()
    page.keyboard.type("cao su")
    page.wait_for_selector("#suggestions li.first")
    assert page.locator("#suggestions li.first").get_attribute("data-name") == \
        "Công ty Cổ phần Cao su Đắk Lắk"
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # c1.y_kien_khac: nothing written
    assert page.locator("h2.field").inner_text() == "Ý kiến khác (câu hỏi 1)"
    with page.expect_navigation():
        page.keyboard.press("Alt+t")
    # c3.y_kien_khac: typed, with its opinion group suggested while typing
    page.locator("#review-text").focus()
    page.keyboard.type("Trả kết quả trễ hạn")
    page.wait_for_function("() => document.getElementById('group-hint').textContent !== ''")
    assert "Nhóm ý kiến gợi ý" in page.locator("#group-hint").inner_text()
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    got = {i.field: i.corrected_value for i in store.review_queue(pending_only=False)
           if i.serial == 4}
    assert got == {"to_chuc": "Công ty Cổ phần Cao su Đắk Lắk", "c1.y_kien_khac": None,
                   "c3.y_kien_khac": "Trả kết quả trễ hạn"}
    assert page.problems == []
