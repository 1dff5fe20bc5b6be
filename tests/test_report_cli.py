"""CLI of the evaluation (report, responses import, archive, retention) on a fake store, so
that it is tested apart from the database layer."""

from __future__ import annotations

import csv
from datetime import date, datetime
from types import SimpleNamespace

import pytest
import typer
from typer.testing import CliRunner

from formkit.cli_parts import evaluation
from formkit.config import BUILTIN_TEMPLATES
from formkit.errors import RefusedError
from formkit_dev.synthetic import synthetic_feedback, synthetic_responses

EXAMPLE = BUILTIN_TEMPLATES / "channels" / "google_forms.example.yaml"


class FakeStore:
    def __init__(self, settings):
        self.settings = settings
        self.added: list = []
        self.anonymized: list[int] = []
        self.records = (synthetic_responses(2026, 60, units=("QLCN", "VP"))
                        + synthetic_responses(2025, 50, seed=3, units=("QLCN", "VP")))
        self.fb = synthetic_feedback([2025, 2026], 30)
        scans = settings.workspace / "scans"
        scans.mkdir(parents=True, exist_ok=True)
        self.scan = scans / "lo_01.png"
        self.scan.write_bytes(b"\x89PNG fake scan")
        self.pending: list = []  # review items still waiting (year, field)

    def review_queue(self, pending_only=True):
        return [SimpleNamespace(year=y, field=f) for y, f in self.pending]

    def sheets(self, year):
        return [SimpleNamespace(
            sheet_key="k1", form="05-02", year=year, unit="QLCN", serial=1,
            received=date(year, 3, 1), channel="giay", complete=True, anonymized=False,
            created=datetime(year, 3, 2), answers={"to_chuc": "Công ty TNHH Minh Phát",
                                                   "c1.thai_do_giao_tiep": "tot"})]

    def pages(self):
        return [{"file": str(self.scan), "sheet_key": "k1"},
                {"file": "scans/missing.png", "sheet_key": "k1"}]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def close(self):
        return None

    def responses(self, year, include_unreviewed=False):
        return [r for r in self.records + self.added if r.year == year]

    def feedback(self, year):
        return [f for f in self.fb if f.received.year == year]

    def add_responses(self, records):
        known = {r.response_id for r in self.added}
        new = [r for r in records if r.response_id not in known]
        self.added += new
        return len(new), len(records) - len(new)

    def anonymize_year(self, year):
        self.anonymized.append(year)
        return {"sheets": 1}


@pytest.fixture
def cli(monkeypatch, workspace):
    app = typer.Typer()

    @app.command()
    def version() -> None:  # a second command keeps typer in multi-command mode
        pass

    evaluation.register(app)
    stores: list[FakeStore] = []

    def fake_open(settings):
        if not stores:
            stores.append(FakeStore(settings))
        return stores[0]

    # every verb of formkit.app opens its store through this one name
    monkeypatch.setattr("formkit.app._session.open_store", fake_open)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [*args, "-w", str(workspace.workspace)]
                             if args[-1] != "--no-ws" else list(args[:-1]))

    return run, stores, workspace


def test_report_command_writes_workbook_and_docx(cli):
    run, _stores, settings = cli
    res = run("report", "--year", "2026", "--no-pdf", "--date", "05/01/2027")
    assert res.exit_code == 0, res.output
    assert (settings.exports_dir / "2026" / "tong_hop_khao_sat_2026.xlsx").exists()
    assert (settings.exports_dir / "2026" / "bao_cao_hai_long_2026.docx").exists()
    assert "chỉ số hài lòng chung" in res.output


def test_report_is_refused_while_readings_wait_for_review_and_preview_is_a_marked_draft(cli):
    run, stores, settings = cli
    run("report", "--year", "2026", "--no-pdf")  # creates the fake store
    stores[0].pending = [(2026, "c1.thai_do_giao_tiep")] * 17 + [(2025, "c3")]
    res = run("report", "--year", "2026", "--no-pdf")
    assert isinstance(res.exception, RefusedError) and res.exception.exit_code == 9
    assert "Còn 17 kết quả đọc của năm 2026 chờ kiểm tra" in str(res.exception)
    assert res.exception.code == "error.report.pending"
    res = run("report", "--year", "2026", "--no-pdf", "--preview")
    assert res.exit_code == 0, res.output
    from docx import Document

    doc = Document(str(settings.exports_dir / "2026" / "bao_cao_hai_long_2026.docx"))
    section = doc.sections[0]
    for header in (section.header, section.first_page_header):
        text = " ".join(p.text for p in header.paragraphs)
        assert "DỰ THẢO" in text and "17" in text


