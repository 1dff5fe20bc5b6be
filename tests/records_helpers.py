"""Builders for the records tests: survey sheets as the scan stage hands them over, and the
batch report around them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PIL import Image

from formkit.scan.result import FieldResult, PageSource, SheetResult, Status

CHOICES = {
    "c1.thai_do_giao_tiep": "tot", "c1.lang_nghe_y_kien": "dat",
    "c1.tan_tinh_chu_dao": "tot", "c1.tuan_thu_quy_trinh": "tot",
    "c2.phien_ha": "khong", "c3.chinh_xac_khach_quan": "dat", "c4.dung_thoi_han": "chua_dat",
    "c5.muc_do_hai_long": "tot",
}


def page_hash(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def make_sheet(serial: int, year: int = 2025, unit: str = "QLCN", received: str | None = None,
               name: str = "Công ty TNHH Minh Phát", comment: str | None = None,
               review: dict[str, tuple[Any, str, float]] | None = None,
               crop_dir: Path | None = None, scan_file: str = "scan.pdf",
               page_offset: int = 0) -> SheetResult:
    """A two-page survey sheet. `review` maps field → (value, status, confidence) for the
    fields the machine was unsure about; with `crop_dir` those get a crop image."""
    fields: dict[str, FieldResult] = {}
    for fid, value in CHOICES.items():
        fields[fid] = FieldResult(fid, "single", value, Status.OK, 0.97, page=2)
    fields["c2.muc_do"] = FieldResult("c2.muc_do", "single", None, Status.BLANK, 0.95, page=2)
    fields["noi_dung.tiep_nhan_xu_ly"] = FieldResult("noi_dung.tiep_nhan_xu_ly", "flag", True,
                                                     Status.OK, 0.96, page=1)
    fields["noi_dung.giai_quyet_tthc"] = FieldResult("noi_dung.giai_quyet_tthc", "flag", False,
                                                     Status.BLANK, 0.96, page=1)
    fields["to_chuc"] = FieldResult("to_chuc", "text", name, Status.OK, 0.9, page=1,
                                    text_confidence=0.9)
    for fid in ("noi_dung.chi_tiet", "c1.y_kien_khac", "c3.y_kien_khac", "c4.y_kien_khac"):
        fields[fid] = FieldResult(fid, "text", None, Status.BLANK, 0.99, page=2)
    if comment is not None:
        fields["c1.y_kien_khac"] = FieldResult("c1.y_kien_khac", "text", comment, Status.OK,
                                               0.92, page=2, text_confidence=0.92)
    for fid, (value, status, confidence) in (review or {}).items():
        kind = fields[fid].kind if fid in fields else "single"
        crop = None
        if crop_dir is not None:
            crop_dir.mkdir(parents=True, exist_ok=True)
            crop_path = crop_dir / f"{serial}_{fid}.png"
            Image.new("RGB", (400, 60), (255, 255, 255)).save(crop_path)
            crop = str(crop_path)
        fields[fid] = FieldResult(fid, kind, value, Status(status), confidence, crop=crop,
                                  page=2 if fid.startswith("c") else 1)
    pages = [PageSource(scan_file, page_offset + i, i,
                        page_hash(f"{year}/{unit}/{serial}/{i}/{scan_file}"),
                        overlay=f"/overlays/{serial}_p{i}.png") for i in (1, 2)]
    return SheetResult(form="05-02", layout="ffbba7fc", year=year, unit=unit, serial=serial,
                       received=received, pages=pages, fields=fields)


def report_for(sheets: list[SheetResult], rejected: list[tuple[str, int, str]] = (),
               inputs: list[str] | None = None) -> dict:
    """A batch report like formkit.scan.batch.BatchReport.to_json()."""
    pages = [{"file": p.file, "page": p.page, "outcome": "read", "reason": "",
              "sheet": s.sheet_key, "form_page": p.form_page, "sha256": p.sha256,
              "overlay": p.overlay} for s in sheets for p in s.pages]
    for file, page, reason in rejected:
        pages.append({"file": file, "page": page, "outcome": "rejected", "reason": reason,
                      "sheet": None, "form_page": None, "sha256": page_hash(f"{file}#{page}"),
                      "overlay": None})
    return {"started": "2025-03-10T09:00:00", "finished": "2025-03-10T09:05:00",
            "inputs": inputs or sorted({p["file"] for p in pages}), "pages": pages}
