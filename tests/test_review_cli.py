"""Reviewing in the terminal, one item at a time, and the workbook commands."""

from __future__ import annotations

import openpyxl
import typer
from typer.testing import CliRunner

from formkit.catalogue import say
from formkit.cli_parts.records import review_app
from formkit.export.review_xlsx import COL, SHEET_TITLE
from formkit.notes import join
from formkit.store import open_store

from .records_helpers import make_sheet, report_for

runner = CliRunner(env={"COLUMNS": "200"})


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(review_app, name="review")

    @app.command()
    def version() -> None:  # a second command, so "review" stays a sub-command
        pass

    return app


def _queue(workspace, tmp_path):
    sheets = [make_sheet(1, review={"c1.lang_nghe_y_kien": (None, "multiple", 0.35),
                                    "c2.phien_ha": ("khong", "ok", 0.62)},
                         crop_dir=tmp_path / "crops"),
              make_sheet(2, review={"to_chuc": ("Cong ty Hoa 5en", "ok", 0.55)})]
    sheets[0].fields["c1.lang_nghe_y_kien"].note = join(say("note.boxes.ticked", boxes="tot, dat"))
    with open_store(workspace) as store:
        store.save_batch(report_for(sheets), sheets)


def _review(workspace, keys: str, *extra: str):
    return runner.invoke(_app(), ["review", "-w", str(workspace.workspace), "--reviewer",
                                  "Lan", *extra], input=keys)


def test_terminal_review_shows_the_item_and_takes_a_number_a_label_or_enter(workspace,
                                                                            tmp_path):
    _queue(workspace, tmp_path)
    # item 1 (multiple): Enter is refused, then "2" = Đạt yêu cầu;
    # item 2 (yes/no, machine read Không): Enter accepts; item 3 (text): typed text
    result = _review(workspace, "\n2\n\nCông ty Hoa Sen\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Lắng nghe ý kiến" in out and "Đánh nhiều ô" in out and "35%" in out
    assert "Vì sao cần kiểm tra: Ô được đánh dấu: Tốt, Đạt yêu cầu." in out
    assert "Ảnh vùng đọc:" in out and "1_c1.lang_nghe_y_kien.png" in out
    assert "Ảnh cả trang: /overlays/1_p2.png" in out
    assert "no trustworthy reading here" in out
    assert "3 item(s) reviewed, 0 left" in out
    with open_store(workspace) as store:
        done = {i.field: (i.corrected_value, i.reviewer)
                for i in store.review_queue(pending_only=False)}
    assert done == {"c1.lang_nghe_y_kien": ("dat", "Lan"), "c2.phien_ha": ("khong", "Lan"),
                    "to_chuc": ("Công ty Hoa Sen", "Lan")}


def test_terminal_review_rejects_an_unknown_answer_and_q_quits_keeping_the_rest(workspace,
                                                                                tmp_path):
    _queue(workspace, tmp_path)
    result = _review(workspace, "rat tot\nchua dat yeu cau\nq\n")
    assert result.exit_code == 0, result.output
    assert "'rat tot' không phải là một câu trả lời của ô này" in result.output
    assert "1 item(s) reviewed, 2 left" in result.output
    with open_store(workspace) as store:
        assert [i.field for i in store.review_queue()] == ["c2.phien_ha", "to_chuc"]
        first = store.review_queue(pending_only=False)[0]
        assert first.corrected_value == "chua_dat"


def test_terminal_review_with_s_skips_and_with_end_of_input_stops(workspace, tmp_path):
    _queue(workspace, tmp_path)
    result = _review(workspace, "s\n")
    assert result.exit_code == 0, result.output
    assert "0 item(s) reviewed, 3 left" in result.output


def test_an_empty_queue_says_there_is_nothing_to_review(workspace):
    result = _review(workspace, "")
    assert "Nothing to review" in result.output


def test_review_export_then_import_through_the_commands(workspace, tmp_path):
    _queue(workspace, tmp_path)
    path = tmp_path / "duyet.xlsx"
    result = runner.invoke(_app(), ["review", "export", str(path), "-w",
                                    str(workspace.workspace)])
    assert result.exit_code == 0, result.output
    assert "3 item(s) to review" in result.output
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_TITLE]
    for row in range(5, ws.max_row + 1):
        if ws.cell(row, COL["field"]).value == "c2.phien_ha":
            ws.cell(row, COL["value"]).value = "Có"
    wb.save(path)
    result = runner.invoke(_app(), ["review", "import", str(path), "--reviewer", "Bình",
                                    "-w", str(workspace.workspace)])
    assert result.exit_code == 0, result.output
    assert "1 correction(s) applied" in result.output and "2 row(s) left" in result.output
