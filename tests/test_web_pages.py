"""The overview, forms and reports pages over real records: the figures the annual
evaluation computes, downloads confined to exports/, the workbook, report and archive."""

from __future__ import annotations

import io
import json
import shutil
import time
from datetime import date

import openpyxl
import pytest

from formkit.analyze.records import ResponseRecord
from formkit_dev.synthetic import synthetic_responses

from . import register_kit as reg
from .web_helpers import Web, close_web, hidden, make_web, tokens


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    w.store.add_responses(synthetic_responses(2026, 120, seed=1)
                          + synthetic_responses(2025, 100, seed=2, p_tot=0.5))
    reg.add_entry(w.store, entry_date="05/02/2026", customer="Công ty Hoa Sen",
                  content="Trả kết quả trễ hạn", unit="QLCN", actor="staff")
    yield w
    close_web(w)


def test_overview_shows_rates_by_quarter_and_criterion_with_charts(web):
    from formkit.web.views.dashboard import tallies_for

    c = web.client("staff")
    page = c.get("/?nam=2026").get_data(as_text=True)
    with web.app.test_request_context():
        t, fresh = tallies_for(2026)
    assert fresh
    from formkit.analyze.narrative import pct

    assert pct(t.current.index) in page and pct(t.previous.index) in page
    assert page.count("<svg") == 2 and "Quý IV" in page and "Thái độ giao tiếp" in page
    assert "Cùng kỳ 2025" in page and "Ý kiến trong sổ theo nhóm" in page
    assert "Thời gian giải quyết" in page  # the register entry's group
    # a new entry changes the figures at once (the cache follows the audit log)
    reg.add_entry(web.store, entry_date="06/02/2026", content="Lệ phí cao", actor="staff")
    assert "Phí, lệ phí" in c.get("/?nam=2026").get_data(as_text=True)
    assert c.get("/?nam=abc").status_code == 200


def test_downloads_stay_inside_exports_and_respect_roles(web):
    staff, iso = web.client("staff"), web.client("iso")
    year_dir = web.settings.exports_dir / "2026"
    year_dir.mkdir(parents=True)
    (year_dir / "bao_cao.docx").write_bytes(b"PK docx")
    forms = web.settings.exports_dir / "forms"
    forms.mkdir(parents=True)
    (forms / "phieu.pdf").write_bytes(b"%PDF-1.7")
    (web.settings.workspace / "secret.pdf").write_bytes(b"%PDF-secret")
    assert staff.get("/tai-ve/forms/phieu.pdf").status_code == 200
    assert staff.get("/tai-ve/2026/bao_cao.docx").status_code == 403
    r = iso.get("/tai-ve/2026/bao_cao.docx")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    for bad in ("/tai-ve/../secret.pdf", "/tai-ve/forms/../../secret.pdf",
                "/tai-ve/%2e%2e/secret.pdf", "/tai-ve//etc/passwd", "/tai-ve/forms/nope.pdf"):
        assert iso.get(bad).status_code in (404, 308), bad


def test_register_workbook_annual_report_and_archive_from_the_reports_page(web):
    c = web.client("iso")
    r = c.post("/bao-cao/so-ghi-nhan", data={**tokens(c, "/bao-cao/"), "year": "2026"})
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã lập sổ ghi nhận năm 2026" in page
    link = "/tai-ve/2026/BM.QT.SCT.05-01_2026.xlsx"
    assert link in page
    wb = openpyxl.load_workbook(io.BytesIO(c.get(link).data))
    assert "Trả kết quả trễ hạn" in [cell.value for row in wb.active.iter_rows()
                                      for cell in row]
    r = c.post("/bao-cao/bao-cao-nam", data={**tokens(c, "/bao-cao/"), "year": "2026",
                                             "number": "12/BC-SCT", "date": "05/01/2027"})
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã lập báo cáo năm 2026" in page, page
    assert "/tai-ve/2026/bao_cao_hai_long_2026.docx" in page
    assert "/tai-ve/2026/tong_hop_khao_sat_2026.xlsx" in page
    assert c.get("/tai-ve/2026/bao_cao_hai_long_2026.docx").status_code == 200
    r = c.post("/bao-cao/niem-phong", data={**tokens(c, "/bao-cao/"), "year": "2026"})
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã niêm phong hồ sơ năm 2026" in page and "đã niêm phong" in page
    assert "Đang lưu" in page  # retention table
    r = c.post("/bao-cao/niem-phong", data={**tokens(c, "/bao-cao/"), "year": "2026"})
    assert "đã được niêm phong" in c.get(r.headers["Location"]).get_data(as_text=True)
    r = c.post("/bao-cao/xac-minh", data={**tokens(c, "/bao-cao/"), "year": "2026"})
    assert "tệp khớp với manifest" in c.get(r.headers["Location"]).get_data(as_text=True)
    log = c.get("/bao-cao/nhat-ky").get_data(as_text=True)
    for action in ("web_export_register", "web_annual_report", "web_archive_seal",
                   "web_archive_verify"):
        assert action in log
    actors = {a["actor"] for a in web.store.audit_log(20)
              if a["action"] in ("web_export_register", "web_annual_report",
                                 "web_archive_seal", "web_archive_verify")}
    assert actors == {"iso"}


