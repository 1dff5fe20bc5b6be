"""End to end in a real browser: headless Chromium (Debian's) driven by Playwright against
the app served on a free localhost port, with a workspace of its own. The main paths of the
office: sign in, upload scans made from a built form, watch the batch finish, correct a
review item with the keyboard, add a register entry, build and download the reports; and an
anonymous visitor reaches nothing. Screenshots of every page at 1366×768 go to
$FORMKIT_SCREENSHOTS (docs/screenshots/ when regenerating them) or a temporary folder."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from formkit_dev.synthetic import synthetic_responses

from . import register_kit as reg
from .web_helpers import PASSWORDS, make_web_workspace, sample_scans, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
SCRIPT = "<script>alert('xss')</script>"


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright; its own browser "
                    "download is not needed)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (run `make setup`): the sample scans are "
                    "printed from a built form")
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log in test output
    root = tmp_path_factory.mktemp("web")
    settings = make_web_workspace(root / "ws")
    from formkit.store import open_store

    online = (("dvc", 0.6), ("google_forms", 0.4))
    with open_store(settings) as store:  # a year of online answers: the overview has figures
        store.add_responses(synthetic_responses(2026, 240, seed=3, channels=online)
                            + synthetic_responses(2025, 220, seed=4, p_tot=0.6,
                                                  channels=online))
        for day, name, text in (
                ("05/02/2026", "Công ty TNHH Cà phê Buôn Ma Thuột",
                 "Hồ sơ phải đi lại nhiều lần, giấy tờ rườm rà"),
                ("12/03/2026", "Nguyễn Văn An", "Cán bộ tiếp nhận nhiệt tình, chu đáo"),
                ("20/04/2026", "HTX Nông nghiệp Ea Kar", "Trả kết quả trễ hạn 5 ngày")):
            reg.add_entry(store, entry_date=day, customer=name, content=text, unit="QLCN",
                          receiver="Lê Văn Cường", actor="staff")
    samples = sample_scans(settings, root / "mau", copies=2)
    bad = root / "mau" / "ghi_chu.pdf"
    bad.write_text("Đây không phải bản quét", encoding="utf-8")
    server = start_server(settings)
    yield SimpleNamespace(url=server.url, settings=settings, scans=samples["files"], bad=bad,
                          app=server.app, store=server.app.extensions["formkit"].store)
    server.stop()


def _new_page(browser, live, name: str | None):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.problems = []  # console errors (a CSP violation shows there) and dialogs
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    if name:
        page.goto(f"{live.url}/dang-nhap")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", PASSWORDS[name])
        page.click("button.primary")
        page.wait_for_url(f"{live.url}/")
    return page


def test_an_anonymous_visitor_reaches_nothing(browser, live):
    page = _new_page(browser, live, None)
    for path in ("/", "/quet-phieu/", "/kiem-tra/", "/so-ghi-nhan/", "/so-ghi-nhan/them",
                 "/bieu-mau", "/bao-cao/", "/bao-cao/nhat-ky", "/nguoi-dung/", "/tai-khoan",
                 "/tai-ve/forms/x.pdf", "/kiem-tra/1/anh/crop", "/khong-co-trang-nay"):
        page.goto(live.url + path)
        assert page.url.startswith(f"{live.url}/dang-nhap"), path
        assert page.locator("h1").inner_text() == "Đăng nhập"
    for path in ("/dang-nhap", "/quet-phieu/", "/kiem-tra/1", "/so-ghi-nhan/them",
                 "/bieu-mau", "/bao-cao/niem-phong", "/nguoi-dung/", "/dang-xuat"):
        r = page.request.post(live.url + path, form={"name": "admin",
                                                     "password": PASSWORDS["admin"]})
        assert r.status == 400, path
        assert "CSRF" in r.text()
    page.goto(f"{live.url}/")
    assert page.url.startswith(f"{live.url}/dang-nhap")
    page.context.close()


def test_the_office_day_upload_review_register_reports(browser, live, tmp_path):
    page = _new_page(browser, live, "admin")

    # upload two copies (a scanner PDF and PNG pages) and a file that is not a scan
    page.click("nav >> text=Quét phiếu")
    page.set_input_files("input[type=file]", [str(p) for p in live.scans] + [str(live.bad)])
    page.fill("input[name=received]", "15/06/2026")
    page.click("#upload-form button.primary")
    page.wait_for_url("**/quet-phieu/web-*")
    assert "“ghi_chu.pdf” không phải PDF hay ảnh quét" in page.content()
    assert page.locator("#job-bar").count() == 1
    page.wait_for_selector("#pages", timeout=90_000)  # the page reloads when the batch ends
    assert page.locator("#job-state").inner_text() == "Đã xong"
    rows = page.locator("#pages tbody tr")
    assert rows.count() == 4
    assert page.locator("#pages .state.read").count() == 4
    assert "3 ô chờ kiểm tra" in page.content()

    # the first review item: several boxes ticked; key 1 chooses "Tốt" and moves on
    page.click("text=Kiểm tra ngay")
    assert page.locator("h2.field").inner_text() == "Thái độ giao tiếp"
    assert "Đánh nhiều ô" in page.content()
    assert page.locator("img.crop").evaluate("i => i.naturalWidth") > 100
    page.keyboard.press("1")
    page.wait_for_selector(".flash.success")
    assert "Đã ghi: Thái độ giao tiếp = Tốt" in page.locator(".flash.success").inner_text()
    assert page.locator("h2.field").inner_text() == "Chính xác, khách quan"
    done = [i for i in live.store.review_queue(pending_only=False) if i.status == "done"]
    assert [(i.field, i.corrected_value, i.reviewer) for i in done] == [
        ("c1.thai_do_giao_tiep", "tot", "admin")]

    # a colleague has the same item open; the second decision is refused, clearly
    other = _new_page(browser, live, "iso")
    other.goto(page.url)
    page.keyboard.press("2")
    page.wait_for_selector(".flash.success")
    other.keyboard.press("3")  # on the page it opened before the first decision
    other.wait_for_selector(".flash.warning")
    assert "đã được admin kiểm tra" in other.locator(".flash.warning").inner_text()
    field = {i.field: i for i in live.store.review_queue(pending_only=False)}
    assert field["c3.chinh_xac_khach_quan"].corrected_value == "dat"
    assert other.problems == []
    other.context.close()

    # a register entry with HTML in it, found again by a search without accents
    page.click("nav >> text=Sổ ghi nhận")
    page.click("text=+ Thêm ý kiến")
    page.fill("input[name=date]", "10/06/2026")
    page.fill("input[name=customer]", f"Công ty Đắk Lắk {SCRIPT}")
    page.fill("textarea[name=content]", f"Lệ phí thẩm định quá cao {SCRIPT}")
    page.select_option("select[name=unit]", "QLCN")
    page.click("button[value=list]")
    page.wait_for_selector(".flash.success")
    page.fill("input[name=tim]", "le phi tham dinh")
    page.click("text=Lọc")
    assert page.locator("table.register tbody tr").count() == 1
    assert SCRIPT in page.locator("table.register").inner_text()  # shown as text, not run
    assert reg.list_entries(live.store, text="lệ phí thẩm định")[0].created_by == "admin"

    # reports: build the register workbook and the annual report, download them
    page.click("nav >> text=Báo cáo")
    page.click("text=Lập sổ ghi nhận 2026")
    page.wait_for_selector(".flash.success")
    with page.expect_download() as dl:
        page.click("a:has-text('BM.QT.SCT.05-01_2026.xlsx')")
    import openpyxl

    saved = tmp_path / "so.xlsx"
    dl.value.save_as(saved)
    cells = [c.value for row in openpyxl.load_workbook(saved).active.iter_rows() for c in row]
    assert any(isinstance(v, str) and "Lệ phí thẩm định quá cao" in v for v in cells)
    page.fill("input[name=number]", "15/BC-SCT")
    # readings still wait for review: only a draft (DỰ THẢO) may be made
    page.check("input[name=preview]")
    page.click("text=Lập báo cáo năm 2026")
    page.wait_for_selector(".flash.success", timeout=120_000)
    assert "Đã lập báo cáo năm 2026" in page.locator(".flash.success").inner_text()
    with page.expect_download() as dl:
        page.click("a:has-text('bao_cao_hai_long_2026.pdf')")
    pdf = tmp_path / "bao_cao.pdf"
    dl.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # the same scanner file again: its pages are duplicates, nothing is counted twice
    sheets_before = len(live.store.sheets(2026))
    page.click("nav >> text=Quét phiếu")
    page.set_input_files("input[type=file]", str(live.scans[0]))
    page.click("#upload-form button.primary")
    page.wait_for_selector("#pages", timeout=90_000)
    assert page.locator("#pages .state.duplicate").count() == 2
    assert "Trùng" in page.locator("#pages").inner_text()
    assert len(live.store.sheets(2026)) == sheets_before
    assert page.problems == []
    page.context.close()


def test_screenshots_of_every_page(browser, live, tmp_path):
    from PIL import Image

    out = Path(os.environ.get("FORMKIT_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page = _new_page(browser, live, None)
    shots = {"dang_nhap": "/dang-nhap"}
    page.goto(live.url + shots["dang_nhap"])
    page.screenshot(path=str(out / "dang_nhap.png"))
    page.context.close()
    page = _new_page(browser, live, "admin")
    # the batch with the most pages read (the later one only has duplicates)
    job = max(live.app.extensions["formkit"].jobs.recent(),
              key=lambda j: j.outcomes.get("read", 0))
    entry = reg.list_entries(live.store)[0]
    shots = {"tong_quan": "/?nam=2026", "quet_phieu": "/quet-phieu/",
             "ket_qua_lo": f"/quet-phieu/{job.id}", "kiem_tra": "/kiem-tra/",
             "so_ghi_nhan": "/so-ghi-nhan/", "them_y_kien": "/so-ghi-nhan/them",
             "y_kien": f"/so-ghi-nhan/{entry.id}", "bieu_mau": "/bieu-mau",
             "bao_cao": "/bao-cao/?nam=2026", "nguoi_dung": "/nguoi-dung/"}
    for name, path in shots.items():
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
        raw = page.screenshot()
        # palette PNG: a fraction of the size, and text stays sharp
        img = Image.open(io.BytesIO(raw)).convert("RGB")
        img.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
            out / f"{name}.png", optimize=True)
    for name in ("dang_nhap", *shots):
        with Image.open(out / f"{name}.png") as img:
            assert img.size == (1366, 768), name
    assert page.problems == []
    page.context.close()
