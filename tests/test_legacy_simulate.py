"""`formkit simulate --legacy`: the DOCX variants printed by real LibreOffice, filled and
degraded, one scanned PDF per variant with its truth beside it."""

from __future__ import annotations

import json

from typer.testing import CliRunner


def test_simulate_legacy_writes_a_scan_and_truth_per_variant(tmp_path):
    from formkit.cli import app
    from formkit.scan import load

    out = tmp_path / "sim"
    res = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["simulate", "--legacy", "--variant", "mot_trang", "-n", "2", "--seed", "4",
              "--out", str(out)])
    assert res.exit_code == 0, res.output
    pdf = out / "legacy_mot_trang_office_4.pdf"
    truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
    assert len(truth) == 2 and "c5.muc_do_hai_long" in truth[0]
    assert len(list(load.iter_pages(pdf))) == 2  # one page per copy
    assert (out / "print" / "legacy_mot_trang.docx").exists()


def test_simulate_legacy_refuses_an_unknown_scan_level(tmp_path):
    from formkit.cli import app

    res = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["simulate", "--legacy", "--level", "heavy", "--out", str(tmp_path / "x")])
    from formkit.errors import InputError

    assert res.exit_code != 0
    assert isinstance(res.exception, InputError)
    assert "office" in str(res.exception)  # the levels there are, in the hint
    assert not (tmp_path / "x").exists()
