"""The register commands, mounted the way formkit/cli.py mounts them."""

from __future__ import annotations

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from formkit.cli_parts.records import export_register_cmd, register_app, review_app
from formkit.errors import InputError
from formkit.store import open_store

from . import register_kit as reg

runner = CliRunner(env={"COLUMNS": "200"})


def _app() -> typer.Typer:
    app = typer.Typer()
    export_app = typer.Typer()
    app.add_typer(register_app, name="register")
    app.add_typer(review_app, name="review")
    app.add_typer(export_app, name="export")
    export_app.command("register")(export_register_cmd)
    return app


def _run(workspace, *args: str, input: str | None = None):
    return runner.invoke(_app(), [*args, "-w", str(workspace.workspace)], input=input)


def test_add_then_list_with_an_unaccented_search(workspace):
    result = _run(workspace, "register", "add", "--date", "05/03/2025", "--content",
                  "Hồ sơ trả kết quả trễ hạn", "--customer", "Công ty Hoa Sen", "--unit", "VP")
    assert result.exit_code == 0, result.output
    assert "Entry #1 added" in result.output
    assert "Thời gian giải quyết" in result.output
    listed = _run(workspace, "register", "list", "--search", "hoa sen", "--year", "2025")
    assert listed.exit_code == 0
    assert "Công ty Hoa Sen" in listed.output and "1 entry." in listed.output
    empty = _run(workspace, "register", "list", "--year", "2024")
    assert "No entries match" in empty.output


def test_a_bad_date_is_reported_as_an_input_error(workspace):
    result = _run(workspace, "register", "add", "--date", "32/01/2025", "--content", "X")
    assert isinstance(result.exception, InputError)
    assert result.exception.exit_code == 5


def test_import_reports_counts_and_skipped_rows(workspace, tmp_path):
    path = tmp_path / "so.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Ngày tháng", "Tên khách hàng", "Nội dung"])
    wb.active.append(["06/01/2025", "An", "Hồ sơ chậm"])
    wb.active.append(["31/02/2025", "Bình", "Sai ngày"])
    wb.save(path)
    refused = _run(workspace, "register", "import", str(path))
    assert isinstance(refused.exception, reg.RegisterImportError)
    result = _run(workspace, "register", "import", str(path), "--skip-bad", "--unit", "QLCN")
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output and "row 3:" in result.output
    with open_store(workspace) as store:
        assert [e.unit for e in reg.list_entries(store)] == ["QLCN"]


def test_classify_explain_shows_the_rule_and_keeps_a_persons_group(workspace):
    _run(workspace, "register", "add", "--date", "05/03/2025", "--content",
         "Cán bộ gây phiền hà")
    _run(workspace, "register", "add", "--date", "06/03/2025", "--content", "Trời mưa")
    assert _run(workspace, "register", "set-group", "2", "Khen ngợi").exit_code == 0
    result = _run(workspace, "register", "classify", "--explain")
    assert result.exit_code == 0, result.output
    assert "phiền hà" in result.output and "người dùng" in result.output
    assert "1 kept a person's group" in result.output


def test_set_status_and_from_surveys(workspace):
    _run(workspace, "register", "add", "--date", "05/03/2025", "--content", "Thu phí cao")
    assert "Đã xử lý" in _run(workspace, "register", "set-status", "1", "handled").output
    result = _run(workspace, "register", "from-surveys", "--year", "2025")
    assert result.exit_code == 0 and "0 comment(s) added" in result.output


def test_export_register_writes_the_book_and_says_when_the_year_is_empty(workspace):
    _run(workspace, "register", "add", "--date", "05/03/2025", "--content", "Thu phí cao")
    result = _run(workspace, "export", "register", "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "BM.QT.SCT.05-01_2025.xlsx" in result.output and "1 entry of 2025" in result.output
    assert (workspace.exports_dir / "2025" / "BM.QT.SCT.05-01_2025.xlsx").exists()
    empty = _run(workspace, "export", "register", "--year", "2024")
    assert "No entries for 2024" in empty.output


@pytest.mark.parametrize("args", [["register"], ["register", "--help"]])
def test_register_without_a_command_shows_help(workspace, args):
    result = runner.invoke(_app(), args)
    assert "import" in result.output and "classify" in result.output
