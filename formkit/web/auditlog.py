"""The audit log as the office reads it: Vietnamese names for the actions and their
details (file names without their folders, nothing empty), filters by who, what and when,
and the same lines as a workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from formkit.app.accounts import AuditFilter, Store, audit_choices, audit_page, audit_workbook

__all__ = ["ACTIONS", "DETAILS", "AuditFilter", "AuditLine", "action_label", "choices",
           "describe", "query", "workbook"]

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


def query(store: Store, f: AuditFilter, limit: int = 300) -> tuple[list[AuditLine], int]:
    """The newest `limit` lines matching `f`, and how many match in all."""
    rows, total = audit_page(store, f, limit)
    return [AuditLine(r.id, r.at, r.actor, r.action, action_label(r.action),
                      describe(r.details)) for r in rows], total


def choices(store: Store) -> tuple[list[str], list[tuple[str, str]]]:
    """The people and the actions found in the log, for the filter lists."""
    actors, actions = audit_choices(store)
    return actors, sorted(((a, action_label(a)) for a in actions), key=lambda x: x[1])


def workbook(lines: list[AuditLine], title: str) -> bytes:
    """The lines as an XLSX (time, person, action, details), ready to print."""
    return audit_workbook([(ln.id, ln.at, ln.actor, ln.label, ln.text) for ln in lines], title)
