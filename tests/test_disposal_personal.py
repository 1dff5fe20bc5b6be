"""After disposal of a year, no file in the workspace holds that year's personal data: the
test feeds names through every path formkit writes them to, disposes, then greps every
file (inside XLSX/DOCX archives too, and the SQLite file) for them."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

from PIL import Image

from formkit import api
from formkit.archive import dispose, seal, verify
from formkit.archive.collect import collect_year_files
from formkit.export.register_xlsx import export_register
from formkit.export.review_xlsx import export_review
from formkit.store import open_store
from formkit.store.db import resolve_url, sqlite_path
from formkit.store.migrations import backup_sqlite

from . import register_kit as reg
from .records_helpers import make_sheet, report_for

NAMES_2026 = ["Công ty TNHH Hải Đăng Tám", "Trần Thị Bích Ngọc Xyz",
              "Ông Lê Văn Quýt phàn nàn về phí"]
NAME_2027 = "Hợp tác xã Cà Phê Buôn Đôn"  # another year: must stay


def _every_text(ws: Path) -> dict[Path, bytes]:
    out = {}
    for p in ws.rglob("*"):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                data += b"".join(z.read(n) for n in z.namelist())
        out[p] = data
    return out


def _hits(ws: Path, name: str) -> list[str]:
    forms = {unicodedata.normalize(f, name).encode() for f in ("NFC", "NFD")}
    return [str(p.relative_to(ws)) for p, data in _every_text(ws).items()
            if any(f in data for f in forms)]


def test_after_disposal_no_file_in_the_workspace_holds_the_years_names(workspace):
    ws = workspace.workspace
    run = ws / "exports" / "read" / "20260105-090000"
    crops = run / "crops"
    scans = ws / "scans" / "2026"
    scans.mkdir(parents=True)
    sheets = []
    for serial, (name, comment) in enumerate(
            [(NAMES_2026[0], NAMES_2026[2]), (NAMES_2026[1], None)], 1):
        scan = scans / f"scan_{serial}.png"
        scan.write_bytes(f"image of {name}".encode())  # stands for the handwriting
        sh = make_sheet(serial, year=2026, received="2026-03-02", name=name, comment=comment,
                        review={"to_chuc": (name, "uncertain", 0.5)}, crop_dir=crops,
                        scan_file=str(scan))
        for p in sh.pages:  # real overlays, named the way the reader names them
            p.overlay = str(run / "overlays" / f"05-02_2026_QLCN_{serial:06d}_x_p{p.form_page}.png")
            Path(p.overlay).parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (20, 20)).save(p.overlay)
        sheets.append(sh)
    later = make_sheet(9, year=2027, received="2027-02-01", name=NAME_2027,
                       scan_file=str(ws / "scans" / "x2027.png"))
    (ws / "scans" / "x2027.png").write_bytes(b"2027 scan")
    report = report_for(sheets + [later])
    report["sheets"] = [s.to_json() for s in sheets + [later]]
    api.write_json(report, run / "batch.json")  # names and comments of both years
    only_2026 = ws / "exports" / "read" / "20260106-090000"
    api.write_json({"sheets": [sheets[1].to_json()]}, only_2026 / "batch.json")
    with open_store(workspace) as store:
        store.save_batch(report, sheets + [later])
        reg.add_entry(store, entry_date="05/01/2026", content=NAMES_2026[2],
                      customer=NAMES_2026[0], receiver="Phòng QLCN")
        export_register(workspace, 2026, store)
        export_review(workspace, store=store)
        cache = workspace.cache_dir / "tong_quan_2026.json"
        api.write_json({"note": NAMES_2026[1]}, cache)
        backup_sqlite(sqlite_path(resolve_url(workspace)), 1)  # a pre-upgrade copy
        files = collect_year_files(workspace, 2026, store)
        folder = seal(workspace, 2026, files, now=datetime(2027, 1, 10, 8, 0))
        for name in NAMES_2026:
            assert _hits(ws, name), f"the test never wrote {name!r}"
        res = dispose(workspace, 2026, "2026", date(2030, 1, 2),
                      anonymize=store.anonymize_year, remove_sources=True,
                      operator="Cán bộ ISO", now=datetime(2030, 1, 2, 9, 0), store=store)
    for name in NAMES_2026:
        assert _hits(ws, name) == [], name
    assert _hits(ws, NAME_2027)  # the other year is kept (and the grep does find text)
    assert not list(crops.glob("*"))
    assert not list((run / "overlays").glob("*2026*"))
    assert not any(scans.iterdir())
    assert not (only_2026 / "batch.json").exists()
    assert json.loads((run / "batch.json").read_text(encoding="utf-8"))["redacted_years"] == \
        [2026]
    # the record lists what was removed and what was kept
    assert res.working_removed and res.working_redacted == [
        "exports/read/20260105-090000/batch.json"]
    record = json.loads((folder / "disposal.json").read_text(encoding="utf-8"))
    assert record["working_files_removed"] == res.working_removed
    assert record["kept"] == [] and "sheets" in record["anonymized"]  # anonymous tallies stay
    assert verify(folder, workspace).ok
