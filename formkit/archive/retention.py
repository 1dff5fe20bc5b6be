"""Retention and disposal of sealed yearly archives (QT.SCT.05 section 7: the register and the
survey sheets are kept 3 years by the ISO team; Nghị định 13/2023 on personal data).

Disposal is a decision, not a cron job: `retention_status` lists what is due, `dispose`
refuses before the date and without the year typed again, then destroys the personal-data
files of the archive, anonymises the database through the callable it is given, and writes
a disposal record (biên bản hủy, DOCX in the Nghị định 30/2020 layout) plus disposal.json.
Summary and report hold no personal data and stay.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from formkit import fsutil
from formkit.archive import personal, signing
from formkit.archive.manifest import (
    DISPOSAL,
    MANIFEST,
    _disposal,
    archive_dir,
    category_name,
    dispose_from,
    read_manifest,
    retain_until,
    sha256_file,
    source_path,
    verify,
)
from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import InputError, OutputError, RefusedError
from formkit.render import docx_xml as X
from formkit.render import official as O


@dataclass(frozen=True)
class RetentionEntry:
    year: int
    folder: Path
    sealed_at: str
    retention_years: int
    retain_until: date
    dispose_from: date
    files: int
    personal_files: int
    bytes: int
    disposed_at: str | None  # None while the records are kept
    due: bool  # may be disposed of now (date reached, not yet disposed)


def _retention_years(settings: Settings, manifest: dict[str, Any]) -> int:
    # the longer of the period promised at sealing and the one configured now: a change of
    # settings may extend retention, never shorten what was sealed
    return max(int(manifest.get("retention_years", settings.retention_years)),
               settings.retention_years)


def retention_status(settings: Settings, today: date | None = None) -> list[RetentionEntry]:
    """Every sealed archive under exports/<year>/archive with its dates; `due` marks those
    that may be disposed of on `today`."""
    today = today or date.today()
    out = []
    for mpath in sorted(settings.exports_dir.glob(f"*/archive/{MANIFEST}")):
        folder, manifest = read_manifest(mpath)
        year = int(manifest["year"])
        years = _retention_years(settings, manifest)
        disposal = _disposal(folder)
        start = dispose_from(year, years)
        files = manifest.get("files", [])
        out.append(RetentionEntry(
            year=year, folder=folder, sealed_at=manifest.get("sealed_at", ""),
            retention_years=years, retain_until=retain_until(year, years), dispose_from=start,
            files=len(files), personal_files=sum(1 for f in files if f.get("personal", True)),
            bytes=sum(int(f.get("size", 0)) for f in files),
            disposed_at=(disposal or {}).get("disposed_at"),
            due=disposal is None and today >= start,
        ))
    return out


@dataclass
class DisposalResult:
    year: int
    folder: Path
    removed: list[dict[str, Any]]  # manifest entries of the destroyed archive files
    kept: list[dict[str, Any]]  # entries kept (no personal data)
    sources_removed: list[str] = field(default_factory=list)
    sources_left: list[str] = field(default_factory=list)  # originals still outside
    #: formkit's own working files of the year (crops, overlays, batch reports, review
    #: workbooks, caches, backups), removed or redacted; paths relative to the workspace
    working_removed: list[str] = field(default_factory=list)
    working_redacted: list[str] = field(default_factory=list)
    anonymized: str = ""
    record: Path | None = None  # the biên bản (DOCX)
    record_json: Path | None = None


def _vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024  # type: ignore[assignment]
    return str(n)


def dispose(settings: Settings, year: int, confirm: str, today: date | None = None,
            anonymize: Callable[[int], Any] | None = None, remove_sources: bool = False,
            operator: str = "", now: datetime | None = None, store: Any | None = None
            ) -> DisposalResult:
    """Destroy the personal-data records of `year` once their retention has run out.

    Refuses (RefusedError) before 1 January of year + retention + 1 (the dates sealed, not
    those in a manifest that may have been edited), when the archive fails verification,
    when `confirm` is not the year typed again, when no anonymiser is given, or when the year
    was already disposed of. Order: collect the year's working files (with `store`: the
    crops and overlays the database points to), anonymise the database (if that fails
    nothing is deleted), delete the archive's personal files and the working files, then
    write the signed disposal record. With remove_sources=True the original files recorded
    in the manifest, and the year's scans, are deleted too: only those inside this
    workspace, and archived originals only while their content is exactly the archived one.
    """
    today = today or date.today()
    folder = archive_dir(settings, year)
    if not (folder / MANIFEST).exists():
        raise InputError(say("error.archive.no_archive", year=year, folder=str(folder)),
                         hint=say("hint.archive.only_sealed"))
    folder, manifest = read_manifest(folder)
    if (folder / DISPOSAL).exists():
        raise RefusedError(say("error.archive.already_disposed", year=year,
                               when=str(_disposal(folder).get("disposed_at"))))  # type: ignore[union-attr]
    sealed = signing.load_seal_copy(settings, year)
    years = _retention_years(settings, sealed or manifest)
    start = dispose_from(year, years)
    if today < start:
        raise RefusedError(
            say("error.archive.keep_until", year=year,
                until=_vn_date(retain_until(year, years)), years=years, start=_vn_date(start)),
            hint=say("hint.nothing_deleted"))
    if confirm.strip() != str(year):
        raise RefusedError(say("error.archive.not_confirmed", year=year),
                           hint=say("hint.nothing_deleted"))
    if anonymize is None:
        raise RefusedError(say("error.archive.no_anonymiser"), hint=say("hint.nothing_deleted"))
    check = verify(folder, settings, today)
    if check.problems:
        raise RefusedError(
            say("error.archive.fails_verification", year=year,
                problems=" ".join(check.problems[:3])),
            hint=say("hint.archive.restore"))
    working = personal.find(settings, year, store)
    result = anonymize(year)
    files = manifest.get("files", [])
    removed, kept = [], []
    for entry in files:
        (removed if entry.get("personal", True) else kept).append(entry)
    res = DisposalResult(year, folder, removed, kept,
                         anonymized="" if result is None else str(result))
    ws = Path(settings.workspace).resolve()

    def rel(p: Path) -> str:
        try:
            return p.resolve().relative_to(ws).as_posix()
        except ValueError:
            return str(p)

    try:
        archived_sources = set()
        for entry in removed:
            p = folder / entry["path"]
            if p.is_file():
                p.unlink()
            if not entry.get("source"):
                continue
            src, inside = source_path(settings, entry["source"])
            archived_sources.add(src)
            if not src.is_file():
                continue
            if inside and remove_sources and sha256_file(src) == entry["sha256"]:
                src.unlink()
                res.sources_removed.append(rel(src))
            else:  # changed since sealing, not asked for, or another workspace's file
                res.sources_left.append(str(src) if not inside else rel(src))
        for p in working.remove:
            if p.is_file():
                p.unlink()
                res.working_removed.append(rel(p))
        for p in working.redact:
            personal.redact_batch_json(p, year)
            res.working_redacted.append(rel(p))
        for p in working.originals:
            if p in archived_sources or not p.is_file():
                continue
            if remove_sources:
                p.unlink()
                res.sources_removed.append(rel(p))
            else:
                res.sources_left.append(rel(p))
        for d in sorted((p for p in folder.rglob("*") if p.is_dir()),
                        key=lambda p: len(p.parts), reverse=True):
            if not any(d.iterdir()):
                d.rmdir()
    except OSError as exc:
        raise OutputError(say("error.archive.disposal_stopped", year=year,
                              detail=str(exc))) from exc
    moment = now or datetime.now().astimezone()
    record = folder / f"bien_ban_huy_{year}.docx"
    _write_record(settings, year, manifest, res, check.ok, moment, operator, years, record)
    res.record = record
    data = {
        "year": year,
        "disposed_at": moment.isoformat(timespec="seconds"),
        "operator": operator,
        "retention_years": years,
        "anonymized": res.anonymized,
        "verified_before": check.ok,
        "files": [{k: e[k] for k in ("path", "category", "size", "sha256")} for e in removed],
        "kept": [{k: e[k] for k in ("path", "category", "size", "sha256")} for e in kept],
        "working_files_removed": res.working_removed,
        "working_files_redacted": res.working_redacted,
        "sources_removed": res.sources_removed,
        "sources_left": res.sources_left,
        "records": [record.name],
    }
    data[signing.SIGNATURE] = signing.sign(data, signing.load_key(settings, True))
    res.record_json = fsutil.write_json(folder / DISPOSAL, data, what="disposal record",
                                        indent=2)
    signing.record_in_audit(settings, "archive_disposed", year=year,
                            signature=data[signing.SIGNATURE], files=len(removed),
                            working_files=len(res.working_removed),
                            sources_removed=len(res.sources_removed))
    return res


def _write_record(settings: Settings, year: int, manifest: dict[str, Any],
                  res: DisposalResult, verified: bool, moment: datetime, operator: str,
                  years: int, path: Path) -> None:
    """Biên bản hủy hồ sơ: header, legal basis, what was destroyed (per category, then every
    file with its SHA-256), what was kept, signatures."""
    doc = Document()
    O.setup_document(doc, 13)
    O.page_numbers(doc, 13)
    O.agency_header(doc, settings, O.CONTENT_W,
                    O.number_line("BB", settings.abbreviation),
                    O.date_line(settings.place, moment.date()), agency_rule_indent_mm=24.0,
                    motto_rule_indent_mm=17.0)
    O.title_block(doc, "BIÊN BẢN", [f"Hủy hồ sơ hết thời hạn lưu trữ năm {year}",
                                    f"(Quy trình {settings.procedure})"])

    def p(text: str, **kw):
        return O.body(doc, text, size=13, **kw)

    p(f"Hôm nay, vào lúc {moment:%H} giờ {moment:%M} ngày {_vn_date(moment.date())}, tại "
      f"{settings.agency_short_name}, {settings.iso_unit} tiến hành hủy các hồ sơ năm {year} "
      "đã hết thời hạn lưu trữ.")
    p(f"Căn cứ: Quy trình {settings.procedure}, mục 7 “Hồ sơ cần lưu”: Sổ ghi nhận ý kiến của "
      f"khách hàng và Phiếu khảo sát do {settings.iso_unit} lưu {years} năm; hồ sơ năm {year} "
      f"được lưu đến hết ngày {_vn_date(retain_until(year, years))}. Bộ hồ sơ được niêm phong "
      f"lúc {manifest.get('sealed_at', '')}; kiểm tra mã SHA-256 trước khi hủy: "
      + ("khớp toàn bộ." if verified else "có tệp không khớp (xem danh sách)."))
    p("Thành phần tham gia:", bold=True, after=3)
    who = operator or "………………………………"
    p(f"1. Ông/Bà {who} – người thực hiện;", after=3)
    p(f"2. Ông/Bà ……………………………… – đại diện {settings.iso_unit}.")
    p("I. HỒ SƠ ĐÃ HỦY", bold=True)
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in res.removed:
        by_cat[e["category"]].append(e)
    rows = [[str(i), category_name(c), str(len(es)), _human_size(sum(e["size"] for e in es))]
            for i, (c, es) in enumerate(sorted(by_cat.items()), 1)]
    rows.append(["", "Cộng", str(len(res.removed)),
                 _human_size(sum(e["size"] for e in res.removed))])
    O.data_table(doc, ["STT", "Loại hồ sơ", "Số tệp", "Dung lượng"], rows, [14, 96, 25, 30],
                 12, ["c", "l", "c", "c"], bold_last_row=True)
    p("", after=3)
    p("Phương thức hủy: xóa vĩnh viễn các tệp trên khỏi thư mục lưu trữ; dữ liệu định danh "
      "khách hàng trong cơ sở dữ liệu được ẩn danh"
      + (f" ({res.anonymized})" if res.anonymized else "") + ". Danh sách từng tệp kèm mã "
      "SHA-256 tại Phụ lục.")
    if res.working_removed or res.working_redacted:
        p(f"Đồng thời xóa {len(res.working_removed)} tệp làm việc do formkit tạo cho năm {year} "
          "(ảnh cắt chữ viết tay, ảnh trang đã đánh dấu, báo cáo đợt đọc, sổ duyệt phiếu, bộ "
          "nhớ đệm, bản sao lưu cơ sở dữ liệu)"
          + (f" và xóa dữ liệu năm {year} khỏi {len(res.working_redacted)} báo cáo đợt đọc "
             "dùng chung với năm khác" if res.working_redacted else "") + ".")
    if res.sources_removed:
        p(f"Đồng thời xóa {len(res.sources_removed)} tệp gốc ngoài thư mục lưu trữ có nội dung "
          "trùng khớp với bản lưu.")
    if res.sources_left:
        p(f"Còn {len(res.sources_left)} tệp gốc ngoài thư mục lưu trữ chưa được xóa (danh sách "
          "tại Phụ lục); cần xóa thủ công để không còn dữ liệu cá nhân.")
    p("II. HỒ SƠ GIỮ LẠI (không chứa dữ liệu cá nhân)", bold=True)
    if res.kept:
        for e in res.kept:
            p(f"- {category_name(e['category'])}: {Path(e['path']).name}", after=2)
    else:
        p("Không có.")
    p("Biên bản được lập thành 02 bản, 01 bản lưu tại thư mục lưu trữ, 01 bản lưu "
      f"{settings.iso_unit}.", before=6)
    table = doc.add_table(1, 2)
    X.fixed_table(table, [O.CONTENT_W / 2, O.CONTENT_W / 2])
    X.no_split_rows(table)
    for cell, head in zip(table.rows[0].cells,
                          ("NGƯỜI THỰC HIỆN", f"ĐẠI DIỆN {settings.iso_unit.upper()}"),
                          strict=True):
        O.cell_text(cell, head, 13, bold=True)
        O.cell_text(cell, "(Ký, ghi rõ họ tên)", 12, italic=True, new_paragraph=True)
        for _ in range(4):
            O.cell_text(cell, "", 13, new_paragraph=True)
    O.cell_text(table.rows[0].cells[0], operator, 13, bold=True, new_paragraph=True)
    p("", after=6)
    O.signature_block(doc, settings, [f"Lưu: VT, {settings.iso_unit}"], O.CONTENT_W,
                      signer_title="XÁC NHẬN CỦA LÃNH ĐẠO", signer_subtitle="", signer_name="")
    # appendix on its own page: every destroyed file with its SHA-256
    doc.add_page_break()
    O.body(doc, "PHỤ LỤC: DANH SÁCH TỆP ĐÃ HỦY", size=13, bold=True, indent_mm=0,
           align=WD_ALIGN_PARAGRAPH.CENTER)
    rows = [[str(i), e["path"], str(e["size"]), e["sha256"]]
            for i, e in enumerate(res.removed, 1)]
    O.data_table(doc, ["STT", "Tệp", "Byte", "SHA-256"], rows, [11, 62, 18, 74], 8,
                 ["c", "l", "r", "l"], keep_together=False)
    if res.working_removed or res.working_redacted:
        O.body(doc, "Tệp làm việc đã xóa hoặc xóa dữ liệu năm này:", size=12, bold=True,
               indent_mm=0, before=6)
        for s in res.working_removed + res.working_redacted:
            O.body(doc, s, size=9, indent_mm=0, after=0)
    if res.sources_left:
        O.body(doc, "Tệp gốc còn lại ngoài thư mục lưu trữ:", size=12, bold=True, indent_mm=0,
               before=6)
        for s in res.sources_left:
            O.body(doc, s, size=9, indent_mm=0, after=0)
    with fsutil.atomic_path(path, "disposal record") as tmp:
        doc.save(str(tmp))