def test_archive_refuses_to_seal_a_year_with_readings_waiting_for_review(cli):
    run, stores, settings = cli
    run("report", "--year", "2026", "--no-pdf")
    stores[0].pending = [(2026, "c4.dung_thoi_han")]
    res = run("archive", "--year", "2026")
    assert isinstance(res.exception, RefusedError) and res.exception.exit_code == 9
    assert not (settings.exports_dir / "2026" / "archive").exists()


def test_responses_import_stores_new_rows_once(cli, tmp_path):
    run, stores, _settings = cli
    path = tmp_path / "gf.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Dấu thời gian", "Phòng giải quyết hồ sơ", "Nội dung giao dịch",
                    "Thái độ giao tiếp của công chức", "Lắng nghe ý kiến", "Tận tình, chu đáo",
                    "Tuân thủ đúng quy trình", "Kết quả giải quyết chính xác, khách quan",
                    "Giải quyết đúng thời hạn", "Mức độ hài lòng chung",
                    "Công chức có gây phiền hà, sách nhiễu không?", "Nếu có, mức độ"])
        w.writerow(["01/04/2026 08:00:00", "Văn phòng Sở", "", "Hài lòng", "Hài lòng",
                    "Hài lòng", "Hài lòng", "4", "4", "Hài lòng", "Không", ""])
        w.writerow(["02/04/2026 08:00:00", "", "", "???", "", "", "", "", "", "", "", ""])
    res = run("responses", "import", str(path), "--channel", "google_forms", "--mapping",
              str(EXAMPLE))
    assert res.exit_code == 0, res.output
    assert len(stores[0].added) == 1 and stores[0].added[0].unit == "VP"
    assert "1 dòng không nhập được" in res.output
    res = run("responses", "import", str(path), "--channel", "google_forms", "--mapping",
              str(EXAMPLE))
    assert "thêm 0, bỏ qua 1" in res.output


def test_archive_seal_verify_and_retention(cli):
    run, stores, settings = cli
    assert run("report", "--year", "2026", "--no-pdf").exit_code == 0
    res = run("archive", "--year", "2026")
    assert res.exit_code == 0, res.output
    folder = settings.exports_dir / "2026" / "archive"
    assert (folder / "manifest.json").exists()
    csv_copy = folder / "sheets" / "phieu_khao_sat_2026.csv"
    assert "Công ty TNHH Minh Phát" in csv_copy.read_text(encoding="utf-8-sig")
    assert (folder / "scans" / "lo_01.png").read_bytes() == stores[0].scan.read_bytes()
    assert (folder / "summary" / "tong_hop_khao_sat_2026.xlsx").exists()
    assert not (settings.exports_dir / "2026" / "sheet_data").exists()  # scratch was temporary
    res = run("archive", "verify", str(folder), "--no-ws")
    assert res.exit_code == 0 and "khớp" in res.output
    (folder / "summary" / "tong_hop_khao_sat_2026.xlsx").write_bytes(b"changed")
    res = run("archive", "verify", str(folder), "--no-ws")
    assert isinstance(res.exception, RefusedError) and res.exception.exit_code == 9
    res = run("retention", "--date", "01/01/2030")
    assert "2026" in res.output and "đến hạn hủy" in res.output


class _Day(date):
    fixed = date(2029, 12, 31)

    @classmethod
    def today(cls):
        return cls.fixed


def test_retention_dispose_is_refused_before_the_date_and_done_after(cli, monkeypatch):
    run, stores, settings = cli
    assert run("report", "--year", "2026", "--no-pdf").exit_code == 0
    assert run("archive", "--year", "2026", "--no-store").exit_code == 0
    monkeypatch.setattr(evaluation, "date", _Day)
    res = run("retention", "dispose", "--year", "2026", "--confirm", "2026")
    assert isinstance(res.exception, RefusedError)
    assert stores[0].anonymized == []
    _Day.fixed = date(2030, 1, 1)
    res = run("retention", "dispose", "--year", "2026", "--confirm", "2025")
    assert isinstance(res.exception, RefusedError) and stores[0].anonymized == []
    res = run("retention", "dispose", "--year", "2026", "--confirm", "2026")
    assert res.exit_code == 0, res.output
    assert stores[0].anonymized == [2026]
    assert (settings.exports_dir / "2026" / "archive" / "bien_ban_huy_2026.docx").exists()