@pytest.mark.slow
def test_forms_are_built_and_downloaded(web):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (run `make setup`)")
    c = web.client("staff")
    r = c.post("/bieu-mau", data={**tokens(c, "/bieu-mau"), "form": "05-02", "year": "2026",
                                  "unit": "QLCN", "copies": "3", "pages": "1"})
    confirm = r.get_data(as_text=True)  # numbered copies are asked for once more
    assert "Phát 3 phiếu khảo sát đánh số?" in confirm
    r = c.post("/bieu-mau", data={k: hidden(confirm, k) for k in (
        "csrf_token", "form_token", "form", "year", "unit", "copies", "pages", "confirm")})
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã tạo 05-02" in page and "số 1–3" in page
    pdf = next(web.settings.exports_dir.glob("forms/*.pdf"))
    r = c.get(f"/tai-ve/forms/{pdf.name}")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert any(a["action"] == "web_forms_build" and a["actor"] == "staff"
               for a in web.store.audit_log(5))
    r = c.post("/bieu-mau", data={**tokens(c, "/bieu-mau"), "form": "05-02", "year": "1999",
                                  "copies": "3"})
    assert "không hợp lệ" in c.get(r.headers["Location"]).get_data(as_text=True)


def _restart(web: Web) -> Web:
    """The same workspace served by a newly started app (the old one stopped)."""
    from formkit.web import create_app

    close_web(web)
    app = create_app(web.settings)
    app.config["TESTING"] = True
    return Web(web.settings, app, app.extensions["formkit"].store)


def test_a_restarted_server_shows_the_overview_from_the_kept_counts(web, monkeypatch):
    from formkit.store.core import Store
    from formkit.web.views import dashboard

    assert web.client("staff").get("/?nam=2026").status_code == 200
    with web.app.test_request_context():
        before, _fresh = dashboard.tallies_for(2026)
    kept = web.settings.cache_dir / "tong_quan_2026.json"
    before_counts = json.loads(kept.read_text(encoding="utf-8"))["counts"]
    web = _restart(web)
    try:
        # nothing changed: the kept counts answer, no response is read again
        def no_reading(*_a, **_k):
            raise AssertionError("the responses were read again")

        monkeypatch.setattr(Store, "response_facts", no_reading)
        page = web.client("staff").get("/?nam=2026").get_data(as_text=True)
        assert "đang được tính lại" not in page and "Thời gian giải quyết" in page
        with web.app.test_request_context():
            assert dashboard.tallies_for(2026) == (before, True)
        monkeypatch.undo()
        # a change while the server was down: the kept figures at once, marked as being
        # updated (as a slow year is), and the new ones computed in the background
        web.store.add_responses([ResponseRecord(f"zalo:{i}", 2026, date(2026, 3, 2), "VP",
                                                "zalo", {"c5.muc_do_hai_long": "tot"})
                                 for i in range(7)])
        web = _restart(web)
        monkeypatch.setattr(dashboard, "SYNC_LIMIT_S", -1.0)
        c = web.client("staff")
        page = c.get("/?nam=2026").get_data(as_text=True)
        assert "đang được tính lại" in page and "kênh khác" not in page
        _wait_for_figures(web)
        page = c.get("/?nam=2026").get_data(as_text=True)
        assert "đang được tính lại" not in page and "kênh khác 7" in page
        # a damaged file is ignored: the figures are computed again, and kept again
        kept.write_text("{not json", encoding="utf-8")
        web = _restart(web)
        page = web.client("staff").get("/?nam=2026").get_data(as_text=True)
        assert "kênh khác 7" in page and "đang được tính lại" not in page
        assert json.loads(kept.read_text(encoding="utf-8"))["format"] == dashboard.KEPT_FORMAT
        with web.app.test_request_context():
            t, fresh = dashboard.tallies_for(2026)
        assert fresh and t.current.responses == before.current.responses + 7
        # counts newer than the data (the database put back from a copy) or of another
        # database are not shown: counted again
        data = json.loads(kept.read_text(encoding="utf-8"))
        version = data["version"]
        for change in ({"version": [version[0] + 1000, version[1]]},
                       {"database": "/somewhere/else.db"}):
            kept.write_text(json.dumps({**data, **change, "counts": before_counts}),
                            encoding="utf-8")
            web = _restart(web)
            with web.app.test_request_context():
                t, fresh = dashboard.tallies_for(2026)
            assert fresh and t.current.responses == before.current.responses + 7
            assert json.loads(kept.read_text(encoding="utf-8"))["version"] == version
    finally:
        close_web(web)


def _wait_for_figures(web: Web, timeout: float = 30.0) -> None:
    cache = web.app.extensions["formkit"].cache
    end = time.monotonic() + timeout
    while any(k[0] == "computing" for k in list(cache)) and time.monotonic() < end:
        time.sleep(0.02)


def test_warm_up_computes_once_and_a_first_page_waits_for_it(web, monkeypatch):
    from formkit.web.views import dashboard

    computed: list[int] = []
    compute = dashboard._compute

    def slow_compute(app, year, version):
        computed.append(year)
        time.sleep(0.3)  # a large year: the first page arrives meanwhile
        return compute(app, year, version)

    monkeypatch.setattr(dashboard, "_compute", slow_compute)
    c = web.client("staff")
    web.app.extensions["formkit"].jobs.isolate = False  # no reading processes in this test
    dashboard.warm_up(web.app, 2026)
    page = c.get("/?nam=2026").get_data(as_text=True)
    assert computed == [2026] and "đang được tính lại" not in page
    # after a restart with nothing changed the kept counts are current: nothing to compute
    web = _restart(web)
    try:
        c = web.client("staff")
        web.app.extensions["formkit"].jobs.isolate = False
        dashboard.warm_up(web.app, 2026)
        assert "đang được tính lại" not in c.get("/?nam=2026").get_data(as_text=True)
        assert computed == [2026]
    finally:
        close_web(web)
