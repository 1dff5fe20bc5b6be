"""The audit log as the office reads it: Vietnamese names for the actions and their
details (file names without their folders, nothing empty), filters by who, what and when,
and the same lines as a workbook."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, select

from formkit.store import Store
from formkit.store.models import AuditLog

#: action code → what happened, in Vietnamese
ACTIONS: dict[str, str] = {
    "web_login": "Đăng nhập",
    "web_login_failed": "Đăng nhập sai",
    "serials_cancelled": "Hủy phiếu đã cấp số",
    "web_user_add": "Tạo tài khoản",
    "web_user_role": "Đổi vai trò tài khoản",
    "web_user_password": "Đặt mật khẩu mới",
    "web_user_disabled": "Khóa tài khoản",
    "web_user_active": "Mở khóa tài khoản",
    "web_upload": "Tải bản quét lên",
    "web_upload_retry": "Đọc lại lô quét",
    "web_forms_build": "Tạo biểu mẫu",
    "web_export_register": "Xuất sổ ghi nhận",
    "web_export_audit": "Xuất nhật ký",
    "web_annual_report": "Lập báo cáo năm",
    "web_archive_seal": "Niêm phong hồ sơ năm",
    "web_archive_verify": "Xác minh hồ sơ lưu trữ",
    "batch_saved": "Lưu kết quả đọc lô quét",
    "review_applied": "Kiểm tra kết quả đọc",
    "register_add": "Thêm ý kiến vào sổ",
    "register_edit": "Sửa nội dung ý kiến",
    "register_status": "Đổi tình trạng xử lý",
    "register_group": "Đổi nhóm ý kiến",
    "register_void": "Hủy mục trong sổ",
    "register_import": "Nhập sổ từ tệp",
    "register_classify": "Phân loại lại ý kiến",
    "register_from_surveys": "Lấy ý kiến từ phiếu khảo sát",
    "responses_added": "Nhập kết quả khảo sát trực tuyến",
    "anonymize_year": "Xóa dữ liệu cá nhân của năm (hết hạn lưu trữ)",
}

#: detail key → its Vietnamese label
DETAILS: dict[str, str] = {
    "user": "tài khoản", "role": "vai trò", "before": "trước", "after": "sau",
    "entry": "mục số", "date": "ngày", "source": "nguồn", "unit": "đơn vị",
    "fields": "trường", "year": "năm", "file": "tệp", "files": "tệp", "form": "biểu mẫu",
    "copies": "số bản", "layout": "phiên bản bố cục", "rules": "quy tắc", "reason": "lý do",
    "address": "địa chỉ máy", "entries": "số mục", "added": "thêm", "skipped": "bỏ qua",
    "changed": "thay đổi", "kept": "giữ", "batch": "lô", "pages": "số trang",
    "sheets": "số phiếu", "rejected": "trang bị loại", "ok": "khớp", "missing": "thiếu",
    "channels": "kênh", "preview": "bản xem trước", "replace": "thay bản cũ",
    "categories": "nhóm tệp", "filtered": "có lọc", "item": "mục kiểm tra",
    "field": "câu hỏi", "count": "số lượng", "lines": "số dòng",
}


def action_label(code: str) -> str:
    return ACTIONS.get(code, code.replace("_", " "))


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        return ", ".join(_value(key, v) for v in value)
    text = str(value)
    if key in ("file", "files", "rules", "path") or "/" in text or "\\" in text:
        text = PurePath(text.replace("\\", "/")).name or text  # no server folders shown
    return text


def describe(details: dict[str, Any] | None) -> str:
    """'năm 2026; tệp BM.QT.SCT.05-01_2026.xlsx' — empty values left out."""
    parts = []
    for key, value in (details or {}).items():
        if value is None or value == "" or value == []:
            continue
        parts.append(f"{DETAILS.get(key, key)} {_value(key, value)}")
    return "; ".join(parts)


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    actor: str
    action: str
    label: str
    text: str


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    def where(self, q: Any) -> Any:
        if self.actor:
            q = q.where(AuditLog.actor == self.actor)
        if self.action:
            q = q.where(AuditLog.action == self.action)
        if self.since:
            q = q.where(AuditLog.at >= datetime.combine(self.since, time.min))
        if self.until:
            q = q.where(AuditLog.at <= datetime.combine(self.until, time.max))
        return q


def query(store: Store, f: AuditFilter, limit: int = 300) -> tuple[list[AuditLine], int]:
    """The newest `limit` lines matching `f`, and how many match in all."""
    with store.read_session() as s:
        total = s.scalar(f.where(select(func.count()).select_from(AuditLog))) or 0
        rows = s.scalars(f.where(select(AuditLog)).order_by(AuditLog.id.desc())
                         .limit(limit)).all()
        lines = []
        for r in rows:
            try:
                details = json.loads(r.details or "{}")
            except ValueError:
                details = {}
            lines.append(AuditLine(r.id, r.at, r.actor or "", r.action,
                                   action_label(r.action),
                                   describe(details if isinstance(details, dict) else {})))
    return lines, total


def choices(store: Store) -> tuple[list[str], list[tuple[str, str]]]:
    """The people and the actions found in the log, for the filter lists."""
    with store.read_session() as s:
        actors = sorted(a for a in s.scalars(select(AuditLog.actor).distinct()) if a)
        actions = sorted(a for a in s.scalars(select(AuditLog.action).distinct()) if a)
    return actors, sorted(((a, action_label(a)) for a in actions), key=lambda x: x[1])


def workbook(lines: list[AuditLine], title: str) -> bytes:
    """The lines as an XLSX (time, person, action, details), ready to print."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Nhật ký"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Số", "Thời điểm", "Người thực hiện", "Thao tác", "Chi tiết"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for line in lines:
        ws.append([line.id, line.at, line.actor, line.label, line.text])
        ws.cell(ws.max_row, 2).number_format = "dd/mm/yyyy hh:mm"
        ws.cell(ws.max_row, 5).alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDE", (8, 17, 18, 30, 70), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:E{max(ws.max_row, 2)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
