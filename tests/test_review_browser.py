"""Group verification and transcription in a real browser (headless Chromium, Playwright):
a click flips a crop and Enter writes the grid; Tab takes the first known name; Alt+T records
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


def test_a_click_flips_a_crop_and_enter_writes_the_grid(live):
    page, server, store = live
    page.goto(f"{server.url}/kiem-tra/nhom?mau=05-02&truong=c1.lang_nghe_y_kien&may="
              + json.dumps("tot"))
    cells = page.locator("label.cell")
    assert cells.count() == 3
    cells.nth(1).click()
    assert cells.nth(1).locator(".flip").is_visible()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # the flipped one comes at once, one at a time: key 2 = Đạt yêu cầu, then back
    assert page.locator("h2.field").inner_text() == "Lắng nghe ý kiến"
    with page.expect_navigation():
        page.keyboard.press("2")
    got = sorted((i.serial, i.corrected_value) for i in store.review_queue(pending_only=False)
                 if i.field == "c1.lang_nghe_y_kien")
    assert got == [(1, "tot"), (2, "dat"), (3, "tot")]
    assert "/kiem-tra/nhom" in page.url
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
